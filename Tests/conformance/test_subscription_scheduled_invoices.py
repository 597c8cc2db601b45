"""Subscriptions placed ON_SCHEDULED_INVOICE, through the SDK in strict mode: each charge is a
SCHEDULED invoice of its own, as Metronome's seat-based billing guide describes. In advance, a
period is billed at its start for the quantity then; a seat added during the period is billed at
once on another invoice, prorated for the days left; removing seats gives nothing back, and the
next period bills the lower quantity. Every amount is worked out here from the standard rate
card's 2000 cents a seat a month, never read back from the emulator."""

from __future__ import annotations

import uuid

import pytest

from helpers import expect_api_error, freeze_clock, iso
from test_subscription_updates import APR, JUN, MAY, PRICE, YEAR_END, day, subscription


def setup(client, http, schedule="ADVANCE", quantity=2, now=day(5)):
    freeze_clock(http, now)
    c = client.v1.customers.create(name="Own invoices", ingest_aliases=[f"alias-{uuid.uuid4().hex[:8]}"]).data.id
    contract_id = client.v1.contracts.create(
        customer_id=c, starting_at=APR, ending_before=YEAR_END, rate_card_alias="standard", subscriptions=[subscription(
            schedule, quantity, billing_cycle_config={"invoice_placement": "ON_SCHEDULED_INVOICE"})]).data.id
    [s] = client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data.subscriptions
    return c, contract_id, s.id


def quantity(client, c, contract_id, subscription_id, at, value):
    client.v2.contracts.edit(customer_id=c, contract_id=contract_id, update_subscriptions=[
        {"subscription_id": subscription_id, "quantity_updates": [{"starting_at": iso(at), "quantity": value}]}])


def seat_invoices(client, c):
    """The SCHEDULED invoices billing seats, oldest first: (date, status, [(start, end, quantity, total)])."""
    return [(i.start_timestamp, i.status, [(li.starting_at, li.ending_before, li.quantity, li.total) for li in i.line_items])
            for i in sorted(client.v1.customers.invoices.list(customer_id=c), key=lambda i: i.start_timestamp)
            if i.type == "SCHEDULED" and any(li.type == "subscription" for li in i.line_items)]


def statement_seat_lines(client, c):
    return [li for i in client.v1.customers.invoices.list(customer_id=c) if i.type == "USAGE"
            for li in i.line_items if li.type == "subscription"]


def test_in_advance_each_period_and_each_seat_added_is_an_invoice_of_its_own(client, http):
    c, contract_id, sub = setup(client, http)
    # April is billed at its start for 2 seats, whole; the usage statement bills no seats.
    assert seat_invoices(client, c) == [(APR, "FINALIZED", [(APR, MAY, 2, 2 * PRICE)])]
    assert statement_seat_lines(client, c) == []
    [k] = client.v2.contracts.retrieve(customer_id=c, contract_id=contract_id).data.subscriptions
    assert k.billing_cycle_config.invoice_placement == "ON_SCHEDULED_INVOICE"

    # 5 seats from April 11: the 3 added are billed then, for 20 of April's 30 days.
    quantity(client, c, contract_id, sub, day(11), 5)
    assert len(seat_invoices(client, c)) == 1  # not before April 11
    freeze_clock(http, day(12))
    added = seat_invoices(client, c)[1]
    assert added[:2] == (day(11), "FINALIZED")
    assert [(a, b, q) for a, b, q, _ in added[2]] == [(day(11), MAY, 3)]
    assert added[2][0][3] == pytest.approx(3 * PRICE * 20 / 30)

    # Down to 3 seats from April 20, back up to 4 from April 25: nothing more to pay in April,
    # since 5 seats are paid for already.
    quantity(client, c, contract_id, sub, day(20), 3)
    quantity(client, c, contract_id, sub, day(25), 4)
    freeze_clock(http, day(26))
    assert len(seat_invoices(client, c)) == 2

    # May bills the 4 seats then, whole.
    freeze_clock(http, day(2, MAY))
    assert seat_invoices(client, c)[2] == (MAY, "FINALIZED", [(MAY, JUN, 4, 4 * PRICE)])
    assert statement_seat_lines(client, c) == []

    # Voided, a charge is not billed again by itself; regenerated, it bills the same.
    may = next(i for i in client.v1.customers.invoices.list(customer_id=c) if i.type == "SCHEDULED" and i.start_timestamp == MAY)
    client.v1.invoices.void(id=may.id)
    freeze_clock(http, day(3, MAY))
    assert [status for date, status, _ in seat_invoices(client, c) if date == MAY] == ["VOID"]
    again = client.v1.customers.invoices.retrieve(customer_id=c, invoice_id=client.v1.invoices.regenerate(id=may.id).data.id).data
    assert (again.status, again.total, again.regenerated_from_invoice_id) == ("FINALIZED", 4 * PRICE, may.id)

    # A change before a charge already invoiced would change that invoice: refused.
    with expect_api_error(400) as error:
        quantity(client, c, contract_id, sub, day(28), 6)
    assert "invoiced" in error["error"].body["message"]
    assert len(seat_invoices(client, c)) == 4


def test_in_arrears_each_period_is_billed_at_its_end_one_line_per_quantity(client, http):
    c, contract_id, sub = setup(client, http, schedule="ARREARS")
    quantity(client, c, contract_id, sub, day(16), 4)
    freeze_clock(http, day(30))
    assert seat_invoices(client, c) == []
    freeze_clock(http, day(1, MAY))
    [(date, status, lines)] = seat_invoices(client, c)
    assert (date, status) == (MAY, "FINALIZED")
    # 2 seats for 15 of April's 30 days, then 4 seats for the other 15.
    assert [(a, b, q) for a, b, q, _ in lines] == [(APR, day(16), 2), (day(16), MAY, 4)]
    assert [t for *_, t in lines] == [pytest.approx(2 * PRICE * 15 / 30), pytest.approx(4 * PRICE * 15 / 30)]
    assert statement_seat_lines(client, c) == []
