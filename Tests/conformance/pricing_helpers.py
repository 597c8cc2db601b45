"""Helpers and fixture IDs shared by the product and rate card conformance tests."""

from __future__ import annotations

import uuid
from datetime import timedelta

from helpers import USD_CENTS_ID, iso, utc  # noqa: F401  (USD_CENTS_ID re-exported for the tests)

# The demo catalog in fixtures/ (billable_metrics.json, products.json, rate_cards.json).
FIXTURE_METRIC_IDS = {
    "api_calls": "0b6f2c1e-5a1d-4c7e-9f00-000000000001",
    "tokens": "0b6f2c1e-5a1d-4c7e-9f00-000000000002",
}
FIXTURE_PRODUCT_IDS = {
    "api_calls": "1c7a3d2f-6b2e-4d8f-a000-000000000001",
    "tokens": "1c7a3d2f-6b2e-4d8f-a000-000000000002",
    "prepaid_commit": "1c7a3d2f-6b2e-4d8f-a000-000000000003",
    "seat": "1c7a3d2f-6b2e-4d8f-a000-000000000004",
}
STANDARD_RATE_CARD_ID = "2d8b4e3a-7c3f-4e9a-b000-000000000001"


def count_metric(client, name="calls", **kw):
    return client.v1.billable_metrics.create(name=name, aggregation_type="COUNT", **kw).data.id


def usage_product(client, name="Calls", metric_id=None, **kw):
    metric_id = metric_id or count_metric(client)
    return client.v1.contracts.products.create(name=name, type="USAGE", billable_metric_id=metric_id, **kw).data.id


def fixed_product(client, name="Fee", **kw):
    return client.v1.contracts.products.create(name=name, type="FIXED", **kw).data.id


def rate_card(client, name="Card", **kw):
    return client.v1.contracts.rate_cards.create(name=name, **kw).data.id


def product_ids(client, **kw):
    return [p.id for p in client.v1.contracts.products.list(**kw)]


def unit_rate_card(client, price=100, **rate):
    """A new rate card pricing each `unit` event at `price` cents from 2025 (with `rate`'s other
    fields), and the product it prices."""
    metric = client.v1.billable_metrics.create(
        name=f"units-{uuid.uuid4().hex[:6]}", aggregation_type="COUNT", event_type_filter={"in_values": ["unit"]}).data.id
    product = client.v1.contracts.products.create(name="Units", type="USAGE", billable_metric_id=metric).data.id
    card = client.v1.contracts.rate_cards.create(name=f"Units {uuid.uuid4().hex[:6]}").data.id
    client.v1.contracts.rate_cards.rates.add(rate_card_id=card, product_id=product, entitled=True, starting_at=utc(2025, 1, 1),
                                             rate_type="FLAT", price=price, **rate)
    return card, product


def ingest_units(client, customer_id, units, start=utc(2026, 1, 10)):
    """`units` events of type `unit` for the customer, a minute apart from `start`."""
    client.v1.usage.ingest(usage=[
        {"transaction_id": uuid.uuid4().hex, "customer_id": customer_id, "event_type": "unit",
         "timestamp": iso(start + timedelta(minutes=i))} for i in range(units)])


def usage_draft(client, customer_id):
    """The customer's one usage statement."""
    [draft] = [i for i in client.v1.customers.invoices.list(customer_id=customer_id) if i.type == "USAGE"]
    return draft
