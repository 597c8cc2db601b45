"""Namespaces: a base URL ending in /_ns/<name> is a whole emulator of its own; snapshots of a
namespace's state. The session emulator is shared, so each test names its namespaces uniquely
and deletes them."""

from __future__ import annotations

import concurrent.futures
import sqlite3
import uuid

import httpx
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from helpers import freeze_clock, make_client, make_http, utc

GROWTH = "3e9c5f4b-8d4a-4fab-c000-000000000001"


@pytest.fixture
def names(http):
    """A factory of fresh namespace names; every one is deleted after the test."""
    made = []

    def make() -> str:
        made.append(f"t-{uuid.uuid4().hex[:12]}")
        return made[-1]

    yield make
    for name in made:
        http.delete(f"/_emulator/namespaces/{name}")


def calls(customer, count, prefix, day=3):
    return [{"transaction_id": f"{prefix}-{i}", "customer_id": customer, "event_type": "api_call",
             "timestamp": f"2026-01-{day:02d}T10:{i:02d}:00Z", "properties": {"endpoint": "/search"}}
            for i in range(count)]


def test_two_namespaces_are_two_emulators(base_url, client, names):
    a, b = names(), names()
    ca, cb = make_client(f"{base_url}/_ns/{a}"), make_client(f"{base_url}/_ns/{b}")
    with make_http(f"{base_url}/_ns/{a}") as ha, make_http(f"{base_url}/_ns/{b}") as hb:
        freeze_clock(ha, utc(2026, 1, 15))
        freeze_clock(hb, utc(2026, 1, 15))
        # Each starts from the fixtures the server was started with.
        default_metrics = [m.name for m in client.v1.billable_metrics.list()]
        assert [m.name for m in ca.v1.billable_metrics.list()] == default_metrics == [m.name for m in cb.v1.billable_metrics.list()]
        # The same ingest alias in both: no conflict, and usage goes to each one's own customer.
        x = ca.v1.customers.create(name="In A", ingest_aliases=["shared-alias"]).data.id
        y = cb.v1.customers.create(name="In B", ingest_aliases=["shared-alias"]).data.id
        ca.v1.customers.plans.add(customer_id=x, plan_id=GROWTH, starting_on=utc(2026, 1, 1))
        cb.v1.customers.plans.add(customer_id=y, plan_id=GROWTH, starting_on=utc(2026, 1, 1))
        ca.v1.usage.ingest(usage=calls("shared-alias", 7, "a"))
        cb.v1.usage.ingest(usage=calls("shared-alias", 2, "b"))
        assert [c.id for c in ca.v1.customers.list()] == [x]
        assert [c.id for c in cb.v1.customers.list()] == [y]
        assert list(client.v1.customers.list()) == []
        [ia] = list(ca.v1.customers.invoices.list(customer_id=x))
        [ib] = list(cb.v1.customers.invoices.list(customer_id=y))
        quantity = lambda invoice: next(li.quantity for li in invoice.line_items if li.name == "API calls")  # noqa: E731
        assert (quantity(ia), quantity(ib)) == (7, 2)
        # An ID of one namespace is unknown in the other.
        assert hb.get(f"/v1/customers/{x}").status_code == 404


def test_clock_reset_and_journal_are_each_namespaces_own(base_url, http, names):
    a, b = names(), names()
    with make_http(f"{base_url}/_ns/{a}") as ha, make_http(f"{base_url}/_ns/{b}") as hb:
        freeze_clock(ha, utc(2026, 1, 15))
        assert ha.get("/_emulator/clock").json() == {"now": "2026-01-15T00:00:00.000Z", "frozen": True}
        assert hb.get("/_emulator/clock").json()["frozen"] is False
        assert http.get("/_emulator/clock").json()["frozen"] is False
        hb.post("/v1/customers", json={"name": "Stays"})
        assert ha.post("/_emulator/reset").status_code == 200
        assert [c["name"] for c in hb.get("/v1/customers").json()["data"]] == ["Stays"]
        # The journal of b holds b's requests only, under their paths within the namespace.
        logged = hb.get("/_emulator/requests").json()["data"]
        assert [(r["method"], r["path"]) for r in logged] == [("GET", "/v1/customers"), ("POST", "/v1/customers")]
        assert ha.get("/_emulator/requests").json()["data"] == []


def test_eight_namespaces_written_in_parallel_each_see_their_own_writes(base_url, names):
    spaces = [names() for _ in range(8)]

    def work(name: str) -> list:
        with make_http(f"{base_url}/_ns/{name}") as h:
            for i in range(15):
                r = h.post("/v1/customers", json={"name": f"{name}-{i}", "ingest_aliases": [f"alias-{i}"]})
                assert r.status_code == 200, r.text
            return sorted(c["name"] for c in h.get("/v1/customers", params={"limit": 100}).json()["data"])

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        seen = list(pool.map(work, spaces))
    for name, got in zip(spaces, seen):
        assert got == sorted(f"{name}-{i}" for i in range(15))


def test_namespaces_are_listed_and_deleted(base_url, http, names):
    a = names()
    with make_http(f"{base_url}/_ns/{a}") as ha:
        ha.post("/v1/customers", json={"name": "One"})
    listed = {n["name"]: n for n in http.get("/_emulator/namespaces").json()["data"]}
    assert listed[a]["customers"] == 1 and listed[a]["bytes"] > 0 and listed[a]["persistent"] is False
    assert "default" in listed
    assert http.delete(f"/_emulator/namespaces/{a}").json() == {"data": {"name": a}}
    assert a not in {n["name"] for n in http.get("/_emulator/namespaces").json()["data"]}
    assert http.delete(f"/_emulator/namespaces/{a}").status_code == 404
    assert http.delete("/_emulator/namespaces/default").status_code == 400
    # Used again, it starts afresh.
    with make_http(f"{base_url}/_ns/{a}") as ha:
        assert ha.get("/v1/customers").json()["data"] == []
        # The list of namespaces belongs to the server, not to a namespace.
        assert ha.get("/_emulator/namespaces").status_code == 404


@pytest.mark.parametrize("name", ["a%20b", "x" * 65, "semi;colon", "%2e%2e", "caf%C3%A9", "a+b"])
def test_a_bad_namespace_name_is_a_400(base_url, name):
    r = httpx.get(f"{base_url}/_ns/{name}/v1/customers", headers={"Authorization": "Bearer t"})
    assert r.status_code == 400 and "namespace" in r.json()["message"]


def test_past_the_limit_a_new_namespace_is_refused(spawn_emulator):
    srv = spawn_emulator("--max-namespaces", "2")
    with make_http(srv.base_url) as h:  # the default namespace is one
        assert h.get("/_ns/second/v1/customers").status_code == 200
        r = h.get("/_ns/third/v1/customers")
        assert r.status_code == 400 and "--max-namespaces" in r.json()["message"]
        assert h.delete("/_emulator/namespaces/second").status_code == 200
        assert h.get("/_ns/third/v1/customers").status_code == 200


def test_webhook_destinations_are_each_namespaces_own(base_url, names):
    a, b = names(), names()
    with make_http(f"{base_url}/_ns/{a}") as ha, make_http(f"{base_url}/_ns/{b}") as hb:
        hook = ha.post("/_emulator/webhooks", json={"url": "http://127.0.0.1:9/hook", "secret": "s"}).json()["data"]
        assert [w["id"] for w in ha.get("/_emulator/webhooks").json()["data"]] == [hook["id"]]
        assert hb.get("/_emulator/webhooks").json()["data"] == []


# ---- Snapshots ----


def state_of(h: httpx.Client) -> dict:
    return {
        "customers": h.get("/v1/customers").json()["data"],
        "metrics": h.get("/v1/billable-metrics").json()["data"],
        "invoices": [h.get(f"/v1/customers/{c['id']}/invoices").json()["data"] for c in h.get("/v1/customers").json()["data"]],
    }


def test_a_snapshot_round_trip_gives_identical_listings(base_url, names, tmp_path):
    a, b = names(), names()
    ca = make_client(f"{base_url}/_ns/{a}")
    with make_http(f"{base_url}/_ns/{a}") as ha, make_http(f"{base_url}/_ns/{b}") as hb:
        freeze_clock(ha, utc(2026, 1, 20))
        freeze_clock(hb, utc(2026, 1, 20))
        x = ca.v1.customers.create(name="Mid-cycle", ingest_aliases=["mid"]).data.id
        ca.v1.customers.plans.add(customer_id=x, plan_id=GROWTH, starting_on=utc(2026, 1, 1))
        ca.v1.usage.ingest(usage=calls("mid", 9, "snap"))
        r = ha.get("/_emulator/snapshot")
        assert r.status_code == 200 and r.headers["content-type"] == "application/vnd.sqlite3"
        assert r.content.startswith(b"SQLite format 3\x00")
        (tmp_path / "snap.sqlite").write_bytes(r.content)
        with sqlite3.connect(tmp_path / "snap.sqlite") as db:  # an ordinary SQLite file
            assert db.execute("SELECT name FROM customer").fetchall() == [("Mid-cycle",)]

        hb.post("/v1/customers", json={"name": "Replaced"})
        put = hb.put("/_emulator/snapshot", content=r.content)
        assert put.status_code == 200, put.text
        assert put.json()["data"]["customers"] == 1
        assert state_of(hb) == state_of(ha)
        # The usage came along: the same transaction IDs are duplicates in b now.
        hb.post("/v1/ingest", json=calls("mid", 9, "snap"))
        assert state_of(hb) == state_of(ha)


def test_a_bad_snapshot_is_a_400_and_changes_nothing(base_url, names, tmp_path):
    a = names()
    with make_http(f"{base_url}/_ns/{a}") as ha:
        ha.post("/v1/customers", json={"name": "Kept"})
        before = state_of(ha)
        good = ha.get("/_emulator/snapshot").content
        other = tmp_path / "other.sqlite"
        with sqlite3.connect(other) as db:
            db.execute("CREATE TABLE t (x)")
        damaged = bytearray(good)
        damaged[len(good) // 2: len(good) // 2 + 4096] = b"\xff" * 4096
        for body in (b"", b"not a database", good[:4096], other.read_bytes(), bytes(damaged)):
            r = ha.put("/_emulator/snapshot", content=body)
            assert r.status_code == 400, (body[:20], r.status_code, r.text)
            assert "message" in r.json()
            assert state_of(ha) == before


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.binary(max_size=2048))
def test_any_bytes_as_a_snapshot_are_refused_cleanly(http, body):
    r = http.put("/_emulator/snapshot", content=body)
    assert r.status_code == 400 and "message" in r.json()


def test_a_snapshot_file_serves_as_fixtures(spawn_emulator, base_url, names, tmp_path):
    a = names()
    with make_http(f"{base_url}/_ns/{a}") as ha:
        ha.post("/v1/customers", json={"name": "From the snapshot", "ingest_aliases": ["seeded"]})
        (tmp_path / "seed.sqlite").write_bytes(ha.get("/_emulator/snapshot").content)
    srv = spawn_emulator("--fixtures", str(tmp_path / "seed.sqlite"))
    with make_http(srv.base_url) as h:
        assert [c["name"] for c in h.get("/v1/customers").json()["data"]] == ["From the snapshot"]
        assert [c["name"] for c in h.get("/_ns/other/v1/customers").json()["data"]] == ["From the snapshot"]
        h.post("/v1/customers", json={"name": "Added"})
        assert h.post("/_emulator/reset").status_code == 200
        assert [c["name"] for c in h.get("/v1/customers").json()["data"]] == ["From the snapshot"]
    (tmp_path / "bad.sqlite").write_bytes(b"nope")
    p = spawn_emulator("--fixtures", str(tmp_path / "bad.sqlite"), wait=False)
    assert p.proc.wait(timeout=30) != 0


def test_namespaces_in_a_data_directory_survive_kill_9(spawn_emulator, tmp_path):
    data = tmp_path / "data"
    srv = spawn_emulator("--data-dir", str(data))
    with make_http(srv.base_url) as h:
        for name in ("p1", "p2"):
            for i in range(5):
                assert h.post(f"/_ns/{name}/v1/customers", json={"name": f"{name}-{i}"}).status_code == 200
        h.post("/v1/customers", json={"name": "default-0"})
    srv.sigkill()
    assert {p.name for p in data.iterdir() if p.suffix == ".sqlite"} == {"p1.sqlite", "p2.sqlite", "default.sqlite"}
    srv2 = spawn_emulator("--data-dir", str(data))
    with make_http(srv2.base_url) as h:
        listed = {n["name"]: n for n in h.get("/_emulator/namespaces").json()["data"]}
        assert {k: (v["customers"], v["persistent"]) for k, v in listed.items()} == {
            "default": (1, True), "p1": (5, True), "p2": (5, True)}
        for name in ("p1", "p2"):
            got = sorted(c["name"] for c in h.get(f"/_ns/{name}/v1/customers").json()["data"])
            assert got == sorted(f"{name}-{i}" for i in range(5))
        assert h.delete("/_emulator/namespaces/p2").status_code == 200
        assert not (data / "p2.sqlite").exists()
