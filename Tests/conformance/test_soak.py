"""Load: concurrent clients mixing creates, reads, lists, setIngestAliases and ingest for a while.

Zero errors, zero lost or duplicated writes, and memory that stays flat once warm. The run
lasts SOAK_SECONDS (default 20); set it higher for a longer soak, e.g. SOAK_SECONDS=600."""

from __future__ import annotations

import collections
import os
import random
import threading
import time
import uuid
from typing import Dict, List, Optional, Tuple

import httpx

SOAK_SECONDS = float(os.environ.get("SOAK_SECONDS", "20"))
SOAK_CLIENTS = int(os.environ.get("SOAK_CLIENTS", "8"))
RSS_SAMPLE_S = 0.25
WARM_UP_FRACTION = 0.15


def rss_mib(pid: int) -> Optional[float]:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class Client(threading.Thread):
    """One client: its own connection, its own customers, a random mix of operations."""

    def __init__(self, base_url: str, index: int, deadline: float):
        super().__init__(name=f"soak-{index}", daemon=True)
        self.base_url = base_url
        self.index = index
        self.deadline = deadline
        self.rng = random.Random(index)
        self.created: Dict[str, str] = {}  # id -> name, for every acknowledged create
        self.aliases: Dict[str, List[str]] = {}  # id -> aliases last acknowledged
        self.sent_batches: List[List[dict]] = []  # every batch ingest acknowledged, once
        self.sends: collections.Counter = collections.Counter()  # transaction_id -> acknowledged sends
        self.errors: List[str] = []
        self.operations: collections.Counter = collections.Counter()

    def fail(self, what: str, response: Optional[httpx.Response] = None, error: Optional[Exception] = None) -> None:
        detail = f"{response.status_code} {response.text[:200]}" if response is not None else repr(error)
        self.errors.append(f"client {self.index}: {what}: {detail}")

    def run(self) -> None:
        with httpx.Client(base_url=self.base_url, headers={"Authorization": "Bearer soak"}, timeout=30.0) as http:
            while time.monotonic() < self.deadline and len(self.errors) < 10:
                operation = self.rng.choices(["create", "read", "list", "set_aliases", "ingest"], weights=[3, 3, 2, 2, 2])[0]
                if operation != "create" and not self.created:
                    operation = "create"
                try:
                    getattr(self, operation)(http)
                    self.operations[operation] += 1
                except httpx.HTTPError as e:
                    self.fail(operation, error=e)

    def create(self, http: httpx.Client) -> None:
        name = f"soak {self.index} {uuid.uuid4()}"
        r = http.post("/v1/customers", json={"name": name})
        if r.status_code != 200:
            return self.fail("create", r)
        customer = r.json()["data"]
        self.created[customer["id"]] = name
        self.aliases[customer["id"]] = []

    def read(self, http: httpx.Client) -> None:
        cid = self.rng.choice(list(self.created))
        r = http.get(f"/v1/customers/{cid}")
        if r.status_code != 200:
            return self.fail("read", r)
        data = r.json()["data"]
        if data["name"] != self.created[cid] or data["ingest_aliases"] != self.aliases[cid]:
            self.errors.append(f"client {self.index}: read {cid} gave {data}, expected {self.created[cid]}")

    def list(self, http: httpx.Client) -> None:
        r = http.get("/v1/customers", params={"limit": 100})
        if r.status_code != 200:
            return self.fail("list", r)
        page = r.json()
        seen = [c["id"] for c in page["data"]]
        if page["next_page"]:
            r = http.get("/v1/customers", params={"limit": 100, "next_page": page["next_page"]})
            if r.status_code != 200:
                return self.fail("list page 2", r)
            seen += [c["id"] for c in r.json()["data"]]
        if len(seen) != len(set(seen)):
            self.errors.append(f"client {self.index}: two pages of a list repeat a customer")

    def ingest(self, http: httpx.Client) -> None:
        # Mostly fresh events; now and then a batch already acknowledged, which must count once.
        repeat = bool(self.sent_batches) and self.rng.random() < 0.2
        if repeat:
            batch = self.rng.choice(self.sent_batches)
        else:
            moment = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 60))
            batch = [{"transaction_id": f"soak-{self.index}-{uuid.uuid4().hex}", "customer_id": f"soak-events-{self.index}",
                      "event_type": "soak", "timestamp": moment, "properties": {"n": n}} for n in range(10)]
        r = http.post("/v1/ingest", json=batch)
        if r.status_code != 200:
            return self.fail("ingest", r)
        if not repeat:
            self.sent_batches.append(batch)
        for event in batch:
            self.sends[event["transaction_id"]] += 1

    def set_aliases(self, http: httpx.Client) -> None:
        cid = self.rng.choice(list(self.created))
        new = [f"soak-{self.index}-{uuid.uuid4().hex[:12]}" for _ in range(self.rng.randint(0, 3))]
        r = http.post(f"/v1/customers/{cid}/setIngestAliases", json={"ingest_aliases": new})
        if r.status_code != 200:
            return self.fail("setIngestAliases", r)
        self.aliases[cid] = new


def all_customers(http: httpx.Client) -> List[dict]:
    rows: List[dict] = []
    cursor = None
    while True:
        params = {"limit": 100, **({"next_page": cursor} if cursor else {})}
        r = http.get("/v1/customers", params=params)
        assert r.status_code == 200, r.text
        page = r.json()
        rows.extend(page["data"])
        cursor = page["next_page"]
        if not cursor:
            return rows


def test_soak_concurrent_clients(spawn_emulator, tmp_path):
    # A file store: a leak shows in memory, while the customers themselves go to disk. A small
    # request journal: it fills (and starts evicting) within the warm-up, so that memory it holds
    # by design is not taken for a leak, while a leak in its eviction would still show.
    srv = spawn_emulator("--db", str(tmp_path / "soak.db"), "--no-fixtures", "--log-level", "warning",
                         "--journal-size", "500")
    pid = srv.proc.pid
    started = time.monotonic()
    deadline = started + SOAK_SECONDS
    clients = [Client(srv.base_url, i, deadline) for i in range(SOAK_CLIENTS)]

    samples: List[Tuple[float, float]] = []
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            value = rss_mib(pid)
            if value is not None:
                samples.append((time.monotonic() - started, value))
            stop.wait(RSS_SAMPLE_S)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    for c in clients:
        c.start()
    for c in clients:
        c.join(timeout=SOAK_SECONDS + 120)
        assert not c.is_alive(), f"{c.name} is stuck: a request never got an answer"
    stop.set()
    sampler.join(timeout=5)

    errors = [e for c in clients for e in c.errors]
    assert not errors, f"{len(errors)} errors, first ones:\n" + "\n".join(errors[:10])
    assert srv.proc.poll() is None, f"the emulator died under load\n{srv.describe()}"

    totals = sum((c.operations for c in clients), collections.Counter())
    acknowledged = {cid: name for c in clients for cid, name in c.created.items()}
    expected_aliases = {cid: aliases for c in clients for cid, aliases in c.aliases.items()}
    assert totals["create"] == len(acknowledged)

    with httpx.Client(base_url=srv.base_url, headers={"Authorization": "Bearer soak"}, timeout=30.0) as http:
        listed = all_customers(http)
    counts = collections.Counter(c["id"] for c in listed)
    duplicated = [cid for cid, n in counts.items() if n > 1]
    lost = set(acknowledged) - set(counts)
    unexpected = set(counts) - set(acknowledged)
    assert not duplicated, f"customers listed more than once: {duplicated[:5]}"
    assert not lost, f"{len(lost)} acknowledged creates are missing: {sorted(lost)[:5]}"
    assert not unexpected, f"customers nobody created: {sorted(unexpected)[:5]}"
    for customer in listed:
        assert customer["name"] == acknowledged[customer["id"]]
        assert customer["ingest_aliases"] == expected_aliases[customer["id"]], customer

    # Every acknowledged event is stored once per send, and counted exactly once.
    sends = sum((c.sends for c in clients), collections.Counter())
    assert totals["ingest"] and sends
    occurrences: collections.Counter = collections.Counter()
    counted: collections.Counter = collections.Counter()
    ids = list(sends)
    with httpx.Client(base_url=srv.base_url, headers={"Authorization": "Bearer soak"}, timeout=30.0) as http:
        for start in range(0, len(ids), 100):
            r = http.post("/v1/events/search", json={"transactionIds": ids[start:start + 100]})
            assert r.status_code == 200, r.text
            for event in r.json():
                occurrences[event["transaction_id"]] += 1
                counted[event["transaction_id"]] += 0 if event["is_duplicate"] else 1
    wrong = [i for i in ids if occurrences[i] != sends[i] or counted[i] != 1]
    assert not wrong, f"{len(wrong)} of {len(ids)} events stored or counted wrongly, e.g. {wrong[:3]}"

    # Memory: after warm-up, the last third must not climb above the first third.
    warm = [rss for t, rss in samples if t >= SOAK_SECONDS * WARM_UP_FRACTION and t <= SOAK_SECONDS]
    assert len(warm) >= 6, f"too few RSS samples: {samples}"
    third = len(warm) // 3
    first, last = max(warm[:third]), max(warm[-third:])
    print(
        f"\nsoak: {SOAK_SECONDS:.0f}s, {SOAK_CLIENTS} clients, {sum(totals.values())} requests "
        f"({dict(totals)}), RSS first third max {first:.1f} MiB, last third max {last:.1f} MiB"
    )
    assert last <= first * 1.2 + 10, (
        f"memory kept growing under steady load: {first:.1f} MiB early, {last:.1f} MiB late; samples {warm}"
    )
