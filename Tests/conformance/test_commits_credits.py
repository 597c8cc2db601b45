"""Customer-level commits and credits: create, list, updateEndDate, through the SDK in strict mode."""

from __future__ import annotations

import uuid

import pytest

from helpers import USD_CENTS_ID, assert_error_response, assert_uuid4, expect_api_error, freeze_clock, utc
from pricing_helpers import FIXTURE_PRODUCT_IDS

JAN1 = utc(2026, 1, 1)
JAN15 = utc(2026, 1, 15)
FEB1 = utc(2026, 2, 1)
MAR1 = utc(2026, 3, 1)
APR1 = utc(2026, 4, 1)

COMMIT_PRODUCT = FIXTURE_PRODUCT_IDS["prepaid_commit"]
API_CALLS = FIXTURE_PRODUCT_IDS["api_calls"]


def customer(client, name="Acme"):
    return client.v1.customers.create(name=name).data.id


def access(*segments):
    return {"schedule_items": [{"amount": a, "starting_at": s, "ending_before": e} for a, s, e in segments]}


def commit(client, customer_id, **kw):
    kw.setdefault("product_id", COMMIT_PRODUCT)
    kw.setdefault("type", "PREPAID")
    kw.setdefault("priority", 1)
    kw.setdefault("access_schedule", access((1000, JAN1, APR1)))
    return client.v1.customers.commits.create(customer_id=customer_id, **kw).data.id


def credit(client, customer_id, **kw):
    kw.setdefault("product_id", COMMIT_PRODUCT)
    kw.setdefault("priority", 1)
    kw.setdefault("access_schedule", access((500, JAN1, APR1)))
    return client.v1.customers.credits.create(customer_id=customer_id, **kw).data.id


def commits(client, customer_id, **kw):
    return list(client.v1.customers.commits.list(customer_id=customer_id, **kw))


def credits(client, customer_id, **kw):
    return list(client.v1.customers.credits.list(customer_id=customer_id, **kw))


# ====================================================================== commits


def test_a_customer_commits_and_credits_references_read_back(client, http):
    freeze_clock(http, JAN1)
    c = customer(client)
    commit(client, c, netsuite_sales_order_id="SO-1", salesforce_opportunity_id="006-a")
    credit(client, c, netsuite_sales_order_id="SO-2", salesforce_opportunity_id="006-b")
    [k] = commits(client, c)
    [cr] = credits(client, c)
    assert (k.netsuite_sales_order_id, k.salesforce_opportunity_id) == ("SO-1", "006-a")
    assert (cr.netsuite_sales_order_id, cr.salesforce_opportunity_id) == ("SO-2", "006-b")


def test_commit_roundtrip(client, http):
    freeze_clock(http, JAN1)
    c = customer(client)
    cid = commit(
        client, c, name="Annual", description="d", applicable_product_ids=[API_CALLS], applicable_product_tags=["usage"],
        rate_type="LIST_RATE", invoice_schedule={"schedule_items": [{"timestamp": JAN1, "unit_price": 800}]},
        uniqueness_key="u-1", custom_fields={},
    )
    assert_uuid4(cid)
    [row] = commits(client, c)
    assert row.id == cid
    assert row.type == "PREPAID"
    assert row.created_at == JAN1
    assert row.product.id == COMMIT_PRODUCT and row.product.name == "Prepaid commit"
    assert row.name == "Annual" and row.description == "d"
    assert row.priority == 1
    assert row.applicable_product_ids == [API_CALLS]
    assert row.applicable_product_tags == ["usage"]
    assert row.rate_type == "LIST_RATE"
    assert row.uniqueness_key == "u-1"
    assert row.contract is None
    assert row.access_schedule.credit_type.id == USD_CENTS_ID
    [seg] = row.access_schedule.schedule_items
    assert (seg.amount, seg.starting_at, seg.ending_before) == (1000, JAN1, APR1)
    [item] = row.invoice_schedule.schedule_items
    assert (item.amount, item.quantity, item.unit_price, item.timestamp) == (800, 1, 800, JAN1)
    assert row.balance is None and row.ledger is None


def test_commit_uniqueness_key_reuse_is_409(client):
    c = customer(client)
    commit(client, c, uniqueness_key="same")
    with expect_api_error(409) as info:
        commit(client, c, uniqueness_key="same")
    assert info["error"].body["message"] == "This uniqueness key has already been used."
    assert len(commits(client, c)) == 1


@pytest.mark.parametrize("change,status", [
    ({"customer_id": None}, 400),
    ({"priority": None}, 400),
    ({"type": None}, 400),
    ({"type": "SOMETIMES"}, 400),
    ({"access_schedule": None}, 400),
    ({"access_schedule": {"schedule_items": []}}, 400),
    ({"access_schedule": access((10, "2026-02-01T00:00:00Z", "2026-01-01T00:00:00Z"))}, 400),
    ({"access_schedule": access((-1, "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z"))}, 400),
    ({"product_id": API_CALLS}, 400),
    ({"product_id": "nope"}, 400),
    ({"uniqueness_key": ""}, 400),
    ({"invoice_schedule": {"schedule_items": [{"timestamp": "2026-01-01T00:00:00Z"}]}}, 400),
    ({"product_id": "CUSTOM"}, 404),
    ({"customer_id": "CUSTOM"}, 404),
    ({"invoice_contract_id": "CUSTOM"}, 404),
])
def test_commit_create_errors(client, http, change, status):
    c = customer(client)
    body = {
        "customer_id": c, "product_id": COMMIT_PRODUCT, "type": "PREPAID", "priority": 1,
        "access_schedule": access(("10", "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z")),
    }
    body["access_schedule"]["schedule_items"][0]["amount"] = 10
    for k, v in change.items():
        if v is None:
            body.pop(k)
        else:
            body[k] = str(uuid.uuid4()) if v == "CUSTOM" else v
    assert_error_response(http.post("/v1/contracts/customerCommits/create", json=body), status)
    assert commits(client, c) == []


def test_list_filters(client):
    c = customer(client)
    jan = commit(client, c, access_schedule=access((1, JAN1, FEB1)))
    mar = commit(client, c, access_schedule=access((1, MAR1, APR1)))
    assert [r.id for r in commits(client, c, covering_date=JAN15)] == [jan]
    assert [r.id for r in commits(client, c, starting_at=FEB1)] == [mar]
    assert [r.id for r in commits(client, c, effective_before=FEB1)] == [jan]
    assert [r.id for r in commits(client, c, commit_id=mar)] == [mar]


def test_list_pages_in_body(client):
    c = customer(client)
    ids = [commit(client, c) for _ in range(3)]
    page = client.v1.customers.commits.list(customer_id=c, limit=2)
    assert [r.id for r in page.data] == ids[:2] and page.next_page
    assert [r.id for r in commits(client, c, limit=2)] == ids


@pytest.mark.parametrize("limit", [0, 26])
def test_list_limit_out_of_range_is_400(client, http, limit):
    c = customer(client)
    assert_error_response(http.post("/v1/contracts/customerCommits/list", json={"customer_id": c, "limit": limit}), 400)


def test_list_contract_commits_on_request(client):
    c = customer(client)
    own = commit(client, c)
    contract_id = client.v1.contracts.create(
        customer_id=c, starting_at=JAN1,
        commits=[{"product_id": COMMIT_PRODUCT, "type": "POSTPAID", "access_schedule": access((5, JAN1, APR1))}],
    ).data.id
    assert [r.id for r in commits(client, c)] == [own]
    rows = commits(client, c, include_contract_commits=True)
    assert len(rows) == 2
    assert rows[1].contract.id == contract_id and rows[1].type == "POSTPAID"


def test_list_unknown_customer_is_404(client):
    with expect_api_error(404):
        commits(client, str(uuid.uuid4()))


def test_commit_update_end_date(client):
    c = customer(client)
    cid = commit(
        client, c, access_schedule=access((100, JAN1, FEB1), (100, FEB1, MAR1), (100, MAR1, APR1)),
        invoice_schedule={"schedule_items": [{"timestamp": JAN1, "amount": 1}, {"timestamp": MAR1, "amount": 1}]},
    )
    resp = client.v1.customers.commits.update_end_date(
        customer_id=c, commit_id=cid, access_ending_before=utc(2026, 2, 15), invoices_ending_before=FEB1
    )
    assert resp.data.id == cid
    [row] = commits(client, c)
    assert [(s.starting_at, s.ending_before) for s in row.access_schedule.schedule_items] == [
        (JAN1, FEB1), (FEB1, utc(2026, 2, 15))
    ]
    assert [i.timestamp for i in row.invoice_schedule.schedule_items] == [JAN1]
    with expect_api_error(400):
        client.v1.customers.commits.update_end_date(customer_id=c, commit_id=cid, access_ending_before=APR1)
    with expect_api_error(404):
        client.v1.customers.commits.update_end_date(customer_id=c, commit_id=str(uuid.uuid4()), access_ending_before=FEB1)


# ====================================================================== credits


def test_credit_roundtrip_and_list(client, http):
    freeze_clock(http, JAN1)
    c = customer(client)
    cid = credit(client, c, name="Promo")
    [row] = credits(client, c)
    assert row.id == cid and row.type == "CREDIT" and row.name == "Promo"
    assert row.access_schedule.schedule_items[0].amount == 500
    assert commits(client, c) == []


def test_credit_uniqueness_is_per_kind(client):
    c = customer(client)
    commit(client, c, uniqueness_key="k")
    credit(client, c, uniqueness_key="k")
    with expect_api_error(409):
        credit(client, c, uniqueness_key="k")


def test_credit_update_end_date(client):
    c = customer(client)
    cid = credit(client, c)
    assert client.v1.customers.credits.update_end_date(customer_id=c, credit_id=cid, access_ending_before=FEB1).data.id == cid
    assert credits(client, c)[0].access_schedule.schedule_items[0].ending_before == FEB1
    with expect_api_error(400):
        client.v1.customers.credits.update_end_date(customer_id=c, credit_id=cid, access_ending_before=JAN1)
    with expect_api_error(404):
        client.v1.customers.credits.update_end_date(customer_id=c, credit_id=str(uuid.uuid4()), access_ending_before=FEB1)


def test_contract_credits_listed_on_request(client):
    c = customer(client)
    client.v1.contracts.create(
        customer_id=c, starting_at=JAN1, credits=[{"product_id": COMMIT_PRODUCT, "access_schedule": access((5, JAN1, APR1))}],
    )
    assert credits(client, c) == []
    [row] = credits(client, c, include_contract_credits=True)
    assert row.contract is not None


def test_access_type_spend_selects_the_balances_drawn_by_spend(client, http):
    c = customer(client)
    client.v1.customers.commits.create(customer_id=c, priority=1, product_id=COMMIT_PRODUCT, type="PREPAID",
                                       access_schedule=access((500, JAN1, APR1)))
    for path, extra in [("/v1/contracts/customerBalances/list", {}), ("/v1/contracts/customerCommits/list", {}),
                        ("/v1/contracts/customerBalances/getNetBalance", {})]:
        spend = http.post(path, json={"customer_id": c, "access_type": "SPEND", **extra})
        everything = http.post(path, json={"customer_id": c, **extra})
        assert spend.status_code == 200 and spend.json()["data"] == everything.json()["data"], path
        by_quantity = http.post(path, json={"customer_id": c, "access_type": "QUANTITY", **extra}).json()["data"]
        assert by_quantity in ([], {"balance": 0, "credit_type_id": "00000000-0000-0000-0000-000000000000"}), path


def test_manual_balance_entries_move_the_balance_the_ledger_and_the_drawdown(client, http):
    freeze_clock(http, JAN15)
    c = client.v1.customers.create(name="Adjusted", ingest_aliases=[f"adjusted-{uuid.uuid4().hex[:8]}"]).data.id
    client.v1.contracts.create(customer_id=c, starting_at=JAN1, rate_card_alias="standard")
    cid = commit(client, c, access_schedule=access((10, JAN1, APR1)))
    [row] = commits(client, c)
    segment = row.access_schedule.schedule_items[0].id
    # An outage: 8 cents taken back, dated at the segment's start by default.
    client.v1.contracts.add_manual_balance_entry(
        id=cid, customer_id=c, segment_id=segment, amount=-8, reason="Outage credit reversed", uniqueness_key="adj-1")
    [row] = commits(client, c, include_balance=True, include_ledgers=True)
    assert row.balance == 10 - 8
    start, manual = row.ledger
    assert (start.type, start.amount) == ("PREPAID_COMMIT_SEGMENT_START", 10)
    assert (manual.type, manual.amount, manual.reason, manual.timestamp) == (
        "PREPAID_COMMIT_MANUAL", -8, "Outage credit reversed", JAN1)
    # 10 calls at 0.5 cents: the commit's 2 cents left pay for part of the 5.
    client.v1.usage.ingest(usage=[
        {"transaction_id": uuid.uuid4().hex, "customer_id": c, "event_type": "api_call",
         "timestamp": f"2026-01-0{2 + i % 5}T00:00:00Z", "properties": {"endpoint": "/search"}} for i in range(10)])
    [draft] = [i for i in client.v1.customers.invoices.list(customer_id=c) if i.type == "USAGE"]
    assert draft.total == 5 - 2
    # A later entry, dated now, adds back to what is left.
    client.v1.contracts.add_manual_balance_entry(
        id=cid, customer_id=c, segment_id=segment, amount=4, reason="Goodwill", timestamp=JAN15)
    [row] = commits(client, c, include_balance=True)
    assert row.balance == 10 - 8 + 4 - 5  # the draft's whole 5 is now paid from the 6
    [draft] = [i for i in client.v1.customers.invoices.list(customer_id=c) if i.type == "USAGE"]
    assert draft.total == 0

    with expect_api_error(409):
        client.v1.contracts.add_manual_balance_entry(
            id=cid, customer_id=c, segment_id=segment, amount=1, reason="again", uniqueness_key="adj-1")
    with expect_api_error(404):
        client.v1.contracts.add_manual_balance_entry(
            id=cid, customer_id=c, segment_id=str(uuid.uuid4()), amount=1, reason="no such segment")
    with expect_api_error(404):
        client.v1.contracts.add_manual_balance_entry(
            id=cid, customer_id=c, contract_id=str(uuid.uuid4()), segment_id=segment, amount=1, reason="wrong contract")
    resp = http.post("/v1/contracts/addManualBalanceLedgerEntry", json={
        "id": cid, "customer_id": c, "segment_id": segment, "amount": 1, "reason": "seats", "per_group_amounts": {"a": 1}})
    assert "per_group_amounts" in assert_error_response(resp, 400)["message"]
