"""The console's weight and speed with 10,000 customers: fills a running emulator (started with
--demo, whose customer the per-customer requests read) with 10,000 customers, then prints, for
each page and each request the console's script makes, its bytes and its median and worst time
over 20 tries. Not part of scripts/test: speed is measured here, never asserted.

    metronome-emulator --port 4715 --demo --log-level warning &
    python bench/console.py http://127.0.0.1:4715      # needs httpx
"""
import concurrent.futures as cf
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone

import httpx

base = sys.argv[1]
TODAY = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
h = httpx.Client(base_url=base, headers={"Authorization": "Bearer bench"}, timeout=30)
have = h.get("/_emulator/counts").json()["customers"]
def make(i):
    with httpx.Client(base_url=base, headers={"Authorization": "Bearer bench"}) as c:
        for j in range(i, 10_000, 8):
            c.post("/v1/customers", json={"name": f"Customer {j:05d}", "ingest_aliases": [f"alias-{j:05d}"]})
if have < 10_000:
    with cf.ThreadPoolExecutor(8) as pool:
        list(pool.map(make, range(8)))
print("customers:", h.get("/_emulator/counts").json()["customers"])
cid = h.get("/v1/customers", params={"ingest_alias": "demo-acme"}).json()["data"][0]["id"]
cases = [
    ("GET", "/_emulator/ui/", None), ("GET", "/_emulator/ui/assets/console.js", None),
    ("GET", "/_emulator/ui/assets/dashboards.js", None), ("GET", "/_emulator/ui/assets/console.css", None),
    ("GET", "/_emulator/customers?limit=25", None), ("GET", "/_emulator/customers?limit=25&search=Customer%200999", None),
    ("GET", "/_emulator/customers?limit=25&search=alias-0500", None), ("GET", "/_emulator/customers?limit=25&search=zzz-no-match", None),
    ("GET", "/_emulator/counts", None), ("GET", "/_emulator/clock", None),
    ("GET", f"/v1/customers/{cid}", None), ("GET", f"/v1/customers/{cid}/invoices?limit=25", None),
    ("POST", "/v1/contracts/list", {"customer_id": cid}),
    ("GET", f"/v1/customers/{cid}/invoices?status=DRAFT", None),
    ("POST", "/v1/contracts/customerCommits/list", {"customer_id": cid, "include_balance": True, "include_ledgers": True, "include_contract_commits": True}),
    ("POST", "/v1/contracts/customerCredits/list", {"customer_id": cid, "include_balance": True, "include_ledgers": True, "include_contract_credits": True}),
    ("POST", "/v1/customer-alerts/list", {"customer_id": cid}),
    ("POST", "/v1/usage", {"customer_ids": [cid], "window_size": "DAY", "starting_on": (TODAY - timedelta(days=29)).isoformat(), "ending_before": (TODAY + timedelta(days=1)).isoformat()}),
]
print(f"{'request':75} {'bytes':>7} {'median ms':>9} {'max ms':>7}")
for method, path, body in cases:
    h.request(method, path, json=body)
    times = []
    for _ in range(20):
        t = time.perf_counter(); r = h.request(method, path, json=body); times.append((time.perf_counter() - t) * 1000)
    print(f"{method + ' ' + path[:70]:75} {len(r.content):7} {statistics.median(times):9.2f} {max(times):7.2f}  {r.status_code}")
