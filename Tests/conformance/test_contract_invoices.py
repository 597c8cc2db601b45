"""Contract invoices: usage statements rated from the rate card (FLAT, TIERED, subscriptions,
overrides), commits and credits drawn down in Metronome's order, scheduled invoices for commit
purchases and scheduled charges, finalization after the grace period."""

import uuid
from datetime import timedelta

import pytest

from helpers import USD_CENTS_ID, expect_api_error, freeze_clock, iso, utc
from pricing_helpers import FIXTURE_PRODUCT_IDS

API_CALLS = FIXTURE_PRODUCT_IDS["api_calls"]
TOKENS = FIXTURE_PRODUCT_IDS["tokens"]
SEAT = FIXTURE_PRODUCT_IDS["seat"]
COMMIT_PRODUCT = FIXTURE_PRODUCT_IDS["prepaid_commit"]
JAN, FEB, MAR = utc(2026, 1, 1), utc(2026, 2, 1), utc(2026, 3, 1)
YEAR_END = utc(2027, 1, 1)


def customer(client, name="Contracted"):
    return client.v1.customers.create(name=name, ingest_aliases=[f"alias-{uuid.uuid4().hex[:8]}"]).data


def ingest(client, customer_id, event_type, count, when, **properties):
    client.v1.usage.ingest(usage=[
        {"transaction_id": uuid.uuid4().hex, "customer_id": customer_id, "event_type": event_type,
         "timestamp": iso(when + timedelta(minutes=i)), "properties": properties}
        for i in range(count)
    ])


def invoices(client, customer_id, **filters):
    return list(client.v1.customers.invoices.list(customer_id=customer_id, **filters))


def usage_statement(client, customer_id, **filters):
    return [i for i in invoices(client, customer_id, **filters) if i.type == "USAGE"]


def dollar_per_unit(client):
    """A usage product priced at 100 cents a unit on a new rate card: the docs' example."""
    metric = client.v1.billable_metrics.create(
        name=f"units-{uuid.uuid4().hex[:6]}", aggregation_type="COUNT", event_type_filter={"in_values": ["unit"]}).data.id
    product = client.v1.contracts.products.create(name="Units", type="USAGE", billable_metric_id=metric).data.id
    card = client.v1.contracts.rate_cards.create(name=f"Dollar {uuid.uuid4().hex[:6]}").data.id
    client.v1.contracts.rate_cards.rates.add(
        rate_card_id=card, product_id=product, entitled=True, rate_type="FLAT", price=100, starting_at=utc(2025, 1, 1))
    return card, product


def access(amount, start=JAN, end=YEAR_END):
    return {"schedule_items": [{"amount": amount, "starting_at": iso(start), "ending_before": iso(end)}]}


def test_usage_statement_rates_flat_tiered_and_subscription_lines(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    c = customer(client)
    contract_id = client.v1.contracts.create(
        customer_id=c.id, starting_at=utc(2026, 1, 15), rate_card_alias="standard",
        subscriptions=[{"collection_schedule": "ADVANCE", "initial_quantity": 3, "proration": {"is_prorated": True},
                        "subscription_rate": {"billing_frequency": "MONTHLY", "product_id": SEAT}}],
    ).data.id
    ingest(client, c.id, "api_call", 10, utc(2026, 1, 16), endpoint="/search")
    ingest(client, c.id, "completion", 1, utc(2026, 1, 16), tokens=1_200_000, model="m")
    ingest(client, c.id, "api_call", 4, utc(2026, 1, 10), endpoint="/search")  # before the contract starts

    [draft] = usage_statement(client, c.id)
    assert (draft.status, draft.contract_id) == ("DRAFT", contract_id)
    assert (draft.start_timestamp, draft.end_timestamp) == (utc(2026, 1, 15), FEB)  # first of month: partial period
    calls = [li for li in draft.line_items if li.product_id == API_CALLS]
    assert [(li.quantity, li.unit_price, li.total, li.type) for li in calls] == [(10, 0.5, 5, "usage")]
    assert calls[0].product_type == "UsageProductListItem"
    tokens = [li for li in draft.line_items if li.product_id == TOKENS]
    assert [(li.tier.level, li.quantity, li.total) for li in tokens] == [(1, 1_000_000, 2000), (2, 200_000, 200)]
    [seat] = [li for li in draft.line_items if li.type == "subscription"]
    assert (seat.quantity, seat.unit_price, seat.is_prorated) == (3, 2000, True)
    assert seat.total == pytest.approx(3 * 2000 * 17 / 31)  # Jan 15 to Feb 1, of a 31-day month
    assert draft.total == pytest.approx(5 + 2200 + 3 * 2000 * 17 / 31)
    assert draft.credit_type.id == USD_CENTS_ID


def test_prepaid_commit_draws_down_as_in_the_docs_example(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    card, product = dollar_per_unit(client)
    c = customer(client)
    client.v1.contracts.create(
        customer_id=c.id, starting_at=JAN, rate_card_id=card,
        commits=[{"type": "PREPAID", "product_id": COMMIT_PRODUCT, "name": "Prepaid $50", "access_schedule": access(5000)}])
    ingest(client, c.id, "unit", 80, utc(2026, 1, 5))
    [draft] = usage_statement(client, c.id)
    lines = [(li.type, li.quantity, li.total) for li in draft.line_items]
    assert lines == [("usage", 50, 5000), ("applied_commit_or_credit", None, -5000), ("usage", 30, 3000)]
    applied = draft.line_items[1]
    assert applied.applied_commit_or_credit.type == "PREPAID"
    assert draft.line_items[0].commit_id == applied.applied_commit_or_credit.id
    assert draft.total == 3000

    commit = client.v1.customers.commits.list(customer_id=c.id, include_contract_commits=True,
                                              include_balance=True, include_ledgers=True).data[0]
    assert commit.balance == 0
    assert [(e.type, e.amount) for e in commit.ledger] == [
        ("PREPAID_COMMIT_SEGMENT_START", 5000), ("PREPAID_COMMIT_AUTOMATED_INVOICE_DEDUCTION", -5000)]
    assert commit.ledger[1].invoice_id == draft.id


def test_credits_before_paid_commits_and_balances_carry_into_the_next_period(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    card, product = dollar_per_unit(client)
    c = customer(client)
    client.v1.contracts.create(
        customer_id=c.id, starting_at=JAN, rate_card_id=card,
        commits=[{"type": "PREPAID", "product_id": COMMIT_PRODUCT, "name": "Paid commit", "access_schedule": access(10000),
                  "invoice_schedule": {"schedule_items": [{"timestamp": iso(JAN), "amount": 9000}]}}],
        credits=[{"product_id": COMMIT_PRODUCT, "name": "Free credit", "access_schedule": access(2000)}])
    ingest(client, c.id, "unit", 30, utc(2026, 1, 5))
    [jan] = usage_statement(client, c.id)
    applied = [(li.name, li.total) for li in jan.line_items if li.type == "applied_commit_or_credit"]
    assert applied == [("Free credit", -2000), ("Paid commit", -1000)]
    assert jan.total == 0

    [purchase] = invoices(client, c.id, type="SCHEDULED")
    assert (purchase.status, purchase.total, purchase.issued_at) == ("FINALIZED", 9000, JAN)
    assert [(li.type, li.total) for li in purchase.line_items] == [("commit_purchase", 9000)]

    freeze_clock(http, utc(2026, 2, 10))
    ingest(client, c.id, "unit", 100, utc(2026, 2, 3))
    jan, feb = usage_statement(client, c.id)
    assert (jan.status, jan.issued_at) == ("FINALIZED", utc(2026, 2, 2))
    assert feb.status == "DRAFT"
    assert [(li.name, li.total) for li in feb.line_items if li.type == "applied_commit_or_credit"] == [("Paid commit", -9000)]
    assert feb.total == 1000  # 10,000 of usage, 9,000 left on the commit

    balances = {b.name: b.balance for b in client.v1.customers.credits.list(
        customer_id=c.id, include_contract_credits=True, include_balance=True).data}
    assert balances == {"Free credit": 0}


def test_priority_and_applicable_products_decide_the_order(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    card, product = dollar_per_unit(client)
    c = customer(client)
    client.v1.contracts.create(
        customer_id=c.id, starting_at=JAN, rate_card_id=card,
        credits=[
            {"product_id": COMMIT_PRODUCT, "name": "Later priority", "priority": 5, "access_schedule": access(1000)},
            {"product_id": COMMIT_PRODUCT, "name": "First priority", "priority": 1, "access_schedule": access(1000)},
            {"product_id": COMMIT_PRODUCT, "name": "Other product only", "priority": 0,
             "applicable_product_ids": [API_CALLS], "access_schedule": access(1000)},
        ])
    ingest(client, c.id, "unit", 15, utc(2026, 1, 5))
    [draft] = usage_statement(client, c.id)
    assert [(li.name, li.total) for li in draft.line_items if li.type == "applied_commit_or_credit"] == [
        ("First priority", -1000), ("Later priority", -500)]
    assert draft.total == 0


def test_customer_level_credit_applies_to_the_contract(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    card, product = dollar_per_unit(client)
    c = customer(client)
    client.v1.contracts.create(customer_id=c.id, starting_at=JAN, rate_card_id=card)
    client.v1.customers.credits.create(
        customer_id=c.id, product_id=COMMIT_PRODUCT, name="Goodwill", priority=1, access_schedule=access(700))
    ingest(client, c.id, "unit", 10, utc(2026, 1, 5))
    [draft] = usage_statement(client, c.id)
    assert draft.total == 300
    [credit] = client.v1.customers.credits.list(customer_id=c.id, include_balance=True).data
    assert credit.balance == 0


def test_scheduled_charges_and_future_commit_invoices(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    c = customer(client)
    contract_id = client.v1.contracts.create(
        customer_id=c.id, starting_at=JAN, rate_card_alias="standard",
        scheduled_charges=[{"product_id": COMMIT_PRODUCT, "name": "Setup",
                            "schedule": {"schedule_items": [{"timestamp": iso(JAN), "quantity": 2, "unit_price": 150},
                                                            {"timestamp": iso(MAR), "amount": 400}]}}],
    ).data.id
    scheduled = invoices(client, c.id, type="SCHEDULED")
    assert [(i.status, i.total, i.start_timestamp) for i in scheduled] == [("FINALIZED", 300, JAN), ("DRAFT", 400, MAR)]
    assert all(i.contract_id == contract_id for i in scheduled)
    [line] = scheduled[0].line_items
    assert (line.type, line.name, line.quantity, line.unit_price) == ("scheduled", "Setup", 2, 150)
    assert line.scheduled_charge_id
    freeze_clock(http, MAR)
    assert [i.status for i in invoices(client, c.id, type="SCHEDULED")] == ["FINALIZED", "FINALIZED"]
    assert {i.contract_id for i in invoices(client, c.id, contract_id=contract_id)} == {contract_id}


def test_archiving_a_contract_voids_its_drafts(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    c = customer(client)
    contract_id = client.v1.contracts.create(customer_id=c.id, starting_at=JAN, rate_card_alias="standard").data.id
    ingest(client, c.id, "api_call", 4, utc(2026, 1, 5), endpoint="/x")
    [draft] = usage_statement(client, c.id)
    client.v1.contracts.archive(customer_id=c.id, contract_id=contract_id, void_invoices=True)
    [voided] = usage_statement(client, c.id)
    assert (voided.id, voided.status, voided.total) == (draft.id, "VOID", 2)
    freeze_clock(http, utc(2026, 4, 1))
    assert len(usage_statement(client, c.id)) == 1  # no new periods


def test_ended_contract_and_quarterly_statements(client, http):
    freeze_clock(http, utc(2026, 8, 1))
    c = customer(client)
    client.v1.contracts.create(
        customer_id=c.id, starting_at=JAN, ending_before=utc(2026, 5, 1), rate_card_alias="standard",
        usage_statement_schedule={"frequency": "QUARTERLY", "day": "FIRST_OF_MONTH"})
    statements = usage_statement(client, c.id)
    assert [(i.start_timestamp, i.end_timestamp, i.status) for i in statements] == [
        (JAN, utc(2026, 4, 1), "FINALIZED"), (utc(2026, 4, 1), utc(2026, 5, 1), "FINALIZED")]


def test_breakdowns_add_up_with_drawdown(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    card, product = dollar_per_unit(client)
    c = customer(client)
    client.v1.contracts.create(
        customer_id=c.id, starting_at=JAN, rate_card_id=card,
        credits=[{"product_id": COMMIT_PRODUCT, "name": "Credit", "access_schedule": access(1500)}])
    ingest(client, c.id, "unit", 10, utc(2026, 1, 2))
    ingest(client, c.id, "unit", 10, utc(2026, 1, 3))
    [draft] = usage_statement(client, c.id)
    assert draft.total == 500
    days = [d for d in client.v1.customers.invoices.list_breakdowns(
        customer_id=c.id, starting_on=JAN, ending_before=FEB, window_size="DAY") if d.id == draft.id]
    assert sum(d.total for d in days) == draft.total
    assert (days[1].total, days[2].total) == (0, 500)
    costs = list(client.v1.customers.list_costs(customer_id=c.id, starting_on=JAN, ending_before=FEB))
    assert sum(day.credit_types[USD_CENTS_ID].cost for day in costs if USD_CENTS_ID in day.credit_types) == draft.total


def test_preview_events_on_a_contract(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    card, product = dollar_per_unit(client)
    c = customer(client)
    client.v1.contracts.create(
        customer_id=c.id, starting_at=JAN, rate_card_id=card,
        credits=[{"product_id": COMMIT_PRODUCT, "name": "Credit", "access_schedule": access(500)}])
    preview = client.v1.customers.preview_events(
        customer_id=c.id, events=[{"event_type": "unit", "timestamp": iso(utc(2026, 1, 19))}] * 8).data
    [statement] = [i for i in preview if i.type == "USAGE"]
    assert statement.total == 300
    assert usage_statement(client, c.id)[0].total == 0


def test_unknown_contract_filter_is_empty_and_bad_ids_are_400(client, http):
    c = customer(client)
    assert invoices(client, c.id, contract_id=str(uuid.uuid4())) == []
    with expect_api_error(400):
        invoices(client, c.id, contract_id="not-a-uuid")


def test_customer_balances_and_net_balance(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    card, product = dollar_per_unit(client)
    c = customer(client)
    client.v1.contracts.create(
        customer_id=c.id, starting_at=JAN, rate_card_id=card,
        commits=[{"type": "PREPAID", "product_id": COMMIT_PRODUCT, "name": "Commit", "access_schedule": access(4000)}])
    client.v1.customers.credits.create(
        customer_id=c.id, product_id=COMMIT_PRODUCT, name="Credit", priority=1, access_schedule=access(1000),
        custom_fields={})
    ingest(client, c.id, "unit", 15, utc(2026, 1, 5))  # 1,500: the credit's 1,000 first, then 500 of the commit

    rows = list(client.v1.contracts.list_balances(customer_id=c.id, include_contract_balances=True, include_balance=True))
    assert sorted((r.type, r.balance) for r in rows) == [("CREDIT", 0), ("PREPAID", 3500)]
    only_customer_level = list(client.v1.contracts.list_balances(customer_id=c.id, include_balance=True))
    assert [r.type for r in only_customer_level] == ["CREDIT"]
    nonzero = list(client.v1.contracts.list_balances(
        customer_id=c.id, include_contract_balances=True, include_balance=True, exclude_zero_balances=True))
    assert [r.type for r in nonzero] == ["PREPAID"]

    assert client.v1.contracts.get_net_balance(customer_id=c.id).data.balance == 3500
    assert client.v1.contracts.get_net_balance(
        customer_id=c.id, filters=[{"balance_types": ["CREDIT"]}]).data.balance == 0
    # only finalized invoices: January's draft has drawn nothing yet
    assert client.v1.contracts.get_net_balance(customer_id=c.id, invoice_inclusion_mode="FINALIZED").data.balance == 5000
    with expect_api_error(404):
        client.v1.contracts.get_net_balance(customer_id=str(uuid.uuid4()))
    with expect_api_error(400):
        client.v1.contracts.get_net_balance(customer_id=c.id, invoice_inclusion_mode="SOMETIMES")


def test_contract_get_and_list_show_balances_and_ledgers(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    card, product = dollar_per_unit(client)
    c = customer(client)
    contract_id = client.v1.contracts.create(
        customer_id=c.id, starting_at=JAN, rate_card_id=card,
        commits=[{"type": "PREPAID", "product_id": COMMIT_PRODUCT, "name": "Commit", "access_schedule": access(4000)}]).data.id
    ingest(client, c.id, "unit", 12, utc(2026, 1, 5))
    contract = client.v1.contracts.retrieve(
        customer_id=c.id, contract_id=contract_id, include_balance=True, include_ledgers=True).data
    [commit] = contract.current.commits
    assert commit.balance == 2800
    assert [e.type for e in commit.ledger] == ["PREPAID_COMMIT_SEGMENT_START", "PREPAID_COMMIT_AUTOMATED_INVOICE_DEDUCTION"]
    [listed] = client.v1.contracts.list(customer_id=c.id, include_balance=True).data
    assert listed.initial.commits[0].balance == 2800
    assert client.v1.contracts.retrieve(customer_id=c.id, contract_id=contract_id).data.current.commits[0].balance is None


def test_ending_a_contract_earlier_voids_later_drafts(client, http):
    freeze_clock(http, utc(2026, 3, 1, 12))
    c = customer(client)
    contract_id = client.v1.contracts.create(customer_id=c.id, starting_at=JAN, rate_card_alias="standard").data.id
    assert [i.status for i in usage_statement(client, c.id)] == ["FINALIZED", "DRAFT", "DRAFT"]
    client.v1.contracts.update_end_date(customer_id=c.id, contract_id=contract_id, ending_before=utc(2026, 2, 15))
    statements = usage_statement(client, c.id)
    assert [(i.status, i.end_timestamp) for i in statements] == [
        ("FINALIZED", FEB), ("FINALIZED", utc(2026, 2, 15)), ("VOID", utc(2026, 4, 1))]


def test_subscription_quantity_history(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    c = customer(client)
    contract = client.v1.contracts.create(
        customer_id=c.id, starting_at=utc(2026, 1, 15), rate_card_alias="standard",
        subscriptions=[{"collection_schedule": "ADVANCE", "initial_quantity": 3, "proration": {"is_prorated": True},
                        "subscription_rate": {"billing_frequency": "MONTHLY", "product_id": SEAT}}],
    ).data.id
    [subscription] = client.v1.contracts.retrieve(contract_id=contract, customer_id=c.id).data.subscriptions
    history = client.v1.contracts.retrieve_subscription_quantity_history(
        contract_id=contract, customer_id=c.id, subscription_id=subscription.id).data
    # The standard card's seat is 2000 cents a month; without edits the quantity never changed.
    assert (history.subscription_id, history.fiat_credit_type_id, history.custom_credit_type_id) == (
        subscription.id, USD_CENTS_ID, None)
    assert [(h.starting_at, [(d.quantity, d.unit_price, d.total) for d in h.data]) for h in history.history] == [
        (utc(2026, 1, 15), [(3, 2000, 3 * 2000)])]
    with expect_api_error(404):
        client.v1.contracts.retrieve_subscription_quantity_history(
            contract_id=contract, customer_id=c.id, subscription_id=str(uuid.uuid4()))


# --------------------------------------------------------------------------------------
# Historical invoices (contracts/createHistoricalInvoices)


def historical_setup(client, http):
    """A contract from January 2026 on a card with a FLAT product at 100 cents and a TIERED
    product (first 10 units at 50 cents, then 20 cents), the clock in March."""
    freeze_clock(http, utc(2026, 3, 10))
    card, flat = dollar_per_unit(client)
    metric = client.v1.billable_metrics.create(
        name=f"tiered-{uuid.uuid4().hex[:6]}", aggregation_type="COUNT", event_type_filter={"in_values": ["t"]}).data.id
    tiered = client.v1.contracts.products.create(name="Tiered", type="USAGE", billable_metric_id=metric).data.id
    client.v1.contracts.rate_cards.rates.add(
        rate_card_id=card, product_id=tiered, entitled=True, rate_type="TIERED", starting_at=utc(2025, 1, 1),
        tiers=[{"size": 10, "price": 50}, {"price": 20}])
    c = customer(client)
    contract_id = client.v1.contracts.create(customer_id=c.id, starting_at=JAN, rate_card_id=card).data.id
    return c, contract_id, flat, tiered


def historical(c, contract_id, lines, start=JAN, end=FEB, **extra):
    return {"customer_id": c.id, "contract_id": contract_id, "credit_type_id": USD_CENTS_ID,
            "inclusive_start_date": start, "exclusive_end_date": end, "issue_date": end, "usage_line_items": lines,
            **extra}


def usage_line(product, quantity, start=JAN, end=FEB, **extra):
    return {"product_id": product, "quantity": quantity, "inclusive_start_date": start, "exclusive_end_date": end,
            **extra}


def test_historical_invoices_are_finalized_priced_at_the_contract_rates_and_listed(client, http):
    c, contract_id, flat, tiered = historical_setup(client, http)
    made = client.v1.contracts.create_historical_invoices(preview=False, invoices=[
        historical(c, contract_id, [usage_line(flat, 7), usage_line(tiered, 15)], custom_fields={"source": "migration"}),
        historical(c, contract_id, [usage_line(flat, 2, FEB, MAR)], start=FEB, end=MAR),
    ]).data
    january, february = made
    assert (january.status, january.type, january.contract_id, january.customer_id) == (
        "FINALIZED", "USAGE", contract_id, c.id)
    assert (january.start_timestamp, january.end_timestamp, january.issued_at) == (JAN, FEB, FEB)
    assert january.custom_fields == {"source": "migration"}
    assert january.credit_type.id == USD_CENTS_ID
    assert [(li.product_id, li.quantity, li.unit_price, li.total) for li in january.line_items] == [
        (flat, 7, 100, 7 * 100), (tiered, 10, 50, 10 * 50), (tiered, 5, 20, 5 * 20)]
    assert [li.tier.level for li in january.line_items[1:]] == [1, 2]
    assert january.total == 7 * 100 + 10 * 50 + 5 * 20
    assert february.total == 2 * 100

    listed = {i.id: i for i in invoices(client, c.id)}
    assert listed[january.id].total == january.total and listed[january.id].status == "FINALIZED"
    assert listed[february.id].total == 2 * 100
    by_contract = {i.id for i in invoices(client, c.id, contract_id=contract_id)}
    assert {january.id, february.id} <= by_contract
    got = client.v1.customers.invoices.retrieve(customer_id=c.id, invoice_id=january.id).data
    assert [(li.quantity, li.total) for li in got.line_items] == [(7, 700), (10, 500), (5, 100)]

    # Finalized invoices never change; voided, a historical invoice keeps what it showed and
    # cannot be regenerated (there is no usage to rate it from).
    client.v1.invoices.void(id=february.id)
    assert client.v1.customers.invoices.retrieve(customer_id=c.id, invoice_id=february.id).data.status == "VOID"
    with expect_api_error(400):
        client.v1.invoices.regenerate(id=february.id)


def test_a_historical_invoice_shows_the_billable_status_it_was_given(client, http):
    c, contract_id, flat, _ = historical_setup(client, http)
    unbillable, billable, unsaid = client.v1.contracts.create_historical_invoices(preview=False, invoices=[
        historical(c, contract_id, [usage_line(flat, 1)], billable_status="unbillable"),
        historical(c, contract_id, [usage_line(flat, 2, FEB, MAR)], start=FEB, end=MAR, billable_status="billable"),
        historical(c, contract_id, [usage_line(flat, 3)])]).data
    assert (unbillable.billable_status, billable.billable_status, unsaid.billable_status) == ("unbillable", "billable", None)
    got = client.v1.customers.invoices.retrieve(customer_id=c.id, invoice_id=unbillable.id).data
    assert (got.billable_status, got.total) == ("unbillable", 1 * 100)
    with expect_api_error(400) as error:
        client.v1.contracts.create_historical_invoices(preview=False, invoices=[
            historical(c, contract_id, [usage_line(flat, 1)], billable_status="maybe")])
    assert "billable_status" in error["error"].body["message"]


def test_a_historical_invoice_preview_keeps_nothing(client, http):
    c, contract_id, flat, _ = historical_setup(client, http)
    before = [i.id for i in invoices(client, c.id)]
    [preview] = client.v1.contracts.create_historical_invoices(
        preview=True, invoices=[historical(c, contract_id, [usage_line(flat, 3)])]).data
    assert preview.total == 3 * 100
    assert [i.id for i in invoices(client, c.id)] == before
    with expect_api_error(404):
        client.v1.customers.invoices.retrieve(customer_id=c.id, invoice_id=preview.id)


def test_bad_historical_invoices_are_400_and_keep_nothing(client, http):
    c, contract_id, flat, tiered = historical_setup(client, http)
    before = [i.id for i in invoices(client, c.id)]
    good = historical(c, contract_id, [usage_line(flat, 1)])
    refused = {
        "breakdown_granularity": [good, historical(c, contract_id, [usage_line(flat, 1)], breakdown_granularity="DAY")],
        "subtotals_with_quantity": [good, historical(c, contract_id, [usage_line(
            flat, 1, subtotals_with_quantity=[{"inclusive_start_date": JAN, "exclusive_end_date": FEB, "quantity": 1}])])],
    }
    for field, batch in refused.items():
        with expect_api_error(400) as error:
            client.v1.contracts.create_historical_invoices(preview=False, invoices=batch)
        assert field in error["error"].body["message"]
    for batch in (
        [good, historical(c, contract_id, [usage_line(flat, 1)], start=FEB, end=utc(2026, 4, 1))],  # not past yet
        [good, historical(c, contract_id, [usage_line(flat, 1, FEB, MAR)])],  # line outside its invoice
        [good, historical(c, contract_id, [usage_line(COMMIT_PRODUCT, 1)])],  # no rate for the product
        [historical(c, contract_id, [usage_line(flat, 1)], start=FEB, end=JAN)],  # backwards
        [],
    ):
        with expect_api_error(400):
            client.v1.contracts.create_historical_invoices(preview=False, invoices=batch)
    with expect_api_error(404):
        client.v1.contracts.create_historical_invoices(preview=False, invoices=[
            good, historical(c, str(uuid.uuid4()), [usage_line(flat, 1)])])
    assert [i.id for i in invoices(client, c.id)] == before


# --------------------------------------------------------------------------------------
# Professional services (contracts/create `professional_services`, scheduleProServicesInvoice)


def consulting_contract(client, http):
    """A contract with one professional services term: 10 hours at $150, up to $2,000."""
    freeze_clock(http, utc(2026, 1, 20))
    product = client.v1.contracts.products.create(name="Consulting", type="PROFESSIONAL_SERVICE").data.id
    c = customer(client)
    contract_id = client.v1.contracts.create(customer_id=c.id, starting_at=JAN, professional_services=[
        {"product_id": product, "max_amount": 200000, "quantity": 10, "unit_price": 15000, "description": "Onboarding",
         "custom_fields": {"sow": "42"}}]).data.id
    return c, contract_id, product


def test_professional_services_are_read_back_and_invoiced(client, http):
    c, contract_id, product = consulting_contract(client, http)
    contract = client.v1.contracts.retrieve(customer_id=c.id, contract_id=contract_id).data
    [service] = contract.initial.professional_services
    assert (service.product_id, service.max_amount, service.quantity, service.unit_price, service.description,
            service.custom_fields) == (product, 200000, 10, 15000, "Onboarding", {"sow": "42"})
    assert contract.current.professional_services[0].id == service.id
    [listed] = client.v1.contracts.list(customer_id=c.id).data
    assert [s.id for s in listed.initial.professional_services] == [service.id]

    # Issued in the past: finalized at once. 3 hours at the term's price, and a fixed amount.
    [invoice] = client.v1.contracts.schedule_pro_services_invoice(
        customer_id=c.id, contract_id=contract_id, issued_at=utc(2026, 1, 10), line_items=[
            {"professional_service_id": service.id, "quantity": 3, "metadata": "week 1"},
            {"professional_service_id": service.id, "amount": 5000}]).data
    assert (invoice.status, invoice.contract_id, invoice.issued_at) == ("FINALIZED", contract_id, utc(2026, 1, 10))
    assert [(li.professional_service_id, li.quantity, li.unit_price, li.total, li.metadata) for li in invoice.line_items] == [
        (service.id, 3, 15000, 3 * 15000, "week 1"), (service.id, 1, 5000, 5000, None)]
    assert invoice.line_items[0].professional_service_custom_fields == {"sow": "42"}
    assert invoice.total == 3 * 15000 + 5000
    assert invoice.id in {i.id for i in invoices(client, c.id)}

    # Issued in the future: a draft until its date, then finalized. unit_price overrides the term's.
    [scheduled] = client.v1.contracts.schedule_pro_services_invoice(
        customer_id=c.id, contract_id=contract_id, issued_at=utc(2026, 2, 1), line_items=[
            {"professional_service_id": service.id, "quantity": 2, "unit_price": 10000}]).data
    assert (scheduled.status, scheduled.total) == ("DRAFT", 2 * 10000)
    freeze_clock(http, utc(2026, 2, 1, 1))
    got = client.v1.customers.invoices.retrieve(customer_id=c.id, invoice_id=scheduled.id).data
    assert (got.status, got.issued_at, got.total) == ("FINALIZED", utc(2026, 2, 1), 2 * 10000)

    # Voided and regenerated, it bills the same lines again: there is no usage to rate it from.
    client.v1.invoices.void(id=invoice.id)
    again = client.v1.invoices.regenerate(id=invoice.id).data.id
    regenerated = client.v1.customers.invoices.retrieve(customer_id=c.id, invoice_id=again).data
    assert (regenerated.status, regenerated.regenerated_from_invoice_id, regenerated.total) == (
        "FINALIZED", invoice.id, 3 * 15000 + 5000)
    assert [li.professional_service_id for li in regenerated.line_items] == [service.id, service.id]


def test_pro_services_lines_name_their_amendment_and_netsuite_billing_period(client, http):
    c, contract_id, product = consulting_contract(client, http)
    [original] = client.v1.contracts.retrieve(customer_id=c.id, contract_id=contract_id).data.initial.professional_services
    amendment = client.v1.contracts.amend(customer_id=c.id, contract_id=contract_id, starting_at=utc(2026, 1, 20),
                                          professional_services=[{"product_id": product, "max_amount": 50000,
                                                                  "quantity": 2, "unit_price": 20000}]).data.id
    [added] = [s for s in client.v1.contracts.retrieve(customer_id=c.id, contract_id=contract_id).data.current.professional_services
               if s.id != original.id]

    def schedule(*lines):
        return client.v1.contracts.schedule_pro_services_invoice(
            customer_id=c.id, contract_id=contract_id, issued_at=utc(2026, 1, 10), line_items=list(lines)).data

    # The SDK's docstring: a service added on an amendment needs the amendment's ID.
    with expect_api_error(400) as error:
        schedule({"professional_service_id": added.id, "quantity": 1})
    assert "amendment_id" in error["error"].body["message"]
    with expect_api_error(400):
        schedule({"professional_service_id": original.id, "quantity": 1, "amendment_id": amendment})

    [invoice] = schedule({"professional_service_id": added.id, "quantity": 1, "amendment_id": amendment,
                          "netsuite_invoice_billing_start": iso(JAN), "netsuite_invoice_billing_end": iso(FEB)})
    assert invoice.amendment_id == amendment
    [line] = invoice.line_items
    assert (line.total, line.netsuite_invoice_billing_start, line.netsuite_invoice_billing_end) == (20000, JAN, FEB)
    got = client.v1.customers.invoices.retrieve(customer_id=c.id, invoice_id=invoice.id).data
    assert (got.amendment_id, got.line_items[0].netsuite_invoice_billing_start) == (amendment, JAN)
    [plain] = schedule({"professional_service_id": original.id, "quantity": 1})
    assert (plain.amendment_id, plain.line_items[0].netsuite_invoice_billing_start) == (None, None)


def test_pro_services_invoice_bad_input_is_4xx_and_keeps_nothing(client, http):
    c, contract_id, _ = consulting_contract(client, http)
    [service] = client.v1.contracts.retrieve(customer_id=c.id, contract_id=contract_id).data.initial.professional_services
    before = [i.id for i in invoices(client, c.id)]

    def schedule(*lines, **extra):
        return client.v1.contracts.schedule_pro_services_invoice(
            customer_id=c.id, contract_id=contract_id, issued_at=utc(2026, 1, 10), line_items=list(lines), **extra)

    ok = {"professional_service_id": service.id, "amount": 1000}
    # 150,000 + 60,000 is more than the term's max_amount of 200,000.
    for lines in ([ok, {"professional_service_id": service.id, "quantity": 10}, {"professional_service_id": service.id,
                                                                                "quantity": 4}],
                  [{"professional_service_id": service.id, "amount": 100, "quantity": 1}],
                  [{"professional_service_id": service.id}],
                  []):
        with expect_api_error(400):
            schedule(*lines)
    for field, line in (("amendment_id", {**ok, "amendment_id": str(uuid.uuid4())}),
                        ("netsuite_invoice_billing_start", {**ok, "netsuite_invoice_billing_start": iso(FEB),
                                                            "netsuite_invoice_billing_end": iso(JAN)})):
        with expect_api_error(400) as error:
            schedule(line)
        assert field in error["error"].body["message"]
    with expect_api_error(400) as error:
        schedule(ok, netsuite_invoice_header_start=JAN)
    assert "netsuite_invoice_header_start" in error["error"].body["message"]
    with expect_api_error(404):
        schedule({"professional_service_id": str(uuid.uuid4()), "amount": 1})
    assert [i.id for i in invoices(client, c.id)] == before
    with expect_api_error(400):  # not a PROFESSIONAL_SERVICE product
        client.v1.contracts.create(customer_id=c.id, starting_at=JAN, professional_services=[
            {"product_id": COMMIT_PRODUCT, "max_amount": 1, "quantity": 1, "unit_price": 1}])


# --------------------------------------------------------------------------------------
# Seat-based subscriptions (getSubscriptionSeatsHistory, seatBalances/list)


def seat_subscription(mode="SEAT_BASED", **extra):
    return {"collection_schedule": "ADVANCE", "proration": {"is_prorated": True}, "quantity_management_mode": mode,
            "subscription_rate": {"billing_frequency": "MONTHLY", "product_id": SEAT}, **extra}


def test_seat_based_subscription_history_and_balances(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    c = customer(client)
    seats = ["user-1", "user-2", "user-3"]
    contract_id = client.v1.contracts.create(
        customer_id=c.id, starting_at=JAN, ending_before=YEAR_END, rate_card_alias="standard", subscriptions=[
            seat_subscription(seat_config={"initial_seat_ids": seats, "seat_group_key": "user_id"}),
            seat_subscription("QUANTITY_ONLY", initial_quantity=4)]).data.id
    seated, counted = client.v1.contracts.retrieve(customer_id=c.id, contract_id=contract_id).data.subscriptions
    assert (seated.quantity_management_mode, seated.seat_config.seat_group_key) == ("SEAT_BASED", "user_id")
    assert seated.quantity_schedule[0].quantity == len(seats)  # a seat-based quantity is its number of seats

    history = client.v1.contracts.get_subscription_seats_history(
        customer_id=c.id, contract_id=contract_id, subscription_id=seated.id)
    assert [(h.starting_at, h.ending_before, h.assigned_seat_ids, h.total_quantity) for h in history.data] == [
        (JAN, YEAR_END, seats, 3)]
    assert history.next_page is None
    assert client.v1.contracts.get_subscription_seats_history(
        customer_id=c.id, contract_id=contract_id, subscription_id=seated.id, covering_date=YEAR_END).data == []
    with expect_api_error(400):  # QUANTITY_ONLY has no seats
        client.v1.contracts.get_subscription_seats_history(
            customer_id=c.id, contract_id=contract_id, subscription_id=counted.id)
    with expect_api_error(404):
        client.v1.contracts.get_subscription_seats_history(
            customer_id=c.id, contract_id=contract_id, subscription_id=str(uuid.uuid4()))

    first = client.v1.contracts.list_seat_balances(customer_id=c.id, contract_id=contract_id, limit=2,
                                                   include_credits_and_commits=True)
    assert [(s.seat_id, s.balances, s.commits, s.credits) for s in first.data] == [
        ("user-1", [], [], []), ("user-2", [], [], [])]
    assert (first.pagination.seats_included, first.pagination.seats_available_for_next_page) == (2, 1)
    rest = client.v1.contracts.list_seat_balances(customer_id=c.id, contract_id=contract_id,
                                                  cursor=first.pagination.next_page)
    assert [s.seat_id for s in rest.data] == ["user-3"] and rest.pagination.next_page is None
    picked = client.v1.contracts.list_seat_balances(customer_id=c.id, contract_id=contract_id,
                                                    seat_ids=["user-2", "nobody"], skip_missing_seat_ids=True)
    assert [s.seat_id for s in picked.data] == ["user-2"]
    with expect_api_error(400):
        client.v1.contracts.list_seat_balances(customer_id=c.id, contract_id=contract_id, seat_ids=["nobody"])
    with expect_api_error(400):  # not a SEAT_BASED subscription
        client.v1.contracts.list_seat_balances(customer_id=c.id, contract_id=contract_id, subscription_ids=[counted.id])

    plain = client.v1.contracts.create(customer_id=c.id, starting_at=JAN).data.id
    empty = client.v1.contracts.list_seat_balances(customer_id=c.id, contract_id=plain)
    assert (empty.data, empty.pagination.seats_included, empty.pagination.next_page) == ([], 0, None)


def test_seat_based_subscriptions_need_their_seats(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    c = customer(client)
    for subscription in (
        seat_subscription(),  # SEAT_BASED without seat_config
        seat_subscription("QUANTITY_ONLY", seat_config={"initial_seat_ids": ["a"], "seat_group_key": "user_id"}),
        seat_subscription(initial_quantity=5, seat_config={"initial_seat_ids": ["a"], "seat_group_key": "user_id"}),
        seat_subscription(seat_config={"initial_seat_ids": ["a", "a"], "seat_group_key": "user_id"}),
    ):
        with expect_api_error(400):
            client.v1.contracts.create(customer_id=c.id, starting_at=JAN, rate_card_alias="standard",
                                       subscriptions=[subscription])
    assert client.v1.contracts.list(customer_id=c.id).data == []
