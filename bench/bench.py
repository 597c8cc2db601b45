#!/usr/bin/env python3
"""Benchmarks of the emulator's release binary; prints one table. Run through bench/run.

Every throughput figure is the median of RUNS runs of `wrk -t2 -c32 -d5s` (override with
BENCH_RUNS, BENCH_DURATION, BENCH_THREADS, BENCH_CONNECTIONS), each with its ratio to the health
endpoint measured in the same run. The server runs with --log-level warning, so per-request
logging is not what is measured. wrk runs on the same machine and takes CPU from the server:
compare figures from the same machine only. Standard library only."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Dict, List, Optional, Tuple

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
DURATION = os.environ.get("BENCH_DURATION", "5s")
THREADS = os.environ.get("BENCH_THREADS", "2")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "32")
LAUNCHES = int(os.environ.get("BENCH_LAUNCHES", "10"))
CUSTOMERS = int(os.environ.get("BENCH_CUSTOMERS", "100000"))
DEEP_ROWS = int(os.environ.get("BENCH_DEEP_ROWS", "99000"))
TOKEN = "Bearer bench"


# --------------------------------------------------------------------------------------
# Processes
# --------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def raw_get(port: int, path: str, token: bool = False, timeout: float = 30) -> Tuple[int, bytes]:
    """A GET over a fresh connection: (status, body). Raises OSError if nobody listens."""
    headers = f"Authorization: {TOKEN}\r\n" if token else ""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}Connection: close\r\n\r\n".encode())
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head else 0
    return status, body


class Server:
    def __init__(self, binary: Path, *args: str):
        self.port = free_port()
        self.argv = [str(binary), "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning", *args]
        self.proc: Optional[subprocess.Popen] = None

    def start(self) -> float:
        """Starts the server; returns milliseconds from spawn to the first 200 on health."""
        started = time.perf_counter()
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE)
        deadline = started + 120
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"the emulator exited: {self.proc.stderr.read().decode()}")
            try:
                if raw_get(self.port, "/_emulator/health", timeout=2)[0] == 200:
                    return (time.perf_counter() - started) * 1000
            except OSError:
                pass
            time.sleep(0.001)
        raise SystemExit("the emulator did not become healthy within 120 s")

    def rss_mib(self) -> float:
        assert self.proc is not None
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# --------------------------------------------------------------------------------------
# wrk
# --------------------------------------------------------------------------------------


def wrk(url: str, script: Optional[str] = None) -> Tuple[float, int]:
    """Requests per second and the count of non-2xx answers of one wrk run."""
    argv = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{DURATION}", "-H", f"Authorization: {TOKEN}"]
    if script:
        argv += ["-s", str(BENCH / script)]
    argv.append(url)
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not rate:
        raise SystemExit(f"cannot read wrk's output:\n{out}")
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    failures = (int(bad.group(1)) if bad else 0) + (sum(map(int, errors.groups())) if errors else 0)
    return float(rate.group(1)), failures


# --------------------------------------------------------------------------------------
# Seeding
# --------------------------------------------------------------------------------------


def fixtures_with_customers(count: int) -> Path:
    """A fixture folder: the project's fixtures plus `count` customers."""
    folder = Path(tempfile.mkdtemp(prefix="metronome-bench-"))
    for item in (ROOT / "fixtures").glob("*.json"):
        if item.name != "customers.json":
            shutil.copy(item, folder / item.name)
    customers = [{"id": str(uuid.uuid4()), "name": f"Seeded customer {i}"} for i in range(count)]
    (folder / "customers.json").write_text(json.dumps(customers))
    return folder


def cursor_after(port: int, rows: int) -> str:
    """The next_page token of the customers list after `rows` rows (walked 100 at a time)."""
    cursor = ""
    for _ in range(rows // 100):
        path = "/v1/customers?limit=100" + (f"&next_page={cursor}" if cursor else "")
        status, body = raw_get(port, path, token=True)
        assert status == 200, body[:200]
        cursor = json.loads(body)["next_page"]
        assert cursor, "the list ended early"
    return cursor


# --------------------------------------------------------------------------------------
# The table
# --------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--binary", required=True, type=Path)
    binary = parser.parse_args().binary

    print(f"metronome-emulator benchmarks: {binary}", file=sys.stderr)
    print(f"server: --log-level warning, in memory; wrk -t{THREADS} -c{CONNECTIONS} -d{DURATION}, "
          f"median of {RUNS} runs; {os.cpu_count()} CPUs shared by wrk and the server", file=sys.stderr)

    launches = []
    for _ in range(LAUNCHES):
        server = Server(binary)
        launches.append(server.start())
        server.stop()
    launch_ms = statistics.median(launches)

    server = Server(binary)
    server.start()
    time.sleep(1.0)
    idle_rss = server.rss_mib()
    server.stop()

    print(f"seeding {CUSTOMERS} customers through a fixture folder...", file=sys.stderr)
    folder = fixtures_with_customers(CUSTOMERS)
    server = Server(binary, "--fixtures", str(folder))
    try:
        seed_ms = server.start()
        base = f"http://127.0.0.1:{server.port}"
        status, body = raw_get(server.port, "/v1/customers?limit=1", token=True)
        one_id = json.loads(body)["data"][0]["id"]
        deep = cursor_after(server.port, DEEP_ROWS)

        targets = {
            "health": (base + "/_emulator/health", None),
            "read": (base + f"/v1/customers/{one_id}", None),
            "first": (base + "/v1/customers?limit=100", None),
            "deep": (base + f"/v1/customers?limit=100&next_page={deep}", None),
            "create": (base + "/v1/customers", "create_customer.lua"),
            "ingest": (base + "/v1/ingest", "ingest.lua"),
        }
        rates: Dict[str, List[float]] = {k: [] for k in targets}
        ratios: Dict[str, List[float]] = {k: [] for k in targets}
        deep_vs_first: List[float] = []
        failures = 0
        loaded_rss = 0.0
        for run in range(RUNS):
            print(f"run {run + 1}/{RUNS}...", file=sys.stderr)
            measured = {}
            for name, (url, script) in targets.items():
                measured[name], bad = wrk(url, script)
                failures += bad
                loaded_rss = max(loaded_rss, server.rss_mib())
            for name in targets:
                rates[name].append(measured[name])
                ratios[name].append(measured[name] / measured["health"])
            deep_vs_first.append(measured["deep"] / measured["first"])
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)

    med = {k: statistics.median(v) for k, v in rates.items()}
    ratio = {k: statistics.median(v) for k, v in ratios.items()}
    deep_ratio = statistics.median(deep_vs_first)

    def met(ok: bool) -> str:
        return "met" if ok else "NOT MET"

    rows = [
        ("launch to healthy (spawn to first 200, median of %d)" % LAUNCHES, f"{launch_ms:.0f} ms", "",
         "< 150 ms", met(launch_ms < 150)),
        ("idle RSS (default fixtures, 1 s after healthy)", f"{idle_rss:.1f} MiB", "", "< 40 MiB", met(idle_rss < 40)),
        (f"loaded RSS (peak, {CUSTOMERS // 1000}k+ customers, under wrk)", f"{loaded_rss:.1f} MiB", "", "", ""),
        (f"launch with {CUSTOMERS // 1000}k fixture customers", f"{seed_ms:.0f} ms", "", "", ""),
        ("GET /_emulator/health", f"{med['health']:,.0f} req/s", "100%", "", ""),
        ("GET /v1/customers/{id}", f"{med['read']:,.0f} req/s", f"{ratio['read']:.0%}", ">= 70% of health",
         met(ratio["read"] >= 0.70)),
        ("POST /v1/customers (unique names)", f"{med['create']:,.0f} req/s", f"{ratio['create']:.0%}", "", ""),
        ("GET /v1/customers?limit=100, first page", f"{med['first']:,.0f} req/s", f"{ratio['first']:.0%}", "", ""),
        (f"GET /v1/customers?limit=100, after {DEEP_ROWS // 1000}k rows", f"{med['deep']:,.0f} req/s",
         f"{ratio['deep']:.0%}", f">= 90% of first page ({deep_ratio:.0%})", met(deep_ratio >= 0.90)),
        ("POST /v1/ingest (100-event batches, fresh IDs)", f"{med['ingest'] * 100:,.0f} events/s",
         f"{ratio['ingest']:.0%} (requests)", ">= 200,000 events/s", met(med["ingest"] * 100 >= 200_000)),
        ("draft invoice latency", "n/a (not built)", "", "", ""),
    ]
    header = ("measure", "value", "vs health", "target", "")
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(5)]
    line = lambda r: "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()  # noqa: E731
    print(line(header))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(line(r))
    if failures:
        print(f"\nwarning: {failures} requests failed (non-2xx or socket errors) during the wrk runs")


if __name__ == "__main__":
    main()
