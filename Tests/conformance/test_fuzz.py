"""Bad input on every built route: malformed JSON, wrong types, missing and extra fields, huge
strings and numbers, odd Unicode, invalid IDs, cursors and dates, odd query strings.

Every answer must be a 2xx (when the input happens to be valid) or a 4xx with a JSON
{"message": "..."} body; never a 5xx, never a hang; and a rejected request must leave the
state exactly as it was.

Hypothesis runs derandomized by default (the same examples every run, so CI is stable); set
FUZZ_PROFILE=explore for fresh random examples and more of them."""

from __future__ import annotations

import base64
import copy
import json
import os
import string
import urllib.parse
from typing import Any, Callable, Dict, List, Optional, Tuple

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import USD_CENTS_ID
from routes import built_routes, is_control_plane

settings.register_profile(
    "ci",
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "60")),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "explore",
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "300")),
    deadline=None,
    derandomize=False,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
FUZZ_SETTINGS = settings.get_profile(os.environ.get("FUZZ_PROFILE", "ci"))

REQUEST_TIMEOUT_S = 15.0
UNKNOWN_UUID = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"

# --------------------------------------------------------------------------------------
# Nasty values
# --------------------------------------------------------------------------------------

NASTY_STRINGS = [
    "",
    " ",
    "\t\n",
    "\x00",
    "a\x00b",
    "\x1f\x7f",
    "\ud800",  # lone surrogates: json.dumps writes them as \ud800 escapes
    "x\udfffy",
    "\ud83d",
    "\u202eevil\u202c",  # right-to-left override
    "مرحبا بالعالم",
    "שלום",
    "👨‍👩‍👧‍👦" * 40,
    "🏳️‍🌈",
    "\ufeff",
    "\uffff",
    "e\u0301" * 200,  # combining marks: 200 characters, 400 scalars
    "x" * 129,
    "y" * 161,
    "z" * 70_000,
    "'; DROP TABLE customer; --",
    "\" OR 1=1 --",
    "%00%ff",
    "../../../etc/passwd",
    "\r\nX-Injected: yes",
    "null",
    "true",
    "NaN",
    "-1",
    "2026-02-30T00:00:00Z",
    "0000-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-01:00",
    "2026-03-15T12:00:00+99:99",
    "2026-03-15T24:00:00Z",
    "1970-01-01",
    "not-a-uuid",
    "6a37bb88-8538-48c5-b37b-a41c836328b",
    "6a37bb88-8538-48c5-b37b-a41c836328bdd",
    "6A37BB88-8538-48C5-B37B-A41C836328BD",
    "{6a37bb88-8538-48c5-b37b-a41c836328bd}",
    "6a37bb8885384 8c5b37ba41c836328bd",
    UNKNOWN_UUID,
    "00000000-0000-0000-0000-000000000000",
]

NASTY_NUMBERS = [0, -1, 1, 2**31, 2**63 - 1, 2**63, -(2**63) - 1, 10**40, 10**400, 1.5, -0.0, 1e308, 1e-300]

DATES = [
    "2026-03-15T12:00:00Z",
    "2026-03-15T12:00:00.123456789Z",
    "2026-03-15",
    "2026-03-15T12:00:00+14:00",
    "2026-02-29T00:00:00Z",
    "2024-02-29T00:00:00Z",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59.999Z",
    "0000-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-01:00",
    "2026-3-5T1:2:3Z",
    "20260315T120000Z",
    "2026-03-15T12:00:00 UTC",
    "",
]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


CURSORS = [
    "",
    "x",
    "====",
    "!!!!",
    "%ff",
    _b64(b"customers"),
    _b64(b"customers\x1f"),
    _b64(b"customers\x1fabc"),
    _b64(b"customers\x1f-1"),
    _b64(b"customers\x1f99999999999999999999999"),
    _b64(b"customers\x1f9223372036854775807"),
    _b64(b"credit-types\x1f1"),
    _b64(b"\xff\xfe\x00"),
    _b64(b"customers\x1f1\x1f2\x1f3"),
    "Y3VzdG9tZXJzHzE" * 400,  # 6 KB: several still fit in the 32 KiB request head
]


def nasty_scalar() -> st.SearchStrategy:
    return st.one_of(
        st.sampled_from(NASTY_STRINGS),
        st.sampled_from(NASTY_NUMBERS),
        st.sampled_from(DATES),
        st.sampled_from(CURSORS),
        st.none(),
        st.booleans(),
        st.text(max_size=40),
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
    )


def nasty_value() -> st.SearchStrategy:
    return st.one_of(
        nasty_scalar(),
        st.lists(nasty_scalar(), max_size=4),
        st.dictionaries(st.sampled_from(["", "a", "\x00", "ü", "name", "id", "x" * 300]), nasty_scalar(), max_size=3),
        st.just([[[[[[[[[[[[[[[[["deep"]]]]]]]]]]]]]]]]]),
        st.just(["a"] * 3000),
    )


# --------------------------------------------------------------------------------------
# Request bodies
# --------------------------------------------------------------------------------------

MALFORMED_BODIES = [
    b"",
    b" ",
    b"{",
    b"}",
    b"{\"name\": ",
    b"{name: 'x'}",
    b"{\"name\": \"x\",}",
    b"{\"name\": \"x\"} trailing",
    b"{\"name\": \"x\"}{\"name\": \"y\"}",
    b"\xff\xfe\xfd",
    b"{\"name\": \"\xff\"}",
    b"\x00",
    b"{\"name\": \"a\\u0000b\"}",
    b"{\"name\": \"\\ud800\"}",
    b"{\"name\": \"\\x41\"}",
    b"{\"name\": NaN}",
    b"{\"name\": Infinity}",
    b"{\"a\": 1e999999}",
    b"{\"a\": -}",
    b"{\"a\": 0x10}",
    b"{\"a\": 01}",
    b"[" * 20_000 + b"]" * 20_000,
    b"{\"a\":" * 5_000 + b"1" + b"}" * 5_000,
    b"null",
    b"true",
    b"42",
    b"\"string\"",
    b"[]",
    b"[{}]",
    b"\xef\xbb\xbf{}",  # UTF-8 byte-order mark
    b"{\"name\": \"x\", \"name\": \"y\"}",
]


def mutated(template: Dict[str, Any]) -> st.SearchStrategy:
    """A template body with fields dropped, replaced by nasty values, or added."""

    @st.composite
    def build(draw: Callable) -> Any:
        body = copy.deepcopy(template)
        paths = _field_paths(body)
        for _ in range(draw(st.integers(min_value=1, max_value=3))):
            kind = draw(st.sampled_from(["drop", "replace", "replace", "extra", "null"]))
            if kind == "extra" or not paths:
                key = draw(st.sampled_from(["extra", "", "\x00", "🙂", "name ", "NAME", "id", "x" * 1000]))
                body[key] = draw(nasty_value())
                continue
            path = draw(st.sampled_from(paths))
            parent, key = _resolve(body, path)
            if parent is None:
                continue
            if kind == "drop" and isinstance(parent, dict):
                parent.pop(key, None)
            elif kind == "null":
                parent[key] = None
            else:
                parent[key] = draw(nasty_value())
        return body

    return build()


def _field_paths(value: Any, prefix: Tuple = ()) -> List[Tuple]:
    out: List[Tuple] = []
    if isinstance(value, dict):
        for key, inner in value.items():
            out.append(prefix + (key,))
            out.extend(_field_paths(inner, prefix + (key,)))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            out.append(prefix + (index,))
            out.extend(_field_paths(inner, prefix + (index,)))
    return out


def _resolve(body: Any, path: Tuple) -> Tuple[Any, Any]:
    parent = body
    for key in path[:-1]:
        try:
            parent = parent[key]
        except (KeyError, IndexError, TypeError):
            return None, None
    if isinstance(parent, dict) and path[-1] in parent:
        return parent, path[-1]
    if isinstance(parent, list) and isinstance(path[-1], int) and path[-1] < len(parent):
        return parent, path[-1]
    return None, None


def body_strategy(template: Optional[Dict[str, Any]]) -> st.SearchStrategy:
    """Raw bytes to send: malformed text, a wrong top-level type, or a mutated template."""
    as_json = lambda value: json.dumps(value, ensure_ascii=True).encode()  # noqa: E731
    options = [
        st.sampled_from(MALFORMED_BODIES),
        nasty_value().map(as_json),
        st.binary(max_size=64),
        st.text(max_size=64).map(lambda t: t.encode("utf-8", "surrogatepass")),
    ]
    if template is not None:
        options += [mutated(template).map(as_json)] * 4
        options.append(st.just(as_json(template)))
    return st.one_of(options)


# --------------------------------------------------------------------------------------
# Paths and query strings
# --------------------------------------------------------------------------------------

PATH_SEGMENTS = [
    "not-a-uuid",
    "6a37bb88-8538-48c5-b37b-a41c836328b",
    UNKNOWN_UUID,
    "%00",
    "%2F",
    "%ff%fe",
    "%E2%80%AE",
    "%F0%9F%98%80",
    "..",
    "x" * 2000,
    "'%20OR%201=1",
    "null",
    "STRIPE",
    "stripe",
    "aws_marketplace",
    "paypal",
]

QUERY_KEYS = [
    "limit",
    "next_page",
    "customer_ids",
    "customer_ids[]",
    "ingest_alias",
    "only_archived",
    "salesforce_account_ids",
    "unknown",
    "",
]


@st.composite
def query_strategy(draw: Callable) -> str:
    """A raw query string: well-formed pairs with nasty values, or odd text."""
    if draw(st.booleans()):
        raw = draw(st.text(alphabet=string.printable + "ü🙂\u202e", max_size=80))
        # Sent as typed, except what cannot travel in a request line at all.
        return urllib.parse.quote(raw, safe="&=[]%+;,/?:@!$'()*", errors="surrogatepass")
    pairs = []
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        key = draw(st.sampled_from(QUERY_KEYS))
        value = draw(
            st.one_of(
                st.sampled_from(CURSORS),
                st.sampled_from(["0", "-1", "1", "100", "101", "1e2", "2.5", " 5", "9" * 40, "true", "false", "yes"]),
                # Short ones only: a request head over the 32 KiB limit is refused by the HTTP
                # parser (a bare 400, tested in test_security.py), not by the routes fuzzed here.
                st.sampled_from([t for t in NASTY_STRINGS if len(t) < 1000]
                                + [UNKNOWN_UUID, "a,b,,c", ",", UNKNOWN_UUID + "," * 150]),
            )
        )
        pairs.append((key, value))
    quote = lambda text, safe: urllib.parse.quote(text, safe=safe, errors="surrogatepass")  # noqa: E731
    return "&".join(f"{quote(key, '[]')}={quote(value, ',')}" for key, value in pairs)


# --------------------------------------------------------------------------------------
# State snapshot
# --------------------------------------------------------------------------------------


class World:
    """The state the fuzzed requests may touch, and a way to read all of it."""

    def __init__(self, http: httpx.Client):
        self.http = http
        self.customer_id = ""
        self.archived_id = ""
        self.configuration_id = ""

    def seed(self) -> None:
        h = self.http
        freeze = h.post("/_emulator/clock", json={"now": "2026-03-15T12:00:00Z"})
        assert freeze.status_code == 200, freeze.text
        r = h.post(
            "/v1/customers",
            json={
                "name": "Seed",
                "ingest_aliases": ["seed-alias"],
                "external_id": "seed-ext",
                "custom_fields": {"tier": "gold"},
                "billing_config": {"billing_provider_type": "stripe", "billing_provider_customer_id": "cus_seed",
                                   "stripe_collection_method": "send_invoice"},
            },
        )
        assert r.status_code == 200, r.text
        self.customer_id = r.json()["data"]["id"]
        r = h.post("/v1/customers", json={"name": "Archived", "ingest_aliases": ["archived-alias"]})
        assert r.status_code == 200, r.text
        self.archived_id = r.json()["data"]["id"]
        assert h.post("/v1/customers/archive", json={"id": self.archived_id}).status_code == 200
        r = h.post(
            "/v1/setCustomerBillingProviderConfigurations",
            json={"data": [{"customer_id": self.customer_id, "billing_provider": "aws_marketplace",
                            "delivery_method": "aws_sqs", "configuration": {"region": "us-east-1"}}]},
        )
        assert r.status_code == 200, r.text
        self.configuration_id = r.json()["data"][0]["id"]
        r = h.post(
            "/v1/customers/updateNamedSchedule",
            json={"customer_id": self.customer_id, "schedule_name": "plan", "starting_at": "2026-01-01T00:00:00Z",
                  "value": {"tier": 1}},
        )
        assert r.status_code == 200, r.text

    def snapshot(self) -> Dict[str, Any]:
        h = self.http
        out: Dict[str, Any] = {}
        for archived in (False, True):
            rows: List[Any] = []
            cursor = None
            while True:
                params = {"limit": 100, "only_archived": "true" if archived else "false"}
                if cursor:
                    params["next_page"] = cursor
                r = h.get("/v1/customers", params=params)
                assert r.status_code == 200, r.text
                page = r.json()
                rows.extend(page["data"])
                cursor = page["next_page"]
                if not cursor:
                    break
            out[f"customers archived={archived}"] = rows
        for cid in (self.customer_id, self.archived_id):
            r = h.post("/v1/getCustomerBillingProviderConfigurations",
                       json={"customer_id": cid, "include_archived": True})
            out[f"configurations {cid}"] = (r.status_code, r.json())
        for provider in ("stripe", "aws_marketplace"):
            r = h.get(f"/v1/customers/{self.customer_id}/billing-config/{provider}")
            out[f"billing-config {provider}"] = (r.status_code, r.json())
        r = h.post("/v1/customers/getNamedSchedule", json={"customer_id": self.customer_id, "schedule_name": "plan"})
        out["schedule"] = (r.status_code, r.json())
        clock = h.get("/_emulator/clock").json()
        out["clock"] = clock if clock["frozen"] else {"frozen": False}  # the wall clock moves on its own
        out["credit types"] = h.get("/v1/credit-types/list").json()
        return out


# --------------------------------------------------------------------------------------
# What each route gets
# --------------------------------------------------------------------------------------


def templates(world: World) -> Dict[Tuple[str, str], Dict[str, Any]]:
    """A valid body per route, for mutation."""
    cid = world.customer_id
    return {
        ("POST", "/v1/customers"): {
            "name": "Fuzzed",
            "ingest_aliases": ["fuzz-a"],
            "external_id": "fuzz-ext",
            "custom_fields": {"k": "v"},
            "billing_config": {"billing_provider_type": "stripe", "billing_provider_customer_id": "cus_1",
                               "stripe_collection_method": "charge_automatically"},
            "customer_billing_provider_configurations": [
                {"billing_provider": "stripe", "delivery_method": "direct_to_billing_provider",
                 "configuration": {"stripe_customer_id": "cus_1"}, "tax_provider": "anrok"}
            ],
            "customer_revenue_system_configurations": [{"provider": "netsuite", "delivery_method": "direct"}],
        },
        ("POST", "/v1/customers/archive"): {"id": world.archived_id},
        ("POST", "/v1/customers/{customer_id}/setName"): {"name": "Renamed"},
        ("POST", "/v1/customers/{customer_id}/setIngestAliases"): {"ingest_aliases": ["seed-alias", "other"]},
        ("POST", "/v1/customers/{customer_id}/updateConfig"): {"salesforce_account_id": "sf-1",
                                                              "leave_stripe_invoices_in_draft": True},
        ("POST", "/v1/customers/{customer_id}/billing-config/{billing_provider_type}"): {
            "billing_provider_customer_id": "cus_2", "stripe_collection_method": "send_invoice",
            "aws_region": "us-east-1", "aws_is_subscription_product": False,
        },
        ("POST", "/v1/setCustomerBillingProviderConfigurations"): {
            "data": [{"customer_id": cid, "billing_provider": "stripe", "delivery_method": "direct_to_billing_provider",
                      "configuration": {"a": [1, {"b": None}]}, "tax_provider": "avalara"}]
        },
        ("POST", "/v1/getCustomerBillingProviderConfigurations"): {"customer_id": cid, "include_archived": True},
        ("POST", "/v1/archiveCustomerBillingProviderConfigurations"): {
            "customer_id": cid, "customer_billing_provider_configuration_ids": [world.configuration_id]},
        ("POST", "/v1/customers/getNamedSchedule"): {"customer_id": cid, "schedule_name": "plan",
                                                     "covering_date": "2026-02-01T00:00:00Z"},
        ("POST", "/v1/customers/updateNamedSchedule"): {
            "customer_id": cid, "schedule_name": "plan", "starting_at": "2026-02-01T00:00:00Z",
            "ending_before": "2026-03-01T00:00:00Z", "value": {"tier": 2}},
        ("POST", "/_emulator/clock"): {"now": "2026-04-01T00:00:00Z"},
    }


def path_strategy(template: str, world: World) -> st.SearchStrategy:
    """The path with each `{parameter}` a real value or a nasty one."""
    parts = template.split("/")

    @st.composite
    def build(draw: Callable) -> str:
        out = []
        for part in parts:
            if part == "{customer_id}":
                out.append(draw(st.sampled_from([world.customer_id, world.archived_id] * 3 + PATH_SEGMENTS)))
            elif part.startswith("{"):
                out.append(draw(st.sampled_from(["stripe", "aws_marketplace"] * 3 + PATH_SEGMENTS)))
            else:
                out.append(part)
        return "/".join(out)

    return build()


# --------------------------------------------------------------------------------------
# The checks
# --------------------------------------------------------------------------------------


def check_answer(r: httpx.Response, what: str) -> None:
    assert r.status_code < 500, f"{what}: server error {r.status_code}: {r.text[:500]}"
    if r.status_code >= 400:
        assert 400 <= r.status_code < 500, f"{what}: {r.status_code}"
        try:
            body = r.json()
        except ValueError:
            raise AssertionError(f"{what}: {r.status_code} error body is not JSON: {r.text[:300]!r}")
        assert isinstance(body, dict), f"{what}: error body is not an object: {body!r}"
        message = body.get("message")
        assert isinstance(message, str) and message.strip(), f"{what}: no non-empty message: {body!r}"
    else:
        assert 200 <= r.status_code < 300, f"{what}: unexpected {r.status_code}"
        if r.content:
            r.json()  # a 2xx with a body has a JSON body


BUILT = [route for route in built_routes() if route != ("POST", "/_emulator/reset")]


@pytest.fixture
def world(base_url: str):
    with httpx.Client(
        base_url=base_url, headers={"Authorization": "Bearer fuzz"}, timeout=REQUEST_TIMEOUT_S
    ) as http:
        w = World(http)
        w.seed()
        yield w


@pytest.mark.parametrize("method,template", BUILT, ids=[f"{m} {p}" for m, p in BUILT])
def test_bad_input_is_a_clear_4xx_and_changes_nothing(world: World, method: str, template: str):
    body_template = templates(world).get((method, template))
    takes_body = method in ("POST", "PUT", "PATCH")
    baseline = {"state": world.snapshot()}

    @FUZZ_SETTINGS
    @given(
        path=path_strategy(template, world),
        query=query_strategy() if method == "GET" else st.just(""),
        body=body_strategy(body_template) if takes_body else st.just(b""),
        content_type=st.sampled_from(["application/json"] * 4 + ["text/plain", "application/json; charset=latin1", ""]),
    )
    def run(path: str, query: str, body: bytes, content_type: str) -> None:
        url = path + ("?" + query if query else "")
        headers = {"Content-Type": content_type} if content_type else {}
        what = f"{method} {url[:200]} body={body[:200]!r}"
        try:
            r = world.http.request(method, url, content=body if takes_body else None, headers=headers)
        except httpx.TimeoutException:
            raise AssertionError(f"{what}: no answer within {REQUEST_TIMEOUT_S}s")
        check_answer(r, what)
        if r.status_code >= 400:
            after = world.snapshot()
            changed = sorted(k for k in set(after) | set(baseline["state"]) if after.get(k) != baseline["state"].get(k))
            assert not changed, f"{what}: rejected with {r.status_code} but the state changed: {changed}"
        elif method != "GET" or is_control_plane(template):
            baseline["state"] = world.snapshot()

    run()
    health = world.http.get("/_emulator/health")
    assert health.status_code == 200


@FUZZ_SETTINGS
@given(body=body_strategy(None), query=query_strategy())
def test_reset_takes_any_body(base_url: str, body: bytes, query: str):
    r = httpx.post(base_url + "/_emulator/reset" + ("?" + query if query else ""), content=body,
                   timeout=REQUEST_TIMEOUT_S)
    check_answer(r, f"POST /_emulator/reset body={body[:100]!r}")


def test_every_built_route_is_fuzzed():
    fuzzed = set(BUILT) | {("POST", "/_emulator/reset")}
    assert set(built_routes()) <= fuzzed
    assert len(BUILT) >= 15, BUILT


@pytest.mark.parametrize("method,path", [("GET", "/v1/customers"), ("GET", "/v1/credit-types/list")])
def test_cursors_of_other_lists_and_tampered_cursors_are_400(world: World, method: str, path: str):
    for _ in range(3):
        world.http.post("/v1/customers", json={"name": "more"})
    for list_path in ("/v1/customers", "/v1/credit-types/list"):
        r = world.http.get(list_path, params={"limit": 1})
        cursor = r.json()["next_page"]
        if not cursor:
            continue
        for bad in [cursor + "x", cursor[:-2], cursor.upper(), "A" + cursor]:
            answer = world.http.get(path, params={"next_page": bad})
            check_answer(answer, f"{path} next_page={bad}")
        if list_path != path:
            answer = world.http.get(path, params={"next_page": cursor})
            assert answer.status_code == 400, answer.text
            check_answer(answer, f"{path} with a cursor of {list_path}")


def test_usd_fixture_is_untouched_by_fuzzing(world: World):
    ids = [ct["id"] for ct in world.http.get("/v1/credit-types/list").json()["data"]]
    assert USD_CENTS_ID in ids


def test_other_methods_on_every_built_path_are_clear_4xx(world: World):
    served: Dict[str, set] = {}
    for method, template in built_routes():
        served.setdefault(template, set()).add(method)
    for template, methods in served.items():
        path = template.replace("{customer_id}", world.customer_id).replace("{billing_provider_type}", "stripe")
        for method in {"GET", "POST", "PUT", "PATCH", "DELETE"} - methods:
            r = world.http.request(method, path, content=b"{}" if method != "GET" else None)
            check_answer(r, f"{method} {path}")
            assert 400 <= r.status_code < 500, f"{method} {path}: {r.status_code}"
