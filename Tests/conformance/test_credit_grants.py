"""Credit grants (the plans-era balance): create, list, edit and void; their drawdown on plan
invoices in Metronome's order; the ledger of each customer; and the balance alerts that read them."""

import uuid
from datetime import timedelta

import pytest

from helpers import USD_CENTS_ID, assert_error_response, expect_api_error, freeze_clock, iso, utc

GROWTH = "3e9c5f4b-8d4a-4fab-c000-000000000001"
API_CALLS_PRODUCT = "1c7a3d2f-6b2e-4d8f-a000-000000000001"
JAN = utc(2026, 1, 1)
FEB = utc(2026, 2, 1)
A_EXPIRES = utc(2026, 1, 11)


def ingest_calls(client, customer_id, count, when):
    prefix = uuid.uuid4().hex
    events = [
        {"transaction_id": f"{prefix}-{i}", "customer_id": customer_id, "event_type": "api_call",
         "timestamp": iso(when + timedelta(minutes=i)), "properties": {"endpoint": "/search"}}
        for i in range(count)
    ]
    for start in range(0, count, 100):
        client.v1.usage.ingest(usage=events[start:start + 100])


def grant(client, customer_id, **fields):
    body = {
        "customer_id": customer_id, "name": "Grant", "priority": 1, "effective_at": iso(JAN),
        "expires_at": iso(utc(2026, 6, 1)), "grant_amount": {"amount": 100, "credit_type_id": USD_CENTS_ID},
        "paid_amount": {"amount": 0, "credit_type_id": USD_CENTS_ID},
    }
    body.update(fields)
    return client.v1.credit_grants.create(**body).data.id


@pytest.fixture
def on_growth(client, http):
    """A customer on the default Growth plan since Jan 1 (5000 cents a month plus 1 cent a
    call), with the clock frozen on Jan 20."""
    freeze_clock(http, utc(2026, 1, 20))
    customer = client.v1.customers.create(name="Granted Co").data.id
    client.v1.customers.plans.add(customer_id=customer, plan_id=GROWTH, starting_on=JAN)
    return customer


@pytest.fixture
def two_grants(client, on_growth):
    """Grant A: 300 cents for API calls only, priority 1, expiring Jan 11. Grant B: 4000 cents for
    anything, priority 2. Usage: 200 calls on Jan 5 and 150 on Jan 15."""
    a = grant(client, on_growth, name="Launch credit", priority=1, expires_at=iso(A_EXPIRES),
              grant_amount={"amount": 300, "credit_type_id": USD_CENTS_ID}, product_ids=[API_CALLS_PRODUCT],
              reason="Launch promotion", credit_grant_type="promotional", custom_fields={"campaign": "launch"})
    b = grant(client, on_growth, name="Prepaid", priority=2,
              grant_amount={"amount": 4000, "credit_type_id": USD_CENTS_ID},
              paid_amount={"amount": 3500, "credit_type_id": USD_CENTS_ID}, uniqueness_key="prepaid-1")
    ingest_calls(client, on_growth, 200, utc(2026, 1, 5))
    ingest_calls(client, on_growth, 150, utc(2026, 1, 15))
    return a, b


def draft(client, customer_id):
    return next(iter(client.v1.customers.invoices.list(customer_id=customer_id, status="DRAFT")))


def test_grants_draw_down_on_the_plan_invoice_by_priority_and_only_while_in_effect(client, on_growth, two_grants):
    a, b = two_grants
    invoice = draft(client, on_growth)
    # Charges: 200 calls dated before A expires, 150 after, and the 5000-cent fee at the start.
    subtotal = 200 + 150 + 5000
    # A (priority 1) pays only for API calls dated before Jan 11: 200 of its 300.
    # B (priority 2) pays for what is left, the fee first (dated earliest): all its 4000.
    assert invoice.subtotal == subtotal
    grants = [(adj.credit_grant_id, adj.name, adj.total) for adj in invoice.invoice_adjustments or []]
    assert grants == [(a, "Launch credit", -200), (b, "Prepaid", -4000)]
    assert invoice.total == subtotal - 200 - 4000
    launch = next(adj for adj in invoice.invoice_adjustments if adj.credit_grant_id == a)
    assert launch.credit_grant_custom_fields == {"campaign": "launch"} and launch.credit_type.id == USD_CENTS_ID


def test_list_grants_shows_balances_and_pending_deductions(client, on_growth, two_grants):
    a, b = two_grants
    listed = {g.id: g for g in client.v1.credit_grants.list(customer_ids=[on_growth])}
    assert set(listed) == {a, b}
    launch, prepaid = listed[a], listed[b]
    assert (launch.name, launch.priority, launch.reason, launch.credit_grant_type) == (
        "Launch credit", 1, "Launch promotion", "promotional")
    assert launch.grant_amount.amount == 300 and launch.grant_amount.credit_type.name == "USD (cents)"
    assert [p.id for p in launch.products] == [API_CALLS_PRODUCT] and launch.products[0].name == "API calls"
    assert prepaid.paid_amount.amount == 3500 and prepaid.uniqueness_key == "prepaid-1" and prepaid.products is None
    # The balance is as of the end of the current period (Feb 1). A has expired: 0 both ways.
    assert launch.balance.effective_at == FEB
    assert (launch.balance.excluding_pending, launch.balance.including_pending) == (0, 0)
    # Nothing is posted for B until January's invoice is finalized; the draft's 4000 is pending.
    assert (prepaid.balance.excluding_pending, prepaid.balance.including_pending) == (4000, 0)
    assert prepaid.deductions == []
    [pending] = prepaid.pending_deductions
    invoice = draft(client, on_growth)
    assert (pending.amount, pending.invoice_id, pending.credit_grant_id) == (-4000, invoice.id, b)
    # Filters.
    assert [g.id for g in client.v1.credit_grants.list(credit_grant_ids=[a])] == [a]
    assert [g.id for g in client.v1.credit_grants.list(customer_ids=[on_growth], not_expiring_before=iso(utc(2026, 2, 1)))] == [b]
    assert list(client.v1.credit_grants.list(customer_ids=[on_growth], effective_before=iso(JAN))) == []
    with expect_api_error(400):
        client.v1.credit_grants.list(credit_grant_ids=[a], customer_ids=[on_growth])


def test_ledger_entries_before_and_after_finalization(client, http, on_growth, two_grants):
    a, b = two_grants
    [row] = list(client.v1.credit_grants.list_entries(customer_ids=[on_growth]))
    [ledger] = row.ledgers
    assert row.customer_id == on_growth and ledger.credit_type.id == USD_CENTS_ID
    # Posted: both grants on Jan 1, then A's unused 100 expiring on Jan 11.
    assert [(e.credit_grant_id, e.amount, e.running_balance) for e in ledger.entries] == [
        (a, 300, 300), (b, 4000, 4300), (a, -100, 4200)]
    assert ledger.entries[2].effective_at == A_EXPIRES
    # Pending: the draft's deductions, dated at the end of its period.
    assert [(e.credit_grant_id, e.amount, e.running_balance, e.effective_at, e.reason) for e in ledger.pending_entries] == [
        (a, -200, 4000, FEB, "Automated invoice deduction"), (b, -4000, 0, FEB, "Automated invoice deduction")]
    assert (ledger.starting_balance.effective_at, ledger.starting_balance.excluding_pending) == (JAN, 4300)
    assert (ledger.ending_balance.effective_at, ledger.ending_balance.excluding_pending,
            ledger.ending_balance.including_pending) == (FEB, 4200, 0)

    # Past January's grace period its invoice is finalized and the deductions are posted.
    freeze_clock(http, utc(2026, 2, 2, 1))
    [row] = list(client.v1.credit_grants.list_entries(customer_ids=[on_growth], starting_on=iso(utc(2026, 1, 10))))
    [ledger] = row.ledgers
    assert [(e.credit_grant_id, e.amount) for e in ledger.entries] == [(a, -100), (a, -200), (b, -4000)]
    assert ledger.pending_entries == []
    finalized = next(iter(client.v1.customers.invoices.list(customer_id=on_growth, status="FINALIZED")))
    assert ledger.entries[1].invoice_id == finalized.id and finalized.total == 5350 - 4200
    listed = {g.id: g for g in client.v1.credit_grants.list(customer_ids=[on_growth])}
    assert [d.amount for d in listed[b].deductions] == [-4000] and listed[b].balance.excluding_pending == 0
    # February draws on nothing: both grants are spent or expired.
    assert draft(client, on_growth).invoice_adjustments in (None, [])


def test_void_and_edit(client, on_growth, two_grants):
    a, b = two_grants
    client.v1.credit_grants.void(id=b)
    invoice = draft(client, on_growth)
    assert [(adj.credit_grant_id, adj.total) for adj in invoice.invoice_adjustments] == [(a, -200)]
    assert invoice.total == 5350 - 200
    assert [g.id for g in client.v1.credit_grants.list(customer_ids=[on_growth])] == [a]
    # The voided grant keeps its uniqueness key unless released.
    with expect_api_error(409):
        grant(client, on_growth, uniqueness_key="prepaid-1")
    with expect_api_error(404):
        client.v1.credit_grants.void(id=b)

    # A longer life lets A pay for the calls of Jan 15 too: 300 in all.
    client.v1.credit_grants.edit(id=a, expires_at=iso(utc(2026, 3, 1)), name="Launch credit, extended")
    invoice = draft(client, on_growth)
    assert [(adj.name, adj.total) for adj in invoice.invoice_adjustments] == [("Launch credit, extended", -300)]

    c = grant(client, on_growth, uniqueness_key="once")
    client.v1.credit_grants.void(id=c, release_uniqueness_key=True)
    grant(client, on_growth, uniqueness_key="once")


def test_low_credit_balance_alert_reads_grants(client, on_growth):
    alert = client.v1.alerts.create(
        alert_type="low_credit_balance_reached", name="Low credits", threshold=4990, customer_id=on_growth,
        credit_type_id=USD_CENTS_ID,
    ).data.id

    def status():
        return client.v1.customers.alerts.retrieve(customer_id=on_growth, alert_id=alert).data.customer_status

    # The draft's 5000-cent fee draws on the grant at once: 5000 of 10000 left.
    grant(client, on_growth, grant_amount={"amount": 10000, "credit_type_id": USD_CENTS_ID})
    assert status() == "ok"
    # 20 calls at 1 cent leave 4980, under the threshold.
    ingest_calls(client, on_growth, 20, utc(2026, 1, 5))
    assert status() == "in_alarm"


def test_bad_requests_change_nothing(client, http, on_growth):
    unknown = str(uuid.uuid4())
    with expect_api_error(404):
        grant(client, unknown)
    with expect_api_error(404):
        grant(client, on_growth, product_ids=[unknown])
    with expect_api_error(400):
        grant(client, on_growth, expires_at=iso(JAN))
    with expect_api_error(404):
        client.v1.credit_grants.edit(id=unknown, name="x")
    for field, value in [("invoice_date", iso(JAN)),
                         ("rollover_settings", {"expires_at": iso(FEB), "priority": 1,
                                                "rollover_amount": {"type": "MAX_PERCENTAGE", "value": 0.5}})]:
        resp = http.post("/v1/credits/createGrant", json={
            "customer_id": on_growth, "name": "G", "priority": 1, "expires_at": iso(FEB),
            "grant_amount": {"amount": 1, "credit_type_id": USD_CENTS_ID},
            "paid_amount": {"amount": 0, "credit_type_id": USD_CENTS_ID}, field: value,
        })
        assert field in assert_error_response(resp, 400)["message"]
    resp = http.post("/v1/credits/listEntries?sort=sideways", json={})
    assert_error_response(resp, 400)
    assert list(client.v1.credit_grants.list(customer_ids=[on_growth])) == []
