"""Contracts in the v2 shape: /v2/contracts/get, list and getEditHistory read the contracts v1
contracts/create stores, through the SDK in strict mode. Balances and ledgers are checked
against v1's answer for the same contract and against the arithmetic of the draws."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from helpers import USD_CENTS_ID, assert_error_response, expect_api_error, freeze_clock, iso, utc
from pricing_helpers import FIXTURE_PRODUCT_IDS, STANDARD_RATE_CARD_ID

JAN1 = utc(2026, 1, 1)
JAN15 = utc(2026, 1, 15)
JAN20 = utc(2026, 1, 20)
FEB1 = utc(2026, 2, 1)
JAN1_2027 = utc(2027, 1, 1)

COMMIT_PRODUCT = FIXTURE_PRODUCT_IDS["prepaid_commit"]
API_CALLS = FIXTURE_PRODUCT_IDS["api_calls"]
SEAT = FIXTURE_PRODUCT_IDS["seat"]

PREPAID_COMMIT = {
    "product_id": COMMIT_PRODUCT,
    "type": "PREPAID",
    "name": "Prepaid",
    "priority": 1,
    "access_schedule": {"schedule_items": [{"amount": 10000, "starting_at": JAN1, "ending_before": JAN1_2027}]},
    "invoice_schedule": {"schedule_items": [{"timestamp": JAN1, "amount": 9000}]},
}


def customer(client, name="Acme"):
    return client.v1.customers.create(name=name, ingest_aliases=[f"alias-{uuid.uuid4().hex[:8]}"]).data.id


def contract(client, customer_id, **kw):
    kw.setdefault("starting_at", JAN1)
    return client.v1.contracts.create(customer_id=customer_id, **kw).data.id


def get_v2(client, customer_id, contract_id, **kw):
    return client.v2.contracts.retrieve(customer_id=customer_id, contract_id=contract_id, **kw).data


def get_v1(client, customer_id, contract_id, **kw):
    return client.v1.contracts.retrieve(customer_id=customer_id, contract_id=contract_id, **kw).data


def list_ids(client, customer_id, **kw):
    return [k.id for k in client.v2.contracts.list(customer_id=customer_id, **kw)]


def dumped(model, *leave_out):
    return {k: v for k, v in model.model_dump(mode="json", exclude_none=True).items() if k not in leave_out}


# ====================================================================== get


def test_contract_created_through_v1_reads_back_through_v2(client, http):
    freeze_clock(http, JAN15)
    c = customer(client)
    cid = contract(
        client, c, name="Enterprise", ending_before=JAN1_2027, rate_card_alias="standard",
        net_payment_terms_days=30, custom_fields={}, uniqueness_key="k-v2",
        usage_statement_schedule={"frequency": "QUARTERLY", "day": "CONTRACT_START"},
        commits=[PREPAID_COMMIT],
        credits=[{
            "product_id": COMMIT_PRODUCT, "priority": 2,
            "access_schedule": {"schedule_items": [{"amount": 500, "starting_at": JAN1, "ending_before": FEB1}]},
        }],
        scheduled_charges=[{
            "product_id": COMMIT_PRODUCT, "name": "Setup",
            "schedule": {"schedule_items": [{"timestamp": FEB1, "quantity": 2, "unit_price": 150}]},
        }],
        overrides=[{"starting_at": JAN1, "product_id": API_CALLS, "multiplier": 0.5}],
        subscriptions=[{
            "collection_schedule": "ADVANCE", "proration": {"is_prorated": True},
            "subscription_rate": {"billing_frequency": "MONTHLY", "product_id": SEAT}, "initial_quantity": 3,
        }],
    )
    k = get_v2(client, c, cid)
    assert (k.id, k.customer_id) == (cid, c)
    assert (k.name, k.starting_at, k.ending_before) == ("Enterprise", JAN1, JAN1_2027)
    assert k.rate_card_id == STANDARD_RATE_CARD_ID
    assert k.net_payment_terms_days == 30
    assert k.uniqueness_key == "k-v2"
    assert k.created_at == JAN15 and k.created_by
    assert k.archived_at is None
    assert (k.usage_statement_schedule.frequency, k.usage_statement_schedule.billing_anchor_date) == ("QUARTERLY", JAN1)
    assert k.transitions == [] and k.usage_filter == []

    [commit] = k.commits
    assert (commit.type, commit.name, commit.priority) == ("PREPAID", "Prepaid", 1)
    assert commit.product.id == COMMIT_PRODUCT and commit.contract.id == cid
    [seg] = commit.access_schedule.schedule_items
    assert (seg.amount, seg.starting_at, seg.ending_before) == (10000, JAN1, JAN1_2027)
    assert commit.access_schedule.credit_type.id == USD_CENTS_ID
    [inv] = commit.invoice_schedule.schedule_items
    assert (inv.amount, inv.quantity, inv.unit_price, inv.timestamp) == (9000, 1, 9000, JAN1)
    assert commit.balance is None and commit.ledger is None

    [credit] = k.credits
    assert (credit.type, credit.priority) == ("CREDIT", 2)
    assert credit.access_schedule.schedule_items[0].amount == 500

    [charge] = k.scheduled_charges
    assert charge.name == "Setup"
    assert [(i.amount, i.quantity, i.unit_price) for i in charge.schedule.schedule_items] == [(300, 2, 150)]

    [override] = k.overrides
    assert (override.type, override.multiplier, override.product.id) == ("MULTIPLIER", 0.5, API_CALLS)

    [sub] = k.subscriptions
    assert sub.subscription_rate.product.id == SEAT and sub.quantity_schedule[0].quantity == 3

    # The same terms as v1's `current`, but for the fields v2's commits and credits do not have.
    v1 = get_v1(client, c, cid).current
    assert dumped(commit) == dumped(v1.commits[0], "uniqueness_key")
    assert dumped(credit) == dumped(v1.credits[0], "uniqueness_key", "rate_type")
    assert [dumped(o) for o in k.overrides] == [dumped(o) for o in v1.overrides]
    assert [dumped(s) for s in k.scheduled_charges] == [dumped(s) for s in v1.scheduled_charges]


def test_minimal_contract_has_every_required_list(client, http):
    freeze_clock(http, JAN15)
    c = customer(client)
    k = get_v2(client, c, contract(client, c))
    assert (k.commits, k.credits, k.overrides, k.scheduled_charges, k.discounts) == ([], [], [], [], [])
    assert k.ending_before is None and k.rate_card_id is None
    assert k.usage_statement_schedule.frequency == "MONTHLY"


def test_archived_contract_shows_when(client, http):
    freeze_clock(http, FEB1)
    c = customer(client)
    cid = contract(client, c, commits=[PREPAID_COMMIT])
    client.v1.contracts.archive(customer_id=c, contract_id=cid, void_invoices=False)
    k = get_v2(client, c, cid)
    assert k.archived_at == FEB1 and k.commits[0].archived_at == FEB1


def test_update_end_date_shows_in_v2(client):
    c = customer(client)
    cid = contract(client, c)
    client.v1.contracts.update_end_date(customer_id=c, contract_id=cid, ending_before=FEB1)
    assert get_v2(client, c, cid).ending_before == FEB1


def test_get_unknown_ids_are_404(client):
    c = customer(client)
    cid = contract(client, c)
    with expect_api_error(404):
        get_v2(client, str(uuid.uuid4()), cid)
    with expect_api_error(404):
        get_v2(client, c, str(uuid.uuid4()))
    with expect_api_error(404):
        get_v2(client, customer(client, "Other"), cid)


# ====================================================================== balances and ledgers


def dollar_per_unit(client):
    """A usage product priced at 100 cents a unit on a new rate card."""
    metric = client.v1.billable_metrics.create(
        name=f"units-{uuid.uuid4().hex[:6]}", aggregation_type="COUNT", event_type_filter={"in_values": ["unit"]}).data.id
    product = client.v1.contracts.products.create(name="Units", type="USAGE", billable_metric_id=metric).data.id
    card = client.v1.contracts.rate_cards.create(name=f"Dollar {uuid.uuid4().hex[:6]}").data.id
    client.v1.contracts.rate_cards.rates.add(
        rate_card_id=card, product_id=product, entitled=True, rate_type="FLAT", price=100, starting_at=utc(2025, 1, 1))
    return card


def ingest_units(client, customer_id, count, when):
    client.v1.usage.ingest(usage=[
        {"transaction_id": uuid.uuid4().hex, "customer_id": customer_id, "event_type": "unit",
         "timestamp": iso(when + timedelta(minutes=i)), "properties": {}}
        for i in range(count)
    ])


def access(amount, end=JAN1_2027):
    return {"schedule_items": [{"amount": amount, "starting_at": iso(JAN1), "ending_before": iso(end)}]}


@pytest.fixture
def drawn_contract(client, http):
    """A contract with a 4000-cent commit and a 500-cent credit, after 12 units at 100 cents."""
    freeze_clock(http, JAN20)
    card = dollar_per_unit(client)
    c = customer(client)
    cid = client.v1.contracts.create(
        customer_id=c, starting_at=JAN1, rate_card_id=card,
        commits=[{"type": "PREPAID", "product_id": COMMIT_PRODUCT, "name": "Commit", "access_schedule": access(4000)}],
        credits=[{"product_id": COMMIT_PRODUCT, "name": "Credit", "access_schedule": access(500)}],
    ).data.id
    ingest_units(client, c, 12, utc(2026, 1, 5))
    return c, cid


def test_include_balance_and_ledgers_match_v1(client, drawn_contract):
    c, cid = drawn_contract
    k = get_v2(client, c, cid, include_balance=True, include_ledgers=True)
    [commit], [credit] = k.commits, k.credits
    # 12 units at 100 cents drawn from 4000 + 500 of access, whatever the order of drawdown.
    assert commit.balance + credit.balance == 4000 + 500 - 12 * 100
    assert 0 <= credit.balance <= 500 and commit.balance <= 4000
    assert commit.ledger[0].type == "PREPAID_COMMIT_SEGMENT_START" and commit.ledger[0].amount == 4000
    assert credit.ledger[0].type == "CREDIT_SEGMENT_START" and credit.ledger[0].amount == 500
    assert sum(e.amount for e in commit.ledger) == commit.balance
    assert sum(e.amount for e in credit.ledger) == credit.balance

    v1 = get_v1(client, c, cid, include_balance=True, include_ledgers=True).current
    assert (commit.balance, credit.balance) == (v1.commits[0].balance, v1.credits[0].balance)
    assert [dumped(e) for e in commit.ledger] == [dumped(e) for e in v1.commits[0].ledger]
    assert [dumped(e) for e in credit.ledger] == [dumped(e) for e in v1.credits[0].ledger]


def test_balance_and_ledgers_are_shown_only_when_asked(client, drawn_contract):
    c, cid = drawn_contract
    plain = get_v2(client, c, cid).commits[0]
    assert plain.balance is None and plain.ledger is None
    balance_only = get_v2(client, c, cid, include_balance=True).commits[0]
    assert balance_only.balance is not None and balance_only.ledger is None
    ledger_only = get_v2(client, c, cid, include_ledgers=True).commits[0]
    assert ledger_only.balance is None and ledger_only.ledger


def test_list_shows_balances_and_ledgers(client, drawn_contract):
    c, cid = drawn_contract
    [listed] = client.v2.contracts.list(customer_id=c, include_balance=True, include_ledgers=True).data
    got = get_v2(client, c, cid, include_balance=True, include_ledgers=True)
    assert listed.id == cid
    assert [dumped(x) for x in listed.commits + listed.credits] == [dumped(x) for x in got.commits + got.credits]
    [plain] = client.v2.contracts.list(customer_id=c).data
    assert plain.commits[0].balance is None and plain.commits[0].ledger is None


# ====================================================================== list


def test_list_pages_with_cursor(client):
    c = customer(client)
    ids = [contract(client, c) for _ in range(3)]
    first = client.v2.contracts.list(customer_id=c, limit=2)
    assert [k.id for k in first.data] == ids[:2]
    assert first.cursor
    second = client.v2.contracts.list(customer_id=c, limit=2, cursor=first.cursor)
    assert [k.id for k in second.data] == ids[2:] and second.cursor is None
    assert list_ids(client, c, limit=2) == ids
    assert list_ids(client, c) == ids
    v1_cursor = client.v1.contracts.list(customer_id=c, limit=2).cursor
    with expect_api_error(400):
        client.v2.contracts.list(customer_id=c, cursor=v1_cursor)


def test_list_filters(client):
    c = customer(client)
    jan = contract(client, c, ending_before=FEB1)
    feb = contract(client, c, starting_at=FEB1)
    assert list_ids(client, c, covering_date=JAN15) == [jan]
    assert list_ids(client, c, covering_date=FEB1) == [feb]
    assert list_ids(client, c, starting_at=FEB1) == [feb]
    assert list_ids(client, c, starting_at=JAN1) == [jan, feb]
    client.v1.contracts.archive(customer_id=c, contract_id=jan, void_invoices=False)
    assert list_ids(client, c) == [feb]
    assert list_ids(client, c, include_archived=True) == [jan, feb]
    assert list_ids(client, c, include_archived=True, covering_date=JAN15) == [jan]


def test_list_refuses_covering_date_with_starting_at(client, http):
    c = customer(client)
    r = http.post("/v2/contracts/list", json={"customer_id": c, "covering_date": iso(JAN15), "starting_at": iso(JAN1)})
    message = assert_error_response(r, 400)["message"]
    assert "covering_date" in message and "starting_at" in message


@pytest.mark.parametrize("limit", [0, 21])
def test_list_limit_out_of_range_is_400(client, http, limit):
    c = customer(client)
    assert_error_response(http.post("/v2/contracts/list", json={"customer_id": c, "limit": limit}), 400)


def test_list_unknown_customer_is_404(client):
    with expect_api_error(404):
        client.v2.contracts.list(customer_id=str(uuid.uuid4())).data


# ====================================================================== edit history


def test_edit_history_of_an_unedited_contract_is_empty(client):
    c = customer(client)
    cid = contract(client, c, commits=[PREPAID_COMMIT])
    assert client.v2.contracts.get_edit_history(customer_id=c, contract_id=cid).data == []


def test_edit_history_unknown_ids_are_404(client):
    c = customer(client)
    cid = contract(client, c)
    with expect_api_error(404):
        client.v2.contracts.get_edit_history(customer_id=c, contract_id=str(uuid.uuid4()))
    with expect_api_error(404):
        client.v2.contracts.get_edit_history(customer_id=str(uuid.uuid4()), contract_id=cid)
