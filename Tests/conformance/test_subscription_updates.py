"""update_subscriptions in v2 contracts/edit, through the SDK in strict mode: quantity changes make
the subscription's quantity a schedule over time, and each billing period bills one line per
quantity it holds, prorated by time; getSubscriptionQuantityHistory, the contract views and
getEditHistory show the schedule. Every amount expected is worked out here from the standard rate
card's 2000 cents a seat a month, never read back from the emulator."""

from __future__ import annotations

import uuid

import pytest

from helpers import assert_error_response, freeze_clock, iso, utc
from pricing_helpers import FIXTURE_PRODUCT_IDS

SEAT = FIXTURE_PRODUCT_IDS["seat"]
PRICE = 2000  # cents a seat a month on the standard rate card
# April has 30 days, so a day is 1/30 of the period.
APR, MAY, JUN = utc(2026, 4, 1), utc(2026, 5, 1), utc(2026, 6, 1)
YEAR_END = utc(2027, 1, 1)


def day(n, month=APR):
    return month.replace(day=n)


def subscription(schedule="ADVANCE", quantity=3, prorated=True, **extra):
    body = {"collection_schedule": schedule, "initial_quantity": quantity, "proration": {"is_prorated": prorated},
            "subscription_rate": {"billing_frequency": "MONTHLY", "product_id": SEAT}, **extra}
    return {k: v for k, v in body.items() if v is not None}


def setup(client, http, now=day(5), **sub):
    freeze_clock(http, now)
    c = client.v1.customers.create(name="Seats", ingest_aliases=[f"alias-{uuid.uuid4().hex[:8]}"]).data.id
    contract_id = client.v1.contracts.create(
        customer_id=c, starting_at=APR, ending_before=YEAR_END, rate_card_alias="standard",
        subscriptions=[subscription(**sub)]).data.id
    [s] = client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data.subscriptions
    return c, contract_id, s.id


def edit(client, c, contract_id, subscription_id, **update):
    return client.v2.contracts.edit(customer_id=c, contract_id=contract_id, update_subscriptions=[
        {"subscription_id": subscription_id, **update}]).data.id


def seat_lines(client, c, start=APR):
    [statement] = [i for i in client.v1.customers.invoices.list(customer_id=c)
                   if i.type == "USAGE" and i.start_timestamp == start]
    return statement, [(li.starting_at, li.ending_before, li.quantity, li.total)
                       for li in statement.line_items if li.type == "subscription"]


def quantity_history(client, c, contract_id, subscription_id):
    return client.v1.contracts.retrieve_subscription_quantity_history(
        customer_id=c, contract_id=contract_id, subscription_id=subscription_id).data


def edit_history(client, c, contract_id):
    return client.v2.contracts.get_edit_history(customer_id=c, contract_id=contract_id).data


# ====================================================================== quantity updates


def test_a_quantity_increase_mid_period_splits_the_draft_line_by_time(client, http):
    c, contract_id, sub = setup(client, http)
    edit(client, c, contract_id, sub, quantity_updates=[{"starting_at": iso(day(11)), "quantity": 5}])

    statement, lines = seat_lines(client, c)
    assert statement.status == "DRAFT"
    # 3 seats for 10 of April's 30 days, then 5 seats for the other 20.
    first, second = 3 * PRICE * 10 / 30, 5 * PRICE * 20 / 30  # 2000 and 6666.67
    assert [(a, b, q) for a, b, q, _ in lines] == [(APR, day(11), 3), (day(11), MAY, 5)]
    assert [t for *_, t in lines] == [pytest.approx(first), pytest.approx(second)]
    assert statement.total == pytest.approx(first + second)

    # May bills 5 seats for the whole month.
    freeze_clock(http, day(3, MAY))
    _, may = seat_lines(client, c, MAY)
    assert may == [(MAY, JUN, 5, pytest.approx(5 * PRICE))]


def test_quantity_history_views_and_edit_history_show_the_schedule(client, http):
    c, contract_id, sub = setup(client, http)
    edit_id = edit(client, c, contract_id, sub, quantity_updates=[{"starting_at": iso(day(11)), "quantity": 5}])

    h = quantity_history(client, c, contract_id, sub)
    assert h.subscription_id == sub
    assert [(e.starting_at, [(d.quantity, d.unit_price, d.total) for d in e.data]) for e in h.history] == [
        (APR, [(3, PRICE, 3 * PRICE)]), (day(11), [(5, PRICE, 5 * PRICE)])]

    [v1] = client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data.subscriptions
    assert [(q.quantity, q.starting_at, q.ending_before) for q in v1.quantity_schedule] == [
        (3, APR, day(11)), (5, day(11), YEAR_END)]
    [v2] = client.v2.contracts.retrieve(customer_id=c, contract_id=contract_id).data.subscriptions
    assert [(q.quantity, q.starting_at) for q in v2.quantity_schedule] == [(3, APR), (5, day(11))]

    [entry] = edit_history(client, c, contract_id)
    assert entry.id == edit_id
    [update] = entry.update_subscriptions
    assert update.id == sub
    assert [(u.starting_at, u.quantity, u.quantity_delta) for u in update.quantity_updates] == [(day(11), 5, None)]

    # Once the change has begun, the schedule shows only the quantity in force and later ones.
    freeze_clock(http, day(20))
    [v1] = client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data.subscriptions
    assert [(q.quantity, q.starting_at) for q in v1.quantity_schedule] == [(5, day(11))]
    assert len(quantity_history(client, c, contract_id, sub).history) == 2


def test_a_delta_and_a_decrease(client, http):
    c, contract_id, sub = setup(client, http)
    edit(client, c, contract_id, sub, quantity_updates=[
        {"starting_at": iso(day(11)), "quantity_delta": 2},   # 3 + 2 = 5 from the 11th
        {"starting_at": iso(day(21)), "quantity": 1},         # down to 1 from the 21st
    ])
    _, lines = seat_lines(client, c)
    assert [(a, b, q) for a, b, q, _ in lines] == [(APR, day(11), 3), (day(11), day(21), 5), (day(21), MAY, 1)]
    expected = [3 * PRICE * 10 / 30, 5 * PRICE * 10 / 30, 1 * PRICE * 10 / 30]  # 2000, 3333.33, 666.67
    assert [t for *_, t in lines] == [pytest.approx(x) for x in expected]

    # A later edit's delta adds to the quantity then in force: 1 - 1 = 0 from the 26th.
    edit(client, c, contract_id, sub, quantity_updates=[{"starting_at": iso(day(26)), "quantity_delta": -1}])
    _, lines = seat_lines(client, c)
    assert [(a, q) for a, _, q, _ in lines] == [(APR, 3), (day(11), 5), (day(21), 1), (day(26), 0)]
    assert [t for *_, t in lines][2:] == [pytest.approx(1 * PRICE * 5 / 30), 0]
    assert [e.data[0].quantity for e in quantity_history(client, c, contract_id, sub).history] == [3, 5, 1, 0]


def test_updates_at_the_same_moment_apply_in_the_order_sent(client, http):
    # The SDK's example: 12 from a date, then a delta of -1 from it, gives 11 from that day.
    c, contract_id, sub = setup(client, http)
    edit(client, c, contract_id, sub, quantity_updates=[
        {"starting_at": iso(day(21)), "quantity": 12}, {"starting_at": iso(day(21)), "quantity_delta": -1}])
    h = quantity_history(client, c, contract_id, sub)
    assert [(e.starting_at, e.data[0].quantity) for e in h.history] == [(APR, 3), (day(21), 11)]
    _, lines = seat_lines(client, c)
    assert [t for *_, t in lines] == [pytest.approx(3 * PRICE * 20 / 30), pytest.approx(11 * PRICE * 10 / 30)]


def test_arrears_subscription_splits_its_line_on_the_statement_holding_the_period_end(client, http):
    c, contract_id, sub = setup(client, http, schedule="ARREARS")
    edit(client, c, contract_id, sub, quantity_updates=[{"starting_at": iso(day(16)), "quantity": 6}])
    _, lines = seat_lines(client, c)
    assert [(a, b, q) for a, b, q, _ in lines] == [(APR, day(16), 3), (day(16), MAY, 6)]
    assert [t for *_, t in lines] == [pytest.approx(3 * PRICE * 15 / 30), pytest.approx(6 * PRICE * 15 / 30)]


def test_finalized_invoices_never_change_and_drafts_follow(client, http):
    c, contract_id, sub = setup(client, http, now=day(5, MAY))  # April's statement finalized on May 2
    april, before = seat_lines(client, c)
    assert april.status == "FINALIZED" and before == [(APR, MAY, 3, pytest.approx(3 * PRICE))]

    # April was billed in advance on a finalized statement: a change inside it is refused.
    r = http.post("/v2/contracts/edit", json={"customer_id": c, "contract_id": contract_id, "update_subscriptions": [
        {"subscription_id": sub, "quantity_updates": [{"starting_at": iso(day(20)), "quantity": 9}]}]})
    assert "finalized" in assert_error_response(r, 400)["message"]

    edit(client, c, contract_id, sub, quantity_updates=[{"starting_at": iso(day(16, MAY)), "quantity": 4}])
    assert seat_lines(client, c) == (april, before)
    may, lines = seat_lines(client, c, MAY)
    # May has 31 days: 3 seats for 15 of them, then 4 for 16.
    assert may.status == "DRAFT"
    assert [(a, q, t) for a, _, q, t in lines] == [
        (MAY, 3, pytest.approx(3 * PRICE * 15 / 31)), (day(16, MAY), 4, pytest.approx(4 * PRICE * 16 / 31))]


def test_breakdowns_keep_each_quantity_line_apart(client, http):
    # Billed in advance, the whole period's lines fall in its first day; the other days add nothing.
    c, contract_id, sub = setup(client, http)
    edit(client, c, contract_id, sub, quantity_updates=[{"starting_at": iso(day(11)), "quantity": 5}])
    statement, _ = seat_lines(client, c)
    days = [d for d in client.v1.customers.invoices.list_breakdowns(
        customer_id=c, starting_on=APR, ending_before=day(6), window_size="DAY") if d.id == statement.id]
    first = [(li.quantity, li.total) for li in days[0].line_items if li.type == "subscription"]
    assert first == [(3, pytest.approx(3 * PRICE * 10 / 30)), (5, pytest.approx(5 * PRICE * 20 / 30))]
    for later in days[1:]:
        assert [(li.quantity, li.total) for li in later.line_items if li.type == "subscription"] == [(0, 0), (0, 0)]


# ====================================================================== ending_before and name


def test_ending_before_and_name(client, http):
    c, contract_id, sub = setup(client, http)
    edit(client, c, contract_id, sub, ending_before=iso(day(16)), name="Renamed seats")
    statement, lines = seat_lines(client, c)
    assert lines == [(APR, day(16), 3, pytest.approx(3 * PRICE * 15 / 30))]
    assert [li.name for li in statement.line_items if li.type == "subscription"] == ["Renamed seats"]
    [s] = client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data.subscriptions
    assert (s.ending_before, s.name) == (day(16), "Renamed seats")
    [entry] = edit_history(client, c, contract_id)
    assert (entry.update_subscriptions[0].ending_before, entry.update_subscriptions[0].name) == (day(16), "Renamed seats")

    # Null runs it with the contract again.
    http.post("/v2/contracts/edit", json={"customer_id": c, "contract_id": contract_id, "update_subscriptions": [
        {"subscription_id": sub, "ending_before": None}]}).raise_for_status()
    [s] = client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data.subscriptions
    assert s.ending_before == YEAR_END


# ====================================================================== bad input


BAD_UPDATES = [
    ("both", {"quantity_updates": [{"starting_at": iso(day(11)), "quantity": 5, "quantity_delta": 1}]}, 400),
    ("neither", {"quantity_updates": [{"starting_at": iso(day(11))}]}, 400),
    ("negative quantity", {"quantity_updates": [{"starting_at": iso(day(11)), "quantity": -1}]}, 400),
    ("zero delta", {"quantity_updates": [{"starting_at": iso(day(11)), "quantity_delta": 0}]}, 400),
    ("negative result", {"quantity_updates": [{"starting_at": iso(day(11)), "quantity_delta": -4}]}, 400),
    ("negative later", {"quantity_updates": [{"starting_at": iso(day(11)), "quantity": 1},
                                             {"starting_at": iso(day(21)), "quantity_delta": -2}]}, 400),
    ("before the start", {"quantity_updates": [{"starting_at": iso(utc(2026, 3, 20)), "quantity": 5}]}, 400),
    ("after the end", {"quantity_updates": [{"starting_at": iso(YEAR_END), "quantity": 5}]}, 400),
    ("end after the contract", {"ending_before": iso(utc(2027, 2, 1))}, 400),
    ("end before the start", {"ending_before": iso(APR)}, 400),
    ("unknown subscription", {"subscription_id": str(uuid.uuid4()),
                              "quantity_updates": [{"starting_at": iso(day(11)), "quantity": 5}]}, 404),
]


@pytest.mark.parametrize("case,update,status", BAD_UPDATES, ids=[c for c, _, _ in BAD_UPDATES])
def test_bad_updates_are_refused_and_change_nothing(client, http, case, update, status):
    c, contract_id, sub = setup(client, http)
    r = http.post("/v2/contracts/edit", json={
        "customer_id": c, "contract_id": contract_id, "update_contract_name": "Changed",
        "update_subscriptions": [{"subscription_id": sub, **update}]})
    assert_error_response(r, status)
    assert client.v2.contracts.retrieve(customer_id=c, contract_id=contract_id).data.name is None
    assert edit_history(client, c, contract_id) == []
    assert [(e.starting_at, e.data[0].quantity) for e in quantity_history(client, c, contract_id, sub).history] == [(APR, 3)]
    _, lines = seat_lines(client, c)
    assert lines == [(APR, MAY, 3, pytest.approx(3 * PRICE))]


def test_quantity_updates_of_seat_based_or_unprorated_subscriptions_are_refused(client, http):
    c, contract_id, sub = setup(client, http, prorated=False)
    r = http.post("/v2/contracts/edit", json={"customer_id": c, "contract_id": contract_id, "update_subscriptions": [
        {"subscription_id": sub, "quantity_updates": [{"starting_at": iso(day(11)), "quantity": 5}]}]})
    assert "quantity_updates" in assert_error_response(r, 400)["message"]

    c, contract_id, sub = setup(client, http, quantity_management_mode="SEAT_BASED", quantity=None,
                                seat_config={"initial_seat_ids": ["a", "b"], "seat_group_key": "seat_id"})
    r = http.post("/v2/contracts/edit", json={"customer_id": c, "contract_id": contract_id, "update_subscriptions": [
        {"subscription_id": sub, "quantity_updates": [{"starting_at": iso(day(11)), "quantity": 5}]}]})
    assert "SEAT_BASED" in assert_error_response(r, 400)["message"]


REFUSED = [
    ("seat_updates", {"add_unassigned_seats": [{"quantity": 1, "starting_at": iso(day(11))}]}),
    ("quantity_management_mode_update", {"quantity_management_mode": "SEAT_BASED",
                                         "seat_config": {"seat_group_key": "seat_id"}}),
    ("proration_rounding", {"decimal_places": 0, "rounding_method": "HALF_UP"}),
]


@pytest.mark.parametrize("field,value", REFUSED, ids=[f for f, _ in REFUSED])
def test_unsupported_update_fields_are_refused_by_name(client, http, field, value):
    c, contract_id, sub = setup(client, http)
    r = http.post("/v2/contracts/edit", json={"customer_id": c, "contract_id": contract_id, "update_subscriptions": [
        {"subscription_id": sub, "quantity_updates": [{"starting_at": iso(day(11)), "quantity": 5}], field: value}]})
    body = assert_error_response(r, 400)
    assert f"update_subscriptions[0].{field}" in body["message"] and "not supported" in body["message"]
    assert edit_history(client, c, contract_id) == []
