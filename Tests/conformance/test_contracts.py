"""Contracts: create, get, list, archive, updateEndDate, the contract rate schedule and
contract named schedules, through the SDK in strict mode."""

from __future__ import annotations

import uuid

import pytest

from helpers import USD_CENTS_ID, assert_error_response, assert_uuid4, expect_api_error, freeze_clock, iso, utc
from pricing_helpers import FIXTURE_PRODUCT_IDS, STANDARD_RATE_CARD_ID, rate_card

JAN1 = utc(2026, 1, 1)
JAN15 = utc(2026, 1, 15)
FEB1 = utc(2026, 2, 1)
MAR1 = utc(2026, 3, 1)
JAN1_2027 = utc(2027, 1, 1)

COMMIT_PRODUCT = FIXTURE_PRODUCT_IDS["prepaid_commit"]
API_CALLS = FIXTURE_PRODUCT_IDS["api_calls"]
TOKENS = FIXTURE_PRODUCT_IDS["tokens"]
SEAT = FIXTURE_PRODUCT_IDS["seat"]


def customer(client, name="Acme"):
    return client.v1.customers.create(name=name).data.id


def contract(client, customer_id, **kw):
    kw.setdefault("starting_at", JAN1)
    return client.v1.contracts.create(customer_id=customer_id, **kw).data.id


def get(client, customer_id, contract_id):
    return client.v1.contracts.retrieve(customer_id=customer_id, contract_id=contract_id).data


PREPAID_COMMIT = {
    "product_id": COMMIT_PRODUCT,
    "type": "PREPAID",
    "name": "Prepaid",
    "priority": 1,
    "access_schedule": {"schedule_items": [{"amount": 10000, "starting_at": JAN1, "ending_before": JAN1_2027}]},
    "invoice_schedule": {"schedule_items": [{"timestamp": JAN1, "amount": 9000}]},
}


# ====================================================================== create and get


def test_minimal_contract_roundtrip(client, http):
    freeze_clock(http, JAN15)
    c = customer(client)
    cid = contract(client, c)
    assert_uuid4(cid)
    k = get(client, c, cid)
    assert k.id == cid and k.customer_id == c
    assert k.amendments == []
    assert k.initial.starting_at == JAN1
    assert k.initial.ending_before is None
    assert k.initial.commits == [] and k.initial.overrides == [] and k.initial.scheduled_charges == []
    assert k.initial.transitions == []
    assert k.initial.created_at == JAN15
    assert k.initial.usage_statement_schedule.frequency == "MONTHLY"
    assert k.initial.usage_statement_schedule.billing_anchor_date == JAN1
    assert k.current.starting_at == JAN1
    assert k.archived_at is None


def test_full_contract_roundtrip(client, http):
    freeze_clock(http, JAN1)
    c = customer(client)
    cid = contract(
        client, c, name="Enterprise", ending_before=JAN1_2027, rate_card_alias="standard",
        net_payment_terms_days=30, custom_fields={}, uniqueness_key="k-1",
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
    k = get(client, c, cid)
    i = k.initial
    assert i.name == "Enterprise"
    assert i.rate_card_id == STANDARD_RATE_CARD_ID
    assert i.ending_before == JAN1_2027
    assert i.net_payment_terms_days == 30
    assert i.usage_statement_schedule.frequency == "QUARTERLY"
    assert k.uniqueness_key == "k-1"

    [commit] = i.commits
    assert_uuid4(commit.id)
    assert commit.type == "PREPAID"
    assert commit.product.id == COMMIT_PRODUCT and commit.product.name == "Prepaid commit"
    assert commit.contract.id == cid
    assert commit.priority == 1
    [seg] = commit.access_schedule.schedule_items
    assert_uuid4(seg.id)
    assert (seg.amount, seg.starting_at, seg.ending_before) == (10000, JAN1, JAN1_2027)
    assert commit.access_schedule.credit_type.id == USD_CENTS_ID
    [inv] = commit.invoice_schedule.schedule_items
    assert (inv.amount, inv.quantity, inv.unit_price, inv.timestamp) == (9000, 1, 9000, JAN1)

    [credit] = i.credits
    assert credit.type == "CREDIT"
    assert credit.access_schedule.schedule_items[0].amount == 500

    [charge] = i.scheduled_charges
    assert charge.name == "Setup"
    [item] = charge.schedule.schedule_items
    assert (item.amount, item.quantity, item.unit_price) == (300, 2, 150)

    [override] = i.overrides
    assert override.type == "MULTIPLIER" and override.multiplier == 0.5
    assert override.product.id == API_CALLS

    [sub] = k.subscriptions
    assert sub.subscription_rate.product.id == SEAT
    assert sub.quantity_schedule[0].quantity == 3
    assert sub.starting_at == JAN1 and sub.ending_before == JAN1_2027


def test_first_of_month_anchor(client):
    c = customer(client)
    k = get(client, c, contract(client, c, starting_at=JAN15))
    assert k.initial.usage_statement_schedule.billing_anchor_date == JAN1


def test_custom_date_anchor(client):
    c = customer(client)
    cid = contract(client, c, usage_statement_schedule={"frequency": "annual", "day": "CUSTOM_DATE", "billing_anchor_date": JAN15})
    s = get(client, c, cid).initial.usage_statement_schedule
    assert (s.frequency, s.billing_anchor_date) == ("ANNUAL", JAN15)


def test_recurring_invoice_schedule_expands(client):
    c = customer(client)
    commit = dict(PREPAID_COMMIT)
    commit["invoice_schedule"] = {"recurring_schedule": {
        "amount_distribution": "DIVIDED", "frequency": "MONTHLY", "starting_at": JAN1, "ending_before": utc(2026, 4, 1),
        "amount": 300,
    }}
    k = get(client, c, contract(client, c, commits=[commit]))
    items = k.initial.commits[0].invoice_schedule.schedule_items
    assert [(i.timestamp, i.amount) for i in items] == [(JAN1, 100), (FEB1, 100), (MAR1, 100)]


def test_uniqueness_key_reuse_is_409(client):
    c = customer(client)
    contract(client, c, uniqueness_key="same")
    with expect_api_error(409) as info:
        contract(client, c, uniqueness_key="same")
    assert info["error"].body["message"] == "This uniqueness key has already been used."
    assert len(list(client.v1.contracts.list(customer_id=c))) == 1


def test_transition_links_both_contracts(client):
    c = customer(client)
    old = contract(client, c, ending_before=FEB1)
    new = contract(client, c, starting_at=FEB1, transition={"from_contract_id": old, "type": "RENEWAL"})
    for cid in (old, new):
        [t] = get(client, c, cid).initial.transitions
        assert (t.from_contract_id, t.to_contract_id, t.type) == (old, new, "RENEWAL")


@pytest.mark.parametrize("body", [
    {},
    {"starting_at": "2026-01-01T00:00:00Z"},
    {"customer_id": "CUSTOMER"},
    {"customer_id": "CUSTOMER", "starting_at": "2026-02-01T00:00:00Z", "ending_before": "2026-01-01T00:00:00Z"},
    {"customer_id": "CUSTOMER", "starting_at": "2026-01-01T00:00:00Z", "ending_before": "2026-01-01T00:00:00Z"},
    {"customer_id": "CUSTOMER", "starting_at": "2026-01-01T00:00:00Z", "rate_card_alias": "no-such-alias"},
    {"customer_id": "CUSTOMER", "starting_at": "2026-01-01T00:00:00Z", "usage_statement_schedule": {"frequency": "DAILY"}},
    {"customer_id": "CUSTOMER", "starting_at": "2026-01-01T00:00:00Z",
     "usage_statement_schedule": {"frequency": "MONTHLY", "day": "CUSTOM_DATE"}},
    {"customer_id": "CUSTOMER", "starting_at": "2026-01-01T00:00:00Z", "uniqueness_key": ""},
    {"customer_id": "CUSTOMER", "starting_at": "2026-01-01T00:00:00Z", "uniqueness_key": "x" * 129},
    {"customer_id": "not-a-uuid", "starting_at": "2026-01-01T00:00:00Z"},
    {"customer_id": "CUSTOMER", "starting_at": "yesterday"},
    {"customer_id": "CUSTOMER", "starting_at": "2026-01-01T00:00:00Z", "commits": [{"product_id": COMMIT_PRODUCT}]},
    {"customer_id": "CUSTOMER", "starting_at": "2026-01-01T00:00:00Z",
     "commits": [{"product_id": API_CALLS, "type": "PREPAID",
                  "access_schedule": {"schedule_items": [{"amount": 1, "starting_at": "2026-01-01T00:00:00Z",
                                                          "ending_before": "2026-02-01T00:00:00Z"}]}}]},
    {"customer_id": "CUSTOMER", "starting_at": "2026-01-01T00:00:00Z",
     "commits": [{"product_id": COMMIT_PRODUCT, "type": "PREPAID", "access_schedule": {"schedule_items": []}}]},
    {"customer_id": "CUSTOMER", "starting_at": "2026-01-01T00:00:00Z", "overrides": [{"starting_at": "2026-01-01T00:00:00Z"}]},
    {"customer_id": "CUSTOMER", "starting_at": "2026-01-01T00:00:00Z",
     "subscriptions": [{"collection_schedule": "ADVANCE", "proration": {},
                        "subscription_rate": {"billing_frequency": "MONTHLY", "product_id": COMMIT_PRODUCT}}]},
])
def test_create_validation_is_400_and_creates_nothing(client, http, body):
    c = customer(client)
    payload = {k: (c if v == "CUSTOMER" else v) for k, v in body.items()}
    assert_error_response(http.post("/v1/contracts/create", json=payload), 400)
    assert list(client.v1.contracts.list(customer_id=c, include_archived=True)) == []


@pytest.mark.parametrize("field", ["customer_id", "rate_card_id"])
def test_create_unknown_reference_is_404(client, field):
    c = customer(client)
    kw = {"customer_id": c, "starting_at": JAN1, field: str(uuid.uuid4())}
    with expect_api_error(404) as info:
        client.v1.contracts.create(**kw)
    assert "not found" in info["error"].body["message"]


def test_create_unknown_commit_product_is_404(client):
    c = customer(client)
    commit = dict(PREPAID_COMMIT, product_id=str(uuid.uuid4()))
    with expect_api_error(404):
        contract(client, c, commits=[commit])


def test_rate_card_alias_resolves_at_start(client):
    other = rate_card(client, name="Later", aliases=[{"name": "tiered", "starting_at": FEB1}])
    first = rate_card(client, name="Earlier", aliases=[{"name": "tiered", "ending_before": FEB1}])
    c = customer(client)
    assert get(client, c, contract(client, c, rate_card_alias="tiered")).initial.rate_card_id == first
    assert get(client, c, contract(client, c, starting_at=FEB1, rate_card_alias="tiered")).initial.rate_card_id == other


def test_get_unknown_ids_are_404(client):
    c = customer(client)
    cid = contract(client, c)
    with expect_api_error(404):
        get(client, str(uuid.uuid4()), cid)
    with expect_api_error(404):
        get(client, c, str(uuid.uuid4()))
    with expect_api_error(404):
        get(client, customer(client, "Other"), cid)


# ====================================================================== list


def test_list_pages_with_cursor(client):
    c = customer(client)
    ids = [contract(client, c) for _ in range(3)]
    first = client.v1.contracts.list(customer_id=c, limit=2)
    assert [k.id for k in first.data] == ids[:2]
    assert first.cursor
    assert [k.id for k in client.v1.contracts.list(customer_id=c, limit=2)] == ids
    assert [k.id for k in client.v1.contracts.list(customer_id=c)] == ids


def test_list_filters(client):
    c = customer(client)
    jan = contract(client, c, ending_before=FEB1)
    feb = contract(client, c, starting_at=FEB1)
    assert [k.id for k in client.v1.contracts.list(customer_id=c, covering_date=JAN15)] == [jan]
    assert [k.id for k in client.v1.contracts.list(customer_id=c, starting_at=FEB1)] == [feb]
    client.v1.contracts.archive(customer_id=c, contract_id=jan, void_invoices=False)
    assert [k.id for k in client.v1.contracts.list(customer_id=c)] == [feb]
    assert [k.id for k in client.v1.contracts.list(customer_id=c, include_archived=True)] == [jan, feb]


@pytest.mark.parametrize("limit", [0, 21])
def test_list_limit_out_of_range_is_400(client, http, limit):
    c = customer(client)
    assert_error_response(http.post("/v1/contracts/list", json={"customer_id": c, "limit": limit}), 400)


def test_list_unknown_customer_is_404(client):
    with expect_api_error(404):
        client.v1.contracts.list(customer_id=str(uuid.uuid4())).data


# ====================================================================== archive and end date


def test_archive(client, http):
    freeze_clock(http, FEB1)
    c = customer(client)
    cid = contract(client, c, commits=[PREPAID_COMMIT])
    assert client.v1.contracts.archive(customer_id=c, contract_id=cid, void_invoices=True).data.id == cid
    k = get(client, c, cid)
    assert k.archived_at == FEB1
    assert k.initial.commits[0].archived_at == FEB1
    with expect_api_error(400):
        client.v1.contracts.archive(customer_id=c, contract_id=cid, void_invoices=True)
    with expect_api_error(404):
        client.v1.contracts.archive(customer_id=c, contract_id=str(uuid.uuid4()), void_invoices=True)


def test_update_end_date(client):
    c = customer(client)
    cid = contract(client, c)
    assert client.v1.contracts.update_end_date(customer_id=c, contract_id=cid, ending_before=MAR1).data.id == cid
    assert get(client, c, cid).current.ending_before == MAR1
    client.v1.contracts.update_end_date(customer_id=c, contract_id=cid)
    assert get(client, c, cid).current.ending_before is None
    with expect_api_error(400):
        client.v1.contracts.update_end_date(customer_id=c, contract_id=cid, ending_before=JAN1)
    with expect_api_error(404):
        client.v1.contracts.update_end_date(customer_id=c, contract_id=str(uuid.uuid4()), ending_before=MAR1)


# ====================================================================== rate schedule


def test_rate_schedule_lists_rate_card_rates(client):
    c = customer(client)
    cid = contract(client, c, rate_card_id=STANDARD_RATE_CARD_ID)
    rows = client.v1.contracts.retrieve_rate_schedule(customer_id=c, contract_id=cid, at=JAN15).data
    by_product = {r.product_id: r for r in rows}
    assert API_CALLS in by_product
    row = by_product[API_CALLS]
    assert row.rate_card_id == STANDARD_RATE_CARD_ID
    assert row.entitled is True
    assert row.override_rate is None
    assert row.list_rate.rate_type == "FLAT"


def test_rate_schedule_applies_overrides(client):
    c = customer(client)
    cid = contract(
        client, c, rate_card_id=STANDARD_RATE_CARD_ID,
        overrides=[
            {"starting_at": JAN1, "product_id": API_CALLS, "multiplier": 0.5},
            {"starting_at": JAN1, "product_id": TOKENS, "entitled": False},
        ],
    )
    rows = client.v1.contracts.retrieve_rate_schedule(customer_id=c, contract_id=cid, at=JAN15).data
    by_product = {r.product_id: r for r in rows}
    assert TOKENS not in by_product
    row = by_product[API_CALLS]
    assert row.override_rate.price == pytest.approx(row.list_rate.price * 0.5)


def test_an_override_specifier_with_a_billing_frequency_applies_to_rates_of_that_frequency(client, http):
    seat = client.v1.contracts.products.create(name=f"Seat {uuid.uuid4().hex[:6]}", type="SUBSCRIPTION").data.id
    card = client.v1.contracts.rate_cards.create(name=f"Seats {uuid.uuid4().hex[:6]}").data.id
    for frequency, price in (("MONTHLY", 1000), ("QUARTERLY", 2700)):
        client.v1.contracts.rate_cards.rates.add(rate_card_id=card, product_id=seat, entitled=True, rate_type="SUBSCRIPTION",
                                                 price=price, billing_frequency=frequency, is_prorated=True, starting_at=JAN1)
    c = customer(client)
    cid = contract(client, c, rate_card_id=card, overrides=[
        {"starting_at": JAN1, "multiplier": 0.5,
         "override_specifiers": [{"product_id": seat, "billing_frequency": "MONTHLY"}]}])
    rows = client.v1.contracts.retrieve_rate_schedule(customer_id=c, contract_id=cid, at=JAN15).data
    by_frequency = {r.billing_frequency: r for r in rows}
    # Half the monthly 1000; the quarterly rate keeps its list price.
    assert by_frequency["MONTHLY"].override_rate.price == 500
    assert by_frequency["QUARTERLY"].override_rate is None
    [override] = get(client, c, cid).current.overrides
    assert override.override_specifiers[0].billing_frequency == "MONTHLY"


def test_rate_schedule_overwrite(client):
    c = customer(client)
    cid = contract(
        client, c, rate_card_id=STANDARD_RATE_CARD_ID,
        overrides=[{"starting_at": JAN1, "product_id": API_CALLS, "type": "OVERWRITE",
                    "overwrite_rate": {"rate_type": "FLAT", "price": 7}}],
    )
    rows = client.v1.contracts.retrieve_rate_schedule(customer_id=c, contract_id=cid, at=JAN15).data
    row = next(r for r in rows if r.product_id == API_CALLS)
    assert row.override_rate.price == 7


def test_rate_schedule_pages(client):
    c = customer(client)
    cid = contract(client, c, rate_card_id=STANDARD_RATE_CARD_ID)
    everything = client.v1.contracts.retrieve_rate_schedule(customer_id=c, contract_id=cid, at=JAN15).data
    first = client.v1.contracts.retrieve_rate_schedule(customer_id=c, contract_id=cid, at=JAN15, limit=1)
    assert len(first.data) == 1 and first.next_page
    second = client.v1.contracts.retrieve_rate_schedule(
        customer_id=c, contract_id=cid, at=JAN15, limit=100, next_page=first.next_page
    )
    assert [r.product_id for r in first.data + second.data] == [r.product_id for r in everything]


def test_rate_schedule_unknown_contract_is_404(client):
    c = customer(client)
    with expect_api_error(404):
        client.v1.contracts.retrieve_rate_schedule(customer_id=c, contract_id=str(uuid.uuid4()))


# ====================================================================== named schedules


def test_contract_named_schedule(client):
    c = customer(client)
    cid = contract(client, c)
    ns = client.v1.contracts.rate_cards.named_schedules
    ns.update(contract_id=cid, customer_id=c, schedule_name="tier", starting_at=JAN1, value={"level": 1})
    ns.update(contract_id=cid, customer_id=c, schedule_name="tier", starting_at=FEB1, value={"level": 2})
    segs = ns.retrieve(contract_id=cid, customer_id=c, schedule_name="tier").data
    assert [(s.starting_at, s.ending_before, s.value) for s in segs] == [(JAN1, FEB1, {"level": 1}), (FEB1, None, {"level": 2})]
    [seg] = ns.retrieve(contract_id=cid, customer_id=c, schedule_name="tier", covering_date=JAN15).data
    assert seg.value == {"level": 1}
    with expect_api_error(404):
        ns.retrieve(contract_id=str(uuid.uuid4()), customer_id=c, schedule_name="tier")
    with expect_api_error(404):
        ns.retrieve(contract_id=cid, customer_id=customer(client, "Other"), schedule_name="tier")


def test_list_named_schedules_of_a_customers_contracts(client):
    c = customer(client)
    first, second = contract(client, c), contract(client, c, starting_at=FEB1)
    other_customer = customer(client, "Other")
    contract(client, other_customer)
    ns = client.v1.contracts.rate_cards.named_schedules
    ns.update(contract_id=first, customer_id=c, schedule_name="tier", starting_at=JAN1, value={"level": 1})
    ns.update(contract_id=first, customer_id=c, schedule_name="tier", starting_at=FEB1, value={"level": 2})
    ns.update(contract_id=first, customer_id=c, schedule_name="discount", starting_at=FEB1, value=0.1)
    ns.update(contract_id=second, customer_id=c, schedule_name="tier", starting_at=FEB1, ending_before=MAR1, value=3)

    listed = [(s.contract_id, s.schedule_name, [(g.starting_at, g.ending_before, g.value) for g in s.segments])
              for s in ns.list(customer_id=c)]
    assert listed == [  # contract creation order, then schedule name
        (first, "discount", [(FEB1, None, 0.1)]),
        (first, "tier", [(JAN1, FEB1, {"level": 1}), (FEB1, None, {"level": 2})]),
        (second, "tier", [(FEB1, MAR1, 3)]),
    ]
    assert [(s.contract_id, s.schedule_name) for s in ns.list(customer_id=c, contract_id=second)] == [(second, "tier")]
    assert [s.contract_id for s in ns.list(customer_id=c, schedule_name="tier")] == [first, second]
    # at most one segment for each schedule: the one covering the date, if any
    covering = {(s.contract_id, s.schedule_name): [g.value for g in s.segments]
                for s in ns.list(customer_id=c, covering_date=JAN15)}
    assert covering == {(first, "discount"): [], (first, "tier"): [{"level": 1}], (second, "tier"): []}
    page = ns.list(customer_id=c, limit=2)
    assert len(page.data) == 2 and page.next_page
    assert [(s.contract_id, s.schedule_name) for s in ns.list(customer_id=c, limit=2, next_page=page.next_page).data] == [
        (second, "tier")]
    assert list(ns.list(customer_id=other_customer)) == []


def test_list_named_schedules_unknown_ids_and_properties(client, http):
    c = customer(client)
    cid = contract(client, c)
    ns = client.v1.contracts.rate_cards.named_schedules
    with expect_api_error(404):
        ns.list(customer_id=str(uuid.uuid4())).data
    with expect_api_error(404):
        ns.list(customer_id=c, contract_id=str(uuid.uuid4())).data
    with expect_api_error(404):
        ns.list(customer_id=customer(client, "Other"), contract_id=cid).data
    r = http.post("/v1/contracts/listNamedSchedules", json={"customer_id": c, "properties": {"region": "eu"}})
    assert_error_response(r, 400)
    assert "'properties'" in r.json()["message"] and "not supported" in r.json()["message"]


@pytest.mark.parametrize("field,value", [
    ("hierarchy_configuration", {"parent_behavior": {"invoice_consolidation_type": "NONE"},
                                 "parent": {"contract_id": "6a37bb88-8538-48c5-b37b-a41c836328bd",
                                            "customer_id": "6a37bb88-8538-48c5-b37b-a41c836328bd"}}),
])
def test_a_field_not_honoured_yet_is_refused_by_name_and_creates_nothing(http, field, value):
    customer = http.post("/v1/customers", json={"name": f"Refused {field}"}).json()["data"]["id"]
    r = http.post("/v1/contracts/create", json={"customer_id": customer, "starting_at": "2026-01-01T00:00:00Z",
                                                "rate_card_alias": "standard", field: value})
    assert_error_response(r, 400)
    assert f"'{field}" in r.json()["message"] and "not supported" in r.json()["message"]
    assert http.post("/v1/contracts/list", json={"customer_id": customer}).json()["data"] == []


def test_an_ungated_commit_is_taken(client):
    c = customer(client)
    cid = contract(client, c, rate_card_id=STANDARD_RATE_CARD_ID, commits=[
        {"type": "PREPAID", "product_id": COMMIT_PRODUCT, "payment_gate_config": {"payment_gate_type": "NONE"},
         "access_schedule": {"schedule_items": [{"amount": 100, "starting_at": JAN1, "ending_before": JAN1_2027}]}}])
    assert [k.access_schedule.schedule_items[0].amount for k in get(client, c, cid).current.commits] == [100]


def test_a_commits_deprecated_amount_is_taken_when_it_equals_its_access_schedule(client, http):
    # Two segments of 600 and 400: the deprecated amount must be their total, 1000.
    two_segments = {"schedule_items": [{"amount": 600, "starting_at": JAN1, "ending_before": FEB1},
                                       {"amount": 400, "starting_at": FEB1, "ending_before": MAR1}]}
    c = customer(client)
    cid = contract(client, c, rate_card_id=STANDARD_RATE_CARD_ID, commits=[
        {"type": "PREPAID", "product_id": COMMIT_PRODUCT, "amount": 1000, "access_schedule": two_segments},
        {"type": "PREPAID", "product_id": COMMIT_PRODUCT, "access_schedule": two_segments}])
    given, left_out = get(client, c, cid).current.commits
    assert (given.amount, left_out.amount) == (1000, None)
    assert sum(item.amount for item in given.access_schedule.schedule_items) == 1000
    # v2's commit has no amount.
    raw = http.post("/v2/contracts/get", json={"customer_id": c, "contract_id": cid}).json()["data"]
    assert [("amount" in k) for k in raw["commits"]] == [False, False]

    other = customer(client, "Disagreeing")
    r = http.post("/v1/contracts/create", json={
        "customer_id": other, "starting_at": iso(JAN1), "rate_card_id": STANDARD_RATE_CARD_ID,
        "commits": [{"type": "PREPAID", "product_id": COMMIT_PRODUCT, "amount": 900,
                     "access_schedule": {"schedule_items": [{"amount": 600, "starting_at": iso(JAN1), "ending_before": iso(FEB1)},
                                                            {"amount": 400, "starting_at": iso(FEB1), "ending_before": iso(MAR1)}]}}]})
    assert_error_response(r, 400)
    assert "'commits[0].amount'" in r.json()["message"] and "1000" in r.json()["message"]
    assert http.post("/v1/contracts/list", json={"customer_id": other}).json()["data"] == []


def test_amend_and_edit_take_a_commits_deprecated_amount(client, http):
    c = customer(client)
    cid = contract(client, c, rate_card_id=STANDARD_RATE_CARD_ID)
    one_segment = {"schedule_items": [{"amount": 250, "starting_at": JAN1, "ending_before": JAN1_2027}]}
    client.v1.contracts.amend(customer_id=c, contract_id=cid, starting_at=FEB1, commits=[
        {"type": "PREPAID", "product_id": COMMIT_PRODUCT, "amount": 250, "access_schedule": one_segment}])
    client.v2.contracts.edit(customer_id=c, contract_id=cid, add_commits=[
        {"type": "PREPAID", "product_id": COMMIT_PRODUCT, "amount": 250, "access_schedule": one_segment}])
    k = get(client, c, cid)
    assert [commit.amount for commit in k.amendments[0].commits] == [250]
    assert [commit.amount for commit in k.current.commits] == [250, 250]
    r = http.post("/v2/contracts/edit", json={"customer_id": c, "contract_id": cid, "add_commits": [
        {"type": "PREPAID", "product_id": COMMIT_PRODUCT, "amount": 100, "access_schedule": {"schedule_items": [
            {"amount": 250, "starting_at": iso(JAN1), "ending_before": iso(JAN1_2027)}]}}]})
    assert_error_response(r, 400)
    assert "'add_commits[0].amount'" in r.json()["message"]
    assert len(get(client, c, cid).current.commits) == 2


@pytest.mark.parametrize("field,item,named", [
    ("commits", {"type": "PREPAID", "product_id": COMMIT_PRODUCT, "payment_gate_config": {"payment_gate_type": "STRIPE"},
                 "access_schedule": {"schedule_items": [{"amount": 100, "starting_at": "2026-01-01T00:00:00Z",
                                                         "ending_before": "2026-02-01T00:00:00Z"}]}},
     "commits[0].payment_gate_config.payment_gate_type"),
])
def test_nested_fields_not_honoured_yet_are_refused_by_name(http, field, item, named):
    customer = http.post("/v1/customers", json={"name": f"Nested {named}"}).json()["data"]["id"]
    r = http.post("/v1/contracts/create", json={"customer_id": customer, "starting_at": "2026-01-01T00:00:00Z",
                                                "rate_card_alias": "standard", field: [item]})
    assert_error_response(r, 400)
    assert f"'{named}'" in r.json()["message"] and "not supported" in r.json()["message"]
    assert http.post("/v1/contracts/list", json={"customer_id": customer}).json()["data"] == []
