"""Commit rates: usage a COMMIT_RATE commit pays for is priced at the rate's `commit_rate`, and the
rest at the list rate; a LIST_RATE commit pays list prices (Metronome's `commit_rate`: "You can
choose to use this rate rather than list rate when consuming a credit or commit"). Figures are
worked out by hand below."""

import uuid
from datetime import timedelta

from helpers import freeze_clock, iso, utc
from pricing_helpers import FIXTURE_PRODUCT_IDS

COMMIT_PRODUCT = FIXTURE_PRODUCT_IDS["prepaid_commit"]
JAN, FEB = utc(2026, 1, 1), utc(2026, 2, 1)


def card_with_commit_rate(client, commit_rate=None, **rate):
    metric = client.v1.billable_metrics.create(
        name=f"units-{uuid.uuid4().hex[:6]}", aggregation_type="COUNT", event_type_filter={"in_values": ["unit"]}).data.id
    product = client.v1.contracts.products.create(name="Units", type="USAGE", billable_metric_id=metric).data.id
    card = client.v1.contracts.rate_cards.create(name=f"Units {uuid.uuid4().hex[:6]}").data.id
    client.v1.contracts.rate_cards.rates.add(rate_card_id=card, product_id=product, entitled=True, starting_at=utc(2025, 1, 1),
                                             commit_rate=commit_rate or {"rate_type": "FLAT", "price": 80}, **rate)
    return card


def statement(client, http, card, rate_type, units, amount=800):
    freeze_clock(http, utc(2026, 1, 20))
    c = client.v1.customers.create(name=f"Commit rate {rate_type}").data.id
    client.v1.contracts.create(customer_id=c, starting_at=JAN, rate_card_id=card, commits=[{
        "type": "PREPAID", "product_id": COMMIT_PRODUCT, "priority": 1, "rate_type": rate_type,
        "access_schedule": {"schedule_items": [{"amount": amount, "starting_at": iso(JAN), "ending_before": iso(FEB)}]}}])
    client.v1.usage.ingest(usage=[
        {"transaction_id": uuid.uuid4().hex, "customer_id": c, "event_type": "unit",
         "timestamp": iso(utc(2026, 1, 10) + timedelta(minutes=i))} for i in range(units)])
    [draft] = [i for i in client.v1.customers.invoices.list(customer_id=c) if i.type == "USAGE"]
    return draft


def test_a_commit_rate_commit_pays_for_units_at_the_commit_rate(client, http):
    draft = statement(client, http, card_with_commit_rate(client, rate_type="FLAT", price=100), "COMMIT_RATE", 20)
    usage = sorted((li.quantity, li.unit_price, li.total) for li in draft.line_items if li.type == "usage")
    # 800 at 80 a unit pays for 10 units; the other 10 are billed at the list price of 100.
    assert usage == [(10, 80, 800), (10, 100, 1000)]
    assert draft.total == 1000


def test_a_list_rate_commit_pays_list_prices(client, http):
    draft = statement(client, http, card_with_commit_rate(client, rate_type="FLAT", price=100), "LIST_RATE", 20)
    usage = sorted((li.quantity, li.unit_price, li.total) for li in draft.line_items if li.type == "usage")
    # 800 at the list price of 100 pays for 8 units; 12 are left.
    assert usage == [(8, 100, 800), (12, 100, 1200)]
    assert draft.total == 1200


def test_a_commit_rate_applies_across_tiers(client, http):
    card = card_with_commit_rate(client, rate_type="TIERED", tiers=[{"size": 5, "price": 120}, {"price": 100}])
    draft = statement(client, http, card, "COMMIT_RATE", 20)
    # The commit pays 10 units at 80 (the 5 of the first tier, then 5 of the second); 10 are left at 100.
    assert draft.total == 10 * 100


TIERED_COMMIT_RATE = {"rate_type": "TIERED", "tiers": [{"size": 5, "price": 80}, {"price": 60}]}


def test_a_tiered_commit_rate_prices_each_unit_the_commit_pays_for_by_its_tier(client, http):
    card = card_with_commit_rate(client, TIERED_COMMIT_RATE, rate_type="FLAT", price=100)
    draft = statement(client, http, card, "COMMIT_RATE", 20, amount=700)
    usage = sorted(((li.quantity, li.unit_price, li.total) for li in draft.line_items if li.type == "usage"), reverse=True)
    # 700 pays for units 1-5 at 80 (400), then 300 / 60 = 5 more at 60; the other 10 are billed at 100.
    assert usage == [(10, 100, 1000), (5, 80, 400), (5, 60, 300)]
    assert draft.total == 1000


def test_a_tiered_commit_rate_counts_units_across_the_list_rates_tiers(client, http):
    card = card_with_commit_rate(client, {"rate_type": "TIERED", "tiers": [{"size": 3, "price": 90}, {"price": 70}]},
                                 rate_type="TIERED", tiers=[{"size": 5, "price": 120}, {"price": 100}])
    draft = statement(client, http, card, "COMMIT_RATE", 20, amount=480)
    usage = sorted(((li.quantity, li.unit_price, li.total) for li in draft.line_items if li.type == "usage"), reverse=True)
    # List: units 1-5 at 120, 6-20 at 100. Commit: units 1-3 at 90 (270) and 4-5 at 70 (140) use up
    # the first list tier; the 70 left pays for unit 6 at 70. Units 7-20 (14) are billed at 100.
    assert usage == [(14, 100, 1400), (3, 90, 270), (2, 70, 140), (1, 70, 70)]
    assert draft.total == 1400
