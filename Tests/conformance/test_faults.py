"""Faults: kill -9 in the middle of a write storm, SIGTERM with requests in flight, and a
store whose disk is full or read-only."""

from __future__ import annotations

import collections
import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import threading
import time
import uuid
from pathlib import Path
from typing import Iterator, List, Set

import httpx
import pytest

from helpers import EmulatorProcess, start_emulator

WRITERS = 6


def write_storm(base_url: str, acknowledged: Set[str], stop: threading.Event) -> List[threading.Thread]:
    """Threads that create customers until `stop` or the server dies; every create answered
    200 goes into `acknowledged`."""

    def writer(index: int) -> None:
        with httpx.Client(base_url=base_url, headers={"Authorization": "Bearer storm"}, timeout=10.0) as http:
            while not stop.is_set():
                try:
                    r = http.post("/v1/customers", json={"name": f"storm {index} {uuid.uuid4()}",
                                                         "ingest_aliases": [f"storm-{uuid.uuid4().hex}"]})
                except httpx.HTTPError:
                    return  # the server is gone
                if r.status_code == 200:
                    acknowledged.add(r.json()["data"]["id"])

    threads = [threading.Thread(target=writer, args=(i,), daemon=True) for i in range(WRITERS)]
    for t in threads:
        t.start()
    return threads


def listed_ids(base_url: str) -> List[str]:
    ids: List[str] = []
    cursor = None
    with httpx.Client(base_url=base_url, headers={"Authorization": "Bearer t"}, timeout=30.0) as http:
        while True:
            r = http.get("/v1/customers", params={"limit": 100, **({"next_page": cursor} if cursor else {})})
            assert r.status_code == 200, r.text
            ids.extend(c["id"] for c in r.json()["data"])
            cursor = r.json()["next_page"]
            if not cursor:
                return ids


def integrity(db: Path) -> str:
    connection = sqlite3.connect(str(db))
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        connection.close()


# --------------------------------------------------------------------------------------
# kill -9
# --------------------------------------------------------------------------------------


def test_kill_9_during_a_write_storm_loses_no_acknowledged_write(spawn_emulator, tmp_path):
    db = tmp_path / "storm.db"
    acknowledged: Set[str] = set()
    for round_ in range(2):
        srv = spawn_emulator("--db", str(db), "--no-fixtures", "--log-level", "warning")
        stop = threading.Event()
        before = len(acknowledged)
        threads = write_storm(srv.base_url, acknowledged, stop)
        deadline = time.monotonic() + 30
        while len(acknowledged) < before + 200 and time.monotonic() < deadline:
            time.sleep(0.05)
        srv.sigkill()  # writers are mid-request
        stop.set()
        for t in threads:
            t.join(timeout=15)
        assert len(acknowledged) > before, f"round {round_}: no create was acknowledged"
        assert integrity(db) == "ok"

        srv = spawn_emulator("--db", str(db), "--no-fixtures", "--log-level", "warning")
        ids = listed_ids(srv.base_url)
        assert len(ids) == len(set(ids)), "a customer is listed twice after recovery"
        missing = acknowledged - set(ids)
        assert not missing, f"round {round_}: {len(missing)} acknowledged creates lost: {sorted(missing)[:5]}"
        # At most one create per writer was in flight, committed but never acknowledged.
        assert len(set(ids) - acknowledged) <= WRITERS * (round_ + 1)
        acknowledged |= set(ids)
        srv.sigkill()
    assert integrity(db) == "ok"


def search_events(base_url: str, transaction_ids: List[str]) -> List[dict]:
    found: List[dict] = []
    with httpx.Client(base_url=base_url, headers={"Authorization": "Bearer t"}, timeout=30.0) as http:
        for start in range(0, len(transaction_ids), 100):
            r = http.post("/v1/events/search", json={"transactionIds": transaction_ids[start:start + 100]})
            assert r.status_code == 200, r.text
            found.extend(r.json())
    return found


def test_kill_9_during_an_ingest_storm_loses_no_acknowledged_event(spawn_emulator, tmp_path):
    db = tmp_path / "ingest-storm.db"
    srv = spawn_emulator("--db", str(db), "--no-fixtures", "--log-level", "warning")
    acknowledged: List[List[dict]] = []
    stop = threading.Event()
    moment = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 60))

    def ingester(index: int) -> None:
        with httpx.Client(base_url=srv.base_url, headers={"Authorization": "Bearer storm"}, timeout=10.0) as http:
            while not stop.is_set():
                batch = [{"transaction_id": f"storm-{index}-{uuid.uuid4().hex}", "customer_id": f"storm-ref-{index}",
                          "event_type": "storm", "timestamp": moment, "properties": {"n": n}} for n in range(20)]
                try:
                    r = http.post("/v1/ingest", json=batch)
                except httpx.HTTPError:
                    return  # the server is gone
                if r.status_code == 200:
                    acknowledged.append(batch)

    threads = [threading.Thread(target=ingester, args=(i,), daemon=True) for i in range(WRITERS)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 30
    while len(acknowledged) < 300 and time.monotonic() < deadline:
        time.sleep(0.05)
    srv.sigkill()
    stop.set()
    for t in threads:
        t.join(timeout=15)
    assert acknowledged, "no ingest was acknowledged"
    assert integrity(db) == "ok"

    srv = spawn_emulator("--db", str(db), "--no-fixtures", "--log-level", "warning")
    ids = [event["transaction_id"] for batch in acknowledged for event in batch]
    found = collections.Counter(e["transaction_id"] for e in search_events(srv.base_url, ids) if not e["is_duplicate"])
    missing = [i for i in ids if found[i] != 1]
    assert not missing, f"{len(missing)} of {len(ids)} acknowledged events lost or counted twice: {missing[:5]}"

    # The restarted emulator still knows every counted ID: sending a batch again counts nothing.
    with httpx.Client(base_url=srv.base_url, headers={"Authorization": "Bearer t"}, timeout=10.0) as http:
        assert http.post("/v1/ingest", json=acknowledged[0]).status_code == 200
    again = search_events(srv.base_url, [e["transaction_id"] for e in acknowledged[0]])
    assert sorted(e["is_duplicate"] for e in again) == [False] * 20 + [True] * 20, again


# --------------------------------------------------------------------------------------
# SIGTERM
# --------------------------------------------------------------------------------------


def _send_head(port: int, body_length: int) -> socket.socket:
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(
        b"POST /v1/customers HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer t\r\n"
        b"Content-Type: application/json\r\nContent-Length: " + str(body_length).encode() + b"\r\n\r\n"
    )
    return s


def _read_response(s: socket.socket) -> bytes:
    data = b""
    while True:
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            break
        if not chunk:
            break
        data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:") and len(body) >= int(line.split(b":")[1]):
                return data
    return data


def test_sigterm_finishes_requests_in_flight_then_exits_0(spawn_emulator, tmp_path):
    db = tmp_path / "term.db"
    srv = spawn_emulator("--db", str(db), "--log-level", "warning")
    body = b'{"name": "in flight during shutdown"}'
    in_flight = _send_head(srv.port, len(body))
    in_flight.sendall(body[:10])  # the request has begun: head and part of the body
    idle = socket.create_connection(("127.0.0.1", srv.port), timeout=10)  # a keep-alive connection, silent
    time.sleep(0.3)

    srv.proc.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    in_flight.sendall(body[10:])
    response = _read_response(in_flight)
    answered = time.monotonic()
    assert response.startswith(b"HTTP/1.1 200"), response[:300]
    assert b"in flight during shutdown" in response

    code = srv.wait_exit(timeout=10)
    exit_seconds = time.monotonic() - answered
    assert code == 0, f"exit code {code}\n{srv.describe()}"
    # One second is what it takes on an idle machine; the bound here is generous for CI.
    assert exit_seconds < 5, f"took {exit_seconds:.1f}s to exit after the last answer"
    in_flight.close()
    idle.close()

    srv2 = spawn_emulator("--db", str(db), "--log-level", "warning")
    with httpx.Client(base_url=srv2.base_url, headers={"Authorization": "Bearer t"}) as http:
        names = [c["name"] for c in http.get("/v1/customers").json()["data"]]
    assert "in flight during shutdown" in names


def test_sigterm_with_only_idle_connections_exits_0(spawn_emulator):
    srv = spawn_emulator("--log-level", "warning")
    with httpx.Client(base_url=srv.base_url, headers={"Authorization": "Bearer t"}) as http:
        assert http.get("/v1/customers").status_code == 200  # leaves a kept-alive connection
        idle = [socket.create_connection(("127.0.0.1", srv.port), timeout=10) for _ in range(5)]
        srv.proc.send_signal(signal.SIGTERM)
        assert srv.wait_exit(timeout=10) == 0, srv.describe()
    for s in idle:
        s.close()


# --------------------------------------------------------------------------------------
# Disk full, read-only store (need a small tmpfs: root and permission to mount)
# --------------------------------------------------------------------------------------


@contextlib.contextmanager
def small_tmpfs(path: Path, size: str = "2m") -> Iterator[Path]:
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("needs root to mount a small tmpfs (to fill a disk or make it read-only safely)")
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({result.stderr.strip()}); disk-full and read-only "
                    "stores need one, since root writes through chmod")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def _fill(directory: Path) -> Path:
    filler = directory / "filler"
    # Unbuffered, so that closing the file has nothing left to write to the full disk.
    with open(filler, "wb", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * 65536)
        except OSError:
            pass
    return filler


def test_a_full_disk_is_a_clear_error_and_nothing_changes(tmp_path):
    with small_tmpfs(tmp_path / "small") as disk:
        srv = start_emulator("--db", str(disk / "full.db"), "--log-level", "warning", label="full-disk emulator")
        try:
            with httpx.Client(base_url=srv.base_url, headers={"Authorization": "Bearer t"}, timeout=15) as http:
                first = http.post("/v1/customers", json={"name": "before", "ingest_aliases": ["kept"]})
                assert first.status_code == 200, first.text
                filler = _fill(disk)
                refused = 0
                for i in range(20):
                    r = http.post("/v1/customers", json={"name": "x" * 2000 + str(i), "ingest_aliases": [f"a{i}"]})
                    if r.status_code != 200:
                        assert r.status_code == 503, r.text
                        assert "disk" in r.json()["message"] and "full" in r.json()["message"], r.text
                        refused += 1
                assert refused > 0, "the disk never filled up"
                assert srv.proc.poll() is None, srv.describe()
                assert http.get("/_emulator/health").status_code == 200
                names = [c["name"] for c in http.get("/v1/customers", params={"limit": 100}).json()["data"]]
                assert names[0] == "before"
                filler.unlink()
                again = http.post("/v1/customers", json={"name": "after", "ingest_aliases": [f"after-{uuid.uuid4()}"]})
                assert again.status_code == 200, again.text
        finally:
            srv.stop()
        assert integrity(disk / "full.db") == "ok"


def test_a_read_only_store_is_a_clear_error_not_a_crash(tmp_path):
    with small_tmpfs(tmp_path / "ro") as disk:
        db = disk / "ro.db"
        srv = start_emulator("--db", str(db), "--log-level", "warning", label="before read-only")
        with httpx.Client(base_url=srv.base_url, headers={"Authorization": "Bearer t"}) as http:
            assert http.post("/v1/customers", json={"name": "kept"}).status_code == 200
        srv.stop()
        remount = subprocess.run(["mount", "-o", "remount,ro", str(disk)], capture_output=True, text=True)
        if remount.returncode != 0:
            pytest.skip(f"cannot remount read-only: {remount.stderr.strip()}")

        p = EmulatorProcess(("--db", str(db), "--log-level", "warning"), label="read-only emulator").start()
        try:
            code = p.wait_exit(timeout=5)
            if code is not None:
                # Refusing to start is fine, with a one-line reason and no crash.
                stderr = p.read_stderr()
                assert code == 1, f"exit code {code}: {stderr}"
                assert "metronome-emulator: error:" in stderr and str(db) in stderr, stderr
                assert "Fatal error" not in stderr and "backtrace" not in stderr.lower(), stderr
            else:
                p.wait_healthy()
                with httpx.Client(base_url=p.base_url, headers={"Authorization": "Bearer t"}) as http:
                    assert [c["name"] for c in http.get("/v1/customers").json()["data"]] == ["kept"]
                    r = http.post("/v1/customers", json={"name": "refused"})
                    assert r.status_code == 503 and "read-only" in r.json()["message"], r.text
                    assert http.get("/_emulator/health").status_code == 200
        finally:
            p.stop()
