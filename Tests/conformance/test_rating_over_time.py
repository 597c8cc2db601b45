"""Rating that follows time: a rate or override whose window starts or ends inside a billing
period splits the period's line there, each part priced by what is in force at its start;
TIERED overrides and EXPLICIT prioritization; usage filters from their `starting_at`; a
subscription's billing periods. Every expected figure is worked out by hand below."""

import uuid
from datetime import timedelta

import pytest

from helpers import expect_api_error, freeze_clock, iso, utc

JAN, FEB, MAR, APR = utc(2026, 1, 1), utc(2026, 2, 1), utc(2026, 3, 1), utc(2026, 4, 1)


def customer(client):
    return client.v1.customers.create(name="Timed", ingest_aliases=[f"alias-{uuid.uuid4().hex[:8]}"]).data.id


def ingest(client, customer_id, count, when, **properties):
    client.v1.usage.ingest(usage=[
        {"transaction_id": uuid.uuid4().hex, "customer_id": customer_id, "event_type": "unit",
         "timestamp": iso(when + timedelta(minutes=i)), "properties": properties}
        for i in range(count)
    ])


def unit_card(client, price=100, group_keys=None):
    """A card pricing a COUNT of `unit` events at `price` cents from 2025."""
    metric = client.v1.billable_metrics.create(
        name=f"units-{uuid.uuid4().hex[:6]}", aggregation_type="COUNT", event_type_filter={"in_values": ["unit"]},
        **({"group_keys": group_keys} if group_keys else {})).data.id
    product = client.v1.contracts.products.create(name="Units", type="USAGE", billable_metric_id=metric).data.id
    card = client.v1.contracts.rate_cards.create(name=f"Units {uuid.uuid4().hex[:6]}").data.id
    client.v1.contracts.rate_cards.rates.add(
        rate_card_id=card, product_id=product, entitled=True, rate_type="FLAT", price=price, starting_at=utc(2025, 1, 1))
    return card, product


def january_statement(client, customer_id):
    [statement] = [i for i in client.v1.customers.invoices.list(customer_id=customer_id)
                   if i.type == "USAGE" and i.start_timestamp == JAN]
    return statement


def unit_lines(statement, product):
    return [(li.quantity, li.unit_price, li.total, li.starting_at, li.ending_before)
            for li in statement.line_items if li.product_id == product]


def test_a_price_change_on_the_10th_splits_the_line_there(client, http):
    freeze_clock(http, utc(2026, 1, 8))
    card, product = unit_card(client, price=100)
    client.v1.contracts.rate_cards.rates.add(
        rate_card_id=card, product_id=product, entitled=True, rate_type="FLAT", price=150, starting_at=utc(2026, 1, 10))
    c = customer(client)
    client.v1.contracts.create(customer_id=c, starting_at=JAN, rate_card_id=card)
    ingest(client, c, 5, utc(2026, 1, 5))

    # Before the change, the draft already shows both parts; the later one has nothing yet.
    assert unit_lines(january_statement(client, c), product) == [
        (5, 100, 500, JAN, utc(2026, 1, 10)), (0, 150, 0, utc(2026, 1, 10), FEB)]

    freeze_clock(http, utc(2026, 1, 20))
    ingest(client, c, 3, utc(2026, 1, 15))
    expected = [(5, 100, 500, JAN, utc(2026, 1, 10)), (3, 150, 450, utc(2026, 1, 10), FEB)]
    draft = january_statement(client, c)
    assert unit_lines(draft, product) == expected
    assert draft.total == 5 * 100 + 3 * 150

    freeze_clock(http, utc(2026, 2, 3))  # past the day of grace: finalized as rated
    final = january_statement(client, c)
    assert final.status == "FINALIZED"
    assert unit_lines(final, product) == expected


def test_an_override_for_the_first_week_prices_only_that_week(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    card, product = unit_card(client, price=100)
    c = customer(client)
    client.v1.contracts.create(
        customer_id=c, starting_at=JAN, rate_card_id=card,
        overrides=[{"starting_at": iso(JAN), "ending_before": iso(utc(2026, 1, 8)), "product_id": product,
                    "type": "MULTIPLIER", "multiplier": 0.5}])
    ingest(client, c, 4, utc(2026, 1, 3))
    ingest(client, c, 6, utc(2026, 1, 12))
    draft = january_statement(client, c)
    assert unit_lines(draft, product) == [(4, 50, 200, JAN, utc(2026, 1, 8)), (6, 100, 600, utc(2026, 1, 8), FEB)]
    assert draft.total == 4 * 50 + 6 * 100


def test_an_override_of_another_product_does_not_split_this_one(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    card, product = unit_card(client, price=100)
    other = client.v1.contracts.products.create(name="Other", type="USAGE", billable_metric_id=client.v1.billable_metrics.create(
        name=f"other-{uuid.uuid4().hex[:6]}", aggregation_type="COUNT", event_type_filter={"in_values": ["other"]}).data.id).data.id
    client.v1.contracts.rate_cards.rates.add(
        rate_card_id=card, product_id=other, entitled=True, rate_type="FLAT", price=7, starting_at=utc(2025, 1, 1))
    c = customer(client)
    client.v1.contracts.create(
        customer_id=c, starting_at=JAN, rate_card_id=card,
        overrides=[{"starting_at": iso(utc(2026, 1, 8)), "product_id": other, "type": "MULTIPLIER", "multiplier": 2}])
    ingest(client, c, 4, utc(2026, 1, 3))
    assert unit_lines(january_statement(client, c), product) == [(4, 100, 400, JAN, FEB)]


def test_tiered_override_needs_explicit_prioritization_and_multiplies_by_tier(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    card, product = unit_card(client, price=100)
    c = customer(client)
    tiered = {"starting_at": iso(JAN), "product_id": product, "type": "TIERED", "priority": 1,
              "tiers": [{"multiplier": 0.5, "size": 5}, {"multiplier": 1}]}
    with expect_api_error(400) as info:
        client.v1.contracts.create(customer_id=c, starting_at=JAN, rate_card_id=card, overrides=[tiered])
    assert "EXPLICIT" in info["error"].body["message"]
    with expect_api_error(400) as info:
        client.v1.contracts.create(
            customer_id=c, starting_at=JAN, rate_card_id=card, multiplier_override_prioritization="EXPLICIT",
            overrides=[{k: v for k, v in tiered.items() if k != "priority"}])
    assert "priority" in info["error"].body["message"]
    assert client.v1.contracts.list(customer_id=c).data == []

    contract_id = client.v1.contracts.create(
        customer_id=c, starting_at=JAN, rate_card_id=card, multiplier_override_prioritization="EXPLICIT",
        overrides=[tiered]).data.id
    ingest(client, c, 8, utc(2026, 1, 3))
    draft = january_statement(client, c)
    assert [(li.quantity, li.unit_price, li.total) for li in draft.line_items if li.product_id == product] == [
        (5, 50, 250), (3, 100, 300)]
    assert draft.total == 5 * 50 + 3 * 100
    v2 = client.v2.contracts.retrieve(customer_id=c, contract_id=contract_id).data
    assert v2.multiplier_override_prioritization == "EXPLICIT"


@pytest.mark.parametrize("prioritization, price", [(None, 50), ("LOWEST_MULTIPLIER", 50), ("EXPLICIT", 90)])
def test_prioritization_picks_the_lowest_multiplier_or_the_lowest_priority(client, http, prioritization, price):
    freeze_clock(http, utc(2026, 1, 20))
    card, product = unit_card(client, price=100)
    c = customer(client)
    client.v1.contracts.create(
        customer_id=c, starting_at=JAN, rate_card_id=card,
        **({"multiplier_override_prioritization": prioritization} if prioritization else {}),
        overrides=[
            {"starting_at": iso(JAN), "product_id": product, "type": "MULTIPLIER", "multiplier": 0.9, "priority": 1},
            {"starting_at": iso(JAN), "product_id": product, "type": "MULTIPLIER", "multiplier": 0.5, "priority": 2},
        ])
    ingest(client, c, 2, utc(2026, 1, 3))
    assert [(li.quantity, li.unit_price) for li in january_statement(client, c).line_items if li.product_id == product] == [
        (2, price)]


def test_usage_filter_rates_only_the_filtered_usage_from_its_start(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    card, product = unit_card(client, price=100, group_keys=[["project"]])
    c = customer(client)
    contract_id = client.v1.contracts.create(
        customer_id=c, starting_at=JAN, rate_card_id=card,
        usage_filter={"group_key": "project", "group_values": ["p1"]}).data.id
    ingest(client, c, 3, utc(2026, 1, 3), project="p1")
    ingest(client, c, 2, utc(2026, 1, 4), project="p2")
    assert unit_lines(january_statement(client, c), product) == [(3, 100, 300, JAN, FEB)]

    client.v1.contracts.set_usage_filter(
        customer_id=c, contract_id=contract_id, group_key="project", group_values=["p2"], starting_at=utc(2026, 1, 15))
    ingest(client, c, 4, utc(2026, 1, 16), project="p2")
    ingest(client, c, 1, utc(2026, 1, 17), project="p1")
    # p1 counts before the 15th (3 events), p2 from then on (4 events).
    assert unit_lines(january_statement(client, c), product) == [
        (3, 100, 300, JAN, utc(2026, 1, 15)), (4, 100, 400, utc(2026, 1, 15), FEB)]

    v1 = client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data
    usage_filter = v1.current.usage_filter
    assert (usage_filter.initial.group_values, usage_filter.initial.starting_at) == (["p1"], JAN)
    assert (usage_filter.current.group_values, usage_filter.current.starting_at) == (["p2"], utc(2026, 1, 15))
    assert [(u.group_values, u.starting_at) for u in usage_filter.updates] == [(["p2"], utc(2026, 1, 15))]
    v2 = client.v2.contracts.retrieve(customer_id=c, contract_id=contract_id).data
    assert [(f.group_values, f.starting_at, f.ending_before) for f in v2.usage_filter] == [
        (["p1"], JAN, utc(2026, 1, 15)), (["p2"], utc(2026, 1, 15), None)]


def test_usage_filter_needs_a_group_key_of_the_cards_metrics_and_bad_ones_change_nothing(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    card, _ = unit_card(client, price=100)  # its metric has no group keys
    c = customer(client)
    with expect_api_error(400) as info:
        client.v1.contracts.create(
            customer_id=c, starting_at=JAN, rate_card_id=card, usage_filter={"group_key": "project", "group_values": ["p1"]})
    assert "group key" in info["error"].body["message"]
    assert client.v1.contracts.list(customer_id=c).data == []
    contract_id = client.v1.contracts.create(customer_id=c, starting_at=JAN, rate_card_id=card).data.id
    for bad in [
        {"group_key": "project", "group_values": ["p1"], "starting_at": utc(2026, 1, 2)},  # not a group key
        {"group_key": "project", "group_values": [], "starting_at": utc(2026, 1, 2)},
        {"group_key": "", "group_values": ["p1"], "starting_at": utc(2026, 1, 2)},
    ]:
        with expect_api_error(400):
            client.v1.contracts.set_usage_filter(customer_id=c, contract_id=contract_id, **bad)
    with expect_api_error(404):
        client.v1.contracts.set_usage_filter(
            customer_id=c, contract_id=str(uuid.uuid4()), group_key="k", group_values=["v"], starting_at=JAN)
    assert client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data.current.usage_filter is None


def test_a_usage_filter_set_back_in_time_leaves_finalized_invoices_alone(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    card, product = unit_card(client, price=100, group_keys=[["project"]])
    c = customer(client)
    contract_id = client.v1.contracts.create(customer_id=c, starting_at=JAN, rate_card_id=card).data.id
    ingest(client, c, 3, utc(2026, 1, 3), project="p1")
    ingest(client, c, 2, utc(2026, 1, 4), project="p2")
    freeze_clock(http, utc(2026, 2, 10))
    assert january_statement(client, c).status == "FINALIZED"
    ingest(client, c, 5, utc(2026, 2, 5), project="p1")
    ingest(client, c, 1, utc(2026, 2, 6), project="p2")

    client.v1.contracts.set_usage_filter(
        customer_id=c, contract_id=contract_id, group_key="project", group_values=["p2"], starting_at=JAN)
    assert unit_lines(january_statement(client, c), product) == [(5, 100, 500, JAN, FEB)]
    [february] = [i for i in client.v1.customers.invoices.list(customer_id=c)
                  if i.type == "USAGE" and i.start_timestamp == FEB]
    assert [(li.quantity, li.total) for li in february.line_items if li.product_id == product] == [(1, 100)]


def test_subscription_billing_periods_are_the_previous_current_and_next(client, http):
    freeze_clock(http, utc(2026, 2, 10))
    c = customer(client)
    seat = client.v1.contracts.products.create(name="Seat", type="SUBSCRIPTION").data.id
    card = client.v1.contracts.rate_cards.create(name=f"Seats {uuid.uuid4().hex[:6]}").data.id
    client.v1.contracts.rate_cards.rates.add(
        rate_card_id=card, product_id=seat, entitled=True, rate_type="SUBSCRIPTION", price=1000,
        starting_at=utc(2025, 1, 1), billing_frequency="MONTHLY", is_prorated=True)
    contract_id = client.v1.contracts.create(
        customer_id=c, starting_at=JAN, ending_before=utc(2026, 3, 15), rate_card_id=card,
        subscriptions=[{"collection_schedule": "ADVANCE", "initial_quantity": 1, "proration": {"is_prorated": True},
                        "subscription_rate": {"billing_frequency": "MONTHLY", "product_id": seat}}]).data.id
    [subscription] = client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data.subscriptions
    periods = subscription.billing_periods
    assert (periods.previous.starting_at, periods.previous.ending_before) == (JAN, FEB)
    assert (periods.current.starting_at, periods.current.ending_before) == (FEB, MAR)
    assert (periods.next.starting_at, periods.next.ending_before) == (MAR, utc(2026, 3, 15))  # cut at the contract's end

    freeze_clock(http, utc(2026, 4, 1))
    [subscription] = client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data.subscriptions
    periods = subscription.billing_periods
    assert (periods.previous.starting_at, periods.current, periods.next) == (MAR, None, None)
