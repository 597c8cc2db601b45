"""Composite products on contracts: a PERCENTAGE rate bills a fraction of what the products it
names bill; a TIERED_PERCENTAGE rate bills each range of that amount at its tier's fraction.
Figures are worked out by hand below."""

import uuid
from datetime import timedelta

from helpers import freeze_clock, iso, utc

JAN = utc(2026, 1, 1)


def contract_with_support(client, http, rate, units):
    freeze_clock(http, utc(2026, 1, 20))
    tag = f"t{uuid.uuid4().hex[:6]}"
    metric = client.v1.billable_metrics.create(
        name=f"units-{tag}", aggregation_type="COUNT", event_type_filter={"in_values": [tag]}).data.id
    units_product = client.v1.contracts.products.create(name="Units", type="USAGE", billable_metric_id=metric, tags=[tag]).data.id
    support = client.v1.contracts.products.create(name="Support", type="COMPOSITE", composite_tags=[tag]).data.id
    card = client.v1.contracts.rate_cards.create(name=f"Card {tag}").data.id
    client.v1.contracts.rate_cards.rates.add(rate_card_id=card, product_id=units_product, entitled=True, rate_type="FLAT",
                                             price=100, starting_at=utc(2025, 1, 1))
    client.v1.contracts.rate_cards.rates.add(rate_card_id=card, product_id=support, entitled=True, starting_at=utc(2025, 1, 1),
                                             **rate)
    c = client.v1.customers.create(name=f"Supported {tag}").data.id
    client.v1.contracts.create(customer_id=c, starting_at=JAN, rate_card_id=card)
    client.v1.usage.ingest(usage=[
        {"transaction_id": uuid.uuid4().hex, "customer_id": c, "event_type": tag,
         "timestamp": iso(utc(2026, 1, 10) + timedelta(minutes=i))} for i in range(units)])
    [draft] = [i for i in client.v1.customers.invoices.list(customer_id=c) if i.type == "USAGE"]
    return [(li.name, li.total) for li in draft.line_items if li.name == "Support"], draft.total


def test_a_percentage_composite_bills_a_fraction_of_its_products(client, http):
    support, total = contract_with_support(client, http, {"rate_type": "PERCENTAGE", "price": 0.1}, 15)
    assert support == [("Support", 150)]  # 10% of 15 × 100
    assert total == 1500 + 150


def test_a_tiered_percentage_composite_bills_each_range_at_its_fraction(client, http):
    rate = {"rate_type": "TIERED_PERCENTAGE", "tiers": [{"size": 1000, "price": 0.1}, {"price": 0.05}]}
    support, total = contract_with_support(client, http, rate, 15)
    assert support == [("Support", 100), ("Support", 25)]  # 10% of the first 1000, 5% of the other 500
    assert total == 1500 + 125
