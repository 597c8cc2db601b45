#!/usr/bin/env python3
"""Benchmarks of the emulator's release binary; prints one table. Run through bench/run.

Every throughput figure is the median of RUNS runs of `wrk -t2 -c32 -d5s` (override with
BENCH_RUNS, BENCH_DURATION, BENCH_THREADS, BENCH_CONNECTIONS), each with its ratio to the health
endpoint measured in the same run. The server runs with --log-level warning, so per-request
logging is not what is measured. wrk runs on the same machine and takes CPU from the server:
compare figures from the same machine only. Standard library only."""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
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
INVOICE_EVENTS = int(os.environ.get("BENCH_INVOICE_EVENTS", "1000000"))
INVOICE_READS = int(os.environ.get("BENCH_INVOICE_READS", "200"))
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
        # A pipe nobody reads fills up: a server that logs every request writes to /dev/null.
        self.stderr = subprocess.PIPE

    def start(self) -> float:
        """Starts the server; returns milliseconds from spawn to the first 200 on health."""
        started = time.perf_counter()
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=self.stderr)
        deadline = started + 120
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"the emulator exited: {self.proc.stderr.read().decode() if self.proc.stderr else ''}")
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
# Draft invoice
# --------------------------------------------------------------------------------------


def call(conn: http.client.HTTPConnection, method: str, path: str, body: object = None) -> Tuple[int, bytes]:
    headers = {"Authorization": TOKEN, "Content-Type": "application/json"}
    conn.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


def seed_events(port: int, alias: str, total: int, workers: int = 2) -> float:
    """Ingests `total` events for `alias` in 100-event batches over `workers` connections; returns seconds."""
    batches = total // 100

    def work(worker: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for batch in range(worker, batches, workers):
            events = [
                {"transaction_id": f"seed-{batch}-{i}", "customer_id": alias, "event_type": "api_call",
                 "timestamp": f"2026-01-{batch % 19 + 1:02d}T{i % 24:02d}:{i % 60:02d}:00Z",
                 "properties": {"endpoint": "/v1/search", "region": "us-east"}}
                for i in range(100)
            ]
            status, body = call(conn, "POST", "/v1/ingest", events)
            if status != 200:
                raise SystemExit(f"seeding failed: {status} {body[:200]!r}")
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=work, args=(w,)) for w in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started


def read_latencies(port: int, path: str, count: int, stop: Optional[threading.Event] = None) -> List[float]:
    """Milliseconds of sequential GETs of `path` over one connection (until `stop` is set, if given)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    latencies = []
    while (stop is None and len(latencies) < count) or (stop is not None and not stop.is_set()):
        started = time.perf_counter()
        status, body = call(conn, "GET", path)
        latencies.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise SystemExit(f"reading the draft failed: {status} {body[:200]!r}")
    conn.close()
    return latencies


def percentile(values: List[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def draft_invoice_bench(binary: Path, *args: str) -> Dict[str, float]:
    """A customer on the demo plan with INVOICE_EVENTS events in its current period: latency of
    reading its draft invoice alone, then while wrk ingests more events for it."""
    server = Server(binary, *args)
    server.start()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        call(conn, "POST", "/_emulator/clock", {"now": "2026-01-20T00:00:00Z"})
        status, body = call(conn, "POST", "/v1/customers", {"name": "Invoice bench", "ingest_aliases": ["bench-invoice"]})
        customer = json.loads(body)["data"]["id"]
        call(conn, "POST", f"/v1/customers/{customer}/plans/add",
             {"plan_id": "3e9c5f4b-8d4a-4fab-c000-000000000001", "starting_on": "2026-01-01T00:00:00Z"})
        print(f"seeding {INVOICE_EVENTS:,} events for one customer...", file=sys.stderr)
        seed_s = seed_events(server.port, "bench-invoice", INVOICE_EVENTS)
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)  # the first one idled out
        status, body = call(conn, "GET", f"/v1/customers/{customer}/invoices")
        invoice = json.loads(body)["data"][0]
        calls = next(item for item in invoice["line_items"] if item["name"] == "API calls")
        if calls["quantity"] != INVOICE_EVENTS:
            raise SystemExit(f"the draft bills {calls['quantity']} calls, not {INVOICE_EVENTS}")
        path = f"/v1/customers/{customer}/invoices/{invoice['id']}"
        alone = read_latencies(server.port, path, INVOICE_READS)
        stop = threading.Event()
        during: List[float] = []
        reader = threading.Thread(target=lambda: during.extend(read_latencies(server.port, path, 0, stop)))
        reader.start()
        env = dict(os.environ, BENCH_CUSTOMER="bench-invoice")
        argv = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{DURATION}", "-H", f"Authorization: {TOKEN}",
                "-s", str(BENCH / "ingest_invoice.lua"), f"http://127.0.0.1:{server.port}/v1/ingest"]
        out = subprocess.run(argv, capture_output=True, text=True, check=True, env=env).stdout
        stop.set()
        reader.join()
        rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        return {
            "seed_events_per_s": INVOICE_EVENTS / seed_s,
            "p50": percentile(alone, 0.5), "p99": percentile(alone, 0.99),
            "p50_during": percentile(during, 0.5), "p99_during": percentile(during, 0.99), "reads_during": len(during),
            "ingest_during": rate * 100, "rss": server.rss_mib(),
        }
    finally:
        server.stop()


# --------------------------------------------------------------------------------------
# Seeding
# --------------------------------------------------------------------------------------


def journal_bench(binary: Path) -> Dict[str, float]:
    """Usage ingest with the request journal on (the default) and off, measured in turns on two
    servers that run side by side, so the two figures share the machine's moments."""
    on, off = Server(binary), Server(binary, "--journal-size", "0")
    on.start()
    off.start()
    try:
        rates: Dict[str, List[float]] = {"on": [], "off": []}
        for _ in range(RUNS):
            for name, server in (("on", on), ("off", off)):
                rate, _ = wrk(f"http://127.0.0.1:{server.port}/v1/ingest", "ingest.lua")
                rates[name].append(rate * 100)
    finally:
        on.stop()
        off.stop()
    return {
        "on": statistics.median(rates["on"]), "off": statistics.median(rates["off"]),
        "ratio": statistics.median([a / b for a, b in zip(rates["on"], rates["off"])]),
    }


ALERTED_CUSTOMERS = int(os.environ.get("BENCH_ALERTED_CUSTOMERS", "1000"))
DELIVERIES = int(os.environ.get("BENCH_DELIVERIES", "60"))
GROWTH_PLAN = "3e9c5f4b-8d4a-4fab-c000-000000000001"


def customers_on_growth(port: int, count: int, alerts: bool) -> None:
    """`count` customers (aliases bench-customer-0 ...) on the demo plan from January 1, each with a
    spend alert (far above what the benchmark bills) when `alerts`; the clock frozen on January 20."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    call(conn, "POST", "/_emulator/clock", {"now": "2026-01-20T00:00:00Z"})
    for i in range(count):
        status, body = call(conn, "POST", "/v1/customers", {"name": f"Bench {i}", "ingest_aliases": [f"bench-customer-{i}"]})
        customer = json.loads(body)["data"]["id"]
        call(conn, "POST", f"/v1/customers/{customer}/plans/add", {"plan_id": GROWTH_PLAN, "starting_on": "2026-01-01T00:00:00Z"})
        if alerts:
            status, body = call(conn, "POST", "/v1/alerts/create", {
                "alert_type": "spend_threshold_reached", "name": f"Spend {i}", "threshold": 10 ** 9,
                "customer_id": customer, "credit_type_id": "2714e483-4ff1-48e4-9e25-ac732e8f24f2"})
            if status != 200:
                raise SystemExit(f"creating an alert failed: {status} {body[:200]!r}")
    conn.close()


def alerted_ingest_bench(binary: Path) -> Dict[str, float]:
    """Ingest spread over ALERTED_CUSTOMERS customers on a plan, each with a spend alert, against
    the same customers without alerts, measured in turns on two servers side by side."""
    alerted, plain = Server(binary), Server(binary)
    alerted.start()
    plain.start()
    try:
        print(f"creating {ALERTED_CUSTOMERS} customers on a plan, twice (one set with spend alerts)...", file=sys.stderr)
        customers_on_growth(alerted.port, ALERTED_CUSTOMERS, alerts=True)
        customers_on_growth(plain.port, ALERTED_CUSTOMERS, alerts=False)
        env = dict(os.environ, BENCH_ALIAS_PREFIX="bench-customer-", BENCH_ALIAS_COUNT=str(ALERTED_CUSTOMERS))
        rates: Dict[str, List[float]] = {"alerted": [], "plain": []}
        for _ in range(RUNS):
            for name, server in (("alerted", alerted), ("plain", plain)):
                argv = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{DURATION}", "-H", f"Authorization: {TOKEN}",
                        "-s", str(BENCH / "ingest_customers.lua"), f"http://127.0.0.1:{server.port}/v1/ingest"]
                out = subprocess.run(argv, capture_output=True, text=True, check=True, env=env).stdout
                rates[name].append(float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)) * 100)
    finally:
        alerted.stop()
        plain.stop()
    return {
        "alerted": statistics.median(rates["alerted"]), "plain": statistics.median(rates["plain"]),
        "ratio": statistics.median([a / b for a, b in zip(rates["alerted"], rates["plain"])]),
    }


TERMS_CUSTOMERS = int(os.environ.get("BENCH_TERMS_CUSTOMERS", "10"))


def customers_on_contracts(port: int, count: int) -> None:
    """`count` customers (aliases bench-customer-0 ...) on a contract with the Standard rate card
    from January 1; the clock frozen on January 20."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    call(conn, "POST", "/_emulator/clock", {"now": "2026-01-20T00:00:00Z"})
    for i in range(count):
        status, body = call(conn, "POST", "/v1/customers", {"name": f"Bench {i}", "ingest_aliases": [f"bench-customer-{i}"]})
        customer = json.loads(body)["data"]["id"]
        status, body = call(conn, "POST", "/v1/contracts/create", {
            "customer_id": customer, "starting_at": "2026-01-01T00:00:00Z", "rate_card_alias": "standard"})
        if status != 200:
            raise SystemExit(f"creating a contract failed: {status} {body[:200]!r}")
    conn.close()


def terms_ingest_bench(binary: Path) -> Dict[str, float]:
    """Ingest over TERMS_CUSTOMERS customers on contracts (one server) and on the demo plan (another),
    with the clock on January 20: current usage (spread over the 24 hours before, within the grace
    period) and late usage (the same spread over January 1 to 17, past it), so that their ratio is
    what lateness costs; measured in turns on the two servers side by side."""
    contracts, plans = Server(binary), Server(binary)
    contracts.start()
    plans.start()
    try:
        customers_on_contracts(contracts.port, TERMS_CUSTOMERS)
        customers_on_growth(plans.port, TERMS_CUSTOMERS, alerts=False)
        days = {"current": ("19", "1", "0", "24"), "late": ("1", "17", "0", "24")}
        rates: Dict[str, List[float]] = {f"{terms}_{when}": [] for terms in ("contracts", "plans") for when in days}
        for _ in range(RUNS):
            for terms, server in (("contracts", contracts), ("plans", plans)):
                for when, (first, count, first_hour, hours) in days.items():
                    env = dict(os.environ, BENCH_ALIAS_PREFIX="bench-customer-", BENCH_ALIAS_COUNT=str(TERMS_CUSTOMERS),
                               BENCH_DAY_FIRST=first, BENCH_DAY_COUNT=count, BENCH_HOUR_FIRST=first_hour, BENCH_HOUR_COUNT=hours)
                    argv = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{DURATION}", "-H", f"Authorization: {TOKEN}",
                            "-s", str(BENCH / "ingest_customers.lua"), f"http://127.0.0.1:{server.port}/v1/ingest"]
                    out = subprocess.run(argv, capture_output=True, text=True, check=True, env=env).stdout
                    rates[f"{terms}_{when}"].append(float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)) * 100)
    finally:
        contracts.stop()
        plans.stop()
    result = {name: statistics.median(values) for name, values in rates.items()}
    for terms in ("contracts", "plans"):
        result[f"{terms}_ratio"] = statistics.median(
            [late / current for late, current in zip(rates[f"{terms}_late"], rates[f"{terms}_current"])])
    return result


def delivery_latency_bench(binary: Path) -> Dict[str, float]:
    """Milliseconds from a clock advance that finalizes an invoice to its webhook's arrival at a
    receiver on loopback, DELIVERIES times."""
    import http.server

    arrivals: "queue.Queue[float]" = queue.Queue()

    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            arrivals.put(time.perf_counter())
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    receiver = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    server = Server(binary, "--webhook-url", f"http://127.0.0.1:{receiver.server_address[1]}/hook",
                    "--webhook-secret", "bench")
    server.start()
    try:
        customers_on_growth(server.port, 1, alerts=False)
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        latencies = []
        for _ in range(DELIVERIES):
            started = time.perf_counter()
            status, body = call(conn, "POST", "/_emulator/clock/advance", {"by": "P1M"})
            if status != 200:
                raise SystemExit(f"advancing the clock failed: {status} {body[:200]!r}")
            latencies.append((arrivals.get(timeout=30) - started) * 1000)
        conn.close()
    finally:
        server.stop()
        receiver.shutdown()
    return {"p50": percentile(latencies, 0.5), "p99": percentile(latencies, 0.99)}


NAMESPACE_FIRST_USES = int(os.environ.get("BENCH_NAMESPACE_FIRST_USES", "20"))
IDLE_NAMESPACES = int(os.environ.get("BENCH_IDLE_NAMESPACES", "100"))


def namespaces_bench(binary: Path) -> Dict[str, float]:
    """The first use of a namespace (default fixtures, in memory), the RSS an idle one adds, ingest
    with 1, 2 and 4 namespaces ingesting at once (one wrk each, -t1 -c16, rates summed), and the
    most two could reach on this machine."""
    server = Server(binary)
    server.start()
    try:
        first_uses = []
        for i in range(NAMESPACE_FIRST_USES):
            started = time.perf_counter()
            status, _ = raw_get(server.port, f"/_ns/first-{i}/v1/customers", token=True)
            first_uses.append((time.perf_counter() - started) * 1000)
            assert status == 200
        time.sleep(1.0)
        before = server.rss_mib()
        for i in range(IDLE_NAMESPACES):
            raw_get(server.port, f"/_ns/idle-{i}/v1/customers", token=True)
        time.sleep(2.0)
        per_namespace = (server.rss_mib() - before) / IDLE_NAMESPACES
        for i in range(NAMESPACE_FIRST_USES):
            raw_get(server.port, f"/_ns/first-{i}/v1/customers", token=True)
        ingest: Dict[int, List[float]] = {1: [], 2: [], 4: []}
        idle_with_one: List[float] = []
        for _ in range(RUNS):
            for count in ingest:
                before = cpu_jiffies()
                procs = []
                for k in range(count):
                    env = dict(os.environ, BENCH_PATH=f"/_ns/first-{k}/v1/ingest")
                    argv = ["wrk", "-t1", "-c16", f"-d{DURATION}", "-H", f"Authorization: {TOKEN}",
                            "-s", str(BENCH / "ingest.lua"), f"http://127.0.0.1:{server.port}/_ns/first-{k}/v1/ingest"]
                    procs.append(subprocess.Popen(argv, stdout=subprocess.PIPE, text=True, env=env))
                total = 0.0
                for proc in procs:
                    out, _ = proc.communicate()
                    total += float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)) * 100
                ingest[count].append(total)
                if count == 1:
                    after = cpu_jiffies()
                    idle_with_one.append((after[0] - before[0]) / max(1, after[1] - before[1]))
    finally:
        server.stop()
    one = statistics.median(ingest[1])
    return {
        "first_use_ms": statistics.median(first_uses), "first_use_p99_ms": percentile(first_uses, 0.99),
        "rss_per_namespace_mib": per_namespace,
        "ingest_1": one, "ingest_2": statistics.median(ingest[2]), "ingest_4": statistics.median(ingest[4]),
        "ratio_2": statistics.median([b / a for a, b in zip(ingest[1], ingest[2])]),
        # A second namespace can only add what the machine leaves idle while one ingests: at the
        # same CPU per event, two can reach at most 1 / (busy share) times one.
        "ceiling_2": 1 / max(0.01, 1 - statistics.median(idle_with_one)),
    }


def cpu_jiffies() -> Tuple[int, int]:
    """The machine's idle (with I/O wait) and total CPU time so far, in jiffies (Linux)."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    return fields[3] + fields[4], sum(fields)


def log_level_bench(binary: Path) -> Dict[str, float]:
    """GET /_emulator/health with the default log (`info`, one line per request) against
    `--log-level error`, measured in turns on two servers side by side."""
    servers = {"info": Server(binary), "error": Server(binary)}
    servers["info"].argv = [a for a in servers["info"].argv if a not in ("--log-level", "warning")] + ["--log-level", "info"]
    servers["error"].argv = [a for a in servers["error"].argv if a not in ("--log-level", "warning")] + ["--log-level", "error"]
    for server in servers.values():
        server.stderr = subprocess.DEVNULL
        server.start()
    try:
        rates: Dict[str, List[float]] = {"info": [], "error": []}
        for _ in range(RUNS):
            for name, server in servers.items():
                rates[name].append(wrk(f"http://127.0.0.1:{server.port}/_emulator/health")[0])
    finally:
        for server in servers.values():
            server.stop()
    return {
        "info": statistics.median(rates["info"]), "error": statistics.median(rates["error"]),
        "ratio": statistics.median([a / b for a, b in zip(rates["info"], rates["error"])]),
    }


def launch_bench(binary: Path) -> Dict[str, float]:
    """Launch to healthy (ms, median of 3) with the default fixtures and with CUSTOMERS fixture
    customers, in turn."""
    folder = fixtures_with_customers(CUSTOMERS)
    plain, seeded = [], []
    try:
        for _ in range(3):
            for args, into in (((), plain), (("--fixtures", str(folder)), seeded)):
                server = Server(binary, *args)
                try:
                    into.append(server.start())
                finally:
                    server.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {"default_fixtures_ms": statistics.median(plain), f"{CUSTOMERS}_customers_ms": statistics.median(seeded)}


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
    parser.add_argument("--draft-invoice-only", action="store_true", help="run only the draft-invoice benchmark")
    parser.add_argument("--journal-only", action="store_true", help="run only ingest with the journal on and off")
    parser.add_argument("--namespaces-only", action="store_true", help="run only the namespace rows")
    parser.add_argument("--log-only", action="store_true", help="run only health at the default log level and at error")
    parser.add_argument("--launch-only", action="store_true",
                        help="run only launch to healthy with the default fixtures and with BENCH_CUSTOMERS fixture customers")
    parser.add_argument("--terms-ingest-only", action="store_true",
                        help="run only ingest for customers on contracts and plans, current and late")
    parser.add_argument("--notifications-only", action="store_true",
                        help="run only ingest with spend alerts and the webhook delivery latency")
    args = parser.parse_args()
    binary = args.binary
    if args.draft_invoice_only:
        print(json.dumps(draft_invoice_bench(binary), indent=2))
        with tempfile.TemporaryDirectory() as folder:
            print(json.dumps(draft_invoice_bench(binary, "--db", str(Path(folder) / "bench.sqlite")), indent=2))
        return
    if args.journal_only:
        print(json.dumps(journal_bench(binary), indent=2))
        return
    if args.log_only:
        print(json.dumps(log_level_bench(binary), indent=2))
        return
    if args.launch_only:
        print(json.dumps(launch_bench(binary), indent=2))
        return
    if args.namespaces_only:
        print(json.dumps(namespaces_bench(binary), indent=2))
        return
    if args.terms_ingest_only:
        print(json.dumps(terms_ingest_bench(binary), indent=2))
        return
    if args.notifications_only:
        print(json.dumps({"alerted_ingest": alerted_ingest_bench(binary), "delivery": delivery_latency_bench(binary)}, indent=2))
        return

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

    draft = draft_invoice_bench(binary)
    with tempfile.TemporaryDirectory() as folder:
        draft_db = draft_invoice_bench(binary, "--db", str(Path(folder) / "bench.sqlite"))
    journal = journal_bench(binary)
    alerted = alerted_ingest_bench(binary)
    terms = terms_ingest_bench(binary)
    delivery = delivery_latency_bench(binary)
    spaces = namespaces_bench(binary)
    logs = log_level_bench(binary)

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
        (f"seed {INVOICE_EVENTS // 1000}k events, one customer (2 connections)", f"{draft['seed_events_per_s']:,.0f} events/s",
         "", "", ""),
        (f"GET draft invoice, {INVOICE_EVENTS // 1000}k events in period (p50 / p99 of {INVOICE_READS})",
         f"{draft['p50']:.1f} / {draft['p99']:.1f} ms", "", "< 50 ms", met(draft["p50"] < 50 and draft["p99"] < 50)),
        ("GET draft invoice while wrk ingests for it (p50 / p99)", f"{draft['p50_during']:.1f} / {draft['p99_during']:.1f} ms",
         f"{draft['reads_during']} reads", "p99 <= 20 ms", met(draft["p99_during"] <= 20)),
        ("the same with --db (reads beside the writer), alone / while ingest (p99)",
         f"{draft_db['p99']:.1f} / {draft_db['p99_during']:.1f} ms", f"{draft_db['reads_during']} reads", "<= 20 ms",
         met(draft_db["p99_during"] <= 20)),
        ("POST /v1/ingest for that customer while its draft is read", f"{draft['ingest_during']:,.0f} events/s", "", "", ""),
        ("RSS after the invoice benchmark", f"{draft['rss']:.1f} MiB", "", "", ""),
        ("POST /v1/ingest, journal on (default) / off (--journal-size 0)",
         f"{journal['on']:,.0f} / {journal['off']:,.0f} events/s", f"{journal['ratio']:.0%} (on / off)", ">= 90% with it on",
         met(journal["ratio"] >= 0.90)),
        (f"POST /v1/ingest over {ALERTED_CUSTOMERS:,} customers on a plan, each with a spend alert / without",
         f"{alerted['alerted']:,.0f} / {alerted['plain']:,.0f} events/s", f"{alerted['ratio']:.0%} (with / without)", "", ""),
        (f"POST /v1/ingest over {TERMS_CUSTOMERS} customers on contracts, current (last 24 h) / late (Jan 1-17)",
         f"{terms['contracts_current']:,.0f} / {terms['contracts_late']:,.0f} events/s",
         f"{terms['contracts_ratio']:.0%} (late / current)", ">= 200,000 current; late >= 100,000 and >= 70%",
         met(terms["contracts_current"] >= 200_000 and terms["contracts_late"] >= 100_000 and terms["contracts_ratio"] >= 0.7)),
        (f"POST /v1/ingest over {TERMS_CUSTOMERS} customers on the demo plan, current / late",
         f"{terms['plans_current']:,.0f} / {terms['plans_late']:,.0f} events/s",
         f"{terms['plans_ratio']:.0%} (late / current)", "late >= 100,000 and >= 70%",
         met(terms["plans_late"] >= 100_000 and terms["plans_ratio"] >= 0.7)),
        (f"clock advance finalizing an invoice -> webhook received (p50 / p99 of {DELIVERIES})",
         f"{delivery['p50']:.0f} / {delivery['p99']:.0f} ms", "", "", ""),
        (f"first use of a namespace, default fixtures (median / p99 of {NAMESPACE_FIRST_USES})",
         f"{spaces['first_use_ms']:.1f} / {spaces['first_use_p99_ms']:.1f} ms", "", "< 20 ms", met(spaces["first_use_ms"] < 20)),
        (f"RSS per idle in-memory namespace ({IDLE_NAMESPACES} opened)", f"{spaces['rss_per_namespace_mib']:.2f} MiB", "", "", ""),
        ("POST /v1/ingest, 1 / 2 / 4 namespaces at once (summed)",
         f"{spaces['ingest_1']:,.0f} / {spaces['ingest_2']:,.0f} / {spaces['ingest_4']:,.0f} events/s",
         f"{spaces['ratio_2']:.2f}x (2 vs 1)", ">= 1.6x", met(spaces["ratio_2"] >= 1.6)),
        (f"the most 2 namespaces can reach on this machine ({os.cpu_count()} CPUs; 1 / busy share with 1)",
         f"{spaces['ceiling_2']:.2f}x", "", "", ""),
        ("GET /_emulator/health, --log-level info (default, one line per request) / error",
         f"{logs['info']:,.0f} / {logs['error']:,.0f} req/s", f"{logs['ratio']:.0%} (info / error)", ">= 90%",
         met(logs["ratio"] >= 0.90)),
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
