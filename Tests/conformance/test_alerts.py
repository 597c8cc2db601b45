"""Alerts (threshold notifications): create and archive, and each customer's status for them,
evaluated from its invoices and usage at the emulated clock's now."""

import uuid
from datetime import timedelta

import pytest

from helpers import (
    USD_CENTS_ID,
    assert_error_response,
    expect_api_error,
    freeze_clock,
    iso,
    utc,
)

GROWTH = "3e9c5f4b-8d4a-4fab-c000-000000000001"
API_CALLS_METRIC = "0b6f2c1e-5a1d-4c7e-9f00-000000000001"
JAN = utc(2026, 1, 1)
FEB = utc(2026, 2, 1)


def api_calls(customer_ref, count, when):
    prefix = uuid.uuid4().hex
    return [
        {"transaction_id": f"{prefix}-{i}", "customer_id": customer_ref, "event_type": "api_call",
         "timestamp": iso(when + timedelta(minutes=i)), "properties": {"endpoint": "/search"}}
        for i in range(count)
    ]


@pytest.fixture
def on_growth(client, http):
    """A customer on the demo Growth plan since Jan 1 (5000 cents a month plus 1 cent a call),
    with the clock frozen mid-January."""
    freeze_clock(http, utc(2026, 1, 15, 12))
    customer = client.v1.customers.create(name="Alerted Co").data
    client.v1.customers.plans.add(customer_id=customer.id, plan_id=GROWTH, starting_on=JAN)
    return customer.id


def status(client, customer_id, alert_id):
    return client.v1.customers.alerts.retrieve(customer_id=customer_id, alert_id=alert_id).data


def test_spend_alert_goes_in_alarm_as_usage_spend_crosses_its_threshold(client, on_growth):
    alert_id = client.v1.alerts.create(
        alert_type="spend_threshold_reached", name="Spend over $0.30", threshold=30, customer_id=on_growth,
        credit_type_id=USD_CENTS_ID,
    ).data.id
    first = status(client, on_growth, alert_id)
    assert (first.customer_status, first.triggered_by) == ("ok", None)
    alert = first.alert
    assert (alert.id, alert.name, alert.type, alert.status, alert.threshold) == (
        alert_id, "Spend over $0.30", "spend_threshold_reached", "enabled", 30)
    assert alert.credit_type.id == USD_CENTS_ID and alert.credit_type.name == "USD (cents)"

    # The 5000-cent platform fee is not usage spend: only the calls count.
    client.v1.usage.ingest(usage=api_calls(on_growth, 29, utc(2026, 1, 3)))
    assert status(client, on_growth, alert_id).customer_status == "ok"
    client.v1.usage.ingest(usage=api_calls(on_growth, 1, utc(2026, 1, 4)))
    alarmed = status(client, on_growth, alert_id)
    assert alarmed.customer_status == "in_alarm" and alarmed.triggered_by
    assert alarmed.alert.updated_at >= first.alert.updated_at


def test_spend_resets_with_the_billing_period(client, http, on_growth):
    alert_id = client.v1.alerts.create(
        alert_type="spend_threshold_reached", name="Spend", threshold=10, customer_id=on_growth,
    ).data.id
    client.v1.usage.ingest(usage=api_calls(on_growth, 12, utc(2026, 1, 3)))
    assert status(client, on_growth, alert_id).customer_status == "in_alarm"
    freeze_clock(http, utc(2026, 2, 10))
    assert status(client, on_growth, alert_id).customer_status == "ok"


def test_invoice_total_alerts_count_the_fixed_fee(client, on_growth):
    monthly = client.v1.alerts.create(
        alert_type="monthly_invoice_total_spend_threshold_reached", name="Invoice over $50.05",
        threshold=5005, customer_id=on_growth,
    ).data.id
    per_invoice = client.v1.alerts.create(
        alert_type="invoice_total_reached", name="Plan invoice over $50", threshold=5000, customer_id=on_growth,
        invoice_types_filter=["PLAN_ARREARS"],
    ).data.id
    other_type = client.v1.alerts.create(
        alert_type="invoice_total_reached", name="Usage invoice", threshold=1, customer_id=on_growth,
        invoice_types_filter=["USAGE"],
    ).data.id
    assert status(client, on_growth, monthly).customer_status == "ok"
    assert status(client, on_growth, per_invoice).customer_status == "in_alarm"
    assert status(client, on_growth, per_invoice).alert.invoice_types_filter == ["PLAN_ARREARS"]
    assert status(client, on_growth, other_type).customer_status == "ok"
    client.v1.usage.ingest(usage=api_calls(on_growth, 5, utc(2026, 1, 5)))
    assert status(client, on_growth, monthly).customer_status == "in_alarm"


def test_usage_alert_on_a_billable_metric(client, on_growth):
    alert_id = client.v1.alerts.create(
        alert_type="usage_threshold_reached", name="100 calls", threshold=100, customer_id=on_growth,
        billable_metric_id=API_CALLS_METRIC,
    ).data.id
    client.v1.usage.ingest(usage=api_calls(on_growth, 99, utc(2026, 1, 2)))
    assert status(client, on_growth, alert_id).customer_status == "ok"
    client.v1.usage.ingest(usage=api_calls(on_growth, 1, utc(2026, 1, 9)))
    assert status(client, on_growth, alert_id).customer_status == "in_alarm"


def test_days_left_in_plan(client, http):
    freeze_clock(http, utc(2026, 3, 25))
    ending = client.v1.customers.create(name="Leaving").data.id
    client.v1.customers.plans.add(customer_id=ending, plan_id=GROWTH, starting_on=JAN, ending_before=utc(2026, 4, 1))
    open_ended = client.v1.customers.create(name="Staying").data.id
    client.v1.customers.plans.add(customer_id=open_ended, plan_id=GROWTH, starting_on=JAN)
    alert_id = client.v1.alerts.create(
        alert_type="low_remaining_days_in_plan_reached", name="A week left", threshold=7, plan_id=GROWTH,
    ).data.id
    assert status(client, ending, alert_id).customer_status == "in_alarm"
    assert status(client, open_ended, alert_id).customer_status == "ok"


def test_balance_alerts_are_ok_without_balances(client, on_growth):
    for alert_type in ["low_credit_balance_reached", "low_remaining_commit_balance_reached",
                       "low_remaining_contract_credit_and_commit_percentage_reached"]:
        alert_id = client.v1.alerts.create(alert_type=alert_type, name=alert_type, threshold=100).data.id
        assert status(client, on_growth, alert_id).customer_status == "ok"


def test_list_shows_the_customers_alerts_enabled_only_by_default(client, on_growth):
    other = client.v1.customers.create(name="Other").data.id
    mine = client.v1.alerts.create(alert_type="spend_threshold_reached", name="Mine", threshold=1,
                                   customer_id=on_growth).data.id
    everyone = client.v1.alerts.create(alert_type="spend_threshold_reached", name="Everyone", threshold=1).data.id
    on_plan = client.v1.alerts.create(alert_type="spend_threshold_reached", name="Growth", threshold=1,
                                      plan_id=GROWTH).data.id
    theirs = client.v1.alerts.create(alert_type="spend_threshold_reached", name="Theirs", threshold=1,
                                     customer_id=other).data.id
    archived = client.v1.alerts.create(alert_type="spend_threshold_reached", name="Gone", threshold=1,
                                       customer_id=on_growth).data.id
    assert client.v1.alerts.archive(id=archived).data.id == archived

    listed = list(client.v1.customers.alerts.list(customer_id=on_growth))
    assert [a.alert.id for a in listed] == [mine, everyone, on_plan]
    assert all(a.customer_status == "ok" and a.alert.status == "enabled" for a in listed)
    assert [a.alert.id for a in client.v1.customers.alerts.list(customer_id=other)] == [everyone, theirs]

    with_archived = list(client.v1.customers.alerts.list(customer_id=on_growth, alert_statuses=["ENABLED", "ARCHIVED"]))
    assert [a.alert.id for a in with_archived] == [mine, everyone, on_plan, archived]
    [gone] = client.v1.customers.alerts.list(customer_id=on_growth, alert_statuses=["ARCHIVED"])
    assert (gone.alert.status, gone.customer_status) == ("archived", None)
    assert list(client.v1.customers.alerts.list(customer_id=on_growth, alert_statuses=["DISABLED"])) == []
    with expect_api_error(404):
        status(client, other, mine)


def test_list_pages_by_next_page(client, on_growth):
    ids = [client.v1.alerts.create(alert_type="spend_threshold_reached", name=f"A{i}", threshold=i + 1).data.id
           for i in range(105)]
    first = client.v1.customers.alerts.list(customer_id=on_growth)
    assert len(first.data) == 100 and first.next_page
    assert [a.alert.id for a in first.data] == ids[:100]
    second = first.get_next_page()
    assert [a.alert.id for a in second.data] == ids[100:] and second.next_page is None
    everything = [a.alert.id for a in client.v1.customers.alerts.list(customer_id=on_growth)]
    assert everything == ids


def test_archived_alert_has_a_null_status(client, on_growth):
    alert_id = client.v1.alerts.create(alert_type="spend_threshold_reached", name="S", threshold=1,
                                       customer_id=on_growth).data.id
    client.v1.usage.ingest(usage=api_calls(on_growth, 3, utc(2026, 1, 3)))
    assert status(client, on_growth, alert_id).customer_status == "in_alarm"
    client.v1.alerts.archive(id=alert_id)
    archived = status(client, on_growth, alert_id)
    assert (archived.alert.status, archived.customer_status, archived.triggered_by) == ("archived", None, None)


def test_uniqueness_key_conflicts_until_released(client, on_growth):
    key = f"alert-{uuid.uuid4().hex}"
    first = client.v1.alerts.create(alert_type="spend_threshold_reached", name="U", threshold=1,
                                    uniqueness_key=key).data.id
    assert status(client, on_growth, first).alert.uniqueness_key == key
    with expect_api_error(409) as info:
        client.v1.alerts.create(alert_type="spend_threshold_reached", name="U2", threshold=1, uniqueness_key=key)
    assert info["error"].body["message"] == "This uniqueness key has already been used."
    client.v1.alerts.archive(id=first)  # archived, but the key is still held
    with expect_api_error(409):
        client.v1.alerts.create(alert_type="spend_threshold_reached", name="U2", threshold=1, uniqueness_key=key)
    client.v1.alerts.archive(id=first, release_uniqueness_key=True)
    second = client.v1.alerts.create(alert_type="spend_threshold_reached", name="U2", threshold=1,
                                     uniqueness_key=key).data.id
    assert second != first


def test_evaluate_on_create_false_waits_for_a_new_crossing(client, http, on_growth):
    client.v1.usage.ingest(usage=api_calls(on_growth, 20, utc(2026, 1, 3)))
    quiet = client.v1.alerts.create(alert_type="spend_threshold_reached", name="Quiet", threshold=10,
                                    customer_id=on_growth, evaluate_on_create=False).data.id
    eager = client.v1.alerts.create(alert_type="spend_threshold_reached", name="Eager", threshold=10,
                                    customer_id=on_growth).data.id
    assert status(client, on_growth, quiet).customer_status == "ok"
    assert status(client, on_growth, eager).customer_status == "in_alarm"
    # A new billing period starts spend from zero; crossing again alarms.
    freeze_clock(http, utc(2026, 2, 10))
    client.v1.usage.ingest(usage=api_calls(on_growth, 11, utc(2026, 2, 3)))
    assert status(client, on_growth, quiet).customer_status == "in_alarm"


def test_reset_clears_state_and_reevaluates(client, on_growth):
    client.v1.usage.ingest(usage=api_calls(on_growth, 20, utc(2026, 1, 3)))
    alert_id = client.v1.alerts.create(alert_type="spend_threshold_reached", name="Quiet", threshold=10,
                                       customer_id=on_growth, evaluate_on_create=False).data.id
    assert status(client, on_growth, alert_id).customer_status == "ok"
    assert client.v1.customers.alerts.reset(customer_id=on_growth, alert_id=alert_id) is None
    assert status(client, on_growth, alert_id).customer_status == "in_alarm"
    with expect_api_error(404):
        client.v1.customers.alerts.reset(customer_id=on_growth, alert_id=str(uuid.uuid4()))


def test_not_found(client, on_growth):
    unknown = str(uuid.uuid4())
    with expect_api_error(404):
        client.v1.alerts.create(alert_type="spend_threshold_reached", name="X", threshold=1, customer_id=unknown)
    with expect_api_error(404):
        client.v1.alerts.create(alert_type="usage_threshold_reached", name="X", threshold=1, billable_metric_id=unknown)
    with expect_api_error(404):
        client.v1.alerts.create(alert_type="spend_threshold_reached", name="X", threshold=1, plan_id=unknown)
    with expect_api_error(404):
        client.v1.alerts.archive(id=unknown)
    with expect_api_error(404):
        status(client, on_growth, unknown)
    alert_id = client.v1.alerts.create(alert_type="spend_threshold_reached", name="X", threshold=1).data.id
    with expect_api_error(404):
        status(client, unknown, alert_id)
    with expect_api_error(404):
        list(client.v1.customers.alerts.list(customer_id=unknown))


@pytest.mark.parametrize("body", [
    {"name": "X", "threshold": 1},
    {"alert_type": "spend_threshold_reached", "threshold": 1},
    {"alert_type": "spend_threshold_reached", "name": "X"},
    {"alert_type": "nonsense", "name": "X", "threshold": 1},
    {"alert_type": "spend_threshold_reached", "name": "X", "threshold": "lots"},
    {"alert_type": "spend_threshold_reached", "name": "", "threshold": 1},
    {"alert_type": "usage_threshold_reached", "name": "X", "threshold": 1},
    {"alert_type": "spend_threshold_reached", "name": "X", "threshold": 1, "customer_id": "nope"},
    {"alert_type": "spend_threshold_reached", "name": "X", "threshold": 1, "uniqueness_key": ""},
    {"alert_type": "spend_threshold_reached", "name": "X", "threshold": 1, "uniqueness_key": "k" * 129},
    {"alert_type": "low_remaining_seat_balance_reached", "name": "X", "threshold": 1},
    {"alert_type": "low_remaining_commit_balance_reached", "name": "X", "threshold": 1, "access_type": "QUANTITY",
     "credit_type_id": USD_CENTS_ID},
    {"alert_type": "spend_threshold_reached", "name": "X", "threshold": 1,
     "custom_field_filters": [{"entity": "Nope", "key": "k", "value": "v"}]},
])
def test_create_validation(http, body):
    assert_error_response(http.post("/v1/alerts/create", json=body), 400)


def test_reads_validate_their_bodies(client, http, on_growth):
    assert_error_response(http.post("/v1/customer-alerts/list", json={}), 400)
    assert_error_response(http.post("/v1/customer-alerts/list", json={"customer_id": on_growth,
                                                                       "alert_statuses": ["SLEEPING"]}), 400)
    assert_error_response(http.post("/v1/customer-alerts/list?next_page=garbage", json={"customer_id": on_growth}), 400)
    assert_error_response(http.post("/v1/customer-alerts/get", json={"customer_id": on_growth}), 400)
    alert_id = client.v1.alerts.create(alert_type="spend_threshold_reached", name="Refusals", threshold=1).data.id
    for field, value in [("group_values", [{"key": "endpoint", "value": "/x"}]), ("plans_or_contracts", "PLANS"),
                         ("seat_filter", {"seat_group_key": "team"}), ("alert_specifiers", [{"key": "k", "value": "v"}])]:
        resp = http.post("/v1/customer-alerts/get", json={"customer_id": on_growth, "alert_id": alert_id, field: value})
        assert field in assert_error_response(resp, 400)["message"]
    assert_error_response(http.post("/v1/customer-alerts/reset", json={"alert_id": "x", "customer_id": on_growth}), 400)
    assert_error_response(http.post("/v1/alerts/archive", json={}), 400)


def test_enum_input_is_case_insensitive(client, http, on_growth):
    r = http.post("/v1/alerts/create", json={"alert_type": "SPEND_THRESHOLD_REACHED", "name": "Loud", "threshold": 5,
                                              "customer_id": on_growth})
    assert r.status_code == 200, r.text
    alert_id = r.json()["data"]["id"]
    assert status(client, on_growth, alert_id).alert.type == "spend_threshold_reached"
    r = http.post("/v1/customer-alerts/list", json={"customer_id": on_growth, "alert_statuses": ["enabled"]})
    assert r.status_code == 200 and [a["alert"]["id"] for a in r.json()["data"]] == [alert_id]
    assert r.json()["next_page"] is None


def test_archived_customer_keeps_its_last_status(client, on_growth):
    alert_id = client.v1.alerts.create(alert_type="spend_threshold_reached", name="S", threshold=5,
                                       customer_id=on_growth).data.id
    client.v1.usage.ingest(usage=api_calls(on_growth, 6, utc(2026, 1, 3)))
    assert status(client, on_growth, alert_id).customer_status == "in_alarm"
    client.v1.customers.archive(id=on_growth)
    assert status(client, on_growth, alert_id).customer_status == "in_alarm"


def test_commit_balance_alert_goes_in_alarm_as_usage_draws_the_commit_down(client, http):
    freeze_clock(http, utc(2026, 1, 15, 12))
    customer = client.v1.customers.create(name="Committed").data.id
    client.v1.contracts.create(
        customer_id=customer, starting_at=JAN, rate_card_alias="standard",
        commits=[{"type": "PREPAID", "product_id": "1c7a3d2f-6b2e-4d8f-a000-000000000003", "name": "Prepaid",
                  "access_schedule": {"schedule_items": [{"amount": 100, "starting_at": iso(JAN),
                                                          "ending_before": iso(utc(2027, 1, 1))}]}}])
    balance_alert = client.v1.alerts.create(
        alert_type="low_remaining_commit_balance_reached", name="Commit below 40", threshold=40, customer_id=customer,
    ).data.id
    percent_alert = client.v1.alerts.create(
        alert_type="low_remaining_commit_percentage_reached", name="Commit below 10%", threshold=10, customer_id=customer,
    ).data.id
    assert status(client, customer, balance_alert).customer_status == "ok"
    client.v1.usage.ingest(usage=api_calls(customer, 100, utc(2026, 1, 3)))  # 100 calls at 0.5 cents: 50 of 100 left
    assert status(client, customer, balance_alert).customer_status == "ok"
    client.v1.usage.ingest(usage=api_calls(customer, 30, utc(2026, 1, 4)))  # 35 left
    assert status(client, customer, balance_alert).customer_status == "in_alarm"
    assert status(client, customer, percent_alert).customer_status == "ok"
    client.v1.usage.ingest(usage=api_calls(customer, 60, utc(2026, 1, 5)))  # 5 left: 5%
    assert status(client, customer, percent_alert).customer_status == "in_alarm"
