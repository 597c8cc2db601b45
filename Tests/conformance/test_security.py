"""Security: tokens on every route, the guarded control plane, limits on bodies, request
heads and idle connections, and request values never read as SQL."""

from __future__ import annotations

import socket
import time
import urllib.parse
from typing import List, Tuple

import httpx
import pytest

from helpers import assert_error_response, expect_api_error, make_client, make_http
from routes import all_routes, built_routes, fill, is_control_plane, not_yet_built_routes, route_lines

GOOD, OTHER = "the-right-key", "another-key"
HEALTH = ("GET", "/_emulator/health")


def _routes(text: str) -> List[Tuple[str, str]]:
    return [(line.split()[0], line.split()[1]) for line in text.strip().splitlines()]


# Every route that needs the API key (the control plane too, under --guard-control-plane): built
# ones and those answering 501 alike. Written out rather than read from the router, so a route
# added to the router fails test_every_registered_route_has_auth_coverage until someone decides
# whether it needs the key; HEALTH is the one route left open.
TOKEN_REQUIRED = _routes("""
GET /_emulator/clock
GET /_emulator/customers
GET /_emulator/counts
POST /_emulator/clock
POST /_emulator/clock/advance
GET /_emulator/snapshot
PUT /_emulator/snapshot
GET /_emulator/namespaces
DELETE /_emulator/namespaces/{name}
GET /_emulator/faults
POST /_emulator/faults
DELETE /_emulator/faults
DELETE /_emulator/faults/{fault_id}
GET /_emulator/requests
DELETE /_emulator/requests
GET /_emulator/notifications
POST /_emulator/notifications/{notification_id}/redeliver
POST /_emulator/reset
GET /_emulator/webhooks
POST /_emulator/webhooks
DELETE /_emulator/webhooks/{webhook_id}
POST /v1/alerts/archive
POST /v1/alerts/create
POST /v1/archiveCustomerBillingProviderConfigurations
GET /v1/auditLogs
GET /v1/billable-metrics
POST /v1/billable-metrics/archive
POST /v1/billable-metrics/create
GET /v1/billable-metrics/{billable_metric_id}
PUT /v1/billable-metrics/{billable_metric_id}
POST /v1/contract-pricing/products/archive
POST /v1/contract-pricing/products/create
POST /v1/contract-pricing/products/get
POST /v1/contract-pricing/products/list
POST /v1/contract-pricing/products/update
POST /v1/contract-pricing/rate-cards/addRate
POST /v1/contract-pricing/rate-cards/addRates
POST /v1/contract-pricing/rate-cards/archive
POST /v1/contract-pricing/rate-cards/create
POST /v1/contract-pricing/rate-cards/get
POST /v1/contract-pricing/rate-cards/getNamedSchedule
POST /v1/contract-pricing/rate-cards/getRateSchedule
POST /v1/contract-pricing/rate-cards/getRates
POST /v1/contract-pricing/rate-cards/list
POST /v1/contract-pricing/rate-cards/moveRateCardProducts
POST /v1/contract-pricing/rate-cards/setRateCardProductsOrder
POST /v1/contract-pricing/rate-cards/update
POST /v1/contract-pricing/rate-cards/updateNamedSchedule
POST /v1/contracts/addManualBalanceLedgerEntry
POST /v1/contracts/amend
POST /v1/contracts/archive
POST /v1/contracts/create
POST /v1/contracts/createHistoricalInvoices
POST /v1/contracts/customerBalances/getNetBalance
POST /v1/contracts/customerBalances/list
POST /v1/contracts/customerCommits/create
POST /v1/contracts/customerCommits/list
POST /v1/contracts/customerCommits/updateEndDate
POST /v1/contracts/customerCredits/create
POST /v1/contracts/customerCredits/list
POST /v1/contracts/customerCredits/updateEndDate
POST /v1/contracts/get
POST /v1/contracts/getContractRateSchedule
POST /v1/contracts/getNamedSchedule
POST /v1/contracts/getSubscriptionQuantityHistory
POST /v1/contracts/getSubscriptionSeatsHistory
POST /v1/contracts/list
POST /v1/contracts/listNamedSchedules
POST /v1/contracts/scheduleProServicesInvoice
POST /v1/contracts/seatBalances/list
POST /v1/contracts/setUsageFilter
POST /v1/contracts/updateEndDate
POST /v1/contracts/updateNamedSchedule
POST /v1/credit-types/archive
POST /v1/credit-types/create
GET /v1/credit-types/list
POST /v1/credits/createGrant
POST /v1/credits/editGrant
POST /v1/credits/listEntries
POST /v1/credits/listGrants
POST /v1/credits/voidGrant
POST /v1/customFields/addKey
POST /v1/customFields/deleteValues
POST /v1/customFields/listKeys
POST /v1/customFields/removeKey
POST /v1/customFields/setValues
POST /v1/customer-alerts/get
POST /v1/customer-alerts/list
POST /v1/customer-alerts/reset
GET /v1/customers
POST /v1/customers
POST /v1/customers/archive
POST /v1/customers/getNamedSchedule
POST /v1/customers/updateNamedSchedule
GET /v1/customers/{customer_id}
POST /v1/customers/{customer_id}/addCharge
GET /v1/customers/{customer_id}/billable-metrics
DELETE /v1/customers/{customer_id}/billing-config/{billing_provider_type}
GET /v1/customers/{customer_id}/billing-config/{billing_provider_type}
POST /v1/customers/{customer_id}/billing-config/{billing_provider_type}
GET /v1/customers/{customer_id}/costs
GET /v1/customers/{customer_id}/invoices
GET /v1/customers/{customer_id}/invoices/breakdowns
GET /v1/customers/{customer_id}/invoices/{invoice_id}
GET /v1/customers/{customer_id}/invoices/{invoice_id}/pdf
GET /v1/customers/{customer_id}/plans
POST /v1/customers/{customer_id}/plans/add
POST /v1/customers/{customer_id}/plans/{customer_plan_id}/end
GET /v1/customers/{customer_id}/plans/{customer_plan_id}/priceAdjustments
POST /v1/customers/{customer_id}/previewEvents
POST /v1/customers/{customer_id}/setIngestAliases
POST /v1/customers/{customer_id}/setName
POST /v1/customers/{customer_id}/updateConfig
POST /v1/dashboards/getEmbeddableUrl
POST /v1/events/search
POST /v1/getCustomerBillingProviderConfigurations
POST /v1/ingest
POST /v1/invoices/regenerate
POST /v1/invoices/void
POST /v1/listConfiguredBillingProviders
POST /v1/packages/archive
POST /v1/packages/create
POST /v1/packages/get
POST /v1/packages/list
POST /v1/packages/listContractsOnPackage
GET /v1/planDetails/{plan_id}
GET /v1/planDetails/{plan_id}/charges
GET /v1/planDetails/{plan_id}/customers
GET /v1/plans
GET /v1/services
POST /v1/setCustomerBillingProviderConfigurations
POST /v1/setUpBillingProvider
POST /v1/upsertAvalaraCredentials
POST /v1/usage
POST /v1/usage/groups
POST /v2/contracts/commits/edit
POST /v2/contracts/credits/edit
POST /v2/contracts/edit
POST /v2/contracts/get
POST /v2/contracts/getEditHistory
POST /v2/contracts/list
POST /v2/notifications/archive
POST /v2/notifications/create
POST /v2/notifications/edit
POST /v2/notifications/get
POST /v2/notifications/offset/list
POST /v2/notifications/system/list
""")


# The console's files hold no data (its script sends the key the user types to the routes above),
# and an embeddable dashboard's page and data are authorised by the signed grant in their URL,
# since an iframe cannot send a header: these stay open even on a guarded control plane.
OPEN_CONSOLE = _routes("""
GET /_emulator/ui
GET /_emulator/ui/assets/{file}
GET /_emulator/ui/embed/{token}
GET /_emulator/ui/embed/{token}/data
""")


TOKENS_REFUSED = [f"Bearer {OTHER}", f"Bearer {GOOD}x", f"Bearer {GOOD[:-1]}", f"Basic {GOOD}", GOOD, None,
                  "Bearer", f"Bearer {GOOD.upper()}"]


@pytest.fixture(scope="module")
def keyed():
    from helpers import start_emulator

    srv = start_emulator("--api-key", GOOD, "--guard-control-plane", "--log-level", "warning", label="keyed emulator")
    # One kept-alive client per Authorization header (making an httpx client costs ~30 ms).
    srv.clients = {}
    for token in TOKENS_REFUSED + [f"Bearer {GOOD}"]:
        headers = {"Content-Type": "application/json", **({"Authorization": token} if token is not None else {})}
        srv.clients[token] = httpx.Client(base_url=srv.base_url, headers=headers, timeout=15)
    yield srv
    for client in srv.clients.values():
        client.close()
    srv.stop()


def _request(srv, method: str, path: str, token):
    return srv.clients[token].request(method, path, content=b"{}" if method in ("POST", "PUT", "PATCH") else None)


def test_every_registered_route_has_auth_coverage():
    registered = set(all_routes())
    covered = set(TOKEN_REQUIRED) | {HEALTH} | set(OPEN_CONSOLE)
    assert len(TOKEN_REQUIRED) == len(set(TOKEN_REQUIRED)) and HEALTH not in TOKEN_REQUIRED
    assert not set(OPEN_CONSOLE) & set(TOKEN_REQUIRED)
    missing, stale = registered - covered, covered - registered
    problems = []
    if missing:
        problems.append("routes the router serves that no auth test covers; add each to TOKEN_REQUIRED in "
                        f"test_security.py (or give it an open-route test like HEALTH's):\n{route_lines(missing)}")
    if stale:
        problems.append(f"routes with auth tests that the router does not serve:\n{route_lines(stale)}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("method,template", TOKEN_REQUIRED, ids=[f"{m} {p}" for m, p in TOKEN_REQUIRED])
def test_with_api_key_every_route_rejects_other_tokens(keyed, method, template):
    path = fill(template)
    for token in TOKENS_REFUSED:
        r = _request(keyed, method, path, token)
        assert_error_response(r, 401)
    r = _request(keyed, method, path, f"Bearer {GOOD}")
    assert r.status_code != 401, f"{method} {path}: the right key was refused: {r.text}"
    if (method, template) in not_yet_built_routes():
        assert_error_response(r, 501)
    else:
        assert r.status_code != 501, f"{method} {path}: listed as built, answered 501: {r.text}"


def test_console_files_are_open_and_embedded_dashboards_need_their_grant(keyed):
    for token in (None, f"Bearer {OTHER}"):
        client = keyed.clients[token]
        page = client.get("/_emulator/ui/")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert client.get("/_emulator/ui/assets/console.js").status_code == 200
        # A made-up grant shows nothing.
        for path in ("/_emulator/ui/embed/e30.AAAA", "/_emulator/ui/embed/e30.AAAA/data"):
            assert_error_response(client.get(path), 404)
    good = keyed.clients[f"Bearer {GOOD}"]
    customer_id = good.post("/v1/customers", json={"name": "Embedded"}).json()["data"]["id"]
    url = good.post("/v1/dashboards/getEmbeddableUrl", json={"customer_id": customer_id, "dashboard": "usage"}).json()["data"]["url"]
    path = urllib.parse.urlsplit(url).path
    data = keyed.clients[None].get(path + "/data")
    assert data.status_code == 200 and data.json()["customer"]["id"] == customer_id


def test_health_stays_open_on_a_guarded_control_plane(keyed):
    # Health probes (Docker's HEALTHCHECK) send no token; health changes nothing.
    for token in (None, f"Bearer {OTHER}", f"Bearer {GOOD}"):
        assert _request(keyed, "GET", "/_emulator/health", token).status_code == 200


def test_guarded_control_plane_cannot_be_reset_without_the_key(keyed):
    with make_http(keyed.base_url, token=GOOD) as http:
        assert http.post("/v1/customers", json={"name": "survives"}).status_code == 200
    with make_http(keyed.base_url, token=OTHER) as intruder:
        assert_error_response(intruder.post("/_emulator/reset"), 401)
        assert_error_response(intruder.post("/_emulator/clock", json={"now": "2030-01-01T00:00:00Z"}), 401)
    with make_http(keyed.base_url, token=GOOD) as http:
        assert "survives" in [c["name"] for c in http.get("/v1/customers").json()["data"]]
        assert http.get("/_emulator/clock").json()["frozen"] is False
        assert http.post("/_emulator/reset").status_code == 200


def test_guard_without_api_key_refuses_to_start(spawn_emulator):
    p = spawn_emulator("--guard-control-plane", wait=False)
    assert p.wait_exit(timeout=10) not in (0, None), p.describe()


# --------------------------------------------------------------------------------------
# Limits
# --------------------------------------------------------------------------------------


def _raw_exchange(port: int, payload: bytes, timeout: float = 10) -> bytes:
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(payload)
        data = b""
        while True:
            try:
                chunk = s.recv(65536)
            except (socket.timeout, ConnectionResetError):
                break
            if not chunk:
                break
            data += chunk
        return data
    finally:
        s.close()


def test_a_huge_header_is_refused_and_the_server_keeps_serving(emulator, base_url):
    request = (b"GET /v1/customers HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer t\r\n"
               b"X-Huge: " + b"a" * 100_000 + b"\r\nConnection: close\r\n\r\n")
    answer = _raw_exchange(emulator.port, request)
    assert answer == b"" or answer.startswith(b"HTTP/1.1 4"), answer[:200]
    url_answer = _raw_exchange(emulator.port, b"GET /v1/customers?x=" + b"b" * 100_000 +
                               b" HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer t\r\n\r\n")
    assert url_answer == b"" or url_answer.startswith(b"HTTP/1.1 4"), url_answer[:200]
    many = b"".join(b"X-H%d: v\r\n" % i for i in range(5000))
    many_answer = _raw_exchange(emulator.port, b"GET /v1/customers HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n")
    assert many_answer == b"" or many_answer.startswith(b"HTTP/1.1 4"), many_answer[:200]
    with make_http(base_url) as http:
        assert http.get("/v1/customers").status_code == 200
        assert http.get("/_emulator/health").status_code == 200


def test_a_header_within_the_limit_is_served(base_url):
    with httpx.Client(base_url=base_url, headers={"Authorization": "Bearer " + "t" * 8000}) as http:
        assert http.get("/v1/customers").status_code == 200


def test_max_header_size_flag(spawn_emulator):
    srv = spawn_emulator("--max-header-size", "2048")
    with httpx.Client(base_url=srv.base_url, headers={"Authorization": "Bearer t"}) as http:
        assert http.get("/v1/customers", headers={"X-Pad": "p" * 1000}).status_code == 200
    answer = _raw_exchange(srv.port, b"GET /v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n"
                                     b"X-Pad: " + b"p" * 4000 + b"\r\n\r\n")
    assert answer == b"" or answer.startswith(b"HTTP/1.1 4"), answer[:200]


def test_an_idle_connection_is_closed_after_the_timeout(spawn_emulator):
    srv = spawn_emulator("--idle-timeout", "1")
    silent = socket.create_connection(("127.0.0.1", srv.port), timeout=20)
    stalled = socket.create_connection(("127.0.0.1", srv.port), timeout=20)
    stalled.sendall(b"GET /v1/customers HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow")  # a head that never ends
    kept = socket.create_connection(("127.0.0.1", srv.port), timeout=20)
    kept.sendall(b"GET /_emulator/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    assert kept.recv(4096).startswith(b"HTTP/1.1 200")
    started = time.monotonic()
    try:
        for s in (silent, stalled, kept):
            try:
                assert s.recv(4096) == b"", "expected the server to close the connection"
            except ConnectionResetError:
                pass  # closed, abruptly: as good
        # Closed by the timeout (1 s), long before the 20 s the client would wait.
        assert time.monotonic() - started < 15
    finally:
        for s in (silent, stalled, kept):
            s.close()
    with httpx.Client(base_url=srv.base_url, headers={"Authorization": "Bearer t"}) as http:
        assert http.get("/v1/customers").status_code == 200


def test_a_busy_connection_is_not_cut_by_the_idle_timeout(spawn_emulator):
    srv = spawn_emulator("--idle-timeout", "1")
    with httpx.Client(base_url=srv.base_url, headers={"Authorization": "Bearer t"}) as http:
        deadline = time.monotonic() + 2.5
        while time.monotonic() < deadline:
            assert http.get("/v1/customers").status_code == 200
            time.sleep(0.2)


def test_idle_timeout_zero_keeps_connections(spawn_emulator):
    srv = spawn_emulator("--idle-timeout", "0")
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=2.5)
    try:
        with pytest.raises(socket.timeout):
            s.recv(1)  # nothing, and not closed
    finally:
        s.close()


def test_oversized_bodies_are_413_on_every_body_route(spawn_emulator):
    srv = spawn_emulator("--max-body-size", "1024")
    with make_http(srv.base_url) as http:
        for method, template in built_routes():
            if method not in ("POST", "PUT", "PATCH") or is_control_plane(template):
                continue
            r = http.request(method, fill(template), content=b'{"name": "' + b"x" * 4096 + b'"}',
                             headers={"Content-Type": "application/json"})
            assert_error_response(r, 413)
        assert http.get("/v1/customers").json()["data"] == []


# --------------------------------------------------------------------------------------
# Nothing from a request is SQL
# --------------------------------------------------------------------------------------

SQL_LOOKING = [
    "'; DROP TABLE customer; --",
    "Robert'); DELETE FROM customer_ingest_alias WHERE ('1'='1",
    "\" OR \"1\"=\"1",
    "x' UNION SELECT id, name FROM customer --",
    "%' OR alias LIKE '%",
    "1; PRAGMA writable_schema = 1;",
    "\\'; ATTACH DATABASE '/tmp/pwned.db' AS p; --",
]


def test_sql_looking_values_round_trip(client, http):
    ids = []
    for i, text in enumerate(SQL_LOOKING):
        created = client.v1.customers.create(
            name=text, ingest_aliases=[text, f"{text}-{i}"], external_id=f"ext {text}", custom_fields={text: text}
        ).data
        ids.append(created.id)
        got = client.v1.customers.retrieve(customer_id=created.id).data
        assert got.name == text
        assert got.ingest_aliases == [f"ext {text}", text, f"{text}-{i}"]
        assert got.custom_fields == {text: text}
        client.v1.customers.set_name(customer_id=created.id, name=text + " again")
        client.v1.customers.update_config(customer_id=created.id, salesforce_account_id=text)
        by_alias = list(client.v1.customers.list(ingest_alias=text))
        assert [c.id for c in by_alias] == [created.id]
        if "," not in text:  # array parameters travel comma-joined, so a comma splits the value
            by_sf = list(client.v1.customers.list(salesforce_account_ids=[text]))
            assert [c.id for c in by_sf] == [created.id]
    listed = list(client.v1.customers.list())
    assert sorted(c.id for c in listed) == sorted(ids)
    assert all(c.name.endswith(" again") for c in listed)
    # A wildcard-looking alias matches only itself.
    assert list(client.v1.customers.list(ingest_alias="%")) == []
    with expect_api_error(409):
        client.v1.customers.create(name="dup", ingest_aliases=[SQL_LOOKING[0]])
    r = http.post("/v1/customers/getNamedSchedule", json={"customer_id": ids[0], "schedule_name": SQL_LOOKING[0]})
    assert r.status_code == 200 and r.json() == {"data": []}


def test_sql_looking_path_and_query_values_are_plain_400s(http):
    for text in SQL_LOOKING:
        assert_error_response(http.get("/v1/customers/" + urllib.parse.quote(text, safe="")), 400)
        r = http.get("/v1/customers", params={"customer_ids": text})
        assert_error_response(r, 400)
        r = http.get("/v1/customers", params={"next_page": text})
        assert_error_response(r, 400)
    with make_client(str(http.base_url)) as c:
        assert list(c.v1.customers.list()) == []
