"""update_subscriptions in v2 contracts/edit, through the SDK in strict mode: quantity changes (and,
for a SEAT_BASED subscription, seat updates) make the subscription's quantity a schedule over time,
and each billing period bills one line per quantity it holds, prorated by time;
getSubscriptionQuantityHistory, getSubscriptionSeatsHistory, the contract views and getEditHistory
show the schedule. Every amount expected is worked out here from the standard rate
card's 2000 cents a seat a month, never read back from the emulator."""

from __future__ import annotations

import uuid

import pytest

from helpers import assert_error_response, expect_api_error, freeze_clock, iso, utc
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


# ====================================================================== billing cycle


def test_a_subscriptions_own_anchor_sets_its_billing_periods(client, http):
    c, contract_id, sub = setup(client, http, quantity=1, billing_cycle_config={"anchor_date": iso(day(15))})
    _, lines = seat_lines(client, c)
    # Periods run from the 15th: March 15 to April 15 (31 days) is cut to April 1-15, 14/31 of
    # the price; April 15 to May 15 is whole. Both are billed in advance on April's statement.
    assert lines == [(APR, day(15), 1, pytest.approx(PRICE * 14 / 31)), (day(15), day(15, MAY), 1, pytest.approx(PRICE))]
    [v2] = client.v2.contracts.retrieve(customer_id=c, contract_id=contract_id).data.subscriptions
    assert (v2.billing_cycle_config.anchor_date, v2.billing_cycle_config.invoice_placement) == (day(15), "ON_USAGE_INVOICE")
    assert (v2.billing_periods.current.starting_at, v2.billing_periods.current.ending_before) == (APR, day(15))


def test_a_subscription_without_its_own_anchor_shows_the_contracts(client, http):
    c, contract_id, _ = setup(client, http)
    [v2] = client.v2.contracts.retrieve(customer_id=c, contract_id=contract_id).data.subscriptions
    assert v2.billing_cycle_config.anchor_date == APR


# ====================================================================== proration rounding


def test_a_prorated_period_is_rounded_as_the_subscription_says(client, http):
    # One seat from April 11: 20 of April's 30 days, 2000 × 20/30 = 1333.33 before rounding.
    cases = [({"decimal_places": -2, "rounding_method": "CEILING"}, 1400),
             ({"decimal_places": -2, "rounding_method": "FLOOR"}, 1300),
             ({"decimal_places": 0, "rounding_method": "HALF_UP"}, 1333),
             (None, PRICE * 20 / 30)]
    for rounding, expected in cases:
        proration = {"is_prorated": True, **({"rounding": rounding} if rounding else {})}
        c, contract_id, sub = setup(client, http, quantity=1, starting_at=iso(day(11)), proration=proration)
        _, lines = seat_lines(client, c)
        assert [t for *_, t in lines] == [pytest.approx(expected)], rounding
        [shown] = client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data.subscriptions
        assert (shown.proration.rounding.decimal_places, shown.proration.rounding.rounding_method) == (
            rounding["decimal_places"], rounding["rounding_method"]) if rounding else shown.proration.rounding is None
    # A whole period is not prorated, so not rounded: May bills 2000.
    freeze_clock(http, day(3, MAY))
    _, may = seat_lines(client, c, MAY)
    assert may == [(MAY, JUN, 1, pytest.approx(PRICE))]


def test_an_edit_sets_and_clears_proration_rounding(client, http):
    c, contract_id, sub = setup(client, http)
    # 5 seats from the 11th: 5 × 2000 × 20/30 = 6666.67, to the nearest 100 down 6600; the first
    # 10 days, 3 × 2000 × 10/30 = 2000, round to themselves.
    edit(client, c, contract_id, sub, quantity_updates=[{"starting_at": iso(day(11)), "quantity_delta": 2}],
         proration_rounding={"decimal_places": -2, "rounding_method": "FLOOR"})
    _, lines = seat_lines(client, c)
    assert [t for *_, t in lines] == [pytest.approx(3 * PRICE * 10 / 30), 5 * PRICE * 20 / 30 // 100 * 100]
    edit(client, c, contract_id, sub, proration_rounding=None)
    _, lines = seat_lines(client, c)
    assert [t for *_, t in lines] == [pytest.approx(3 * PRICE * 10 / 30), pytest.approx(5 * PRICE * 20 / 30)]
    [v2] = client.v2.contracts.retrieve(customer_id=c, contract_id=contract_id).data.subscriptions
    assert v2.proration.rounding is None


def test_a_fractional_number_of_decimal_places_is_a_400(client, http):
    c, contract_id, sub = setup(client, http)
    r = http.post("/v2/contracts/edit", json={"customer_id": c, "contract_id": contract_id, "update_subscriptions": [
        {"subscription_id": sub, "proration_rounding": {"decimal_places": 1.5, "rounding_method": "FLOOR"}}]})
    body = assert_error_response(r, 400)
    assert "decimal_places" in body["message"]
    assert edit_history(client, c, contract_id) == []


# ====================================================================== seat updates

SEATS = ["ann", "bo"]


def seat_setup(client, http, now=day(5), seats=SEATS, **sub):
    return setup(client, http, now=now, quantity_management_mode="SEAT_BASED", quantity=None,
                 seat_config={"initial_seat_ids": seats, "seat_group_key": "user_id"}, **sub)


def seats_history(client, c, contract_id, subscription_id, **filters):
    return [(h.starting_at, h.ending_before, h.assigned_seat_ids, h.total_quantity)
            for h in client.v1.contracts.get_subscription_seats_history(
                customer_id=c, contract_id=contract_id, subscription_id=subscription_id, **filters).data]


def seat_ids(client, c, contract_id):
    return [s.seat_id for s in client.v1.contracts.list_seat_balances(customer_id=c, contract_id=contract_id).data]


def test_a_seat_id_added_mid_period_bills_the_new_seat_for_the_rest_of_it(client, http):
    c, contract_id, sub = seat_setup(client, http)
    edit_id = edit(client, c, contract_id, sub, seat_updates={
        "add_seat_ids": [{"seat_ids": ["cy"], "starting_at": iso(day(11))}]})

    statement, lines = seat_lines(client, c)
    assert statement.status == "DRAFT"
    # 2 seats for 10 of April's 30 days, then 3 for the other 20.
    assert [(a, b, q) for a, b, q, _ in lines] == [(APR, day(11), 2), (day(11), MAY, 3)]
    assert [t for *_, t in lines] == [pytest.approx(2 * PRICE * 10 / 30), pytest.approx(3 * PRICE * 20 / 30)]
    # The same as the 2 seats all month plus the new seat for 20/30 of it.
    assert statement.total == pytest.approx(2 * PRICE + 1 * PRICE * 20 / 30)

    assert seats_history(client, c, contract_id, sub) == [
        (APR, day(11), SEATS, 2), (day(11), YEAR_END, SEATS + ["cy"], 3)]
    assert seats_history(client, c, contract_id, sub, covering_date=day(20)) == [(day(11), YEAR_END, SEATS + ["cy"], 3)]
    assert seat_ids(client, c, contract_id) == SEATS + ["cy"]
    h = quantity_history(client, c, contract_id, sub)
    assert [(e.starting_at, e.data[0].quantity) for e in h.history] == [(APR, 2), (day(11), 3)]
    [v1] = client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data.subscriptions
    assert [(q.quantity, q.starting_at, q.ending_before) for q in v1.quantity_schedule] == [
        (2, APR, day(11)), (3, day(11), YEAR_END)]
    [v2] = client.v2.contracts.retrieve(customer_id=c, contract_id=contract_id).data.subscriptions
    assert [(q.quantity, q.starting_at) for q in v2.quantity_schedule] == [(2, APR), (3, day(11))]

    [entry] = edit_history(client, c, contract_id)
    assert entry.id == edit_id
    [update] = entry.update_subscriptions
    assert update.id == sub and update.quantity_updates is None
    assert [(u.seat_ids, u.starting_at) for u in update.seat_updates.add_seat_ids] == [(["cy"], day(11))]
    assert update.seat_updates.remove_seat_ids is None

    # May bills 3 seats for the whole month.
    freeze_clock(http, day(3, MAY))
    _, may = seat_lines(client, c, MAY)
    assert may == [(MAY, JUN, 3, pytest.approx(3 * PRICE))]


def test_unassigned_seats_fill_first_and_removals_lower_the_quantity(client, http):
    c, contract_id, sub = seat_setup(client, http)
    edit(client, c, contract_id, sub, seat_updates={
        "add_unassigned_seats": [{"quantity": 2, "starting_at": iso(day(6))}],          # 2 + 2 = 4
        "add_seat_ids": [{"seat_ids": ["cy", "dee", "eve"], "starting_at": iso(day(16))}],  # fill 2, add 1: 5
        "remove_seat_ids": [{"seat_ids": ["bo", "nobody"], "starting_at": iso(day(21))}],   # bo out: 4
    })
    edit(client, c, contract_id, sub, seat_updates={
        "add_unassigned_seats": [{"quantity": 3, "starting_at": iso(day(26))}],        # 7
        "remove_unassigned_seats": [{"quantity": 2, "starting_at": iso(day(28))}],     # 5
    })
    rest = ["ann", "cy", "dee", "eve"]
    assert seats_history(client, c, contract_id, sub) == [
        (APR, day(6), SEATS, 2), (day(6), day(16), SEATS, 4), (day(16), day(21), SEATS + ["cy", "dee", "eve"], 5),
        (day(21), day(26), rest, 4), (day(26), day(28), rest, 7), (day(28), YEAR_END, rest, 5)]

    _, lines = seat_lines(client, c)
    # Seat-days: 2×5 + 4×10 + 5×5 + 4×5 + 7×2 + 5×3 = 124.
    expected = [(APR, 2, 5), (day(6), 4, 10), (day(16), 5, 5), (day(21), 4, 5), (day(26), 7, 2), (day(28), 5, 3)]
    assert [(a, q) for a, _, q, _ in lines] == [(a, q) for a, q, _ in expected]
    assert [t for *_, t in lines] == [pytest.approx(q * PRICE * days / 30) for _, q, days in expected]
    assert sum(t for *_, t in lines) == pytest.approx(124 * PRICE / 30)
    # bo stays listed: a removed seat is still one of the subscription's seats.
    assert seat_ids(client, c, contract_id) == SEATS + ["cy", "dee", "eve"]


def test_a_seat_swapped_on_one_day_keeps_the_quantity(client, http):
    # At one moment removals come first: bo leaves, then dee takes a new seat; the total stays 2.
    c, contract_id, sub = seat_setup(client, http)
    edit(client, c, contract_id, sub, seat_updates={
        "add_seat_ids": [{"seat_ids": ["dee"], "starting_at": iso(day(11))}],
        "remove_seat_ids": [{"seat_ids": ["bo"], "starting_at": iso(day(11))}]})
    assert seats_history(client, c, contract_id, sub) == [
        (APR, day(11), SEATS, 2), (day(11), YEAR_END, ["ann", "dee"], 2)]
    _, lines = seat_lines(client, c)
    assert lines == [(APR, MAY, 2, pytest.approx(2 * PRICE))]


def test_a_quantity_only_subscription_becomes_seat_based(client, http):
    c, contract_id, sub = setup(client, http)
    edit(client, c, contract_id, sub, quantity_updates=[{"starting_at": iso(day(11)), "quantity": 5}])
    with expect_api_error(400):  # a QUANTITY_ONLY subscription has no seats yet
        client.v1.contracts.get_subscription_seats_history(customer_id=c, contract_id=contract_id, subscription_id=sub)
    edit_id = edit(client, c, contract_id, sub,
                   quantity_management_mode_update={"quantity_management_mode": "SEAT_BASED",
                                                    "seat_config": {"seat_group_key": "user_id"}},
                   seat_updates={"add_seat_ids": [{"seat_ids": ["x", "y"], "starting_at": iso(day(21))}]})

    [s] = client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data.subscriptions
    assert (s.quantity_management_mode, s.seat_config.seat_group_key) == ("SEAT_BASED", "user_id")
    # Its quantity became unassigned seats; x and y fill two of them, so nothing billed changes.
    assert seats_history(client, c, contract_id, sub) == [
        (APR, day(11), [], 3), (day(11), day(21), [], 5), (day(21), YEAR_END, ["x", "y"], 5)]
    _, lines = seat_lines(client, c)
    assert [t for *_, t in lines] == [pytest.approx(3 * PRICE * 10 / 30), pytest.approx(5 * PRICE * 20 / 30)]
    # Edit history has no place for the change of mode; it shows the seat updates.
    [update] = [e for e in edit_history(client, c, contract_id) if e.id == edit_id][0].update_subscriptions
    assert [(u.seat_ids, u.starting_at) for u in update.seat_updates.add_seat_ids] == [(["x", "y"], day(21))]

    # Now SEAT_BASED: quantity updates and a second change of mode are refused.
    for change in ({"quantity_updates": [{"starting_at": iso(day(25)), "quantity": 1}]},
                   {"quantity_management_mode_update": {"quantity_management_mode": "SEAT_BASED",
                                                        "seat_config": {"seat_group_key": "user_id"}}}):
        r = http.post("/v2/contracts/edit", json={"customer_id": c, "contract_id": contract_id,
                                                  "update_subscriptions": [{"subscription_id": sub, **change}]})
        assert "SEAT_BASED" in assert_error_response(r, 400)["message"]


def test_seat_updates_into_a_finalized_period_are_refused_unless_the_quantity_holds(client, http):
    c, contract_id, sub = seat_setup(client, http, now=day(5, MAY))  # April's statement finalized on May 2
    r = http.post("/v2/contracts/edit", json={"customer_id": c, "contract_id": contract_id, "update_subscriptions": [
        {"subscription_id": sub, "seat_updates": {"add_seat_ids": [{"seat_ids": ["cy"], "starting_at": iso(day(20))}]}}]})
    assert "finalized" in assert_error_response(r, 400)["message"]
    # A swap bills the same: taken, and April's invoice is as it was.
    edit(client, c, contract_id, sub, seat_updates={
        "add_seat_ids": [{"seat_ids": ["cy"], "starting_at": iso(day(20))}],
        "remove_seat_ids": [{"seat_ids": ["bo"], "starting_at": iso(day(20))}]})
    _, lines = seat_lines(client, c)
    assert lines == [(APR, MAY, 2, pytest.approx(2 * PRICE))]
    assert seats_history(client, c, contract_id, sub)[-1] == (day(20), YEAR_END, ["ann", "cy"], 2)


def seat_item(kind, starting_at=None, **item):
    return {kind: [{"starting_at": iso(starting_at or day(11)), **item}]}


BAD_SEAT_UPDATES = [
    ("seat already assigned", {"seat_updates": seat_item("add_seat_ids", seat_ids=["ann"])},
     "seat_updates.add_seat_ids[0]"),
    ("more unassigned removed than there are", {"seat_updates": seat_item("remove_unassigned_seats", quantity=1)},
     "seat_updates.remove_unassigned_seats[0]"),
    ("removed before added the same day", {"seat_updates": {
        **seat_item("add_unassigned_seats", quantity=1), **seat_item("remove_unassigned_seats", quantity=1)}},
     "seat_updates.remove_unassigned_seats[0]"),
    ("zero quantity", {"seat_updates": seat_item("add_unassigned_seats", quantity=0)},
     "seat_updates.add_unassigned_seats[0].quantity"),
    ("fractional quantity", {"seat_updates": seat_item("remove_unassigned_seats", quantity=1.5)},
     "seat_updates.remove_unassigned_seats[0].quantity"),
    ("no seat IDs", {"seat_updates": seat_item("add_seat_ids", seat_ids=[])}, "seat_updates.add_seat_ids[0].seat_ids"),
    ("empty seat ID", {"seat_updates": seat_item("remove_seat_ids", seat_ids=[""])},
     "seat_updates.remove_seat_ids[0].seat_ids"),
    ("repeated seat ID", {"seat_updates": seat_item("add_seat_ids", seat_ids=["cy", "cy"])},
     "seat_updates.add_seat_ids[0].seat_ids"),
    ("before the start", {"seat_updates": seat_item("add_seat_ids", utc(2026, 3, 20), seat_ids=["cy"])},
     "seat_updates.add_seat_ids[0].starting_at"),
    ("after the end", {"seat_updates": seat_item("add_unassigned_seats", YEAR_END, quantity=1)},
     "seat_updates.add_unassigned_seats[0].starting_at"),
    ("already seat based", {"quantity_management_mode_update": {
        "quantity_management_mode": "SEAT_BASED", "seat_config": {"seat_group_key": "user_id"}}},
     "quantity_management_mode_update"),
    ("other mode", {"quantity_management_mode_update": {
        "quantity_management_mode": "QUANTITY_ONLY", "seat_config": {"seat_group_key": "user_id"}}},
     "quantity_management_mode_update.quantity_management_mode"),
    ("empty seat group key", {"quantity_management_mode_update": {
        "quantity_management_mode": "SEAT_BASED", "seat_config": {"seat_group_key": ""}}},
     "quantity_management_mode_update.seat_config.seat_group_key"),
]


@pytest.mark.parametrize("case,update,field", BAD_SEAT_UPDATES, ids=[c for c, _, _ in BAD_SEAT_UPDATES])
def test_bad_seat_updates_are_refused_and_change_nothing(client, http, case, update, field):
    c, contract_id, sub = seat_setup(client, http)
    r = http.post("/v2/contracts/edit", json={
        "customer_id": c, "contract_id": contract_id, "update_contract_name": "Changed",
        "update_subscriptions": [{"subscription_id": sub, **update}]})
    assert f"update_subscriptions[0].{field}" in assert_error_response(r, 400)["message"]
    assert client.v2.contracts.retrieve(customer_id=c, contract_id=contract_id).data.name is None
    assert edit_history(client, c, contract_id) == []
    assert seats_history(client, c, contract_id, sub) == [(APR, YEAR_END, SEATS, 2)]
    assert seat_ids(client, c, contract_id) == SEATS
    _, lines = seat_lines(client, c)
    assert lines == [(APR, MAY, 2, pytest.approx(2 * PRICE))]


def test_seat_updates_of_a_quantity_only_subscription_are_refused(client, http):
    c, contract_id, sub = setup(client, http)
    r = http.post("/v2/contracts/edit", json={"customer_id": c, "contract_id": contract_id, "update_subscriptions": [
        {"subscription_id": sub, "seat_updates": seat_item("add_unassigned_seats", quantity=1)}]})
    message = assert_error_response(r, 400)["message"]
    assert "update_subscriptions[0].seat_updates" in message and "QUANTITY_ONLY" in message
    assert edit_history(client, c, contract_id) == []


def test_a_later_edit_that_breaks_an_earlier_ones_seats_is_refused(client, http):
    # cy is assigned from the 21st; assigning cy from the 11th would assign it twice on the 21st.
    c, contract_id, sub = seat_setup(client, http)
    edit(client, c, contract_id, sub, seat_updates=seat_item("add_seat_ids", day(21), seat_ids=["cy"]))
    r = http.post("/v2/contracts/edit", json={"customer_id": c, "contract_id": contract_id, "update_subscriptions": [
        {"subscription_id": sub, "seat_updates": seat_item("add_seat_ids", seat_ids=["cy"])}]})
    message = assert_error_response(r, 400)["message"]
    assert "update_subscriptions[0].seat_updates" in message and "earlier edit" in message
    assert len(edit_history(client, c, contract_id)) == 1
