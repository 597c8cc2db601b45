"""Invoices of customer plans: rated drafts, finalization after the grace period, void and
regenerate, breakdowns and costs that add up to the invoice, PDFs and one-time charges."""

import io
import json
import uuid
from datetime import timedelta

import pytest
from pypdf import PdfReader

from helpers import (
    USD_CENTS_ID,
    assert_error_response,
    expect_api_error,
    freeze_clock,
    iso,
    make_client,
    make_http,
    utc,
)

GROWTH = "3e9c5f4b-8d4a-4fab-c000-000000000001"
API_CALLS_CHARGE = "3e9c5f4b-8d4a-4fab-c000-0000000000c1"
PLATFORM_FEE_CHARGE = "3e9c5f4b-8d4a-4fab-c000-0000000000c2"
JAN = utc(2026, 1, 1)
FEB = utc(2026, 2, 1)
MAR = utc(2026, 3, 1)


def api_calls(customer_ref, count, when, prefix=None):
    prefix = prefix or uuid.uuid4().hex
    return [
        {"transaction_id": f"{prefix}-{i}", "customer_id": customer_ref, "event_type": "api_call",
         "timestamp": iso(when + timedelta(minutes=i)), "properties": {"endpoint": "/search"}}
        for i in range(count)
    ]


@pytest.fixture
def on_growth(client, http):
    """A customer on the demo Growth plan since Jan 1, with the clock frozen mid-January."""
    freeze_clock(http, utc(2026, 1, 15, 12))
    customer = client.v1.customers.create(name="Invoiced Co", ingest_aliases=["invoiced-co"]).data
    client.v1.customers.plans.add(customer_id=customer.id, plan_id=GROWTH, starting_on=JAN)
    return customer.id


def invoices(client, customer_id, **filters):
    return list(client.v1.customers.invoices.list(customer_id=customer_id, **filters))


def line(invoice, name):
    return next(item for item in invoice.line_items if item.name == name)


def test_draft_follows_usage_and_ignores_duplicates(client, on_growth):
    [draft] = invoices(client, on_growth)
    assert (draft.status, draft.type, draft.total) == ("DRAFT", "PLAN_ARREARS", 5000)
    assert draft.plan_id == GROWTH and draft.plan_name == "Growth"
    assert (draft.start_timestamp, draft.end_timestamp) == (JAN, FEB)
    assert draft.credit_type.id == USD_CENTS_ID and draft.issued_at is None

    events = api_calls(on_growth, 40, utc(2026, 1, 3))
    client.v1.usage.ingest(usage=events)
    client.v1.usage.ingest(usage=events[:10])  # repeats: ignored
    draft = client.v1.customers.invoices.retrieve(customer_id=on_growth, invoice_id=draft.id).data
    calls = line(draft, "API calls")
    assert (calls.total, calls.quantity) == (40, 40)
    [sub] = calls.sub_line_items
    assert (sub.charge_id, sub.quantity, sub.price, sub.subtotal) == (API_CALLS_CHARGE, 40, 1, 40)
    assert line(draft, "Platform fee").total == 5000
    assert draft.total == 5040 and draft.subtotal == 5040


def test_alias_added_later_claims_earlier_usage(client, on_growth):
    client.v1.usage.ingest(usage=api_calls("late-alias", 7, utc(2026, 1, 5)))
    assert invoices(client, on_growth)[0].total == 5000
    client.v1.customers.set_ingest_aliases(customer_id=on_growth, ingest_aliases=["invoiced-co", "late-alias"])
    assert invoices(client, on_growth)[0].total == 5007


def test_usage_outside_the_period_or_metric_is_not_billed(client, on_growth):
    client.v1.usage.ingest(usage=api_calls(on_growth, 3, utc(2025, 12, 31, 23)))  # before the plan began
    client.v1.usage.ingest(usage=[{"transaction_id": uuid.uuid4().hex, "customer_id": on_growth, "event_type": "other",
                                   "timestamp": iso(utc(2026, 1, 4)), "properties": {"endpoint": "/x"}}])
    client.v1.usage.ingest(usage=[{"transaction_id": uuid.uuid4().hex, "customer_id": on_growth, "event_type": "api_call",
                                   "timestamp": iso(utc(2026, 1, 4)), "properties": {}}])  # fails the filter
    assert invoices(client, on_growth)[0].total == 5000


def test_periods_finalize_after_the_grace_period(client, http, on_growth):
    client.v1.usage.ingest(usage=api_calls(on_growth, 12, utc(2026, 1, 14)))
    freeze_clock(http, utc(2026, 2, 1, 23, 59))  # January ended, still in its grace period
    jan, feb = invoices(client, on_growth)
    assert (jan.status, feb.status) == ("DRAFT", "DRAFT")
    assert (feb.start_timestamp, feb.end_timestamp) == (FEB, MAR)
    client.v1.usage.ingest(usage=api_calls(on_growth, 3, utc(2026, 1, 31)))  # late, but within grace

    freeze_clock(http, utc(2026, 2, 2, 0, 0))
    jan = invoices(client, on_growth, status="FINALIZED")[0]
    assert (jan.status, jan.total, jan.issued_at) == ("FINALIZED", 5015, utc(2026, 2, 2))

    client.v1.usage.ingest(usage=api_calls(on_growth, 5, utc(2026, 1, 30)))  # after grace: never billed
    assert client.v1.customers.invoices.retrieve(customer_id=on_growth, invoice_id=jan.id).data.total == 5015
    assert invoices(client, on_growth, status="DRAFT")[0].total == 5000


def test_moving_months_ahead_finalizes_every_period_between(client, http, on_growth):
    freeze_clock(http, utc(2026, 5, 10))
    listed = invoices(client, on_growth)
    assert [i.status for i in listed] == ["FINALIZED"] * 4 + ["DRAFT"]
    assert [i.start_timestamp.month for i in listed] == [1, 2, 3, 4, 5]
    newest_first = invoices(client, on_growth, sort="date_desc")
    assert [i.id for i in newest_first] == [i.id for i in reversed(listed)]
    window = invoices(client, on_growth, starting_on=FEB, ending_before=utc(2026, 4, 1))
    assert [i.start_timestamp.month for i in window] == [2, 3]
    page = client.v1.customers.invoices.list(customer_id=on_growth, limit=2)
    assert len(page.data) == 2 and page.next_page
    assert [i.id for i in page.data] == [i.id for i in listed[:2]]
    assert [i.id for i in page.get_next_page().data] == [i.id for i in listed[2:4]]


def test_ended_plan_stops_producing_periods(client, http, on_growth):
    plan = client.v1.customers.plans.list(customer_id=on_growth).data[0]
    client.v1.customers.plans.end(customer_id=on_growth, customer_plan_id=plan.id, ending_before=utc(2026, 2, 15))
    freeze_clock(http, utc(2026, 6, 1))
    listed = invoices(client, on_growth)
    assert [(i.start_timestamp, i.end_timestamp) for i in listed] == [(JAN, FEB), (FEB, utc(2026, 2, 15))]
    assert all(i.status == "FINALIZED" for i in listed)


def test_void_and_regenerate(client, http, on_growth):
    client.v1.usage.ingest(usage=api_calls(on_growth, 4, utc(2026, 1, 2)))
    freeze_clock(http, utc(2026, 2, 10))
    jan = invoices(client, on_growth)[0]
    voided = client.v1.invoices.void(id=jan.id).data
    assert voided.id == jan.id
    jan = client.v1.customers.invoices.retrieve(customer_id=on_growth, invoice_id=jan.id).data
    assert (jan.status, jan.total) == ("VOID", 5004)
    assert [i.id for i in invoices(client, on_growth, status="VOID")] == [jan.id]

    # Only a voided invoice is regenerated (as the SDK documents): the February draft is not.
    feb = invoices(client, on_growth, status="DRAFT")[0]
    with expect_api_error(400):
        client.v1.invoices.regenerate(id=feb.id)
    # January, regenerated after more of its usage arrived, is rated afresh under a new ID, and
    # finalized at once as its period is over.
    client.v1.usage.ingest(usage=api_calls(on_growth, 3, utc(2026, 1, 20)))
    new_id = client.v1.invoices.regenerate(id=jan.id).data.id
    assert new_id != jan.id
    regenerated = client.v1.customers.invoices.retrieve(customer_id=on_growth, invoice_id=new_id).data
    assert (regenerated.status, regenerated.regenerated_from_invoice_id, regenerated.total) == (
        "FINALIZED", jan.id, 5000 + 4 + 3)
    assert client.v1.customers.invoices.retrieve(customer_id=on_growth, invoice_id=jan.id).data.status == "VOID"
    assert [i.id for i in invoices(client, on_growth, status="DRAFT")] == [feb.id]
    with expect_api_error(400):
        client.v1.invoices.regenerate(id=jan.id)

    with expect_api_error(400):
        client.v1.invoices.void(id=jan.id)
    with expect_api_error(404):
        client.v1.invoices.void(id=str(uuid.uuid4()))
    with expect_api_error(404):
        client.v1.invoices.regenerate(id=str(uuid.uuid4()))


def test_breakdowns_and_costs_add_up_to_the_invoice(client, http, on_growth):
    client.v1.usage.ingest(usage=api_calls(on_growth, 6, utc(2026, 1, 2, 10)))
    client.v1.usage.ingest(usage=api_calls(on_growth, 9, utc(2026, 1, 9, 23)))
    freeze_clock(http, utc(2026, 2, 20))
    jan = invoices(client, on_growth)[0]
    assert jan.total == 5015

    days = list(client.v1.customers.invoices.list_breakdowns(
        customer_id=on_growth, starting_on=JAN, ending_before=FEB, window_size="DAY"))
    jan_days = [d for d in days if d.id == jan.id]
    assert len(jan_days) == 31
    assert jan_days[0].breakdown_start_timestamp == JAN
    assert jan_days[-1].breakdown_end_timestamp == FEB
    assert sum(d.total for d in jan_days) == jan.total
    assert jan_days[0].total == 5000  # the fixed fee falls in the first window
    assert jan_days[1].total == 6
    assert sum(line(d, "API calls").total for d in jan_days) == 15

    hours = client.v1.customers.invoices.list_breakdowns(
        customer_id=on_growth, starting_on=utc(2026, 1, 9), ending_before=utc(2026, 1, 11), window_size="HOUR")
    assert len(hours.data) == 24 and hours.next_page
    assert sum(h.total for h in hours.data) == 9  # all in the 23:00 hour of the 9th
    assert hours.data[23].total == 9 and hours.data[22].total == 0
    all_hours = list(hours)
    assert len(all_hours) == 48
    assert sum(h.total for h in all_hours) == 9

    costs = list(client.v1.customers.list_costs(customer_id=on_growth, starting_on=JAN, ending_before=FEB))
    assert len(costs) == 31
    assert sum(day.credit_types[USD_CENTS_ID].cost for day in costs) == jan.total
    assert costs[1].start_timestamp == utc(2026, 1, 2)
    assert {b.name: b.cost for b in costs[1].credit_types[USD_CENTS_ID].line_item_breakdown}["API calls"] == 6

    with expect_api_error(400):
        client.v1.customers.list_costs(customer_id=on_growth, starting_on=FEB, ending_before=JAN)
    with expect_api_error(400):
        client.v1.customers.invoices.list_breakdowns(
            customer_id=on_growth, starting_on=JAN, ending_before=FEB, limit=36)


def test_pdf_is_a_readable_invoice(client, http, on_growth):
    client.v1.usage.ingest(usage=api_calls(on_growth, 3, utc(2026, 1, 2)))
    draft = invoices(client, on_growth)[0]
    pdf = client.v1.customers.invoices.retrieve_pdf(customer_id=on_growth, invoice_id=draft.id)
    reader = PdfReader(io.BytesIO(pdf.read()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert draft.id in text and "Invoiced Co" in text
    assert "API calls" in text and "Total: 5003" in text


def test_add_charge_to_a_plan_invoice(client, http, tmp_path, spawn_emulator):
    (tmp_path / "credit_types.json").write_text(json.dumps([{"id": USD_CENTS_ID, "name": "USD (cents)", "is_currency": True}]))
    onboarding = "5e0a0000-0000-4000-8000-0000000000c9"
    (tmp_path / "plans.json").write_text(json.dumps([
        {"id": GROWTH, "name": "Growth", "charges": [
            {"id": PLATFORM_FEE_CHARGE, "name": "Platform fee", "charge_type": "fixed", "product_id": str(uuid.UUID(int=2)),
             "product_name": "Platform", "quantity": 1, "prices": [{"tier": 0, "value": 1000}]}]},
        {"id": "5e0a0000-0000-4000-8000-000000000002", "name": "Services", "charges": [
            {"id": onboarding, "name": "Onboarding", "charge_type": "fixed", "product_id": str(uuid.UUID(int=9)),
             "product_name": "Onboarding", "quantity": 1, "prices": [{"tier": 0, "value": 0}]}]},
    ]))
    server = spawn_emulator("--fixtures", str(tmp_path))
    own, own_http = make_client(server.base_url), make_http(server.base_url)
    freeze_clock(own_http, utc(2026, 1, 10))
    customer = own.v1.customers.create(name="Charged").data
    customer_plan = own.v1.customers.plans.add(customer_id=customer.id, plan_id=GROWTH, starting_on=JAN).data
    result = own.v1.customers.invoices.add_charge(
        customer_id=customer.id, charge_id=onboarding, customer_plan_id=customer_plan.id, description="Onboarding help",
        invoice_start_timestamp=JAN, price=2500, quantity=2)
    assert result.to_dict() == {}
    [draft] = invoices(own, customer.id)
    assert draft.total == 1000 + 5000
    assert line(draft, "Onboarding").sub_line_items[0].name == "Onboarding help"
    with expect_api_error(400):
        own.v1.customers.invoices.add_charge(
            customer_id=customer.id, charge_id=onboarding, customer_plan_id=customer_plan.id, description="x",
            invoice_start_timestamp=FEB, price=1, quantity=1)
    with expect_api_error(404):
        own.v1.customers.invoices.add_charge(
            customer_id=customer.id, charge_id=str(uuid.uuid4()), customer_plan_id=customer_plan.id, description="x",
            invoice_start_timestamp=JAN, price=1, quantity=1)


def test_tiered_charges_ramps_adjustments_and_minimums(tmp_path, spawn_emulator):
    metric = "5e0b0000-0000-4000-8000-0000000000b1"
    usage_charge, ramp_charge = "5e0b0000-0000-4000-8000-0000000000c1", "5e0b0000-0000-4000-8000-0000000000c3"
    fee_charge = "5e0b0000-0000-4000-8000-0000000000c2"
    plan_id = "5e0b0000-0000-4000-8000-000000000001"
    (tmp_path / "credit_types.json").write_text(json.dumps([{"id": USD_CENTS_ID, "name": "USD (cents)", "is_currency": True}]))
    (tmp_path / "billable_metrics.json").write_text(json.dumps([
        {"id": metric, "name": "Bytes", "event_type_filter": {"in_values": ["transfer"]},
         "property_filters": [{"name": "bytes", "exists": True}], "aggregation_type": "SUM", "aggregation_key": "bytes"}]))
    product = str(uuid.UUID(int=7))
    (tmp_path / "plans.json").write_text(json.dumps([{
        "id": plan_id, "name": "Transfer",
        "minimums": [{"name": "Monthly minimum", "start_period": 0, "value": 20000}],
        "charges": [
            {"id": usage_charge, "name": "Transfer", "charge_type": "usage", "product_id": product, "product_name": "Transfer",
             "billable_metric_id": metric, "unit_conversion": {"division_factor": 1000, "rounding_behavior": "ceiling"},
             "prices": [{"tier": 0, "value": 10}, {"tier": 100, "value": 5}, {"tier": 1000, "value": 1}]},
            {"id": ramp_charge, "name": "Transfer", "charge_type": "usage", "product_id": product, "product_name": "Transfer",
             "billable_metric_id": metric, "start_period": 1, "unit_conversion": {"division_factor": 1000, "rounding_behavior": "ceiling"},
             "prices": [{"tier": 0, "value": 2}]},
            {"id": fee_charge, "name": "Support", "charge_type": "fixed", "product_id": str(uuid.UUID(int=8)),
             "product_name": "Support", "quantity": 1, "prices": [{"tier": 0, "value": 3000}]},
        ],
    }]))
    server = spawn_emulator("--fixtures", str(tmp_path))
    client, http = make_client(server.base_url), make_http(server.base_url)
    freeze_clock(http, utc(2026, 1, 20))
    customer = client.v1.customers.create(name="Tiered").data
    client.v1.customers.plans.add(
        customer_id=customer.id, plan_id=plan_id, starting_on=JAN,
        price_adjustments=[{"charge_id": fee_charge, "adjustment_type": "percentage", "value": -0.1, "start_period": 0}])
    client.v1.usage.ingest(usage=[
        {"transaction_id": f"t{i}", "customer_id": customer.id, "event_type": "transfer",
         "timestamp": iso(utc(2026, 1, 2, i)), "properties": {"bytes": 60_000.5}} for i in range(2)])
    [draft] = invoices(client, customer.id)
    transfer = line(draft, "Transfer")
    [sub] = transfer.sub_line_items
    assert sub.quantity == 121  # 120,001 bytes in thousands, rounded up
    assert [(t.starting_at, t.quantity, t.price, t.subtotal) for t in sub.tiers] == [(0, 100, 10, 1000), (100, 21, 5, 105)]
    assert transfer.total == 1105
    assert line(draft, "Support").total == 2700  # 10% off
    assert draft.subtotal == 3805
    [minimum] = draft.invoice_adjustments
    assert (minimum.name, minimum.total) == ("Monthly minimum", 20000 - 3805)
    assert draft.total == 20000

    freeze_clock(http, utc(2026, 2, 20))
    client.v1.usage.ingest(usage=[{"transaction_id": "feb", "customer_id": customer.id, "event_type": "transfer",
                                   "timestamp": iso(utc(2026, 2, 3)), "properties": {"bytes": "5000"}}])
    feb = invoices(client, customer.id, status="DRAFT")[0]
    [ramped] = line(feb, "Transfer").sub_line_items
    assert (ramped.charge_id, ramped.quantity, ramped.price, ramped.subtotal) == (ramp_charge, 5, 2, 10)


def test_errors(client, http, on_growth):
    with expect_api_error(404):
        invoices(client, str(uuid.uuid4()))
    with expect_api_error(404):
        client.v1.customers.invoices.retrieve(customer_id=on_growth, invoice_id=str(uuid.uuid4()))
    other = client.v1.customers.create(name="Other").data
    [draft] = invoices(client, on_growth)
    with expect_api_error(404):
        client.v1.customers.invoices.retrieve(customer_id=other.id, invoice_id=draft.id)
    assert_error_response(http.get(f"/v1/customers/{on_growth}/invoices", params={"status": "PAID"}), 400)
    assert_error_response(http.get(f"/v1/customers/{on_growth}/invoices", params={"sort": "sideways"}), 400)
    assert_error_response(http.get(f"/v1/customers/{on_growth}/invoices", params={"next_page": "garbage"}), 400)
    assert_error_response(http.get(f"/v1/customers/{on_growth}/invoices/breakdowns"), 400)
    assert_error_response(http.get(f"/v1/customers/{on_growth}/invoices/breakdowns",
                                   params={"starting_on": iso(JAN), "ending_before": iso(FEB), "window_size": "NONE"}), 400)
    assert_error_response(http.get(f"/v1/customers/{on_growth}/costs", params={"starting_on": iso(JAN)}), 400)
    assert_error_response(http.post("/v1/invoices/void", json={}), 400)
    assert_error_response(http.post("/v1/invoices/void", json={"id": "nope"}), 400)
    assert invoices(client, on_growth)[0].status == "DRAFT"


def test_preview_events_replace_and_merge_persist_nothing(client, on_growth):
    client.v1.usage.ingest(usage=api_calls(on_growth, 10, utc(2026, 1, 3), prefix="real"))
    preview = [{"event_type": "api_call", "timestamp": iso(utc(2026, 1, 14)), "properties": {"endpoint": "/a"}}] * 3
    [replaced] = client.v1.customers.preview_events(customer_id=on_growth, events=preview).data
    assert (replaced.status, replaced.total) == ("DRAFT", 5003)
    [merged] = client.v1.customers.preview_events(customer_id=on_growth, events=preview, mode="merge").data
    assert merged.total == 5013
    # a transaction_id already ingested is deduplicated against history
    [deduplicated] = client.v1.customers.preview_events(
        customer_id=on_growth, mode="merge",
        events=[{"event_type": "api_call", "transaction_id": "real-0", "timestamp": iso(utc(2026, 1, 14)),
                 "properties": {"endpoint": "/a"}}]).data
    assert deduplicated.total == 5010
    # an event without a timestamp happens now
    [now_event] = client.v1.customers.preview_events(
        customer_id=on_growth, events=[{"event_type": "api_call", "properties": {"endpoint": "/a"}}]).data
    assert now_event.total == 5001
    [draft] = invoices(client, on_growth)
    assert draft.total == 5010 and draft.id == replaced.id

    with expect_api_error(400):
        client.v1.customers.preview_events(customer_id=on_growth, events=[], mode="merge")
    with expect_api_error(400):
        client.v1.customers.preview_events(
            customer_id=on_growth, events=[{"event_type": "api_call", "transaction_id": "x"}] * 2)
    with expect_api_error(400):
        client.v1.customers.preview_events(customer_id=on_growth, events=[{"event_type": "api_call"}], mode="sideways")
    with expect_api_error(404):
        client.v1.customers.preview_events(customer_id=str(uuid.uuid4()), events=[{"event_type": "api_call"}])


def test_archiving_the_customer_voids_its_drafts(client, http, on_growth):
    client.v1.usage.ingest(usage=api_calls(on_growth, 2, utc(2026, 1, 3)))
    freeze_clock(http, utc(2026, 2, 10))
    jan, feb = invoices(client, on_growth)
    client.v1.customers.archive(id=on_growth)
    jan, feb = invoices(client, on_growth)
    assert (jan.status, feb.status) == ("FINALIZED", "VOID")
    assert feb.total == 5000
    freeze_clock(http, utc(2026, 5, 10))
    assert len(invoices(client, on_growth)) == 2


def test_ending_a_plan_earlier_cuts_and_voids_its_drafts(client, http, on_growth):
    freeze_clock(http, utc(2026, 2, 1, 12))  # January in grace, February open
    jan, feb = invoices(client, on_growth)
    plan = client.v1.customers.plans.list(customer_id=on_growth).data[0]
    client.v1.customers.plans.end(customer_id=on_growth, customer_plan_id=plan.id, ending_before=utc(2026, 1, 20))
    jan, feb = invoices(client, on_growth)
    # January now ended on the 20th, more than a day ago: final at once
    assert (jan.status, jan.end_timestamp, jan.issued_at) == ("FINALIZED", utc(2026, 1, 20), utc(2026, 1, 21))
    assert feb.status == "VOID"


def test_a_trial_is_one_invoice_of_usage_with_up_to_its_cap_removed(client, http):
    freeze_clock(http, utc(2026, 1, 10))
    capped = client.v1.customers.create(name="Capped trial").data.id
    client.v1.customers.plans.add(customer_id=capped, plan_id=GROWTH, starting_on=JAN,
                                  trial_spec={"length_in_days": 45, "spending_cap": {"amount": 20, "credit_type_id": USD_CENTS_ID}})
    free = client.v1.customers.create(name="Free trial").data.id
    client.v1.customers.plans.add(customer_id=free, plan_id=GROWTH, starting_on=JAN, trial_spec={"length_in_days": 45})
    for customer in (capped, free):
        client.v1.usage.ingest(usage=api_calls(customer, 30, utc(2026, 1, 5)))

    [trial] = invoices(client, capped)
    assert (trial.start_timestamp, trial.end_timestamp) == (JAN, utc(2026, 2, 15))  # longer than a month
    assert [li.name for li in trial.line_items] == ["API calls"]  # no fixed fee during the trial
    [waived] = trial.invoice_adjustments
    assert (waived.name, waived.total) == ("Trial", -20)
    assert (trial.subtotal, trial.total) == (30, 10)
    assert invoices(client, free)[0].total == 0
    [capped_plan] = client.v1.customers.plans.list(customer_id=capped).data
    [cap] = capped_plan.trial_info.spending_caps
    assert (cap.amount, cap.amount_remaining) == (20, 0)
    roomy = client.v1.customers.create(name="Roomy trial").data.id
    client.v1.customers.plans.add(customer_id=roomy, plan_id=GROWTH, starting_on=JAN,
                                  trial_spec={"length_in_days": 45, "spending_cap": {"amount": 100, "credit_type_id": USD_CENTS_ID}})
    client.v1.usage.ingest(usage=api_calls(roomy, 30, utc(2026, 1, 5)))
    [roomy_plan] = client.v1.customers.plans.list(customer_id=roomy).data
    assert roomy_plan.trial_info.spending_caps[0].amount_remaining == 70
    assert roomy_plan.trial_info.ending_before == utc(2026, 2, 15)

    freeze_clock(http, utc(2026, 2, 20))
    trial, first = invoices(client, capped)
    assert (trial.status, trial.issued_at) == ("FINALIZED", utc(2026, 2, 16))
    assert (first.start_timestamp, first.end_timestamp, first.total) == (utc(2026, 2, 15), utc(2026, 3, 15), 5000)
