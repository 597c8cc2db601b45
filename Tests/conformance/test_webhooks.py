"""Webhooks: notifications written with the change that causes them (invoice.finalized),
delivered signed to every destination, retried with backoff, kept in a delivery log, and
carried over a restart. Receivers are Python HTTP servers on 127.0.0.1 only."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from helpers import USD_CENTS_ID, freeze_clock, iso, make_client, make_http, utc

GROWTH = "3e9c5f4b-8d4a-4fab-c000-000000000001"
SECRET = "whsec-test-secret"
WAIT_S = 8.0


class Receiver:
    """A loopback webhook receiver: answers each request with the next of `statuses` (the
    last one repeats) and keeps what it got."""

    def __init__(self, statuses=(200,), hang=False):
        self.statuses = list(statuses)
        self.released = threading.Event()
        self.hang = hang
        self.received: list[dict] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    index = len(receiver.received)
                    receiver.received.append({"headers": dict(self.headers), "body": body, "at": time.monotonic()})
                    status = receiver.statuses[min(index, len(receiver.statuses) - 1)]
                if receiver.hang:
                    receiver.released.wait(timeout=30)
                    return
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def wait_for(self, count: int, timeout: float = WAIT_S) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.received) >= count:
                    return list(self.received)
            time.sleep(0.05)
        with self.lock:
            raise AssertionError(f"expected {count} webhook requests within {timeout}s, got {len(self.received)}")

    def close(self):
        self.released.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receivers():
    made: list[Receiver] = []

    def make(statuses=(200,), hang=False) -> Receiver:
        r = Receiver(statuses, hang=hang)
        made.append(r)
        return r

    yield make
    for r in made:
        r.close()


def add_webhook(http, url, secret=SECRET, **extra):
    r = http.post("/_emulator/webhooks", json={"url": url, "secret": secret, **extra})
    assert r.status_code == 200, r.text
    return r.json()["data"]


def finalize_a_january_invoice(client, http) -> str:
    """A customer on the Growth plan from Jan 1; the clock set past January's end + 24 h
    finalizes its January invoice. Returns the customer's ID."""
    freeze_clock(http, utc(2026, 1, 15, 12))
    customer = client.v1.customers.create(name="Hooked Co", ingest_aliases=["hooked-co"]).data
    client.v1.customers.plans.add(customer_id=customer.id, plan_id=GROWTH, starting_on=utc(2026, 1, 1))
    freeze_clock(http, utc(2026, 2, 2, 0, 30))
    return customer.id


def verify(request: dict, secret: str = SECRET) -> dict:
    headers = {k.lower(): v for k, v in request["headers"].items()}
    date = headers["date"]
    assert headers["x-metronome-date"] == date
    assert headers["content-type"] == "application/json"
    expected = hmac.new(secret.encode(), date.encode() + b"\n" + request["body"], hashlib.sha256).hexdigest()
    assert headers["metronome-webhook-signature"] == expected
    # Signed with wall time, whatever the emulated clock says, so receivers' 5-minute checks pass.
    sent = parsedate_to_datetime(date)
    assert abs((datetime.now(timezone.utc) - sent).total_seconds()) < 300
    return json.loads(request["body"])


def notifications(http, **params) -> list[dict]:
    r = http.get("/_emulator/notifications", params=params)
    assert r.status_code == 200, r.text
    return r.json()["data"]


def only_delivery(http, until) -> dict:
    """The one delivery of the one notification, once `until(delivery)` holds (a receiver sees a
    request before the emulator records its answer), or as it is after a few seconds."""
    deadline = time.monotonic() + WAIT_S
    while True:
        [delivery] = notifications(http)[0]["deliveries"]
        if until(delivery) or time.monotonic() > deadline:
            return delivery
        time.sleep(0.05)


def test_invoice_finalized_is_delivered_signed(client, http, receivers):
    receiver = receivers()
    hook = add_webhook(http, receiver.url)
    assert set(hook) >= {"id", "url", "event_types"} and "secret" not in hook
    customer_id = finalize_a_january_invoice(client, http)

    [request] = receiver.wait_for(1)
    body = verify(request)
    assert set(body) == {"id", "type", "properties"}
    assert body["type"] == "invoice.finalized"
    props = body["properties"]
    # Exactly the properties of Metronome's documented invoice.finalized payload.
    assert set(props) == {"invoice_id", "customer_id", "invoice_finalized_date"}
    assert props["customer_id"] == customer_id
    invoice = client.v1.customers.invoices.retrieve(customer_id=customer_id, invoice_id=props["invoice_id"]).data
    assert invoice.status == "FINALIZED"
    assert invoice.start_timestamp == utc(2026, 1, 1) and invoice.end_timestamp == utc(2026, 2, 1)
    # Finalized at the end of its grace day: January 31 + 24 h.
    assert props["invoice_finalized_date"] == "2026-02-02T00:00:00.000Z"

    # Reading the invoices again finalizes nothing more: one notification, once.
    list(client.v1.customers.invoices.list(customer_id=customer_id))
    time.sleep(0.5)
    assert len(receiver.received) == 1
    [logged] = notifications(http, type="invoice.finalized")
    assert logged["id"] == body["id"] and logged["customer_id"] == customer_id
    # Written at the moment it happened, though the clock jumped past it.
    assert logged["created_at"] == "2026-02-02T00:00:00.000Z"
    delivery = only_delivery(http, lambda d: d["state"] == "delivered")
    assert delivery["webhook_id"] == hook["id"]
    assert (delivery["state"], delivery["attempts"], delivery["last_status"]) == ("delivered", 1, 200)
    assert delivery["delivered_at"] is not None and delivery["next_attempt_at"] is None


def test_failures_are_retried_with_backoff_until_acknowledged(client, http, receivers):
    receiver = receivers(statuses=(500, 500, 200))
    add_webhook(http, receiver.url)
    finalize_a_january_invoice(client, http)

    first, second, third = receiver.wait_for(3)
    assert len({verify(r)["id"] for r in (first, second, third)}) == 1  # the same notification each time
    assert second["at"] - first["at"] >= 0.9  # 1 s, then 2 s
    assert third["at"] - second["at"] >= 1.9
    delivery = only_delivery(http, lambda d: d["state"] == "delivered")
    assert (delivery["state"], delivery["attempts"], delivery["last_status"]) == ("delivered", 3, 200)


def test_a_failing_destination_does_not_delay_another(client, http, receivers):
    failing, healthy = receivers(statuses=(503,)), receivers()
    broken = add_webhook(http, failing.url)
    refused_hook = add_webhook(http, "http://127.0.0.1:9/refused")  # nothing listens: connection refused
    add_webhook(http, healthy.url)
    finalize_a_january_invoice(client, http)
    healthy.wait_for(1, timeout=3)
    failing.wait_for(2)
    # A refused connection fails once the client's connect timeout (3 s) is over.
    deadline = time.monotonic() + WAIT_S
    while True:
        [logged] = notifications(http)
        by_hook = {d["webhook_id"]: d for d in logged["deliveries"]}
        if by_hook.get(refused_hook["id"], {}).get("attempts") or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert len(by_hook) == 3
    assert by_hook[broken["id"]]["state"] == "pending" and by_hook[broken["id"]]["last_status"] == 503
    assert by_hook[broken["id"]]["next_attempt_at"] is not None
    refused = by_hook[refused_hook["id"]]
    assert refused["state"] == "pending" and refused["attempts"] >= 1 and refused["last_error"]


def test_a_hanging_receiver_blocks_neither_the_server_nor_other_destinations(client, http, receivers):
    hanging, healthy = receivers(hang=True), receivers()
    add_webhook(http, hanging.url)
    add_webhook(http, healthy.url)
    finalize_a_january_invoice(client, http)
    hanging.wait_for(1)
    healthy.wait_for(1, timeout=3)
    started = time.monotonic()
    assert http.get("/_emulator/health").status_code == 200
    assert client.v1.customers.create(name="Still served").data.id
    assert time.monotonic() - started < 2
    deadline = time.monotonic() + WAIT_S
    while True:
        [logged] = notifications(http)
        states = sorted(d["state"] for d in logged["deliveries"])
        if states == ["delivered", "pending"] or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert states == ["delivered", "pending"]


def test_event_types_filter_and_redelivery(client, http, receivers):
    wanted, other = receivers(), receivers()
    add_webhook(http, wanted.url, event_types=["invoice.finalized"])
    add_webhook(http, other.url, event_types=["alerts.spend_threshold_reached"])
    finalize_a_january_invoice(client, http)
    [first] = wanted.wait_for(1)
    notification_id = verify(first)["id"]
    # Redeliver once the first answer is recorded: a redelivery asked for while an attempt to the
    # same destination is in flight can be absorbed by that attempt's result (a known gap).
    first_delivery = only_delivery(http, lambda d: d["state"] == "delivered")
    assert first_delivery["state"] == "delivered", first_delivery
    r = http.post(f"/_emulator/notifications/{notification_id}/redeliver")
    assert r.status_code == 200, r.text
    _, again = wanted.wait_for(2)
    assert verify(again)["id"] == notification_id
    assert other.received == []
    delivery = only_delivery(http, lambda d: d["attempts"] == 2)
    assert (delivery["attempts"], delivery["state"]) == (2, "delivered")
    assert http.post(f"/_emulator/notifications/{'0' * 8}-0000-4000-8000-{'0' * 12}/redeliver").status_code == 404


def test_bad_destination_input_is_a_400(http):
    for body in (
        {"url": "ftp://127.0.0.1/hooks", "secret": SECRET},
        {"url": "not a url", "secret": SECRET},
        {"url": "http://127.0.0.1:9/hooks"},
        {"url": "http://127.0.0.1:9/hooks", "secret": ""},
        {"secret": SECRET},
        {"url": 42, "secret": SECRET},
        {"url": "http://127.0.0.1:9/hooks", "secret": SECRET, "event_types": "invoice.finalized"},
    ):
        r = http.post("/_emulator/webhooks", json=body)
        assert r.status_code == 400, (body, r.status_code, r.text)
        assert r.json()["message"]
    assert http.get("/_emulator/webhooks").json()["data"] == []
    unknown = "00000000-0000-4000-8000-000000000000"
    assert http.delete(f"/_emulator/webhooks/{unknown}").status_code == 404


def test_destinations_list_delete_and_reset(http):
    hook = add_webhook(http, "http://127.0.0.1:9/a", event_types=["invoice.finalized"])
    listed = http.get("/_emulator/webhooks").json()["data"]
    assert [(h["id"], h["url"], h["event_types"]) for h in listed] == [(hook["id"], "http://127.0.0.1:9/a", ["invoice.finalized"])]
    assert all("secret" not in h for h in listed)
    r = http.delete(f"/_emulator/webhooks/{hook['id']}")
    assert r.status_code == 200 and r.json()["data"]["id"] == hook["id"]
    assert http.delete(f"/_emulator/webhooks/{hook['id']}").status_code == 404
    add_webhook(http, "http://127.0.0.1:9/b")
    assert http.post("/_emulator/reset").status_code == 200
    assert http.get("/_emulator/webhooks").json()["data"] == []


def test_notifications_list_pages_and_filters(client, http):
    freeze_clock(http, utc(2026, 1, 15, 12))
    ids = []
    for name in ("A", "B", "C"):
        customer = client.v1.customers.create(name=name).data
        client.v1.customers.plans.add(customer_id=customer.id, plan_id=GROWTH, starting_on=utc(2026, 1, 1))
        ids.append(customer.id)
    freeze_clock(http, utc(2026, 2, 2, 1))
    everything = notifications(http)
    assert sorted(n["customer_id"] for n in everything) == sorted(ids)
    assert all(n["deliveries"] == [] for n in everything)
    r = http.get("/_emulator/notifications", params={"limit": 2})
    page = r.json()
    assert len(page["data"]) == 2 and page["next_page"]
    rest = http.get("/_emulator/notifications", params={"limit": 2, "next_page": page["next_page"]}).json()
    assert [n["id"] for n in page["data"] + rest["data"]] == [n["id"] for n in everything]
    assert rest["next_page"] is None
    assert [n["customer_id"] for n in notifications(http, customer_id=ids[1])] == [ids[1]]
    assert notifications(http, type="alerts.spend_threshold_reached") == []
    assert notifications(http, since="2026-02-03T00:00:00Z") == []
    assert http.get("/_emulator/notifications", params={"since": "yesterday"}).status_code == 400
    assert http.get("/_emulator/notifications", params={"next_page": "garbage"}).status_code == 400
    assert http.post("/_emulator/reset").status_code == 200
    assert notifications(http) == []


def test_flag_destinations_survive_reset_and_pending_deliveries_survive_a_restart(spawn_emulator, receivers, tmp_path):
    down = receivers(statuses=(500,))
    db = str(tmp_path / "emulator.db")
    srv = spawn_emulator("--db", db, "--webhook-url", down.url, "--webhook-secret", SECRET)
    with make_client(srv.base_url) as c, make_http(srv.base_url) as h:
        [flag] = h.get("/_emulator/webhooks").json()["data"]
        assert (flag["url"], flag["from_flag"]) == (down.url, True)
        assert h.delete(f"/_emulator/webhooks/{flag['id']}").status_code == 400
        assert h.post("/_emulator/reset").status_code == 200
        assert [w["id"] for w in h.get("/_emulator/webhooks").json()["data"]] == [flag["id"]]
        finalize_a_january_invoice(c, h)
        down.wait_for(1)
    srv.sigkill()

    # The same flags (the receiver now answers 200 at the same URL) find the pending delivery.
    down.statuses = [200]
    srv2 = spawn_emulator("--db", db, "--webhook-url", down.url, "--webhook-secret", SECRET)
    with make_http(srv2.base_url) as h:
        requests = down.wait_for(2)
        # In order: the delivery left pending comes first after the restart (the clock is back
        # on wall time, so later invoices finalize and follow it).
        assert verify(requests[0])["id"] == verify(requests[1])["id"]
        delivery = only_delivery(h, lambda d: d["state"] == "delivered")
        assert delivery["state"] == "delivered" and delivery["attempts"] >= 2


def test_webhook_flags_are_validated(spawn_emulator):
    for args in (("--webhook-url", "http://127.0.0.1:9/x"), ("--webhook-url", "ftp://x/y", "--webhook-secret", "s")):
        p = spawn_emulator(*args, wait=False)
        assert p.proc.wait(timeout=30) != 0


def api_calls(customer_ref, count, when, prefix):
    return [
        {"transaction_id": f"{prefix}-{i}", "customer_id": customer_ref, "event_type": "api_call",
         "timestamp": iso(when + timedelta(minutes=i)), "properties": {"endpoint": "/search"}}
        for i in range(count)
    ]


def test_an_alert_entering_alarm_is_notified_once(client, http, receivers):
    receiver = receivers()
    add_webhook(http, receiver.url, event_types=["alerts.spend_threshold_reached"])
    freeze_clock(http, utc(2026, 1, 15, 12))
    customer = client.v1.customers.create(name="Alerted Co").data.id
    client.v1.customers.plans.add(customer_id=customer, plan_id=GROWTH, starting_on=utc(2026, 1, 1))
    alert_id = client.v1.alerts.create(
        alert_type="spend_threshold_reached", name="Spend over $0.30", threshold=30, customer_id=customer,
        credit_type_id=USD_CENTS_ID,
    ).data.id
    client.v1.usage.ingest(usage=api_calls(customer, 30, utc(2026, 1, 3), "spend"))
    for _ in range(2):  # the second read finds it still in alarm: no new crossing
        alarmed = client.v1.customers.alerts.retrieve(customer_id=customer, alert_id=alert_id).data
        assert alarmed.customer_status == "in_alarm"
    [request] = receiver.wait_for(1)
    body = verify(request)
    assert body["type"] == "alerts.spend_threshold_reached"
    assert body["properties"] == {
        "customer_id": customer, "alert_id": alert_id, "alert_name": "Spend over $0.30", "threshold": 30,
        "timestamp": "2026-01-15T12:00:00.000Z", "triggered_by": alarmed.triggered_by, "credit_type_id": USD_CENTS_ID,
        "current_spend": 30 * 1,  # 30 API calls at Growth's 1 cent each
    }
    time.sleep(0.3)
    assert len(receiver.received) == 1
    assert [n["type"] for n in notifications(http, customer_id=customer)] == ["alerts.spend_threshold_reached"]


def test_a_balance_alert_notifies_the_remaining_balance(client, http):
    freeze_clock(http, utc(2026, 1, 15, 12))
    customer = client.v1.customers.create(name="Committed").data.id
    client.v1.contracts.create(
        customer_id=customer, starting_at=utc(2026, 1, 1), rate_card_alias="standard",
        commits=[{"type": "PREPAID", "product_id": "1c7a3d2f-6b2e-4d8f-a000-000000000003", "name": "Prepaid",
                  "access_schedule": {"schedule_items": [{"amount": 100, "starting_at": "2026-01-01T00:00:00Z",
                                                          "ending_before": "2027-01-01T00:00:00Z"}]}}])
    alert_id = client.v1.alerts.create(
        alert_type="low_remaining_commit_balance_reached", name="Commit below 40", threshold=40, customer_id=customer,
    ).data.id
    client.v1.usage.ingest(usage=api_calls(customer, 100, utc(2026, 1, 3), "commit-a"))  # 0.5 cents each
    client.v1.usage.ingest(usage=api_calls(customer, 30, utc(2026, 1, 4), "commit-b"))  # 35 of 100 left
    assert client.v1.customers.alerts.retrieve(customer_id=customer, alert_id=alert_id).data.customer_status == "in_alarm"
    # Alerts are evaluated moments after the batch is stored.
    deadline = time.monotonic() + WAIT_S
    while not notifications(http, type="alerts.low_remaining_commit_balance_reached") and time.monotonic() < deadline:
        time.sleep(0.05)
    [notification] = notifications(http, type="alerts.low_remaining_commit_balance_reached")
    props = notification["properties"]
    assert (props["alert_id"], props["customer_id"], props["threshold"]) == (alert_id, customer, 40)
    assert props["remaining_balance"] == 35 and props["credit_type_id"] == USD_CENTS_ID
    assert props["triggered_by"] == "usage"


# ---- Time that moves things: settlement as the clock passes due moments ----

PREPAID_PRODUCT = "1c7a3d2f-6b2e-4d8f-a000-000000000003"


def prepaid_commit(amount, segments):
    """A prepaid commit of `amount` cents per segment, one segment per (start, end) pair."""
    return {"type": "PREPAID", "product_id": PREPAID_PRODUCT, "name": "Prepaid",
            "access_schedule": {"schedule_items": [
                {"amount": amount, "starting_at": iso(start), "ending_before": iso(end)} for start, end in segments]}}


def test_the_ingest_batch_that_crosses_a_threshold_is_pushed_with_no_read(client, http, receivers):
    receiver = receivers()
    add_webhook(http, receiver.url)
    freeze_clock(http, utc(2026, 1, 15, 12))
    customer = client.v1.customers.create(name="Pushed").data.id
    client.v1.contracts.create(customer_id=customer, starting_at=utc(2026, 1, 1), rate_card_alias="standard",
                               commits=[prepaid_commit(100, [(utc(2026, 1, 1), utc(2027, 1, 1))])])
    alert_id = client.v1.alerts.create(
        alert_type="low_remaining_commit_balance_reached", name="Commit below 40", threshold=40, customer_id=customer,
    ).data.id
    client.v1.usage.ingest(usage=api_calls(customer, 100, utc(2026, 1, 3), "push-a"))  # 50 of 100 left: above 40
    client.v1.usage.ingest(usage=api_calls(customer, 30, utc(2026, 1, 4), "push-b"))  # 35 left: crossed

    alarms = [r for r in receiver.wait_for(3) if verify(r)["type"].startswith("alerts.")]
    [body] = [verify(r) for r in alarms]
    assert body["type"] == "alerts.low_remaining_commit_balance_reached"
    props = body["properties"]
    assert (props["alert_id"], props["customer_id"], props["alert_name"]) == (alert_id, customer, "Commit below 40")
    assert props["remaining_balance"] == 35 and props["threshold"] == 40 and props["triggered_by"] == "usage"
    # More usage while in alarm is no new crossing.
    client.v1.usage.ingest(usage=api_calls(customer, 2, utc(2026, 1, 5), "push-c"))
    time.sleep(0.5)
    assert len([r for r in receiver.received if verify(r)["type"].startswith("alerts.")]) == 1


def test_one_pass_over_more_customers_than_a_transaction_takes_alarms_each_of_them(client, http):
    # The evaluator takes customers a few at a time (16 a transaction): 40 crossing at once need
    # three transactions, and each customer is notified once, with no read of its alert.
    freeze_clock(http, utc(2026, 1, 15, 12))
    customers = []
    for i in range(40):
        customer = client.v1.customers.create(name=f"Crowd {i}").data.id
        client.v1.customers.plans.add(customer_id=customer, plan_id=GROWTH, starting_on=utc(2026, 1, 1))
        client.v1.alerts.create(alert_type="spend_threshold_reached", name=f"Spend {i}", threshold=30,
                                customer_id=customer, credit_type_id=USD_CENTS_ID)
        customers.append(customer)
    # 30 calls each at 1 cent, dealt round the customers: each batch of 100 names all 40, and
    # every customer's 30th cent comes in the last, so one pass finds all 40 in alarm.
    calls = [api_calls(c, 30, utc(2026, 1, 3), f"crowd-{i}") for i, c in enumerate(customers)]
    events = [calls[i][n] for n in range(30) for i in range(len(customers))]
    for start in range(0, len(events), 100):
        client.v1.usage.ingest(usage=events[start:start + 100])
    deadline = time.monotonic() + 20
    while len(notifications(http, type="alerts.spend_threshold_reached", limit=100)) < 40 and time.monotonic() < deadline:
        time.sleep(0.1)
    notified = [n["customer_id"] for n in notifications(http, type="alerts.spend_threshold_reached", limit=100)]
    assert sorted(notified) == sorted(customers)


def test_advancing_the_clock_steps_through_every_due_moment(client, http):
    freeze_clock(http, utc(2026, 1, 15, 12))
    customer = client.v1.customers.create(name="Advanced").data.id
    client.v1.customers.plans.add(customer_id=customer, plan_id=GROWTH, starting_on=utc(2026, 1, 1))
    r = http.post("/_emulator/clock/advance", json={"by": "P3M"})
    assert r.status_code == 200, r.text
    assert r.json() == {"now": "2026-04-15T12:00:00.000Z", "frozen": True}

    finalized = notifications(http, customer_id=customer, type="invoice.finalized")
    # January, February and March, each written at its own period end + 24 h.
    assert [n["created_at"] for n in finalized] == [
        "2026-02-02T00:00:00.000Z", "2026-03-02T00:00:00.000Z", "2026-04-02T00:00:00.000Z"]
    invoices = list(client.v1.customers.invoices.list(customer_id=customer))
    assert [(i.start_timestamp.month, i.status) for i in invoices] == [
        (1, "FINALIZED"), (2, "FINALIZED"), (3, "FINALIZED"), (4, "DRAFT")]
    assert {n["properties"]["invoice_id"] for n in finalized} == {i.id for i in invoices[:3]}

    r = http.post("/_emulator/clock/advance", json={"by": "P1DT12H"})
    assert r.json()["now"] == "2026-04-17T00:00:00.000Z"
    for bad in ({"by": "1M"}, {"by": "P"}, {"by": "PT1D"}, {"by": "P1M1Y"}, {"by": "P-1D"}, {}):
        r = http.post("/_emulator/clock/advance", json=bad)
        assert r.status_code == 400 and "message" in r.json(), (bad, r.text)
    assert http.get("/_emulator/clock").json()["now"] == "2026-04-17T00:00:00.000Z"


SYSTEM_KEYS = {"id", "type", "timestamp", "environment_type", "customer_id", "customer_custom_fields"}


def test_contract_and_commit_life_cycle_notifications_have_metronomes_flat_shape(client, http, receivers):
    receiver = receivers()
    add_webhook(http, receiver.url, event_types=[
        "contract.create", "contract.start", "contract.end", "contract.edit", "contract.archive",
        "commit.create", "commit.segment.start", "commit.segment.end", "commit.archive"])
    freeze_clock(http, utc(2026, 1, 15, 12))
    customer = client.v1.customers.create(name="Life cycle").data.id
    contract_id = client.v1.contracts.create(
        customer_id=customer, starting_at=utc(2026, 2, 1), ending_before=utc(2026, 4, 1), rate_card_alias="standard",
        custom_fields={}, commits=[prepaid_commit(500, [(utc(2026, 2, 1), utc(2026, 3, 1)), (utc(2026, 3, 1), utc(2026, 4, 1))])],
    ).data.id
    assert http.post("/_emulator/clock/advance", json={"by": "P3M"}).status_code == 200

    bodies = [verify(r) for r in receiver.wait_for(8)]
    assert [(b["type"], b["timestamp"], b.get("segment_index")) for b in bodies] == [
        ("contract.create", "2026-01-15T12:00:00.000Z", None),
        ("commit.create", "2026-01-15T12:00:00.000Z", None),
        ("contract.start", "2026-02-01T00:00:00.000Z", None),
        ("commit.segment.start", "2026-02-01T00:00:00.000Z", 0),
        ("commit.segment.end", "2026-03-01T00:00:00.000Z", 0),
        ("commit.segment.start", "2026-03-01T00:00:00.000Z", 1),
        ("commit.segment.end", "2026-04-01T00:00:00.000Z", 1),
        ("contract.end", "2026-04-01T00:00:00.000Z", None),
    ]
    for body in bodies:
        assert "properties" not in body and body["customer_id"] == customer and body["contract_id"] == contract_id
        assert body["environment_type"] == "PRODUCTION" and body["customer_custom_fields"] == {}
        if body["type"].startswith("contract."):
            assert set(body) == SYSTEM_KEYS | {"contract_id", "contract_custom_fields"}
        else:
            extra = {"segment_index", "segment_count", "segment_id"} if ".segment." in body["type"] else set()
            assert set(body) == SYSTEM_KEYS | {"contract_id", "contract_custom_fields", "commit_id",
                                                "commit_custom_fields"} | extra
    [commit] = client.v1.contracts.retrieve(customer_id=customer, contract_id=contract_id).data.initial.commits
    assert {b["commit_id"] for b in bodies if b["type"].startswith("commit.")} == {commit.id}
    segments = [b for b in bodies if ".segment." in b["type"]]
    assert all(b["segment_count"] == 2 for b in segments)
    assert segments[0]["segment_id"] == segments[1]["segment_id"] != segments[2]["segment_id"]
    # Reads write nothing, so they notify nothing.
    list(client.v1.customers.invoices.list(customer_id=customer))
    time.sleep(0.3)
    assert len(receiver.received) == 8


def test_a_running_clock_settles_a_due_moment_by_itself(client, http):
    # The clock runs (reset returns it to the wall clock); a commit segment starts at the next
    # midnight, and the clock is moved ahead to two seconds before it.
    now = datetime.now(timezone.utc)
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    customer = client.v1.customers.create(name="Timer").data.id
    client.v1.contracts.create(customer_id=customer, starting_at=midnight - timedelta(days=1), rate_card_alias="standard",
                               commits=[prepaid_commit(100, [(midnight, midnight + timedelta(days=30))])])
    to_go = int((midnight - datetime.now(timezone.utc)).total_seconds()) - 2
    r = http.post("/_emulator/clock/advance", json={"by": f"PT{to_go}S"})
    assert r.status_code == 200 and r.json()["frozen"] is False
    assert notifications(http, customer_id=customer, type="commit.segment.start") == []
    deadline = time.monotonic() + 10
    while not notifications(http, customer_id=customer, type="commit.segment.start"):
        assert time.monotonic() < deadline, "the segment's start was never settled"
        time.sleep(0.2)
    [started] = notifications(http, customer_id=customer, type="commit.segment.start")
    assert started["properties"]["timestamp"] == iso(midnight)
