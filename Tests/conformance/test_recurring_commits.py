"""Recurring commits and credits: a contract's template that creates one commit or credit per
period, prorated where a period is cut, each drawn down and invoiced like any other. Figures
are worked out by hand below."""

import uuid
from datetime import timedelta

import pytest

from helpers import expect_api_error, freeze_clock, iso, utc
from pricing_helpers import FIXTURE_PRODUCT_IDS

COMMIT_PRODUCT = FIXTURE_PRODUCT_IDS["prepaid_commit"]
JAN, FEB, MAR, APR = utc(2026, 1, 1), utc(2026, 2, 1), utc(2026, 3, 1), utc(2026, 4, 1)


def unit_card(client):
    metric = client.v1.billable_metrics.create(
        name=f"units-{uuid.uuid4().hex[:6]}", aggregation_type="COUNT", event_type_filter={"in_values": ["unit"]}).data.id
    product = client.v1.contracts.products.create(name="Units", type="USAGE", billable_metric_id=metric).data.id
    card = client.v1.contracts.rate_cards.create(name=f"Units {uuid.uuid4().hex[:6]}").data.id
    client.v1.contracts.rate_cards.rates.add(
        rate_card_id=card, product_id=product, entitled=True, rate_type="FLAT", price=100, starting_at=utc(2025, 1, 1))
    return card


def customer(client):
    return client.v1.customers.create(name="Recurring", ingest_aliases=[f"alias-{uuid.uuid4().hex[:8]}"]).data.id


def ingest(client, customer_id, count, when):
    client.v1.usage.ingest(usage=[
        {"transaction_id": uuid.uuid4().hex, "customer_id": customer_id, "event_type": "unit",
         "timestamp": iso(when + timedelta(minutes=i))} for i in range(count)])


def recurring(**extra):
    return {"access_amount": {"unit_price": 1000, "quantity": 1}, "commit_duration": {"value": 1},
            "priority": 1, "product_id": COMMIT_PRODUCT, "starting_at": iso(extra.pop("starting_at", JAN)), **extra}


def contract_commits(client, c, contract_id, **kw):
    return client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id, **kw).data.current.commits


def segments(commits):
    return sorted((s.starting_at, s.ending_before, s.amount) for cm in commits for s in cm.access_schedule.schedule_items)


def test_a_recurring_commit_over_three_periods_draws_down_and_invoices_each(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    card, c = unit_card(client), customer(client)
    contract_id = client.v1.contracts.create(
        customer_id=c, starting_at=JAN, ending_before=APR, rate_card_id=card,
        recurring_commits=[recurring(name="Monthly allowance", invoice_amount={
            "credit_type_id": "2714e483-4ff1-48e4-9e25-ac732e8f24f2", "quantity": 1, "unit_price": 800})]).data.id
    contract = client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data
    [template] = contract.current.recurring_commits
    assert (template.access_amount.unit_price, template.access_amount.quantity, template.commit_duration.value) == (1000, 1, 1)
    assert (template.name, template.proration, template.anchor_date, template.contract.id) == (
        "Monthly allowance", "FIRST_AND_LAST", JAN, contract_id)
    commits = contract.current.commits
    assert segments(commits) == [(JAN, FEB, 1000), (FEB, MAR, 1000), (MAR, APR, 1000)]
    assert {cm.recurring_commit_id for cm in commits} == {template.id}
    assert {cm.type for cm in commits} == {"PREPAID"}

    ingest(client, c, 3, utc(2026, 1, 10))  # 300¢, from January's commit
    freeze_clock(http, utc(2026, 2, 20))
    ingest(client, c, 12, utc(2026, 2, 10))  # 1200¢: February's 1000 covers 1000, January's has expired
    usage = {i.start_timestamp: i.total for i in client.v1.customers.invoices.list(customer_id=c) if i.type == "USAGE"}
    assert (usage[JAN], usage[FEB]) == (0, 200)
    purchases = sorted((i.start_timestamp, i.total) for i in client.v1.customers.invoices.list(customer_id=c)
                       if i.type == "SCHEDULED")
    assert purchases == [(JAN, 800), (FEB, 800), (MAR, 800)]

    january = next(cm for cm in contract_commits(client, c, contract_id, include_ledgers=True)
                   if cm.access_schedule.schedule_items[0].starting_at == JAN)
    assert [(e.type, e.amount) for e in january.ledger] == [
        ("PREPAID_COMMIT_SEGMENT_START", 1000), ("PREPAID_COMMIT_AUTOMATED_INVOICE_DEDUCTION", -300),
        ("PREPAID_COMMIT_EXPIRATION", -700)]


@pytest.mark.parametrize("proration, first, last", [
    (None, 1000 * 17 / 31, 1000 * 14 / 31), ("FIRST", 1000 * 17 / 31, 1000), ("LAST", 1000, 1000 * 14 / 31),
    ("NONE", 1000, 1000)])
def test_cut_periods_are_prorated_by_time_as_asked(client, http, proration, first, last):
    freeze_clock(http, utc(2026, 1, 20))
    card, c = unit_card(client), customer(client)
    contract_id = client.v1.contracts.create(
        customer_id=c, starting_at=utc(2026, 1, 15), ending_before=utc(2026, 3, 15), rate_card_id=card,
        recurring_commits=[recurring(starting_at=utc(2026, 1, 15), **({"proration": proration} if proration else {}))]).data.id
    got = segments(contract_commits(client, c, contract_id))
    assert [(s, e) for s, e, _ in got] == [(utc(2026, 1, 15), FEB), (FEB, MAR), (MAR, utc(2026, 3, 15))]
    assert [a for _, _, a in got] == pytest.approx([first, 1000, last])


def test_quarterly_credits_last_two_periods_and_stop_at_the_contract_end(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    card, c = unit_card(client), customer(client)
    start, end = utc(2026, 1, 15), utc(2027, 1, 15)
    contract_id = client.v1.contracts.create(
        customer_id=c, starting_at=start, ending_before=end, rate_card_id=card,
        recurring_credits=[recurring(starting_at=start, recurrence_frequency="QUARTERLY", commit_duration={"value": 2})]).data.id
    contract = client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data
    [template] = contract.current.recurring_credits
    assert (template.recurrence_frequency, template.anchor_date) == ("QUARTERLY", start)
    credits = contract.current.credits
    assert {cr.recurring_credit_id for cr in credits} == {template.id}
    assert segments(credits) == [
        (start, utc(2026, 7, 15), 1000), (utc(2026, 4, 15), utc(2026, 10, 15), 1000),
        (utc(2026, 7, 15), end, 1000), (utc(2026, 10, 15), end, 1000)]  # the last two are cut at the end
    v2 = client.v2.contracts.retrieve(customer_id=c, contract_id=contract_id).data
    assert [r.id for r in v2.recurring_credits] == [template.id]


def test_an_open_ended_contract_creates_each_commit_when_its_period_begins(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    card, c = unit_card(client), customer(client)
    contract_id = client.v1.contracts.create(
        customer_id=c, starting_at=JAN, rate_card_id=card, recurring_commits=[recurring()]).data.id
    assert segments(contract_commits(client, c, contract_id)) == [(JAN, FEB, 1000)]
    freeze_clock(http, utc(2026, 3, 5))
    assert segments(contract_commits(client, c, contract_id)) == [(JAN, FEB, 1000), (FEB, MAR, 1000), (MAR, APR, 1000)]


def test_cut_periods_amounts_are_rounded_as_proration_rounding_says(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    card, c = unit_card(client), customer(client)
    usd = "2714e483-4ff1-48e4-9e25-ac732e8f24f2"
    rounding = {"access": {"decimal_places": -2, "rounding_method": "CEILING"},
                "invoice": {"decimal_places": 0, "rounding_method": "FLOOR"}}
    contract_id = client.v1.contracts.create(
        customer_id=c, starting_at=utc(2026, 1, 15), ending_before=utc(2026, 3, 15), rate_card_id=card,
        recurring_commits=[recurring(starting_at=utc(2026, 1, 15), proration_rounding=rounding,
                                     invoice_amount={"credit_type_id": usd, "unit_price": 1000, "quantity": 1})]).data.id
    commits = contract_commits(client, c, contract_id)
    # January 15-31 is 17/31 of 1000 = 548.39: access up to the next 100, 600; invoiced down to 548.
    # February is whole: 1000, not rounded. March 1-15 is 14/31 = 451.61: 500 and 451.
    assert [a for _, _, a in segments(commits)] == [600, 1000, 500]
    invoiced = sorted((i.timestamp, i.amount) for cm in commits for i in cm.invoice_schedule.schedule_items)
    assert [a for _, a in invoiced] == [548, 1000, 451]
    [template] = client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data.current.recurring_commits
    assert (template.proration_rounding.access.decimal_places, template.proration_rounding.invoice.rounding_method) == (-2, "FLOOR")


def test_a_recurring_commits_specifiers_and_reference_pass_to_each_commit_it_makes(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    metric = client.v1.billable_metrics.create(
        name=f"units-{uuid.uuid4().hex[:6]}", aggregation_type="COUNT", event_type_filter={"in_values": ["unit"]}).data.id
    other_metric = client.v1.billable_metrics.create(
        name=f"others-{uuid.uuid4().hex[:6]}", aggregation_type="COUNT", event_type_filter={"in_values": ["other"]}).data.id
    card = client.v1.contracts.rate_cards.create(name=f"Two {uuid.uuid4().hex[:6]}").data.id
    products = []
    for name, m in (("Units", metric), ("Others", other_metric)):
        product = client.v1.contracts.products.create(name=name, type="USAGE", billable_metric_id=m).data.id
        client.v1.contracts.rate_cards.rates.add(rate_card_id=card, product_id=product, entitled=True, rate_type="FLAT",
                                                 price=100, starting_at=utc(2025, 1, 1))
        products.append(product)
    c = customer(client)
    contract_id = client.v1.contracts.create(
        customer_id=c, starting_at=JAN, ending_before=FEB, rate_card_id=card,
        recurring_commits=[recurring(specifiers=[{"product_id": products[0]}], netsuite_sales_order_id="SO-r")]).data.id
    client.v1.usage.ingest(usage=[
        {"transaction_id": uuid.uuid4().hex, "customer_id": c, "event_type": kind,
         "timestamp": iso(utc(2026, 1, 10) + timedelta(minutes=i))} for kind in ("unit", "other") for i in range(4)])
    [draft] = [i for i in client.v1.customers.invoices.list(customer_id=c) if i.type == "USAGE"]
    # The commit of 1000 pays for the 4 units (400) only; the 4 others are billed: 400.
    assert draft.total == 400
    [made] = contract_commits(client, c, contract_id)
    assert ([s.product_id for s in made.specifiers], made.netsuite_sales_order_id) == ([products[0]], "SO-r")
    [template] = client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data.current.recurring_commits
    assert ([s.product_id for s in template.specifiers], template.netsuite_sales_order_id) == ([products[0]], "SO-r")


@pytest.mark.parametrize("field, value, named", [
    ("recurring_commits", [recurring(specifiers=[{"product_id": COMMIT_PRODUCT}], applicable_product_tags=["x"])],
     "recurring_commits[0].specifiers"),
    ("recurring_commits", [recurring(subscription_config={"apply_seat_increase_config": {"is_prorated": True},
                                                          "subscription_id": "x"})], "recurring_commits[0].subscription_config"),
    ("recurring_credits", [recurring(invoice_amount={"credit_type_id": "x", "quantity": 1, "unit_price": 1})],
     "recurring_credits[0].invoice_amount"),
    ("recurring_commits", [recurring(commit_duration={"value": 1.5})], "commit_duration"),
    ("recurring_commits", [recurring(access_amount={"unit_price": 1})], "quantity"),
    ("recurring_commits", [recurring(starting_at=utc(2025, 12, 1))], "starting_at"),
    ("recurring_commits", [recurring(product_id=str(uuid.uuid4()))], None),
])
def test_what_the_emulator_cannot_honour_is_refused_and_changes_nothing(client, http, field, value, named):
    freeze_clock(http, utc(2026, 1, 20))
    card, c = unit_card(client), customer(client)
    with expect_api_error(404 if named is None else 400) as info:
        client.v1.contracts.create(customer_id=c, starting_at=JAN, rate_card_id=card, **{field: value})
    if named:
        assert named in info["error"].body["message"]
    assert client.v1.contracts.list(customer_id=c).data == []
    assert list(client.v1.customers.commits.list(customer_id=c)) == []


def test_an_edit_adds_a_recurring_credit_that_starts_each_period_from_its_start(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    card, c = unit_card(client), customer(client)
    contract_id = client.v1.contracts.create(customer_id=c, starting_at=JAN, ending_before=APR, rate_card_id=card).data.id
    client.v2.contracts.edit(customer_id=c, contract_id=contract_id, add_recurring_credits=[
        {"access_amount": {"unit_price": 500, "quantity": 1}, "commit_duration": {"value": 1}, "priority": 1,
         "product_id": COMMIT_PRODUCT, "starting_at": iso(FEB), "name": "Monthly credit"}])
    contract = client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data
    # A bounded contract: every period's credit from February to the end is made at once.
    assert segments(contract.current.credits) == [(FEB, MAR, 500), (MAR, APR, 500)]
    assert [r.name for r in contract.current.recurring_credits] == ["Monthly credit"]
    assert contract.initial.recurring_credits == []  # added by the edit, so not initial
    [edit] = client.v2.contracts.get_edit_history(customer_id=c, contract_id=contract_id).data
    assert [(r.name, r.access_amount.unit_price) for r in edit.add_recurring_credits] == [("Monthly credit", 500)]
    r = http.post("/v2/contracts/edit", json={"customer_id": c, "contract_id": contract_id, "add_recurring_commits": [
        {"access_amount": {"unit_price": 100, "quantity": 1}, "commit_duration": {"value": 1}, "priority": 1,
         "product_id": COMMIT_PRODUCT, "starting_at": "2025-12-01T00:00:00Z"}]})
    assert r.status_code == 400, r.text  # before the contract starts


def test_an_edit_adds_professional_services_that_can_be_invoiced(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    c = customer(client)
    product = client.v1.contracts.products.create(name="Consulting", type="PROFESSIONAL_SERVICE").data.id
    contract_id = client.v1.contracts.create(customer_id=c, starting_at=JAN, rate_card_alias="standard").data.id
    client.v2.contracts.edit(customer_id=c, contract_id=contract_id, add_professional_services=[
        {"product_id": product, "max_amount": 10000, "quantity": 4, "unit_price": 2000, "description": "Setup"}])
    contract = client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data
    [service] = contract.current.professional_services
    assert contract.initial.professional_services == []
    assert (service.max_amount, service.quantity, service.unit_price) == (10000, 4, 2000)
    [invoice] = client.v1.contracts.schedule_pro_services_invoice(
        customer_id=c, contract_id=contract_id, issued_at=utc(2026, 1, 15),
        line_items=[{"professional_service_id": service.id, "quantity": 2}]).data
    assert invoice.total == 2 * 2000
    [edit] = client.v2.contracts.get_edit_history(customer_id=c, contract_id=contract_id).data
    assert [s.id for s in edit.add_pro_services] == [service.id]


def test_an_edit_changes_a_recurring_commits_commits_not_yet_begun(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    card, c = unit_card(client), customer(client)
    contract_id = client.v1.contracts.create(
        customer_id=c, starting_at=JAN, ending_before=APR, rate_card_id=card,
        recurring_commits=[recurring(invoice_amount={"credit_type_id": "2714e483-4ff1-48e4-9e25-ac732e8f24f2",
                                                     "quantity": 1, "unit_price": 800})]).data.id
    [template] = client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data.current.recurring_commits
    client.v2.contracts.edit(customer_id=c, contract_id=contract_id, update_recurring_commits=[
        {"recurring_commit_id": template.id, "access_amount": {"unit_price": 1500}, "invoice_amount": {"unit_price": 1200}}])
    # January's commit has begun, so it keeps 1000; February's and March's are made again at 1500.
    assert segments(contract_commits(client, c, contract_id)) == [(JAN, FEB, 1000), (FEB, MAR, 1500), (MAR, APR, 1500)]
    scheduled = sorted((i.start_timestamp, i.total) for i in client.v1.customers.invoices.list(customer_id=c)
                       if i.type == "SCHEDULED" and i.status != "VOID")
    assert scheduled == [(JAN, 800), (FEB, 1200), (MAR, 1200)]

    client.v2.contracts.edit(customer_id=c, contract_id=contract_id, update_recurring_commits=[
        {"recurring_commit_id": template.id, "ending_before": iso(MAR)}])
    assert segments(contract_commits(client, c, contract_id)) == [(JAN, FEB, 1000), (FEB, MAR, 1500)]
    [template] = client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data.current.recurring_commits
    assert (template.access_amount.unit_price, template.invoice_amount.unit_price, template.ending_before) == (1500, 1200, MAR)
    first, second = client.v2.contracts.get_edit_history(customer_id=c, contract_id=contract_id).data
    assert (first.update_recurring_commits[0].id, first.update_recurring_commits[0].access_amount.unit_price) == (template.id, 1500)
    assert second.update_recurring_commits[0].ending_before == MAR
    r = http.post("/v2/contracts/edit", json={"customer_id": c, "contract_id": contract_id, "update_recurring_credits": [
        {"recurring_credit_id": template.id, "access_amount": {"unit_price": 1}}]})
    assert r.status_code == 404, r.text  # it is a commit, not a credit
