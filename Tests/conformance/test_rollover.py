"""Rollover at a renewal: a commit's or credit's `rollover_fraction` ("Fraction of unused segments
that will be rolled over") moves that share of what its segment ending at the renewal's start has
left to a new commit or credit on the renewal, with `rolled_over_from` naming where it came from
and a `*_ROLLOVER` ledger entry (with `new_contract_id`) on the original. Figures are worked out
by hand below."""

import uuid
from datetime import timedelta

from helpers import assert_error_response, freeze_clock, iso, utc
from pricing_helpers import FIXTURE_PRODUCT_IDS

COMMIT_PRODUCT = FIXTURE_PRODUCT_IDS["prepaid_commit"]
JAN, FEB, MAR = utc(2026, 1, 1), utc(2026, 2, 1), utc(2026, 3, 1)


def card(client):
    metric = client.v1.billable_metrics.create(
        name=f"units-{uuid.uuid4().hex[:6]}", aggregation_type="COUNT", event_type_filter={"in_values": ["unit"]}).data.id
    product = client.v1.contracts.products.create(name="Units", type="USAGE", billable_metric_id=metric).data.id
    card = client.v1.contracts.rate_cards.create(name=f"Units {uuid.uuid4().hex[:6]}").data.id
    client.v1.contracts.rate_cards.rates.add(rate_card_id=card, product_id=product, entitled=True, starting_at=utc(2025, 1, 1),
                                             rate_type="FLAT", price=100)
    return card


def units(client, customer_id, count, day):
    client.v1.usage.ingest(usage=[
        {"transaction_id": uuid.uuid4().hex, "customer_id": customer_id, "event_type": "unit",
         "timestamp": iso(day + timedelta(minutes=i))} for i in range(count)])


def renewed(client, http, *, fraction=0.5, credit=False, used=4, renewal_end=MAR):
    """A January contract with a 1000 commit (or credit) of which `used` units at 100 are drawn,
    renewed on February 1st."""
    freeze_clock(http, utc(2026, 1, 20))
    rates = card(client)
    c = client.v1.customers.create(name="Rolling").data.id
    term = {"product_id": COMMIT_PRODUCT, "priority": 1, "rollover_fraction": fraction, "name": "Year one",
            "access_schedule": {"schedule_items": [{"amount": 1000, "starting_at": iso(JAN), "ending_before": iso(FEB)}]}}
    if credit:
        old = client.v1.contracts.create(customer_id=c, starting_at=JAN, ending_before=FEB, rate_card_id=rates, credits=[term])
    else:
        term |= {"type": "PREPAID", "rate_type": "LIST_RATE",
                 "invoice_schedule": {"schedule_items": [{"timestamp": iso(JAN), "amount": 1000}]}}
        old = client.v1.contracts.create(customer_id=c, starting_at=JAN, ending_before=FEB, rate_card_id=rates, commits=[term])
    units(client, c, used, utc(2026, 1, 10))
    end = {"ending_before": renewal_end} if renewal_end else {}
    new = client.v1.contracts.create(customer_id=c, starting_at=FEB, rate_card_id=rates,
                                     transition={"from_contract_id": old.data.id, "type": "RENEWAL"}, **end)
    return c, old.data.id, new.data.id


def terms(client, c, contract_id, credit=False):
    k = client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id, include_ledgers=True, include_balance=True).data
    return k.current.credits if credit else k.current.commits


def test_a_prepaid_commit_rolls_half_its_unused_balance_into_the_renewal(client, http):
    c, old, new = renewed(client, http)
    # January's statement is final one day (the grace period) after February 1st; until then nothing rolls.
    freeze_clock(http, utc(2026, 2, 1, 12))
    assert (terms(client, c, new) or []) == []
    freeze_clock(http, utc(2026, 2, 2, 1))
    [rolled] = terms(client, c, new)
    [original] = terms(client, c, old)
    # 4 units at 100 drew 400 of 1000: 600 left, half of it (300) rolls over.
    assert rolled.type == "PREPAID" and rolled.name == "Year one" and rolled.priority == 1
    assert rolled.rolled_over_from.commit_id == original.id and rolled.rolled_over_from.contract_id == old
    assert rolled.rollover_fraction == 0.5 and rolled.invoice_schedule is None
    assert rolled.created_at == FEB and rolled.created_by is None
    [segment] = rolled.access_schedule.schedule_items
    assert (segment.amount, segment.starting_at, segment.ending_before) == (300, FEB, MAR)
    assert rolled.balance == 300
    ledger = [(e.type, e.amount, e.timestamp) for e in original.ledger]
    assert ledger == [
        ("PREPAID_COMMIT_SEGMENT_START", 1000, JAN),
        ("PREPAID_COMMIT_AUTOMATED_INVOICE_DEDUCTION", -400, JAN),
        ("PREPAID_COMMIT_ROLLOVER", -300, FEB),
        ("PREPAID_COMMIT_EXPIRATION", -300, FEB),
    ]
    rollover = next(e for e in original.ledger if e.type == "PREPAID_COMMIT_ROLLOVER")
    assert rollover.new_contract_id == new and rollover.segment_id == original.access_schedule.schedule_items[0].id


def test_the_renewal_draws_on_what_rolled_over_first(client, http):
    c, old, new = renewed(client, http)
    freeze_clock(http, utc(2026, 2, 20))
    units(client, c, 5, utc(2026, 2, 10))
    [draft] = [i for i in client.v1.customers.invoices.list(customer_id=c)
               if i.type == "USAGE" and i.contract_id == new and i.status == "DRAFT"]
    # 5 units at 100 is 500; the 300 rolled over pays for 3 of them, leaving 200.
    assert draft.total == 200
    [rolled] = terms(client, c, new)
    assert rolled.balance == 0


def test_a_credit_rolls_over_and_its_ledger_says_so(client, http):
    c, old, new = renewed(client, http, credit=True, fraction=0.25, used=2)
    freeze_clock(http, utc(2026, 2, 3))
    [rolled] = terms(client, c, new, credit=True)
    [original] = terms(client, c, old, credit=True)
    # 2 units drew 200 of 1000: a quarter of the 800 left is 200.
    assert rolled.type == "CREDIT" and rolled.access_schedule.schedule_items[0].amount == 200
    assert rolled.rolled_over_from.credit_id == original.id and rolled.rolled_over_from.contract_id == old
    assert [(e.type, e.amount) for e in original.ledger if e.type.endswith(("ROLLOVER", "EXPIRATION"))] == [
        ("CREDIT_ROLLOVER", -200), ("CREDIT_EXPIRATION", -600)]


def test_an_open_ended_renewal_gets_as_long_as_the_segment_rolled(client, http):
    c, old, new = renewed(client, http, renewal_end=None)
    freeze_clock(http, utc(2026, 2, 3))
    [rolled] = terms(client, c, new)
    [segment] = rolled.access_schedule.schedule_items
    # January's segment lasted 31 days, so the rolled one runs from February 1st for 31 days.
    assert (segment.starting_at, segment.ending_before) == (FEB, FEB + timedelta(days=31))


def test_nothing_rolls_when_the_commit_was_used_up(client, http):
    c, old, new = renewed(client, http, used=12)
    freeze_clock(http, utc(2026, 2, 3))
    assert (terms(client, c, new) or []) == []
    [original] = terms(client, c, old)
    assert not [e for e in original.ledger if e.type.endswith("ROLLOVER")]


def test_v2_shows_the_rolled_commit(client, http):
    c, old, new = renewed(client, http)
    freeze_clock(http, utc(2026, 2, 3))
    [rolled] = client.v2.contracts.retrieve(customer_id=c, contract_id=new).data.commits
    assert rolled.rolled_over_from.contract_id == old and rolled.access_schedule.schedule_items[0].amount == 300


def test_a_rolling_postpaid_commit_or_a_segment_open_past_the_renewal_is_refused(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    rates = card(client)
    c = client.v1.customers.create(name="Refused rollover").data.id
    postpaid = client.v1.contracts.create(
        customer_id=c, starting_at=JAN, ending_before=FEB, rate_card_id=rates,
        commits=[{"type": "POSTPAID", "product_id": COMMIT_PRODUCT, "priority": 1, "rollover_fraction": 0.5,
                  "access_schedule": {"schedule_items": [{"amount": 100, "starting_at": iso(JAN), "ending_before": iso(FEB)}]},
                  "invoice_schedule": {"schedule_items": [{"timestamp": iso(FEB), "amount": 100}]}}]).data.id
    open_past = client.v1.contracts.create(
        customer_id=c, starting_at=JAN, ending_before=MAR, rate_card_id=rates,
        credits=[{"product_id": COMMIT_PRODUCT, "priority": 1, "rollover_fraction": 0.5,
                  "access_schedule": {"schedule_items": [{"amount": 100, "starting_at": iso(JAN), "ending_before": iso(MAR)}]}}]).data.id
    for old, words in [(postpaid, "postpaid"), (open_past, "still open")]:
        r = http.post("/v1/contracts/create", json={"customer_id": c, "starting_at": iso(FEB), "rate_card_id": rates,
                                                    "transition": {"from_contract_id": old, "type": "RENEWAL"}})
        assert_error_response(r, 400)
        assert "'transition'" in r.json()["message"] and words in r.json()["message"]
    assert sorted(x.id for x in client.v1.contracts.list(customer_id=c).data) == sorted([postpaid, open_past])
