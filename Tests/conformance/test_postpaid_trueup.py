"""Postpaid commits are trued up: usage is billed in arrears as it happens, and if it paid for
less than the committed amount, the commit's invoice on its date bills the shortfall, as
Metronome's docs say. Figures are worked out by hand below."""

import uuid

from helpers import freeze_clock, iso, utc
from pricing_helpers import FIXTURE_PRODUCT_IDS, ingest_units as ingest, unit_rate_card

COMMIT_PRODUCT = FIXTURE_PRODUCT_IDS["prepaid_commit"]
JAN, FEB, MAR, APR = utc(2026, 1, 1), utc(2026, 2, 1), utc(2026, 3, 1), utc(2026, 4, 1)


def setup(client, http, committed):
    """A customer on a 100¢-a-unit card with a postpaid commit of `committed` cents from Jan to Apr."""
    freeze_clock(http, utc(2026, 1, 20))
    card, _ = unit_rate_card(client, price=100)
    c = client.v1.customers.create(name="Postpaid", ingest_aliases=[f"alias-{uuid.uuid4().hex[:8]}"]).data.id
    contract_id = client.v1.contracts.create(
        customer_id=c, starting_at=JAN, ending_before=APR, rate_card_id=card,
        commits=[{"product_id": COMMIT_PRODUCT, "type": "POSTPAID", "name": "Minimum spend",
                  "access_schedule": {"schedule_items": [
                      {"amount": committed, "starting_at": iso(JAN), "ending_before": iso(APR)}]},
                  "invoice_schedule": {"schedule_items": [{"amount": committed, "timestamp": iso(APR)}]}}]).data.id
    return c, contract_id


def scheduled(client, customer_id):
    [invoice] = [i for i in client.v1.customers.invoices.list(customer_id=customer_id) if i.type == "SCHEDULED"]
    return invoice


def test_the_shortfall_is_billed_on_the_commits_invoice_date(client, http):
    c, contract_id = setup(client, http, committed=1000)
    ingest(client, c, 3, utc(2026, 1, 10))  # 300¢
    freeze_clock(http, utc(2026, 2, 10))
    ingest(client, c, 4, utc(2026, 2, 5))  # 400¢

    draft = scheduled(client, c)
    assert (draft.status, draft.total) == ("DRAFT", 1000 - 300 - 400)  # what is not used yet

    freeze_clock(http, utc(2026, 4, 3))
    usage_totals = sorted((i.start_timestamp, i.total) for i in client.v1.customers.invoices.list(customer_id=c)
                          if i.type == "USAGE")
    # Usage is billed in arrears as it happens: the postpaid commit does not lower these totals.
    assert usage_totals == [(JAN, 300), (FEB, 400), (MAR, 0)]
    trueup = scheduled(client, c)
    assert (trueup.status, trueup.total) == ("FINALIZED", 300)
    [line] = trueup.line_items
    assert (line.type, line.total, line.postpaid_commit.id) == ("postpaid_trueup", 300, line.commit_id)

    [commit] = client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id, include_ledgers=True).data.current.commits
    assert [(e.type, e.amount) for e in commit.ledger] == [
        ("POSTPAID_COMMIT_INITIAL_BALANCE", 1000),
        ("POSTPAID_COMMIT_AUTOMATED_INVOICE_DEDUCTION", -300),
        ("POSTPAID_COMMIT_AUTOMATED_INVOICE_DEDUCTION", -400),
        ("POSTPAID_COMMIT_TRUEUP", -300),
    ]
    assert commit.ledger[-1].invoice_id == trueup.id


def test_usage_beyond_the_commitment_leaves_nothing_to_true_up(client, http):
    c, contract_id = setup(client, http, committed=500)
    ingest(client, c, 7, utc(2026, 1, 10))  # 700¢, of which the commit covers 500
    freeze_clock(http, utc(2026, 4, 3))
    trueup = scheduled(client, c)
    assert (trueup.status, trueup.total) == ("FINALIZED", 0)
    [commit] = client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id, include_ledgers=True).data.current.commits
    assert [e.type for e in commit.ledger] == ["POSTPAID_COMMIT_INITIAL_BALANCE", "POSTPAID_COMMIT_AUTOMATED_INVOICE_DEDUCTION"]


def renew(client, customer_id, contract_id, trueup):
    """A renewal of `contract_id` from April, whose `future_invoice_behavior.trueup` is `trueup`."""
    transition = {"from_contract_id": contract_id, "type": "RENEWAL"}
    if trueup is not None:
        transition["future_invoice_behavior"] = {"trueup": trueup}
    card = client.v1.contracts.retrieve(customer_id=customer_id, contract_id=contract_id).data.initial.rate_card_id
    return client.v1.contracts.create(customer_id=customer_id, starting_at=APR, rate_card_id=card, transition=transition).data.id


def test_a_renewal_that_removes_future_trueups_leaves_the_shortfall_unbilled(client, http):
    c, contract_id = setup(client, http, committed=1000)
    ingest(client, c, 3, utc(2026, 1, 10))  # 300¢
    renew(client, c, contract_id, "REMOVE")  # the true-up is dated April 1, the renewal's start

    freeze_clock(http, utc(2026, 4, 3))
    removed = scheduled(client, c)
    assert removed.status == "VOID"
    usage_totals = sorted((i.start_timestamp, i.total) for i in client.v1.customers.invoices.list(customer_id=c)
                          if i.type == "USAGE" and i.contract_id == contract_id)
    assert usage_totals == [(JAN, 300), (FEB, 0), (MAR, 0)]
    [commit] = client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id, include_ledgers=True).data.current.commits
    assert commit.invoice_schedule.schedule_items == []
    # Nothing bills the 700 it fell short of: it expires.
    assert [(e.type, e.amount) for e in commit.ledger] == [
        ("POSTPAID_COMMIT_INITIAL_BALANCE", 1000),
        ("POSTPAID_COMMIT_AUTOMATED_INVOICE_DEDUCTION", -300),
        ("POSTPAID_COMMIT_EXPIRATION", -700),
    ]


def test_a_renewal_keeps_future_trueups_as_they_are_by_default(client, http):
    for trueup in ("AS_IS", None):
        c, contract_id = setup(client, http, committed=1000)
        ingest(client, c, 3, utc(2026, 1, 10))  # 300¢
        renew(client, c, contract_id, trueup)
        freeze_clock(http, utc(2026, 4, 3))
        kept = scheduled(client, c)
        assert (kept.status, kept.total) == ("FINALIZED", 1000 - 300), trueup


def test_a_trueup_already_finalized_stays_when_a_renewal_removes_future_ones(client, http):
    c, contract_id = setup(client, http, committed=1000)
    ingest(client, c, 3, utc(2026, 1, 10))  # 300¢
    freeze_clock(http, utc(2026, 4, 3))  # the April 1 true-up is final
    renew(client, c, contract_id, "REMOVE")
    kept = scheduled(client, c)
    assert (kept.status, kept.total) == ("FINALIZED", 700)


def test_an_unknown_trueup_behaviour_is_a_400_that_changes_nothing(client, http):
    c, contract_id = setup(client, http, committed=1000)
    r = http.post("/v1/contracts/create", json={
        "customer_id": c, "starting_at": iso(APR), "transition": {
            "from_contract_id": contract_id, "type": "RENEWAL", "future_invoice_behavior": {"trueup": "DROP"}}})
    assert r.status_code == 400 and "trueup" in r.json()["message"], r.text
    assert len(client.v1.contracts.list(customer_id=c).data) == 1
