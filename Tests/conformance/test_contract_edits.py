"""Contract edits through the SDK in strict mode: v2 contracts/edit, commits/edit, credits/edit,
getEditHistory and v1 contracts/amend. An edit takes effect from its time: draft invoices follow
it, finalized invoices never change. Every amount expected is worked out by hand from a rate of
100 cents a unit (the docs' example), never read back from the emulator."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from helpers import assert_error_response, expect_api_error, freeze_clock, iso, utc
from pricing_helpers import FIXTURE_PRODUCT_IDS

COMMIT_PRODUCT = FIXTURE_PRODUCT_IDS["prepaid_commit"]
SEAT = FIXTURE_PRODUCT_IDS["seat"]
# 2 seats, billed in advance each month at the standard rate card's 2000 cents a seat.
SEAT_SUBSCRIPTION = {"collection_schedule": "ADVANCE", "initial_quantity": 2, "proration": {"is_prorated": False},
                     "subscription_rate": {"billing_frequency": "MONTHLY", "product_id": SEAT}}
JAN, FEB, MAR = utc(2026, 1, 1), utc(2026, 2, 1), utc(2026, 3, 1)
JUN = utc(2026, 6, 1)
YEAR_END = utc(2027, 1, 1)


def customer(client):
    return client.v1.customers.create(name="Edited", ingest_aliases=[f"alias-{uuid.uuid4().hex[:8]}"]).data.id


def dollar_per_unit(client):
    """A usage product priced at 100 cents a unit on a new rate card."""
    metric = client.v1.billable_metrics.create(
        name=f"units-{uuid.uuid4().hex[:6]}", aggregation_type="COUNT", event_type_filter={"in_values": ["unit"]}).data.id
    product = client.v1.contracts.products.create(name="Units", type="USAGE", billable_metric_id=metric).data.id
    card = client.v1.contracts.rate_cards.create(name=f"Dollar {uuid.uuid4().hex[:6]}").data.id
    client.v1.contracts.rate_cards.rates.add(
        rate_card_id=card, product_id=product, entitled=True, rate_type="FLAT", price=100, starting_at=utc(2025, 1, 1))
    return card, product


def ingest(client, customer_id, count, when):
    client.v1.usage.ingest(usage=[
        {"transaction_id": uuid.uuid4().hex, "customer_id": customer_id, "event_type": "unit",
         "timestamp": iso(when + timedelta(minutes=i)), "properties": {}}
        for i in range(count)
    ])


def statements(client, customer_id):
    return [i for i in client.v1.customers.invoices.list(customer_id=customer_id) if i.type == "USAGE"]


def access(amount, start=JAN, end=YEAR_END):
    return {"schedule_items": [{"amount": amount, "starting_at": iso(start), "ending_before": iso(end)}]}


def prepaid(name, amount):
    return {"type": "PREPAID", "product_id": COMMIT_PRODUCT, "name": name, "access_schedule": access(amount)}


def setup(client, http, now=utc(2026, 1, 20), **contract):
    freeze_clock(http, now)
    card, _ = dollar_per_unit(client)
    c = customer(client)
    contract_id = client.v1.contracts.create(customer_id=c, starting_at=JAN, rate_card_id=card, **contract).data.id
    return c, contract_id


def v2(client, c, contract_id, **kw):
    return client.v2.contracts.retrieve(customer_id=c, contract_id=contract_id, **kw).data


def history(client, c, contract_id):
    return client.v2.contracts.get_edit_history(customer_id=c, contract_id=contract_id).data


# ====================================================================== edit


def test_adding_a_prepaid_commit_mid_period_draws_down_the_draft(client, http):
    c, contract_id = setup(client, http)
    ingest(client, c, 80, utc(2026, 1, 5))
    [draft] = statements(client, c)
    assert draft.total == 80 * 100

    edit_id = client.v2.contracts.edit(customer_id=c, contract_id=contract_id, add_commits=[prepaid("Prepaid $50", 5000)]).data.id

    [draft] = statements(client, c)
    # The docs' example: 80 units at $1 with a $50 commit: 50 units covered, 30 billed.
    assert [(li.type, li.quantity, li.total) for li in draft.line_items] == [
        ("usage", 50, 5000), ("applied_commit_or_credit", None, -5000), ("usage", 30, 3000)]
    assert draft.total == 3000
    [commit] = v2(client, c, contract_id, include_balance=True, include_ledgers=True).commits
    assert (commit.name, commit.balance) == ("Prepaid $50", 5000 - 5000)
    assert [(e.type, e.amount) for e in commit.ledger] == [
        ("PREPAID_COMMIT_SEGMENT_START", 5000), ("PREPAID_COMMIT_AUTOMATED_INVOICE_DEDUCTION", -5000)]
    [edit] = history(client, c, contract_id)
    assert (edit.id, edit.timestamp, [k.id for k in edit.add_commits]) == (edit_id, utc(2026, 1, 20), [commit.id])
    assert edit.add_commits[0].product.id == COMMIT_PRODUCT


def test_an_override_added_from_a_date_rates_the_draft_and_leaves_finalized_invoices(client, http):
    c, contract_id = setup(client, http)
    ingest(client, c, 10, utc(2026, 1, 5))
    freeze_clock(http, utc(2026, 2, 10))
    ingest(client, c, 10, utc(2026, 2, 3))
    jan, feb = statements(client, c)
    assert (jan.status, jan.total, feb.status, feb.total) == ("FINALIZED", 1000, "DRAFT", 1000)
    usage_product = next(li.product_id for li in feb.line_items if li.type == "usage")

    client.v2.contracts.edit(customer_id=c, contract_id=contract_id, add_overrides=[
        {"starting_at": iso(JAN), "product_id": usage_product, "type": "MULTIPLIER", "multiplier": 0.5}])

    jan_after, feb_after = statements(client, c)
    assert feb_after.total == 10 * 100 * 0.5
    assert (jan_after.status, jan_after.total) == ("FINALIZED", 1000)
    assert jan_after.model_dump() == jan.model_dump()
    [override] = v2(client, c, contract_id).overrides
    assert (override.multiplier, override.starting_at, override.product.id) == (0.5, JAN, usage_product)


def test_end_date_name_and_payment_terms_read_back_through_v2(client, http):
    c, contract_id = setup(client, http, name="Before", net_payment_terms_days=30)
    client.v2.contracts.edit(
        customer_id=c, contract_id=contract_id, update_contract_end_date=JUN, update_contract_name="After",
        update_net_payment_terms_days=45)
    k = v2(client, c, contract_id)
    assert (k.ending_before, k.name, k.net_payment_terms_days) == (JUN, "After", 45)
    [edit] = history(client, c, contract_id)
    assert (edit.update_contract_end_date, edit.update_contract_name) == (JUN, "After")
    # null clears the end: the contract is open-ended again.
    client.v2.contracts.edit(customer_id=c, contract_id=contract_id, update_contract_end_date=None)
    assert v2(client, c, contract_id).ending_before is None


def test_an_end_before_a_finalized_invoice_needs_the_allow_flag(client, http):
    c, contract_id = setup(client, http, now=utc(2026, 2, 10))
    [jan, _] = statements(client, c)
    assert (jan.status, jan.end_timestamp) == ("FINALIZED", FEB)
    jan15 = utc(2026, 1, 15)
    with expect_api_error(400):
        client.v2.contracts.edit(customer_id=c, contract_id=contract_id, update_contract_end_date=jan15,
                                 allow_contract_ending_before_finalized_invoice=False)
    with expect_api_error(400):
        client.v1.contracts.update_end_date(customer_id=c, contract_id=contract_id, ending_before=jan15,
                                            allow_ending_before_finalized_invoice=False)
    assert v2(client, c, contract_id).ending_before is None
    client.v2.contracts.edit(customer_id=c, contract_id=contract_id, update_contract_end_date=jan15)  # allowed by default
    assert v2(client, c, contract_id).ending_before == jan15
    [jan_after] = [i for i in statements(client, c) if i.id == jan.id]
    assert jan_after.model_dump() == jan.model_dump()


def test_archiving_a_commit_stops_its_drawdown(client, http):
    c, contract_id = setup(client, http, commits=[prepaid("Commit", 5000)])
    ingest(client, c, 30, utc(2026, 1, 5))
    assert statements(client, c)[0].total == 0
    [commit] = v2(client, c, contract_id).commits
    client.v2.contracts.edit(customer_id=c, contract_id=contract_id, archive_commits=[{"id": commit.id}])
    [draft] = statements(client, c)
    assert draft.total == 30 * 100
    [archived] = v2(client, c, contract_id).commits
    assert archived.archived_at == utc(2026, 1, 20)
    assert [a.id for a in history(client, c, contract_id)[0].archive_commits] == [commit.id]
    with expect_api_error(400):  # archived already
        client.v2.contracts.edit(customer_id=c, contract_id=contract_id, archive_commits=[{"id": commit.id}])


def test_removing_an_override_restores_the_list_rate(client, http):
    c, contract_id = setup(client, http)
    ingest(client, c, 10, utc(2026, 1, 5))
    product = next(li.product_id for li in statements(client, c)[0].line_items if li.type == "usage")
    client.v2.contracts.edit(customer_id=c, contract_id=contract_id, add_overrides=[
        {"starting_at": iso(JAN), "product_id": product, "multiplier": 2}])
    assert statements(client, c)[0].total == 10 * 100 * 2
    [override] = v2(client, c, contract_id).overrides
    client.v2.contracts.edit(customer_id=c, contract_id=contract_id, remove_overrides=[{"id": override.id}])
    assert statements(client, c)[0].total == 10 * 100
    assert v2(client, c, contract_id).overrides == []
    with expect_api_error(404):
        client.v2.contracts.edit(customer_id=c, contract_id=contract_id, remove_overrides=[{"id": override.id}])


def test_edit_history_lists_every_edit_in_order(client, http):
    c, contract_id = setup(client, http)
    first = client.v2.contracts.edit(customer_id=c, contract_id=contract_id, update_contract_name="One").data.id
    freeze_clock(http, utc(2026, 1, 21))
    second = client.v2.contracts.edit(
        customer_id=c, contract_id=contract_id, add_credits=[
            {"product_id": COMMIT_PRODUCT, "name": "Credit", "access_schedule": access(700)}],
        uniqueness_key="second-edit").data.id
    freeze_clock(http, utc(2026, 1, 22))
    client.v1.contracts.update_end_date(customer_id=c, contract_id=contract_id, ending_before=JUN)
    edits = history(client, c, contract_id)
    assert [e.id for e in edits[:2]] == [first, second]
    assert [e.timestamp for e in edits] == [utc(2026, 1, 20), utc(2026, 1, 21), utc(2026, 1, 22)]
    assert edits[1].uniqueness_key == "second-edit"
    assert [(k.type, k.name, k.access_schedule.schedule_items[0].amount) for k in edits[1].add_credits] == [
        ("CREDIT", "Credit", 700)]
    assert edits[2].update_contract_end_date == JUN
    r = http.post("/v2/contracts/edit", json={
        "customer_id": c, "contract_id": contract_id, "update_contract_name": "Again", "uniqueness_key": "second-edit"})
    assert_error_response(r, 409)
    assert len(history(client, c, contract_id)) == 3


def test_scheduled_charges_are_added_updated_and_archived(client, http):
    c, contract_id = setup(client, http)
    client.v2.contracts.edit(customer_id=c, contract_id=contract_id, add_scheduled_charges=[{
        "product_id": COMMIT_PRODUCT, "name": "Setup",
        "schedule": {"schedule_items": [{"timestamp": iso(MAR), "amount": 2500}]}}])
    [charge] = v2(client, c, contract_id).scheduled_charges
    [item] = charge.schedule.schedule_items
    client.v2.contracts.edit(customer_id=c, contract_id=contract_id, update_scheduled_charges=[{
        "scheduled_charge_id": charge.id,
        "invoice_schedule": {"update_schedule_items": [{"id": item.id, "quantity": 3, "unit_price": 1000}]}}])
    [charge] = v2(client, c, contract_id).scheduled_charges
    assert [(i.amount, i.quantity, i.unit_price) for i in charge.schedule.schedule_items] == [(3 * 1000, 3, 1000)]
    [scheduled] = [i for i in client.v1.customers.invoices.list(customer_id=c) if i.type == "SCHEDULED"]
    assert (scheduled.status, scheduled.total) == ("DRAFT", 3000)
    client.v2.contracts.edit(customer_id=c, contract_id=contract_id, archive_scheduled_charges=[{"id": charge.id}])
    assert v2(client, c, contract_id).scheduled_charges == []
    [voided] = [i for i in client.v1.customers.invoices.list(customer_id=c) if i.type == "SCHEDULED"]
    assert voided.status == "VOID"


def test_archiving_a_partly_invoiced_charge_keeps_its_finalized_invoice(client, http):
    c, contract_id = setup(client, http, scheduled_charges=[{
        "product_id": COMMIT_PRODUCT, "name": "Fee",
        "schedule": {"schedule_items": [{"timestamp": iso(JAN), "amount": 400}, {"timestamp": iso(MAR), "amount": 600}]}}])
    [charge] = v2(client, c, contract_id).scheduled_charges

    def scheduled():
        return [(i.status, i.total) for i in client.v1.customers.invoices.list(customer_id=c, contract_id=contract_id)
                if i.type == "SCHEDULED"]

    assert scheduled() == [("FINALIZED", 400), ("DRAFT", 600)]
    client.v2.contracts.edit(customer_id=c, contract_id=contract_id, archive_scheduled_charges=[{"id": charge.id}])
    assert scheduled() == [("FINALIZED", 400), ("VOID", 600)]


def test_update_commits_changes_priority_and_access(client, http):
    c, contract_id = setup(client, http, commits=[prepaid("Commit", 1000)])
    [commit] = v2(client, c, contract_id).commits
    segment = commit.access_schedule.schedule_items[0]
    client.v2.contracts.edit(customer_id=c, contract_id=contract_id, update_commits=[{
        "commit_id": commit.id, "priority": 7, "name": "Renamed",
        "access_schedule": {"update_schedule_items": [{"id": segment.id, "amount": 1500}],
                            "add_schedule_items": [{"amount": 200, "starting_at": iso(YEAR_END),
                                                    "ending_before": iso(utc(2027, 2, 1))}]}}])
    [commit] = v2(client, c, contract_id).commits
    assert (commit.priority, commit.name) == (7, "Renamed")
    assert [i.amount for i in commit.access_schedule.schedule_items] == [1500, 200]
    [update] = history(client, c, contract_id)[0].update_commits
    assert (update.id, update.priority) == (commit.id, 7)


def test_an_added_subscription_bills_on_the_draft(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    c = customer(client)
    contract_id = client.v1.contracts.create(customer_id=c, starting_at=JAN, rate_card_alias="standard").data.id
    [draft] = statements(client, c)
    assert [li for li in draft.line_items if li.type == "subscription"] == []
    client.v2.contracts.edit(customer_id=c, contract_id=contract_id, add_subscriptions=[SEAT_SUBSCRIPTION])
    [draft] = statements(client, c)
    [seat] = [li for li in draft.line_items if li.type == "subscription"]
    assert (seat.quantity, seat.unit_price, seat.total) == (2, 2000, 2 * 2000)  # a whole month: nothing prorated
    [subscription] = v2(client, c, contract_id).subscriptions
    assert (subscription.starting_at, subscription.subscription_rate.product.id) == (JAN, SEAT)
    [edit] = history(client, c, contract_id)
    assert [s.id for s in edit.add_subscriptions] == [subscription.id]


def test_an_added_seat_based_subscription_keeps_its_seats(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    c = customer(client)
    contract_id = client.v1.contracts.create(customer_id=c, starting_at=JAN, rate_card_alias="standard").data.id
    seated = {**SEAT_SUBSCRIPTION, "quantity_management_mode": "SEAT_BASED",
              "seat_config": {"initial_seat_ids": ["ann", "bo"], "seat_group_key": "user_id"}}
    client.v2.contracts.edit(customer_id=c, contract_id=contract_id, add_subscriptions=[seated])
    [subscription] = v2(client, c, contract_id).subscriptions
    history = client.v1.contracts.get_subscription_seats_history(
        customer_id=c, contract_id=contract_id, subscription_id=subscription.id).data
    assert [(h.assigned_seat_ids, h.total_quantity) for h in history] == [(["ann", "bo"], 2)]
    with expect_api_error(400):  # SEAT_BASED without its seats
        client.v2.contracts.edit(customer_id=c, contract_id=contract_id, add_subscriptions=[
            {**SEAT_SUBSCRIPTION, "quantity_management_mode": "SEAT_BASED"}])


# ====================================================================== commits/edit and credits/edit


def test_editing_a_commits_access_amount_shows_in_its_balance(client, http):
    c, contract_id = setup(client, http, commits=[prepaid("Commit", 5000)])
    ingest(client, c, 20, utc(2026, 1, 5))
    [commit] = v2(client, c, contract_id, include_balance=True).commits
    assert commit.balance == 5000 - 20 * 100
    segment = commit.access_schedule.schedule_items[0]
    assert client.v2.contracts.edit_commit(
        customer_id=c, commit_id=commit.id,
        access_schedule={"update_schedule_items": [{"id": segment.id, "amount": 8000}]}).data.id == commit.id
    [commit] = v2(client, c, contract_id, include_balance=True).commits
    assert commit.balance == 8000 - 20 * 100
    [edit] = history(client, c, contract_id)
    assert edit.update_commits[0].access_schedule.update_schedule_items[0].amount == 8000


def test_editing_a_credit(client, http):
    c, contract_id = setup(client, http, credits=[
        {"product_id": COMMIT_PRODUCT, "name": "Credit", "access_schedule": access(500)}])
    [credit] = v2(client, c, contract_id).credits
    client.v2.contracts.edit_credit(customer_id=c, credit_id=credit.id, name="Renamed credit", priority=3)
    [credit] = v2(client, c, contract_id).credits
    assert (credit.name, credit.priority) == ("Renamed credit", 3)
    with expect_api_error(404):
        client.v2.contracts.edit_credit(customer_id=c, credit_id=str(uuid.uuid4()), name="x")


def test_editing_a_commits_specifiers_changes_what_it_pays_for(client, http):
    c, contract_id = setup(client, http, commits=[{**prepaid("Commit", 5000), "specifiers": [{"product_id": COMMIT_PRODUCT}]}])
    ingest(client, c, 10, utc(2026, 1, 5))
    [draft] = statements(client, c)
    assert draft.total == 10 * 100  # the commit pays only for the commit product
    usage_product = next(li.product_id for li in draft.line_items if li.type == "usage")
    [commit] = v2(client, c, contract_id).commits
    client.v2.contracts.edit_commit(customer_id=c, commit_id=commit.id, specifiers=[{"product_id": usage_product}])
    [draft] = statements(client, c)
    assert draft.total == 0  # 10 units at 100 now drawn from the 5000
    [commit] = v2(client, c, contract_id).commits
    assert [k.product_id for k in commit.specifiers] == [usage_product]
    [edit] = history(client, c, contract_id)
    assert [k.product_id for k in edit.update_commits[0].specifiers] == [usage_product]
    # Specifiers and product IDs together are refused, and change nothing.
    r = http.post("/v2/contracts/commits/edit", json={"customer_id": c, "commit_id": commit.id,
                                                      "applicable_product_ids": [usage_product]})
    assert_error_response(r, 400)
    assert "specifiers" in r.json()["message"]
    assert [k.product_id for k in v2(client, c, contract_id).commits[0].specifiers] == [usage_product]
    # Null clears them: the commit applies to every product again.
    client.v2.contracts.edit_commit(customer_id=c, commit_id=commit.id, specifiers=None)
    [commit] = v2(client, c, contract_id).commits
    assert not commit.specifiers
    assert statements(client, c)[0].total == 0


def test_update_commits_sets_and_clears_a_netsuite_sales_order_id(client, http):
    c, contract_id = setup(client, http, commits=[prepaid("Commit", 5000)])
    [commit] = v2(client, c, contract_id).commits
    client.v2.contracts.edit(customer_id=c, contract_id=contract_id, update_commits=[
        {"commit_id": commit.id, "netsuite_sales_order_id": "SO-2"}])
    assert v2(client, c, contract_id).commits[0].netsuite_sales_order_id == "SO-2"
    assert history(client, c, contract_id)[0].update_commits[0].netsuite_sales_order_id == "SO-2"
    client.v2.contracts.edit(customer_id=c, contract_id=contract_id, update_commits=[
        {"commit_id": commit.id, "netsuite_sales_order_id": None}])
    assert v2(client, c, contract_id).commits[0].netsuite_sales_order_id is None


def test_invoiced_schedule_items_cannot_change(client, http):
    c, contract_id = setup(client, http, commits=[{
        **prepaid("Paid", 9000), "invoice_schedule": {"schedule_items": [{"timestamp": iso(JAN), "amount": 9000}]}}])
    [commit] = v2(client, c, contract_id).commits
    [item] = commit.invoice_schedule.schedule_items
    [purchase] = [i for i in client.v1.customers.invoices.list(customer_id=c) if i.type == "SCHEDULED"]
    assert (purchase.status, purchase.total) == ("FINALIZED", 9000)
    with expect_api_error(400):
        client.v2.contracts.edit_commit(
            customer_id=c, commit_id=commit.id, invoice_schedule={"remove_schedule_items": [{"id": item.id}]})
    [after] = [i for i in client.v1.customers.invoices.list(customer_id=c) if i.type == "SCHEDULED"]
    assert after.model_dump() == purchase.model_dump()


def test_archiving_a_commit_leaves_finalized_invoices_as_they_were(client, http):
    c, contract_id = setup(client, http, commits=[prepaid("Commit", 5000)])
    ingest(client, c, 30, utc(2026, 1, 5))
    freeze_clock(http, utc(2026, 2, 10))
    [jan, _] = statements(client, c)
    assert (jan.status, jan.total) == ("FINALIZED", 0)
    [commit] = v2(client, c, contract_id).commits
    client.v2.contracts.edit(customer_id=c, contract_id=contract_id, archive_commits=[{"id": commit.id}])
    [jan_after, _] = statements(client, c)
    assert jan_after.model_dump() == jan.model_dump()


# ====================================================================== as_of_date


def test_get_as_of_a_date_shows_the_contract_as_it_stood_then(client, http):
    c, contract_id = setup(client, http, now=utc(2026, 1, 5), name="Original", commits=[prepaid("A", 1000)])
    [a] = v2(client, c, contract_id).commits
    freeze_clock(http, utc(2026, 1, 10))
    client.v2.contracts.edit(customer_id=c, contract_id=contract_id, add_commits=[prepaid("B", 300)],
                             update_contract_name="Renamed", update_commits=[{
                                 "commit_id": a.id, "access_schedule": {"update_schedule_items": [
                                     {"id": a.access_schedule.schedule_items[0].id, "amount": 1500}]}}])
    freeze_clock(http, utc(2026, 1, 20))
    client.v1.contracts.update_end_date(customer_id=c, contract_id=contract_id, ending_before=JUN)
    freeze_clock(http, utc(2026, 1, 25))
    client.v2.contracts.edit_commit(customer_id=c, commit_id=a.id, priority=5)

    def seen(as_of):
        k = v2(client, c, contract_id, as_of_date=as_of)
        return (k.name, k.ending_before,
                [(k.name, k.priority, k.access_schedule.schedule_items[0].amount) for k in k.commits])

    assert seen(utc(2026, 1, 7)) == ("Original", None, [("A", None, 1000)])
    assert seen(utc(2026, 1, 15)) == ("Renamed", None, [("A", None, 1500), ("B", None, 300)])
    # A change made at the very moment asked for is part of the contract then.
    assert seen(utc(2026, 1, 20)) == ("Renamed", JUN, [("A", None, 1500), ("B", None, 300)])
    assert seen(utc(2026, 1, 26)) == ("Renamed", JUN, [("A", 5, 1500), ("B", None, 300)])
    now = v2(client, c, contract_id)
    assert (now.name, now.ending_before, [k.priority for k in now.commits]) == ("Renamed", JUN, [5, None])
    # Balances as of the date: no usage, so each commit's whole access amount then.
    assert [k.balance for k in v2(client, c, contract_id, as_of_date=utc(2026, 1, 7), include_balance=True).commits] == [1000]


def test_get_as_of_a_date_before_the_contract_was_made_or_with_ledgers_is_400(client, http):
    c, contract_id = setup(client, http, now=utc(2026, 1, 5))
    for body in ({"as_of_date": iso(utc(2026, 1, 4))},
                 {"as_of_date": iso(utc(2026, 1, 6)), "include_ledgers": True}):
        r = http.post("/v2/contracts/get", json={"customer_id": c, "contract_id": contract_id, **body})
        assert_error_response(r, 400)
        assert "as_of_date" in r.json()["message"]


# ====================================================================== v1 amend


def test_v1_amendment_shows_in_amendments_and_current(client, http):
    c, contract_id = setup(client, http, commits=[prepaid("Original", 1000)])
    amendment = client.v1.contracts.amend(
        customer_id=c, contract_id=contract_id, starting_at=FEB, commits=[prepaid("Amended", 2000)]).data.id
    k = client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data
    [a] = k.amendments
    assert (a.id, a.starting_at, [x.name for x in a.commits]) == (amendment, FEB, ["Amended"])
    assert [x.name for x in k.initial.commits] == ["Original"]
    assert [x.name for x in k.current.commits] == ["Original", "Amended"]
    assert [x.name for x in v2(client, c, contract_id).commits] == ["Original", "Amended"]


def test_v1_amendment_adds_professional_services_and_royalties(client, http):
    c, contract_id = setup(client, http)
    consulting = client.v1.contracts.products.create(name="Consulting", type="PROFESSIONAL_SERVICE").data.id
    client.v1.contracts.amend(
        customer_id=c, contract_id=contract_id, starting_at=FEB,
        professional_services=[{"product_id": consulting, "max_amount": 5000, "quantity": 2, "unit_price": 1000}],
        reseller_royalties=[{"fraction": 0.2, "netsuite_reseller_id": "r", "reseller_type": "GCP", "starting_at": iso(FEB)}])
    k = client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data
    [a] = k.amendments
    assert [(s.product_id, s.max_amount) for s in a.professional_services] == [(consulting, 5000)]
    assert [(r.reseller_type, r.fraction) for r in a.reseller_royalties] == [("GCP", 0.2)]
    assert [s.product_id for s in k.current.professional_services] == [consulting]
    assert k.initial.professional_services == []
    assert [r.fraction for r in k.current.reseller_royalties] == [0.2]


# ====================================================================== refusals


REFUSED_NESTED = [
    ("add_commits", "payment_gate_config", {"payment_gate_type": "EXTERNAL"}),
    ("add_credits", "amount", 100),
]


@pytest.mark.parametrize("field,nested,value", REFUSED_NESTED, ids=[f"{f}.{n}" for f, n, _ in REFUSED_NESTED])
def test_unsupported_nested_fields_are_refused_by_name(client, http, field, nested, value):
    c, contract_id = setup(client, http, commits=[prepaid("Commit", 1000)])
    [commit] = v2(client, c, contract_id).commits
    items = {
        "add_commits": prepaid("New", 100),
        "add_credits": {"product_id": COMMIT_PRODUCT, "access_schedule": access(100)},
        "add_scheduled_charges": {"product_id": COMMIT_PRODUCT, "schedule": {"schedule_items": [
            {"timestamp": iso(MAR), "amount": 100}]}},
        "update_commits": {"commit_id": commit.id, "name": "Changed"},
        "add_subscriptions": SEAT_SUBSCRIPTION,
    }
    r = http.post("/v2/contracts/edit", json={
        "customer_id": c, "contract_id": contract_id, field: [{**items[field], nested: value}]})
    body = assert_error_response(r, 400)
    assert f"{field}[0].{nested}" in body["message"] and "not supported" in body["message"]
    assert [k.name for k in v2(client, c, contract_id).commits] == ["Commit"]
    assert history(client, c, contract_id) == []


def test_an_amendments_references_for_other_systems_read_back(client, http):
    c, contract_id = setup(client, http)
    client.v1.contracts.amend(customer_id=c, contract_id=contract_id, starting_at=FEB, commits=[prepaid("New", 100)],
                              netsuite_sales_order_id="SO-9", salesforce_opportunity_id="006-x")
    [amendment] = client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data.amendments
    assert (amendment.netsuite_sales_order_id, amendment.salesforce_opportunity_id) == ("SO-9", "006-x")


def test_an_amendments_custom_fields_and_total_contract_value_become_the_contracts(client, http):
    c, contract_id = setup(client, http, custom_fields={"region": "eu", "tier": "1"}, total_contract_value=1000)
    client.v1.contracts.amend(customer_id=c, contract_id=contract_id, starting_at=FEB, custom_fields={"tier": "2", "team": "x"},
                              total_contract_value=2500)
    k = client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data
    # Each key the amendment gives replaces the contract's; the others stay.
    assert k.custom_fields == {"region": "eu", "tier": "2", "team": "x"}
    assert (k.initial.total_contract_value, k.current.total_contract_value) == (1000, 2500)
    assert v2(client, c, contract_id).total_contract_value == 2500
