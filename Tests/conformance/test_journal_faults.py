"""The request journal (GET/DELETE /_emulator/requests), injected faults (/_emulator/faults) and
--latency-ms, driven through the official SDK: retries, errors a client must surface, connection
resets and slow answers, and what the journal shows a test about the requests its client sent.

Timings are loose on purpose: the machine running the suite may be slow and busy."""

from __future__ import annotations

import json
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from typing import List, Optional

import httpx
import metronome
import pytest
from metronome import Metronome

from helpers import assert_timestamp_format, expect_api_error, freeze_clock, iso, make_client, make_http

TOKEN = "journal-secret-token"


def sdk(base_url: str, **options) -> Metronome:
    """The SDK as an application would make it: default retries unless told otherwise."""
    return Metronome(bearer_token=TOKEN, base_url=base_url, _strict_response_validation=True, timeout=15.0, **options)


def add_fault(http: httpx.Client, **rule) -> dict:
    r = http.post("/_emulator/faults", json=rule)
    assert r.status_code == 200, f"POST /_emulator/faults {rule}: {r.status_code} {r.text}"
    data = r.json()["data"]
    assert isinstance(data["id"], str) and data["id"]
    return data


def journal(http: httpx.Client, **params) -> List[dict]:
    """Every journal entry that passes `params`, newest first, following next_page."""
    entries: List[dict] = []
    cursor: Optional[str] = None
    while True:
        query = {**params, **({"next_page": cursor} if cursor else {})}
        r = http.get("/_emulator/requests", params=query)
        assert r.status_code == 200, f"GET /_emulator/requests {query}: {r.status_code} {r.text}"
        page = r.json()
        assert set(page) == {"data", "next_page"}
        entries.extend(page["data"])
        cursor = page["next_page"]
        if not cursor:
            return entries


def customer_names(http: httpx.Client) -> List[str]:
    r = http.get("/v1/customers", params={"limit": 100})
    assert r.status_code == 200, r.text
    return [c["name"] for c in r.json()["data"]]


# --------------------------------------------------------------------------------------
# Faults through the SDK
# --------------------------------------------------------------------------------------


def test_two_rate_limits_are_retried_and_the_create_happens_once(base_url, http):
    fault = add_fault(http, method="POST", path="/v1/customers", status=429, headers={"Retry-After": "0"}, times=2)
    with sdk(base_url) as client:  # default retries: two
        created = client.v1.customers.create(name="Retried Inc", ingest_aliases=["retried"]).data
    assert created.name == "Retried Inc"
    assert customer_names(http).count("Retried Inc") == 1

    attempts = journal(http, method="POST", path="/v1/customers")
    assert len(attempts) == 3, attempts
    assert [a["response"]["status"] for a in attempts] == [200, 429, 429]  # newest first
    assert [a.get("fault", {}).get("id") for a in attempts] == [None, fault["id"], fault["id"]]
    assert "fault" not in attempts[0]
    assert attempts[1]["fault"]["status"] == 429
    # The same request each time (the SDK counts its retries in a header).
    assert len({a["request"]["body"] for a in attempts}) == 1
    assert [a["request"]["headers"].get("x-stainless-retry-count") for a in attempts] == ["2", "1", "0"]
    assert json.loads(attempts[0]["response"]["body"])["data"]["id"] == created.id
    assert json.loads(attempts[2]["response"]["body"])["message"]
    remaining = http.get("/_emulator/faults").json()["data"]
    assert [(f["id"], f["remaining"]) for f in remaining] == [(fault["id"], 0)]


def test_an_injected_503_reaches_a_client_without_retries_and_changes_nothing(base_url, http):
    before = customer_names(http)
    add_fault(http, method="POST", path="/v1/customers", status=503, times=1)
    with sdk(base_url, max_retries=0) as client:
        with expect_api_error(503) as info:
            client.v1.customers.create(name="Never made")
        assert "fault" in info["error"].body["message"]
        assert customer_names(http) == before
        # The fault was used up: the same call now succeeds.
        assert client.v1.customers.create(name="Made").data.name == "Made"
    assert customer_names(http) == before + ["Made"]


def test_a_custom_answer_is_sent_as_given(http):
    add_fault(http, method="GET", path="/v1/credit-types/list", status=502, body="<html>Bad gateway</html>",
              headers={"Content-Type": "text/html", "X-Upstream": "lb-3"}, times=1)
    r = http.get("/v1/credit-types/list")
    assert r.status_code == 502
    assert r.text == "<html>Bad gateway</html>"
    assert r.headers["content-type"] == "text/html"
    assert r.headers["x-upstream"] == "lb-3"
    add_fault(http, path="/v1/credit-types/list", status=429, body={"message": "Slow down", "code": "rate_limited"}, times=1)
    r = http.get("/v1/credit-types/list")
    assert r.status_code == 429 and r.json() == {"message": "Slow down", "code": "rate_limited"}
    assert http.get("/v1/credit-types/list").status_code == 200


def test_a_delay_applies_to_exactly_times_requests(http):
    delay_s = 0.8
    rule = add_fault(http, method="GET", path="/v1/customers", delay_ms=int(delay_s * 1000), times=2)
    elapsed = []
    for _ in range(3):
        start = time.monotonic()
        r = http.get("/v1/customers")
        elapsed.append(time.monotonic() - start)
        assert r.status_code == 200, r.text  # a delay alone lets the real handler answer
    assert elapsed[0] >= delay_s * 0.95 and elapsed[1] >= delay_s * 0.95, elapsed
    assert elapsed[2] < delay_s * 0.6, elapsed
    entries = journal(http, path="/v1/customers")
    assert [e.get("fault", {}).get("id") for e in entries] == [None, rule["id"], rule["id"]]
    assert entries[1]["duration_ms"] >= delay_s * 1000 * 0.95


def test_a_reset_is_a_connection_error(base_url, http):
    add_fault(http, method="GET", path="/v1/customers", action="reset", times=2)
    with pytest.raises(httpx.TransportError):
        with make_http(base_url) as fresh:
            fresh.get("/v1/customers")
    with sdk(base_url, max_retries=0) as client:
        with pytest.raises(metronome.APIConnectionError):
            client.v1.customers.list()
        assert client.v1.customers.list().data is not None  # both resets used up
    entries = journal(http, path="/v1/customers")
    assert [e["response"] for e in entries[1:]] == [None, None]
    assert all(e["fault"]["action"] == "reset" for e in entries[1:])
    # The server is fine, and so are other connections.
    assert http.get("/_emulator/health").status_code == 200


def test_a_reset_is_retried_by_the_sdk(base_url, http):
    add_fault(http, method="POST", path="/v1/customers", action="reset", times=1)
    with sdk(base_url) as client:
        assert client.v1.customers.create(name="After a reset").data.name == "After a reset"
    assert customer_names(http).count("After a reset") == 1
    assert [e["response"] and e["response"]["status"] for e in journal(http, method="POST")] == [200, None]


def test_a_seeded_probability_faults_the_same_requests_twice(http):
    def run() -> List[int]:
        add_fault(http, path="/v1/credit-types/list", status=500, probability=0.5, seed=20260315)
        statuses = [http.get("/v1/credit-types/list").status_code for _ in range(30)]
        assert http.delete("/_emulator/faults").status_code == 200
        return statuses

    first, second = run(), run()
    assert first == second
    assert set(first) == {200, 500}, first


def test_faults_never_touch_the_control_plane(http):
    add_fault(http, status=500)  # every Metronome route
    add_fault(http, path="*", action="reset")
    assert http.get("/_emulator/health").status_code == 200
    assert http.get("/_emulator/clock").status_code == 200
    assert http.get("/_emulator/requests").status_code == 200
    assert http.get("/v1/customers").status_code == 500
    assert [e["path"] for e in journal(http)] == ["/v1/customers"]


@pytest.mark.parametrize("rule,field", [
    ({"status": 429, "retry": True}, "retry"),
    ({"status": 99}, "status"),
    ({"status": 600}, "status"),
    ({"status": 500, "probability": 1.01}, "probability"),
    ({"status": 500, "probability": -1}, "probability"),
    ({"action": "crash"}, "action"),
    ({"delay_ms": -5}, "delay_ms"),
    ({"status": 500, "times": -1}, "times"),
    ({"status": "500"}, "status"),
    ({"status": 500, "headers": {"Retry-After": 0}}, "headers.Retry-After"),
    ({}, "status"),
])
def test_bad_rules_are_400s_naming_the_field(http, rule, field):
    r = http.post("/_emulator/faults", json=rule)
    assert r.status_code == 400, r.text
    assert f"'{field}" in r.json()["message"], r.json()
    assert http.get("/_emulator/faults").json()["data"] == []


def test_faults_are_listed_deleted_one_by_one_and_cleared(http):
    a = add_fault(http, method="post", path="/v1/customers/*", status=503)
    b = add_fault(http, delay_ms=10, times=3, probability=0.25, seed=7)
    assert a["method"] == "POST" and a["path"] == "/v1/customers/*" and a["status"] == 503
    assert b == {"id": b["id"], "delay_ms": 10, "times": 3, "probability": 0.25, "seed": 7, "remaining": 3}
    assert [f["id"] for f in http.get("/_emulator/faults").json()["data"]] == [a["id"], b["id"]]
    r = http.delete(f"/_emulator/faults/{a['id']}")
    assert r.status_code == 200 and r.json()["data"]["id"] == a["id"]
    r = http.delete(f"/_emulator/faults/{a['id']}")
    assert r.status_code == 404 and r.json()["message"]
    assert http.delete(f"/_emulator/faults/{uuid.uuid4()}").status_code == 404
    assert http.delete("/_emulator/faults").json() == {"deleted": 1}
    assert http.get("/_emulator/faults").json() == {"data": []}


def test_reset_empties_the_journal_and_clears_faults(http):
    add_fault(http, path="/v1/customers", status=500)
    assert http.get("/v1/customers").status_code == 500
    assert journal(http)
    assert http.post("/_emulator/reset").status_code == 200
    assert journal(http) == []
    assert http.get("/_emulator/faults").json()["data"] == []
    assert http.get("/v1/customers").status_code == 200


# --------------------------------------------------------------------------------------
# The journal
# --------------------------------------------------------------------------------------


def test_the_journal_holds_what_the_client_sent_and_got(base_url, http):
    with sdk(base_url, max_retries=0) as client:
        created = client.v1.customers.create(name="Journaled", ingest_aliases=["journaled"], custom_fields={"k": "v"}).data
    (entry,) = journal(http, method="POST", path="/v1/customers")
    assert set(entry) == {"id", "method", "path", "query", "request", "response", "duration_ms", "received_at", "emulated_at"}
    assert entry["method"] == "POST" and entry["path"] == "/v1/customers" and entry["query"] == ""
    headers = entry["request"]["headers"]
    assert headers["authorization"] == "Bearer ***"
    assert TOKEN not in json.dumps(entry)
    assert headers["content-type"] == "application/json"
    assert headers["host"] == base_url.split("://", 1)[1]
    assert "metronome" in headers["user-agent"].lower() or "python" in headers["user-agent"].lower()
    assert json.loads(entry["request"]["body"]) == {"name": "Journaled", "ingest_aliases": ["journaled"], "custom_fields": {"k": "v"}}
    assert entry["request"]["body_size"] == len(entry["request"]["body"].encode())
    assert entry["response"]["status"] == 200
    assert json.loads(entry["response"]["body"])["data"]["id"] == created.id
    assert isinstance(entry["duration_ms"], (int, float)) and entry["duration_ms"] >= 0
    assert_timestamp_format(entry["received_at"])
    assert_timestamp_format(entry["emulated_at"])


def test_bodies_are_kept_as_the_bytes_that_arrived(http):
    raw = b'{ "name" :  "caf\\u00e9 \xc3\xa9",\n  "ingest_aliases": [] }'
    r = http.post("/v1/customers", content=raw, headers={"Content-Type": "application/json"})
    assert r.status_code == 200, r.text
    r = http.post("/v1/customers", content=b"\xff\xfe{", headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    bad, good = journal(http, method="POST")
    assert good["request"]["body"] == raw.decode("utf-8")  # not re-encoded: spacing and escapes as sent
    assert json.loads(good["response"]["body"])["data"]["name"] == "caf\u00e9 \u00e9"
    assert bad["request"]["body"] == {"base64": "//57"}
    assert bad["response"]["status"] == 400 and json.loads(bad["response"]["body"])["message"]


def test_large_bodies_are_cut_at_64_kib(http):
    name = "x" * 100_000
    r = http.post("/v1/customers", json={"name": name})
    (entry,) = journal(http, method="POST")
    assert entry["request"]["body_size"] > 100_000
    assert len(entry["request"]["body"].encode()) == 65_536
    assert entry["response"]["status"] == r.status_code


def test_the_journal_filters_and_pages(http):
    start = datetime.now(timezone.utc) - timedelta(seconds=1)
    for i in range(5):
        assert http.post("/v1/customers", json={"name": f"page {i}"}).status_code == 200
    assert http.get("/v1/customers", params={"limit": 2}).status_code == 200
    assert http.get("/v1/customers/not-a-uuid").status_code == 400
    assert http.get("/v1/no/such/route").status_code == 404

    everything = journal(http)
    ids = [e["id"] for e in everything]
    assert len(ids) == 8 and len(set(ids)) == 8
    assert [e["path"] for e in everything[:3]] == ["/v1/no/such/route", "/v1/customers/not-a-uuid", "/v1/customers"]
    received = [e["received_at"] for e in everything]
    assert received == sorted(received, reverse=True)

    # Cursor paging: pages of two, newest first, nothing repeated or lost.
    paged, cursor, pages = [], None, 0
    while True:
        r = http.get("/_emulator/requests", params={"limit": 2, **({"next_page": cursor} if cursor else {})})
        assert r.status_code == 200, r.text
        assert len(r.json()["data"]) <= 2
        paged += [e["id"] for e in r.json()["data"]]
        cursor, pages = r.json()["next_page"], pages + 1
        if not cursor:
            break
    assert paged == ids and pages == 4

    assert [e["query"] for e in journal(http, method="get", path="/v1/customers")] == ["limit=2"]
    assert len(journal(http, method="POST")) == 5
    assert [e["path"] for e in journal(http, status=404)] == ["/v1/no/such/route"]
    assert len(journal(http, status=200)) == 6
    assert len(journal(http, path="/v1/customers*")) == 7
    assert len(journal(http, since=iso(start))) == 8
    assert journal(http, since=iso(datetime.now(timezone.utc) + timedelta(minutes=5))) == []
    assert len(journal(http, method="POST", limit=2)) == 5  # limit pages, the helper follows

    for bad in ({"since": "yesterday"}, {"status": "teapot"}, {"limit": "0"}, {"limit": "101"}, {"next_page": "garbage"}):
        r = http.get("/_emulator/requests", params=bad)
        assert r.status_code == 400 and r.json()["message"], (bad, r.text)
    customers_cursor = http.get("/v1/customers", params={"limit": 1}).json()["next_page"]
    assert http.get("/_emulator/requests", params={"next_page": customers_cursor}).status_code == 400

    assert http.delete("/_emulator/requests").json() == {"deleted": 9}
    assert journal(http) == []


def test_the_journal_reads_both_clocks(http):
    freeze_clock(http, "2026-03-15T12:00:00Z")
    assert http.get("/v1/credit-types/list").status_code == 200
    (entry,) = journal(http)
    assert entry["emulated_at"] == "2026-03-15T12:00:00.000Z"
    wall = datetime.fromisoformat(entry["received_at"].replace("Z", "+00:00"))
    assert abs((datetime.now(timezone.utc) - wall).total_seconds()) < 120


def test_unauthenticated_requests_are_journaled_too(base_url, http):
    with make_http(base_url, token=None) as anonymous:
        assert anonymous.get("/v1/customers").status_code == 401
    (entry,) = journal(http)
    assert entry["response"]["status"] == 401 and "authorization" not in entry["request"]["headers"]


def test_journal_size_zero_keeps_nothing(spawn_emulator):
    srv = spawn_emulator("--journal-size", "0", "--log-level", "warning")
    with make_client(srv.base_url) as client, make_http(srv.base_url) as h:
        client.v1.customers.create(name="Unrecorded")
        assert h.get("/v1/customers").status_code == 200
        assert h.get("/_emulator/requests").json() == {"data": [], "next_page": None}
        assert h.delete("/_emulator/requests").json() == {"deleted": 0}
        # Faults still work without a journal.
        add_fault(h, path="/v1/customers", status=503, times=1)
        assert h.get("/v1/customers").status_code == 503
        assert h.get("/v1/customers").status_code == 200


def test_the_journal_keeps_the_newest_journal_size_requests(spawn_emulator):
    srv = spawn_emulator("--journal-size", "3", "--log-level", "warning")
    with make_http(srv.base_url) as h:
        for i in range(5):
            assert h.get("/v1/customers", params={"limit": i + 1}).status_code == 200
        assert [e["query"] for e in journal(h)] == ["limit=5", "limit=4", "limit=3"]


def test_latency_slows_every_metronome_route_but_not_the_control_plane(spawn_emulator):
    srv = spawn_emulator("--latency-ms", "500,50", "--log-level", "warning")
    with make_http(srv.base_url) as h:
        h.get("/_emulator/health")  # connect first, so the timings below are the server's
        start = time.monotonic()
        assert h.get("/v1/customers").status_code == 200
        assert h.get("/v1/no/such/route").status_code == 404
        slow = time.monotonic() - start
        start = time.monotonic()
        assert h.get("/_emulator/health").status_code == 200
        fast = time.monotonic() - start
    assert slow >= 2 * 0.45, slow
    assert fast < 0.4, fast


def test_a_long_delay_does_not_hold_up_shutdown(spawn_emulator):
    srv = spawn_emulator("--log-level", "warning")
    with make_http(srv.base_url) as h:
        add_fault(h, method="GET", path="/v1/customers", delay_ms=3_600_000)
    outcome: dict = {}

    def slow_request() -> None:
        try:
            outcome["status"] = httpx.get(srv.base_url + "/v1/customers", headers={"Authorization": "Bearer t"},
                                          timeout=60).status_code
        except httpx.HTTPError as e:
            outcome["error"] = e

    caller = threading.Thread(target=slow_request, daemon=True)
    caller.start()
    time.sleep(1.0)  # the request is waiting out its delay
    started = time.monotonic()
    srv.proc.terminate()
    assert srv.wait_exit(timeout=30) == 0, srv.describe()
    assert time.monotonic() - started < 20
    caller.join(timeout=30)
    assert outcome, "the delayed request never ended"


def test_a_bad_latency_or_journal_size_stops_the_emulator(spawn_emulator):
    for args in (("--latency-ms", "fast"), ("--latency-ms", "-1"), ("--journal-size", "-1")):
        p = spawn_emulator(*args, wait=False)
        assert p.wait_exit(timeout=10) not in (0, None), p.describe()
