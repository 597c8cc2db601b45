"""--db persistence across SIGKILL, and startup failures."""

from __future__ import annotations

import socket
import time

import pytest

from helpers import EmulatorProcess, expect_api_error, make_client, make_http


def _snapshot(http, ids):
    out = {}
    for cid in ids:
        r = http.get(f"/v1/customers/{cid}")
        assert r.status_code == 200, r.text
        out[cid] = r.json()["data"]
    return out


def test_customers_survive_sigkill(spawn_emulator, tmp_path):
    db = str(tmp_path / "emulator.db")
    srv = spawn_emulator("--db", db)
    with make_client(srv.base_url) as c, make_http(srv.base_url) as h:
        a = c.v1.customers.create(
            name="Alpha", ingest_aliases=["alpha-1", "alpha-2"], custom_fields={"tier": "gold"}
        ).data.id
        b = c.v1.customers.create(name="Beta", external_id="beta-ext").data.id
        d = c.v1.customers.create(name="Delta").data.id
        c.v1.customers.set_name(customer_id=b, name="Beta Renamed")
        c.v1.customers.update_config(customer_id=a, salesforce_account_id="sf-alpha")
        c.v1.customers.set_ingest_aliases(customer_id=d, ingest_aliases=["delta-new"])
        e = c.v1.customers.create(name="Epsilon", ingest_aliases=["eps"]).data.id
        c.v1.customers.archive(id=e)
        ids = [a, b, d, e]
        before = _snapshot(h, ids)
        active_before = [x.id for x in c.v1.customers.list()]
        archived_before = [x.id for x in c.v1.customers.list(only_archived=True)]

    srv.sigkill()
    assert srv.proc.returncode == -9

    srv2 = spawn_emulator("--db", db)
    with make_client(srv2.base_url) as c, make_http(srv2.base_url) as h:
        after = _snapshot(h, ids)
        assert after == before
        assert [x.id for x in c.v1.customers.list()] == active_before
        assert [x.id for x in c.v1.customers.list(only_archived=True)] == archived_before
        # uniqueness of aliases is still enforced after restart (archived included)
        with expect_api_error(409):
            c.v1.customers.create(name="dup", ingest_aliases=["alpha-1"])
        with expect_api_error(409):
            c.v1.customers.create(name="dup", ingest_aliases=["eps"])
        # and freed aliases stay free
        c.v1.customers.create(name="new", ingest_aliases=["alpha-3"])


def test_last_acknowledged_write_survives_sigkill(spawn_emulator, tmp_path):
    db = str(tmp_path / "emulator.db")
    srv = spawn_emulator("--db", db)
    with make_client(srv.base_url) as c:
        ids = [c.v1.customers.create(name=f"n{i}").data.id for i in range(5)]
    srv.sigkill()  # immediately after the last acknowledged create
    srv2 = spawn_emulator("--db", db)
    with make_client(srv2.base_url) as c:
        assert sorted(x.id for x in c.v1.customers.list()) == sorted(ids)


def test_related_objects_survive_sigkill(spawn_emulator, tmp_path):
    db = str(tmp_path / "emulator.db")
    srv = spawn_emulator("--db", db)
    with make_client(srv.base_url) as c:
        cid = c.v1.customers.create(name="rel").data.id
        c.v1.customers.billing_config.create(
            customer_id=cid,
            billing_provider_type="stripe",
            billing_provider_customer_id="cus_9",
            stripe_collection_method="send_invoice",
        )
        cfg = c.v1.customers.set_billing_configurations(
            data=[
                {
                    "customer_id": cid,
                    "billing_provider": "stripe",
                    "configuration": {"stripe_customer_id": "cus_9", "stripe_collection_method": "send_invoice"},
                    "delivery_method": "direct_to_billing_provider",
                }
            ]
        ).data[0]
        c.v1.customers.named_schedules.update(
            customer_id=cid, schedule_name="plan", starting_at="2026-01-01T00:00:00Z", value={"tier": 1}
        )
        sched_before = c.v1.customers.named_schedules.retrieve(customer_id=cid, schedule_name="plan").data
        cfgs_before = c.v1.customers.retrieve_billing_configurations(customer_id=cid).data
    srv.sigkill()
    srv2 = spawn_emulator("--db", db)
    with make_client(srv2.base_url) as c:
        bc = c.v1.customers.billing_config.retrieve(customer_id=cid, billing_provider_type="stripe").data
        assert bc.billing_provider_customer_id == "cus_9"
        assert bc.stripe_collection_method == "send_invoice"
        cfgs = c.v1.customers.retrieve_billing_configurations(customer_id=cid).data
        assert [x.id for x in cfgs] == [cfg.id]
        assert cfgs == cfgs_before
        assert c.v1.customers.named_schedules.retrieve(customer_id=cid, schedule_name="plan").data == sched_before


def _assert_one_line_error(p: EmulatorProcess, rc):
    assert rc is not None, f"emulator did not exit within 10 s\n{p.describe()}"
    assert rc != 0, f"emulator exited with 0\n{p.describe()}"
    lines = [l for l in p.read_stderr().splitlines() if l.strip()]
    assert len(lines) == 1, f"expected a one-line error on stderr, got {len(lines)} lines:\n{p.read_stderr()}"
    lowered = lines[0].lower()
    for marker in ("fatal error", "stack trace", "backtrace", "traceback"):
        assert marker not in lowered, f"stderr looks like a crash, not an error message: {lines[0]!r}"


def test_unwritable_db_path_exits_nonzero_with_one_line(tmp_path):
    p = EmulatorProcess(("--db", "/nonexistent-dir/x.db"), label="bad-db emulator").start()
    try:
        start = time.monotonic()
        rc = p.wait_exit(timeout=10)
        _assert_one_line_error(p, rc)
        assert time.monotonic() - start < 10
    finally:
        p.stop()


def test_port_in_use_exits_nonzero_with_one_line():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        p = EmulatorProcess((), port=port, label="port-in-use emulator").start()
        try:
            rc = p.wait_exit(timeout=10)
            _assert_one_line_error(p, rc)
        finally:
            p.stop()
