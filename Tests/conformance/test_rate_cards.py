"""Rate cards, their rates, product order and named schedules."""

from __future__ import annotations

import uuid

import pytest

from helpers import USD_CENTS_ID, assert_error_response, assert_uuid4, expect_api_error, freeze_clock, utc
from pricing_helpers import (
    FIXTURE_PRODUCT_IDS,
    STANDARD_RATE_CARD_ID,
    fixed_product,
    rate_card,
    usage_product,
)

JAN1 = utc(2026, 1, 1)
FEB1 = utc(2026, 2, 1)
MAR1 = utc(2026, 3, 1)
APR1 = utc(2026, 4, 1)


def flat(client, card, product, price, starting_at, **kw):
    return client.v1.contracts.rate_cards.rates.add(
        rate_card_id=card, product_id=product, entitled=True, rate_type="FLAT", price=price, starting_at=starting_at, **kw
    ).data


def rates_at(client, card, at, **kw):
    return list(client.v1.contracts.rate_cards.rates.list(rate_card_id=card, at=at, **kw))


def schedule(client, card, starting_at, **kw):
    return client.v1.contracts.rate_cards.retrieve_rate_schedule(rate_card_id=card, starting_at=starting_at, **kw)


def card_ids(client):
    return [c.id for c in client.v1.contracts.rate_cards.list()]


# ====================================================================== rate cards


def test_create_and_get_roundtrip(client, http):
    freeze_clock(http, JAN1)
    resp = client.v1.contracts.rate_cards.create(
        name="Enterprise", description="big", aliases=[{"name": "ent", "starting_at": JAN1}], custom_fields={"a": "b"},
    )
    assert_uuid4(resp.data.id)
    c = client.v1.contracts.rate_cards.retrieve(id=resp.data.id).data
    assert c.name == "Enterprise"
    assert c.description == "big"
    assert c.created_at == JAN1
    assert c.created_by
    assert c.custom_fields == {"a": "b"}
    assert c.fiat_credit_type.id == USD_CENTS_ID
    assert c.fiat_credit_type.name == "USD (cents)"
    assert [(a.name, a.starting_at, a.ending_before) for a in c.aliases] == [("ent", JAN1, None)]
    assert c.credit_type_conversions in (None, [])


def test_fixture_standard_rate_card(client):
    c = client.v1.contracts.rate_cards.retrieve(id=STANDARD_RATE_CARD_ID).data
    assert c.name == "Standard"
    rows = rates_at(client, STANDARD_RATE_CARD_ID, JAN1)
    by_product = {r.product_id: r for r in rows}
    assert by_product[FIXTURE_PRODUCT_IDS["api_calls"]].rate.rate_type == "FLAT"
    assert by_product[FIXTURE_PRODUCT_IDS["tokens"]].rate.rate_type == "TIERED"
    assert by_product[FIXTURE_PRODUCT_IDS["seat"]].billing_frequency == "MONTHLY"


@pytest.mark.parametrize("body,status", [
    ({}, 400),
    ({"name": ""}, 400),
    ({"name": "x", "fiat_credit_type_id": "nope"}, 400),
    ({"name": "x", "fiat_credit_type_id": str(uuid.uuid4())}, 404),
    ({"name": "x", "aliases": [{"name": ""}]}, 400),
    ({"name": "x", "aliases": [{"name": "a", "starting_at": "2026-02-01T00:00:00Z", "ending_before": "2026-01-01T00:00:00Z"}]}, 400),
    ({"name": "x", "aliases": [{"name": "a"}, {"name": "a"}]}, 400),
    ({"name": "x", "credit_type_conversions": [{"custom_credit_type_id": USD_CENTS_ID, "fiat_per_custom_credit": 2}]}, 400),
])
def test_create_validation_creates_nothing(http, client, body, status):
    before = card_ids(client)
    assert_error_response(http.post("/v1/contract-pricing/rate-cards/create", json=body), status)
    assert card_ids(client) == before


def alias_windows(client, card):
    return [(a.name, a.starting_at, a.ending_before) for a in client.v1.contracts.rate_cards.retrieve(id=card).data.aliases]


def test_an_alias_given_to_another_card_names_it_from_then_on(client, http):
    # Metronome's grandfathering: the alias names the card it was most recently assigned to, and
    # the earlier card's alias schedule is cut where the new one starts.
    name = f"plg-{uuid.uuid4().hex[:6]}"
    a = rate_card(client, "A", aliases=[{"name": name}])
    b = rate_card(client, "B", aliases=[{"name": name, "starting_at": MAR1}])
    assert alias_windows(client, a) == [(name, None, MAR1)]
    assert alias_windows(client, b) == [(name, MAR1, None)]
    customer = client.v1.customers.create(name="Grandfathered").data.id
    early = client.v1.contracts.create(customer_id=customer, starting_at=FEB1, rate_card_alias=name).data.id
    late = client.v1.contracts.create(customer_id=customer, starting_at=MAR1, rate_card_alias=name).data.id
    assert client.v1.contracts.retrieve(customer_id=customer, contract_id=early).data.current.rate_card_id == a
    assert client.v1.contracts.retrieve(customer_id=customer, contract_id=late).data.current.rate_card_id == b

    # A window inside another card's keeps that card's alias before and after it.
    c = rate_card(client, "C", aliases=[{"name": name, "starting_at": FEB1, "ending_before": MAR1}])
    assert alias_windows(client, a) == [(name, None, FEB1)]
    assert alias_windows(client, c) == [(name, FEB1, MAR1)]
    client.v1.contracts.rate_cards.update(rate_card_id=a, aliases=[{"name": name}])  # taken back whole
    assert (alias_windows(client, b), alias_windows(client, c)) == ([], [])
    d = rate_card(client, "D", aliases=[{"name": name, "starting_at": FEB1, "ending_before": MAR1}])
    assert alias_windows(client, a) == [(name, None, FEB1), (name, MAR1, None)]
    assert alias_windows(client, d) == [(name, FEB1, MAR1)]


def test_update_changes_fields(client):
    cid = rate_card(client, "Old", description="d")
    assert client.v1.contracts.rate_cards.update(rate_card_id=cid, name="New", aliases=[{"name": "n"}]).data.id == cid
    c = client.v1.contracts.rate_cards.retrieve(id=cid).data
    assert c.name == "New"
    assert c.description == "d"
    assert [a.name for a in c.aliases] == ["n"]


def test_update_and_get_unknown_is_404(client):
    with expect_api_error(404):
        client.v1.contracts.rate_cards.update(rate_card_id=str(uuid.uuid4()), name="x")
    with expect_api_error(404):
        client.v1.contracts.rate_cards.retrieve(id=str(uuid.uuid4()))
    with expect_api_error(400):
        client.v1.contracts.rate_cards.retrieve(id="nope")


def test_list_paging_and_archive(client, http):
    ids = [rate_card(client, f"c{i}") for i in range(3)]
    everything = card_ids(client)
    assert STANDARD_RATE_CARD_ID in everything
    assert everything[-3:] == ids
    first = client.v1.contracts.rate_cards.list(limit=1)
    assert len(first.data) == 1 and first.next_page
    assert [c.id for c in client.v1.contracts.rate_cards.list(limit=1)] == everything
    assert client.v1.contracts.rate_cards.archive(id=ids[0]).data.id == ids[0]
    assert ids[0] not in card_ids(client)
    with expect_api_error(400):
        client.v1.contracts.rate_cards.archive(id=ids[0])
    with expect_api_error(404):
        client.v1.contracts.rate_cards.archive(id=str(uuid.uuid4()))
    assert_error_response(http.post("/v1/contract-pricing/rate-cards/list", params={"limit": 101}, json={}), 400)


# ====================================================================== rates


def test_add_flat_rate_answers_the_rate(client):
    card = rate_card(client)
    product = usage_product(client)
    data = flat(client, card, product, 1.25, JAN1)
    assert data.rate_type == "FLAT"
    assert data.price == 1.25
    assert data.credit_type.id == USD_CENTS_ID
    assert data.credit_type.name == "USD (cents)"
    (row,) = rates_at(client, card, FEB1)
    assert row.product_id == product
    assert row.product_name == "Calls"
    assert row.entitled is True
    assert row.starting_at == JAN1
    assert row.ending_before is None
    assert row.rate.price == 1.25


def test_add_tiered_rate_and_commit_rate(client):
    card = rate_card(client)
    product = usage_product(client)
    data = client.v1.contracts.rate_cards.rates.add(
        rate_card_id=card, product_id=product, entitled=False, rate_type="tiered", starting_at=JAN1,
        tiers=[{"size": 100, "price": 3}, {"price": 2}], commit_rate={"rate_type": "FLAT", "price": 1},
    ).data
    assert data.rate_type == "TIERED"
    assert [(t.size, t.price) for t in data.tiers] == [(100, 3), (None, 2)]
    assert data.commit_rate.price == 1
    (row,) = rates_at(client, card, JAN1)
    assert row.entitled is False
    assert row.commit_rate.rate_type == "FLAT"


def test_subscription_and_percentage_rates(client):
    card = rate_card(client)
    seat = client.v1.contracts.products.create(name="Seat", type="SUBSCRIPTION").data.id
    sub = client.v1.contracts.rate_cards.rates.add(
        rate_card_id=card, product_id=seat, entitled=True, rate_type="SUBSCRIPTION", starting_at=JAN1, price=1000,
        quantity=2, is_prorated=True, billing_frequency="ANNUAL",
    ).data
    assert sub.is_prorated is True and sub.quantity == 2
    usage_product(client, tags=["u"])
    composite = client.v1.contracts.products.create(name="Support", type="COMPOSITE", composite_tags=["u"]).data.id
    pct = client.v1.contracts.rate_cards.rates.add(
        rate_card_id=card, product_id=composite, entitled=True, rate_type="PERCENTAGE", starting_at=JAN1, price=0.1,
    ).data
    assert pct.price == 0.1
    assert pct.credit_type is None
    annual = rates_at(client, card, JAN1, selectors=[{"billing_frequency": "ANNUAL"}])
    assert [r.product_id for r in annual] == [seat]
    assert {r.product_id for r in rates_at(client, card, JAN1)} == {seat, composite}


def rate_body(product, **kw):
    body = {"product_id": product, "entitled": True, "rate_type": "FLAT", "price": 1, "starting_at": "2026-01-01T00:00:00Z"}
    body.update(kw)
    return body


@pytest.mark.parametrize("change", [
    {"price": None},
    {"price": -1},
    {"rate_type": "TIERED"},
    {"rate_type": "TIERED", "price": None, "tiers": []},
    {"rate_type": "TIERED", "price": None, "tiers": [{"price": 2}, {"price": 1}]},
    {"rate_type": "TIERED", "price": None, "tiers": [{"size": -5, "price": 2}, {"price": 1}]},
    {"rate_type": "PERCENTAGE", "price": 0.5},
    {"rate_type": "SUBSCRIPTION", "price": 5, "is_prorated": True},
    {"rate_type": "CUSTOM", "price": None},
    {"rate_type": "BOGUS"},
    {"is_prorated": True},
    {"billing_frequency": "MONTHLY"},
    {"ending_before": "2025-12-01T00:00:00Z"},
    {"starting_at": None},
    {"starting_at": "yesterday"},
    {"pricing_group_values": {"region": "eu"}},
    {"credit_type_id": "nope"},
    {"product_id": "nope"},
])
def test_add_rate_validation_is_400_and_adds_nothing(http, client, change):
    card = rate_card(client)
    product = usage_product(client)
    body = {k: v for k, v in rate_body(product, **change).items() if v is not None}
    r = http.post("/v1/contract-pricing/rate-cards/addRate", json={"rate_card_id": card, **body})
    assert_error_response(r, 400)
    assert rates_at(client, card, FEB1) == []


def test_subscription_rate_rules(client):
    card = rate_card(client)
    seat = client.v1.contracts.products.create(name="Seat", type="SUBSCRIPTION").data.id
    for kw in ({"is_prorated": False}, {}, {"is_prorated": True, "quantity": -1}):
        with expect_api_error(400):
            client.v1.contracts.rate_cards.rates.add(
                rate_card_id=card, product_id=seat, entitled=True, rate_type="SUBSCRIPTION", starting_at=JAN1, price=1,
                billing_frequency="MONTHLY", **kw,
            )
    with expect_api_error(400):  # SUBSCRIPTION products need a billing frequency
        client.v1.contracts.rate_cards.rates.add(
            rate_card_id=card, product_id=seat, entitled=True, rate_type="SUBSCRIPTION", starting_at=JAN1, price=1,
            is_prorated=True,
        )
    assert rates_at(client, card, FEB1) == []


def test_percentage_rate_is_a_fraction(client):
    card = rate_card(client)
    usage_product(client, tags=["u"])
    composite = client.v1.contracts.products.create(name="Support", type="COMPOSITE", composite_tags=["u"]).data.id
    with expect_api_error(400):
        client.v1.contracts.rate_cards.rates.add(
            rate_card_id=card, product_id=composite, entitled=True, rate_type="PERCENTAGE", starting_at=JAN1, price=10,
        )


def test_add_rate_unknown_ids_are_404(client):
    card = rate_card(client)
    product = usage_product(client)
    with expect_api_error(404):
        flat(client, str(uuid.uuid4()), product, 1, JAN1)
    with expect_api_error(404):
        flat(client, card, str(uuid.uuid4()), 1, JAN1)
    with expect_api_error(404):
        flat(client, card, product, 1, JAN1, credit_type_id=str(uuid.uuid4()))


def test_add_rate_to_archived_card_or_product_is_400(client):
    card = rate_card(client)
    product = usage_product(client)
    client.v1.contracts.products.archive(product_id=product)
    with expect_api_error(400):
        flat(client, card, product, 1, JAN1)
    other = fixed_product(client)
    client.v1.contracts.rate_cards.archive(id=card)
    with expect_api_error(400):
        flat(client, card, other, 1, JAN1)


def test_later_rate_splits_the_older_one_at_its_start(client):
    card = rate_card(client)
    product = usage_product(client)
    flat(client, card, product, 1, JAN1)
    flat(client, card, product, 2, MAR1)
    assert [(r.rate.price, r.starting_at, r.ending_before) for r in schedule(client, card, utc(2025, 1, 1)).data] == [
        (1, JAN1, MAR1), (2, MAR1, None),
    ]
    assert rates_at(client, card, FEB1)[0].rate.price == 1
    assert rates_at(client, card, MAR1)[0].rate.price == 2


def test_bounded_rate_inside_an_older_one_splits_it_in_two(client):
    card = rate_card(client)
    product = usage_product(client)
    flat(client, card, product, 1, JAN1)
    flat(client, card, product, 5, FEB1, ending_before=MAR1)
    got = [(r.rate.price, r.starting_at, r.ending_before) for r in schedule(client, card, JAN1).data]
    assert got == [(1, JAN1, FEB1), (5, FEB1, MAR1), (1, MAR1, None)]
    window = schedule(client, card, FEB1, ending_before=MAR1).data
    assert [(r.rate.price) for r in window] == [5]


def test_add_rates_is_all_or_nothing(http, client):
    card = rate_card(client)
    a = usage_product(client, "A")
    b = usage_product(client, "B")
    r = http.post("/v1/contract-pricing/rate-cards/addRates", json={
        "rate_card_id": card, "rates": [rate_body(a), rate_body(b, price=None)],
    })
    body = assert_error_response(r, 400)
    assert "rates[1]" in body["message"]
    assert rates_at(client, card, FEB1) == []
    resp = client.v1.contracts.rate_cards.rates.add_many(rate_card_id=card, rates=[rate_body(a), rate_body(b, price=2)])
    assert resp.data.id == card
    assert {(r.product_id, r.rate.price) for r in rates_at(client, card, FEB1)} == {(a, 1), (b, 2)}
    with expect_api_error(404):
        client.v1.contracts.rate_cards.rates.add_many(rate_card_id=str(uuid.uuid4()), rates=[rate_body(a)])
    assert_error_response(http.post("/v1/contract-pricing/rate-cards/addRates", json={"rate_card_id": card, "rates": []}), 400)


def test_get_rates_selectors(client):
    card = rate_card(client)
    mid = client.v1.billable_metrics.create(
        name="m", aggregation_type="COUNT", property_filters=[{"name": "region", "exists": True}], group_keys=[["region"]],
    ).data.id
    grouped = usage_product(client, "Grouped", metric_id=mid, pricing_group_key=["region"], tags=["g"])
    plain = usage_product(client, "Plain", tags=["p"])
    flat(client, card, grouped, 1, JAN1, pricing_group_values={"region": "eu"})
    flat(client, card, grouped, 2, JAN1, pricing_group_values={"region": "us"})
    flat(client, card, plain, 3, JAN1)
    prices = lambda **kw: sorted(r.rate.price for r in rates_at(client, card, FEB1, **kw))  # noqa: E731
    assert prices() == [1, 2, 3]
    assert prices(selectors=[{"product_id": plain}]) == [3]
    assert prices(selectors=[{"product_tags": ["g"]}]) == [1, 2]
    assert prices(selectors=[{"pricing_group_values": {"region": "us"}}]) == [2]
    assert prices(selectors=[{"partial_pricing_group_values": {"region": "eu"}}]) == [1]
    assert prices(selectors=[{"product_id": plain}, {"pricing_group_values": {"region": "us"}}]) == [2, 3]
    assert prices(selectors=[{"product_id": str(uuid.uuid4())}]) == []
    (row,) = rates_at(client, card, FEB1, selectors=[{"pricing_group_values": {"region": "eu"}}])
    assert row.pricing_group_values == {"region": "eu"}
    assert row.rate.pricing_group_values == {"region": "eu"}
    assert row.product_tags == ["g"]


def test_get_rates_before_any_rate_is_empty_and_pages(client):
    card = rate_card(client)
    products = [fixed_product(client, f"P{i}") for i in range(3)]
    for p in products:
        flat(client, card, p, 1, FEB1)
    assert rates_at(client, card, JAN1) == []
    page = client.v1.contracts.rate_cards.rates.list(rate_card_id=card, at=FEB1, limit=2)
    assert len(page.data) == 2 and page.next_page
    assert [r.product_id for r in client.v1.contracts.rate_cards.rates.list(rate_card_id=card, at=FEB1, limit=1)] == products


def test_get_rates_errors(http, client):
    card = rate_card(client)
    assert_error_response(http.post("/v1/contract-pricing/rate-cards/getRates", json={"rate_card_id": card}), 400)
    with expect_api_error(404):
        rates_at(client, str(uuid.uuid4()), JAN1)
    with expect_api_error(400):
        rates_at(client, "nope", JAN1)
    r = http.post("/v1/contract-pricing/rate-cards/getRates", params={"next_page": "garbage"},
                  json={"rate_card_id": card, "at": "2026-01-01T00:00:00Z"})
    assert_error_response(r, 400)


def test_get_rate_schedule_errors(http, client):
    card = rate_card(client)
    assert_error_response(http.post("/v1/contract-pricing/rate-cards/getRateSchedule", json={"rate_card_id": card}), 400)
    with expect_api_error(400):
        schedule(client, card, FEB1, ending_before=JAN1)
    with expect_api_error(404):
        schedule(client, str(uuid.uuid4()), JAN1)


def test_rate_schedule_pages_with_query_cursor(client):
    card = rate_card(client)
    product = usage_product(client)
    for month in range(1, 6):
        flat(client, card, product, month, utc(2026, month, 1))
    first = schedule(client, card, JAN1, limit=2)
    assert [r.rate.price for r in first.data] == [1, 2]
    second = schedule(client, card, JAN1, limit=2, next_page=first.next_page)
    assert [r.rate.price for r in second.data] == [3, 4]
    third = schedule(client, card, JAN1, limit=2, next_page=second.next_page)
    assert [r.rate.price for r in third.data] == [5]
    assert third.next_page is None


def test_explicit_fiat_credit_type(client):
    card = rate_card(client)
    product = fixed_product(client)
    data = flat(client, card, product, 1, JAN1, credit_type_id=USD_CENTS_ID)
    assert data.credit_type.id == USD_CENTS_ID


# ====================================================================== product order


def names_in_order(client, card):
    return [r.product_name for r in rates_at(client, card, FEB1)]


def test_product_order(client):
    card = rate_card(client)
    a, b, c = (fixed_product(client, n) for n in "ABC")
    for p in (a, b, c):
        flat(client, card, p, 1, JAN1)
    assert names_in_order(client, card) == ["A", "B", "C"]
    assert client.v1.contracts.rate_cards.product_orders.set(rate_card_id=card, product_order=[c, a]).data.id == card
    assert names_in_order(client, card) == ["C", "A", "B"]
    resp = client.v1.contracts.rate_cards.product_orders.update(
        rate_card_id=card, product_moves=[{"product_id": b, "position": 0}]
    )
    assert resp.data.id == card
    assert names_in_order(client, card) == ["B", "C", "A"]


def test_product_order_errors_change_nothing(client):
    card = rate_card(client)
    a, b = (fixed_product(client, n) for n in "AB")
    flat(client, card, a, 1, JAN1)
    flat(client, card, b, 1, JAN1)
    stranger = fixed_product(client, "Z")
    with expect_api_error(400):
        client.v1.contracts.rate_cards.product_orders.set(rate_card_id=card, product_order=[b, stranger])
    with expect_api_error(400):
        client.v1.contracts.rate_cards.product_orders.set(rate_card_id=card, product_order=[b, b])
    with expect_api_error(404):
        client.v1.contracts.rate_cards.product_orders.set(rate_card_id=card, product_order=[str(uuid.uuid4())])
    with expect_api_error(400):
        client.v1.contracts.rate_cards.product_orders.update(
            rate_card_id=card, product_moves=[{"product_id": b, "position": 0}, {"product_id": stranger, "position": 0}]
        )
    with expect_api_error(400):
        client.v1.contracts.rate_cards.product_orders.update(rate_card_id=card, product_moves=[{"product_id": b, "position": -1}])
    with expect_api_error(404):
        client.v1.contracts.rate_cards.product_orders.update(rate_card_id=str(uuid.uuid4()), product_moves=[])
    assert names_in_order(client, card) == ["A", "B"]


# ====================================================================== named schedules


def test_named_schedules(client):
    card = rate_card(client)
    ns = client.v1.contracts.named_schedules
    assert ns.update(rate_card_id=card, schedule_name="s", starting_at=JAN1, value={"x": 1}) is None
    assert ns.update(rate_card_id=card, schedule_name="s", starting_at=FEB1, ending_before=MAR1, value=2) is None
    got = [(d.starting_at, d.ending_before, d.value) for d in ns.retrieve(rate_card_id=card, schedule_name="s").data]
    assert got == [(JAN1, FEB1, {"x": 1}), (FEB1, MAR1, 2), (MAR1, None, {"x": 1})]
    (one,) = ns.retrieve(rate_card_id=card, schedule_name="s", covering_date=utc(2026, 2, 15)).data
    assert one.value == 2
    assert ns.retrieve(rate_card_id=card, schedule_name="other").data == []


def test_named_schedule_errors_change_nothing(client):
    card = rate_card(client)
    ns = client.v1.contracts.named_schedules
    with expect_api_error(404):
        ns.retrieve(rate_card_id=str(uuid.uuid4()), schedule_name="s")
    with expect_api_error(404):
        ns.update(rate_card_id=str(uuid.uuid4()), schedule_name="s", starting_at=JAN1, value=1)
    with expect_api_error(400):
        ns.update(rate_card_id=card, schedule_name="s", starting_at=FEB1, ending_before=JAN1, value=1)
    assert ns.retrieve(rate_card_id=card, schedule_name="s").data == []


def test_reset_restores_the_demo_catalog(client, http):
    card = rate_card(client)
    flat(client, STANDARD_RATE_CARD_ID, FIXTURE_PRODUCT_IDS["api_calls"], 99, JAN1)
    assert http.post("/_emulator/reset").status_code == 200
    assert card not in card_ids(client)
    (row,) = rates_at(client, STANDARD_RATE_CARD_ID, JAN1, selectors=[{"product_id": FIXTURE_PRODUCT_IDS["api_calls"]}])
    assert row.rate.price == 0.5
