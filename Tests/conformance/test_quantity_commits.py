"""Commits and credits drawn down by quantity (`access_schedule.access_type` QUANTITY), through the
SDK in strict mode: as the SDK's docstring says, such a balance deducts the number of units used,
not their cost. Every figure is worked out here from a price of 100 cents a unit."""

from __future__ import annotations

import uuid

from helpers import assert_error_response, freeze_clock, iso, utc
from pricing_helpers import FIXTURE_PRODUCT_IDS, ingest_units, unit_rate_card, usage_draft

COMMIT_PRODUCT = FIXTURE_PRODUCT_IDS["prepaid_commit"]
JAN, YEAR_END = utc(2026, 1, 1), utc(2027, 1, 1)
NULL_CREDIT_TYPE = "00000000-0000-0000-0000-000000000000"


def units_commit(units, product, kind="PREPAID", priority=1):
    return {"type": kind, "product_id": COMMIT_PRODUCT, "name": f"{units} units", "priority": priority,
            "applicable_product_ids": [product],
            "access_schedule": {"access_type": "QUANTITY", "schedule_items": [
                {"amount": units, "starting_at": iso(JAN), "ending_before": iso(YEAR_END)}]}}


def setup(client, http, commits):
    """A contract from January on a card at 100 cents a unit; `commits` makes its commits from the product."""
    freeze_clock(http, utc(2026, 1, 20))
    card, product = unit_rate_card(client, price=100)
    c = client.v1.customers.create(name="Units", ingest_aliases=[f"alias-{uuid.uuid4().hex[:8]}"]).data.id
    contract_id = client.v1.contracts.create(
        customer_id=c, starting_at=JAN, rate_card_id=card, commits=commits(product)).data.id
    return c, contract_id, product


def test_a_quantity_commit_pays_for_units_whatever_they_cost(client, http):
    c, contract_id, _ = setup(client, http, lambda product: [units_commit(50, product)])
    ingest_units(client, c, 80)
    draft = usage_draft(client, c)
    # 50 of the 80 units are paid for by the commit (5000 cents' worth); 30 are billed at 100.
    assert [(li.type, li.quantity, li.total) for li in draft.line_items] == [
        ("usage", 50, 5000), ("applied_commit_or_credit", None, -5000), ("usage", 30, 3000)]
    assert draft.total == 30 * 100
    [commit] = client.v2.contracts.retrieve(
        customer_id=c, contract_id=contract_id, include_balance=True, include_ledgers=True).data.commits
    assert commit.access_schedule.access_type == "QUANTITY"
    assert commit.balance == 0
    assert [(e.type, e.amount) for e in commit.ledger] == [
        ("PREPAID_COMMIT_SEGMENT_START", 50), ("PREPAID_COMMIT_AUTOMATED_INVOICE_DEDUCTION", -50)]


def test_balances_by_quantity_are_units_and_kept_apart_from_spend(client, http):
    c, contract_id, product = setup(client, http, lambda product: [
        units_commit(50, product, priority=1),
        {"type": "PREPAID", "product_id": COMMIT_PRODUCT, "name": "Dollars", "priority": 2, "access_schedule": {
            "schedule_items": [{"amount": 10000, "starting_at": iso(JAN), "ending_before": iso(YEAR_END)}]}}])
    ingest_units(client, c, 70)
    # The units commit draws first (priority 1): 50 units; the dollars pay for the other 20 at 100.
    assert usage_draft(client, c).total == 0
    units = client.v1.contracts.get_net_balance(customer_id=c, access_type="QUANTITY").data
    spend = client.v1.contracts.get_net_balance(customer_id=c).data
    assert (units.balance, units.credit_type_id) == (0, NULL_CREDIT_TYPE)
    assert spend.balance == 10000 - 20 * 100
    ingest_units(client, c, 5, start=utc(2026, 1, 12))
    assert client.v1.contracts.get_net_balance(customer_id=c, access_type="SPEND").data.balance == 10000 - 25 * 100
    by_quantity = client.v1.contracts.list_balances(customer_id=c, include_contract_balances=True, access_type="QUANTITY").data
    by_spend = client.v1.contracts.list_balances(customer_id=c, include_contract_balances=True, access_type="SPEND").data
    assert ([b.name for b in by_quantity], [b.name for b in by_spend]) == (["50 units"], ["Dollars"])


def test_quantity_is_refused_where_it_has_no_meaning(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    card, product = unit_rate_card(client, price=100)
    c = client.v1.customers.create(name="Units").data.id
    r = http.post("/v1/contracts/create", json={"customer_id": c, "starting_at": iso(JAN), "rate_card_id": card,
                                                "commits": [{**units_commit(10, product, "POSTPAID"), "invoice_schedule": {
                                                    "schedule_items": [{"timestamp": iso(YEAR_END), "amount": 1000}]}}]})
    body = assert_error_response(r, 400)
    assert "'commits[0].access_schedule.access_type'" in body["message"]
    assert http.post("/v1/contracts/list", json={"customer_id": c}).json()["data"] == []
    r = http.post("/v1/contracts/customerBalances/getNetBalance", json={
        "customer_id": c, "access_type": "QUANTITY", "credit_type_id": "2714e483-4ff1-48e4-9e25-ac732e8f24f2"})
    assert "credit_type_id" in assert_error_response(r, 400)["message"]
