"""Bad input on every built route: malformed JSON, wrong types, missing and extra fields, huge
strings and numbers, odd Unicode, invalid IDs, cursors and dates, odd query strings.

Every answer must be a 2xx (when the input happens to be valid) or a 4xx with a JSON
{"message": "..."} body; never a 5xx, never a hang; and a rejected request must leave the
state exactly as it was.

Hypothesis runs derandomized by default (the same examples every run, so CI is stable); set
FUZZ_PROFILE=explore for fresh random examples and more of them."""

from __future__ import annotations

import base64
import concurrent.futures
import copy
import functools
import json
import os
import re
import sqlite3
import string
import time
import urllib.parse
from typing import Any, Callable, Dict, List, Optional, Tuple

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import USD_CENTS_ID, start_emulator
from routes import built_routes, is_control_plane, route_lines

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


def mutated(template: Any) -> st.SearchStrategy:
    """A template body with fields dropped, replaced by nasty values, or added."""

    @st.composite
    def build(draw: Callable) -> Any:
        body = copy.deepcopy(template)
        paths = _field_paths(body)
        for _ in range(draw(st.integers(min_value=1, max_value=3))):
            kind = draw(st.sampled_from(["drop", "replace", "replace", "extra", "null"]))
            if kind == "extra" or not paths:
                if isinstance(body, list):
                    body.append(draw(nasty_value()))
                else:
                    key = draw(st.sampled_from(["extra", "", "\x00", "🙂", "name ", "NAME", "id", "x" * 1000]))
                    body[key] = draw(nasty_value())
                continue
            path = draw(st.sampled_from(paths))
            parent, key = _resolve(body, path)
            if parent is None:
                continue
            if kind == "drop":
                parent.pop(key)
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


def body_strategy(template: Any) -> st.SearchStrategy:
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
    "include_archived",
    "salesforce_account_ids",
    "starting_on",
    "ending_before",
    "window_size",
    "status",
    "sort",
    "type",
    "credit_type_id",
    "contract_id",
    "skip_zero_qty_line_items",
    "on_current_plan",
    "unknown",
    "",
]

QUERY_VALUES = st.one_of(
    st.sampled_from(CURSORS),
    st.sampled_from(["0", "-1", "1", "100", "101", "1e2", "2.5", " 5", "9" * 40, "true", "false", "yes"]),
    st.sampled_from(DATES + ["HOUR", "DAY", "NONE", "hour", "DRAFT", "void", "date_desc", "ALL"]),
    # Short ones only: a request head over the 32 KiB limit is refused by the HTTP
    # parser (a bare 400, tested in test_security.py), not by the routes fuzzed here.
    st.sampled_from([t for t in NASTY_STRINGS if len(t) < 1000] + [UNKNOWN_UUID, "a,b,,c", ",", UNKNOWN_UUID + "," * 150]),
)


def _encode_query(pairs: List[Tuple[str, str]]) -> str:
    quote = lambda text, safe: urllib.parse.quote(text, safe=safe, errors="surrogatepass")  # noqa: E731
    return "&".join(f"{quote(key, '[]')}={quote(value, ',')}" for key, value in pairs)


def query_strategy(valid: Optional[Dict[str, str]] = None) -> st.SearchStrategy:
    """A raw query string: odd text, pairs with nasty values, or the route's valid query mutated."""

    @st.composite
    def odd_text(draw: Callable) -> str:
        raw = draw(st.text(alphabet=string.printable + "ü🙂\u202e", max_size=80))
        # Sent as typed, except what cannot travel in a request line at all.
        return urllib.parse.quote(raw, safe="&=[]%+;,/?:@!$'()*", errors="surrogatepass")

    @st.composite
    def nasty_pairs(draw: Callable) -> str:
        count = draw(st.integers(min_value=0, max_value=4))
        return _encode_query([(draw(st.sampled_from(QUERY_KEYS)), draw(QUERY_VALUES)) for _ in range(count)])

    @st.composite
    def mutated_valid(draw: Callable) -> str:
        pairs = list((valid or {}).items())
        for _ in range(draw(st.integers(min_value=1, max_value=3))):
            kind = draw(st.sampled_from(["drop", "replace", "replace", "extra", "repeat"]))
            if kind == "extra" or not pairs:
                pairs.append((draw(st.sampled_from(QUERY_KEYS)), draw(QUERY_VALUES)))
                continue
            index = draw(st.integers(min_value=0, max_value=len(pairs) - 1))
            if kind == "drop":
                pairs.pop(index)
            elif kind == "repeat":
                pairs.append((pairs[index][0], draw(QUERY_VALUES)))
            else:
                pairs[index] = (pairs[index][0], draw(QUERY_VALUES))
        return _encode_query(pairs)

    options = [odd_text(), nasty_pairs()]
    if valid:
        options += [mutated_valid()] * 2 + [st.just(_encode_query(list(valid.items())))]
    return st.one_of(options)


# --------------------------------------------------------------------------------------
# State snapshot
# --------------------------------------------------------------------------------------

USD = USD_CENTS_ID
GROWTH_PLAN = "3e9c5f4b-8d4a-4fab-c000-000000000001"
GROWTH_FIXED_CHARGE = "3e9c5f4b-8d4a-4fab-c000-0000000000c2"
API_CALLS_METRIC = "0b6f2c1e-5a1d-4c7e-9f00-000000000001"
API_CALLS_PRODUCT = "1c7a3d2f-6b2e-4d8f-a000-000000000001"
TOKENS_PRODUCT = "1c7a3d2f-6b2e-4d8f-a000-000000000002"
COMMIT_PRODUCT = "1c7a3d2f-6b2e-4d8f-a000-000000000003"
SEAT_PRODUCT = "1c7a3d2f-6b2e-4d8f-a000-000000000004"
STANDARD_RATE_CARD = "2d8b4e3a-7c3f-4e9a-b000-000000000001"
NOW = "2026-03-15T12:00:00Z"
# The seeded plan and contract end, so moving the clock far ahead leaves a finite number of
# invoices for the snapshot to read.
PLAN_START, PLAN_END = "2026-01-01T00:00:00Z", "2026-06-01T00:00:00Z"
CONTRACT_END = "2027-01-01T00:00:00Z"
FUZZ_TX = "fuzz-tx"


class World:
    """The state the fuzzed requests may touch, and a way to read all of it."""

    def __init__(self, http: Optional[httpx.Client] = None):
        self.http = http
        self.customer_id = ""
        self.archived_id = ""
        self.configuration_id = ""
        self.customer_plan_id = ""
        self.finalized_invoice_id = ""
        self.draft_invoice_id = ""
        self.void_invoice_id = ""
        self.metric_id = ""
        self.product_id = ""
        self.rate_card_id = ""
        self.contract_id = ""
        self.filtered_contract_id = ""
        self.commit_id = ""
        self.credit_id = ""
        self.commit_segment_id = ""
        self.alert_id = ""
        self.webhook_id = ""
        self.notification_id = ""
        self.fault_id = ""
        self.offset_notification_id = ""
        self.archivable_offset_id = ""
        self.credit_type_id = ""
        self.package_id = ""
        self.delivery_method_id = ""
        self.credit_grant_id = ""
        self.subscribed = ("", "", "")
        self.pro_services = ("", "", "")
        self.seated = ("", "", "")
        self.voidable_grant_id = ""
        self.embed_token = ""

    def _ok(self, method: str, path: str, body: Any = None, params: Any = None) -> Any:
        r = self.http.request(method, path, json=body, params=params)
        assert 200 <= r.status_code < 300, f"seeding: {method} {path}: {r.status_code} {r.text}"
        return r.json() if r.content else None

    def seed(self) -> None:
        ok = self._ok
        ok("POST", "/_emulator/clock", {"now": NOW})
        self.customer_id = ok("POST", "/v1/customers", {
            "name": "Seed",
            "ingest_aliases": ["seed-alias"],
            "external_id": "seed-ext",
            "custom_fields": {"tier": "gold"},
            "billing_config": {"billing_provider_type": "stripe", "billing_provider_customer_id": "cus_seed",
                               "stripe_collection_method": "send_invoice"},
        })["data"]["id"]
        cid = self.customer_id
        self.archived_id = ok("POST", "/v1/customers", {"name": "Archived", "ingest_aliases": ["archived-alias"]})["data"]["id"]
        ok("POST", "/v1/customers/archive", {"id": self.archived_id})
        self.configuration_id = ok("POST", "/v1/setCustomerBillingProviderConfigurations", {
            "data": [{"customer_id": cid, "billing_provider": "aws_marketplace", "delivery_method": "aws_sqs",
                      "configuration": {"region": "us-east-1"}}]})["data"][0]["id"]
        ok("POST", "/v1/customers/updateNamedSchedule", {
            "customer_id": cid, "schedule_name": "plan", "starting_at": "2026-01-01T00:00:00Z", "value": {"tier": 1}})
        ok("POST", "/v1/customFields/addKey", {"entity": "customer", "key": "seeded", "enforce_uniqueness": False})
        ok("POST", "/v1/customFields/setValues", {"entity": "customer", "entity_id": cid, "custom_fields": {"seeded": "v"}})

        self.customer_plan_id = ok("POST", f"/v1/customers/{cid}/plans/add", {
            "plan_id": GROWTH_PLAN, "starting_on": PLAN_START, "ending_before": PLAN_END,
            "price_adjustments": [{"charge_id": GROWTH_FIXED_CHARGE, "adjustment_type": "percentage", "value": -0.1,
                                   "start_period": 0}]})["data"]["id"]
        ok("POST", "/v1/ingest", [{"transaction_id": "seed-tx", "customer_id": cid, "event_type": "api_call",
                                   "timestamp": "2026-01-02T00:00:00Z", "properties": {"endpoint": "/a"}}])
        invoices = ok("GET", f"/v1/customers/{cid}/invoices")["data"]
        self.finalized_invoice_id = next(i["id"] for i in invoices if i["status"] == "FINALIZED")
        self.draft_invoice_id = next(i["id"] for i in invoices if i["status"] == "DRAFT")
        # January and February are finalized: February is voided, for regenerate.
        self.void_invoice_id = [i["id"] for i in invoices if i["status"] == "FINALIZED"][1]
        ok("POST", "/v1/invoices/void", {"id": self.void_invoice_id})

        self.metric_id = ok("POST", "/v1/billable-metrics/create", {
            "name": "Seeded metric", "aggregation_type": "SUM", "aggregation_key": "n",
            "event_type_filter": {"in_values": ["api_call"]},
            "property_filters": [{"name": "n", "exists": True}, {"name": "region", "exists": True}],
            "group_keys": [["region"]]})["data"]["id"]
        self.product_id = ok("POST", "/v1/contract-pricing/products/create", {
            "name": "Seeded product", "type": "USAGE", "billable_metric_id": self.metric_id,
            "pricing_group_key": ["region"], "presentation_group_key": ["region"], "tags": ["seeded"]})["data"]["id"]
        self.rate_card_id = ok("POST", "/v1/contract-pricing/rate-cards/create", {
            "name": "Seeded card", "aliases": [{"name": "seeded-card"}], "fiat_credit_type_id": USD})["data"]["id"]
        ok("POST", "/v1/contract-pricing/rate-cards/addRates", {"rate_card_id": self.rate_card_id, "rates": [
            {"product_id": API_CALLS_PRODUCT, "entitled": True, "rate_type": "FLAT", "price": 2,
             "starting_at": "2026-01-01T00:00:00Z"},
            {"product_id": TOKENS_PRODUCT, "entitled": True, "rate_type": "FLAT", "price": 1,
             "starting_at": "2026-01-01T00:00:00Z"},
        ]})
        ok("POST", "/v1/contract-pricing/rate-cards/updateNamedSchedule", {
            "rate_card_id": self.rate_card_id, "schedule_name": "plan", "starting_at": "2026-01-01T00:00:00Z",
            "value": "basic"})

        self.contract_id = ok("POST", "/v1/contracts/create", {
            "customer_id": cid, "starting_at": "2026-01-01T00:00:00Z", "ending_before": CONTRACT_END,
            "rate_card_id": STANDARD_RATE_CARD, "name": "Seeded contract"})["data"]["id"]
        ok("POST", "/v1/contracts/updateNamedSchedule", {
            "customer_id": cid, "contract_id": self.contract_id, "schedule_name": "plan",
            "starting_at": "2026-01-01T00:00:00Z", "value": 1})
        self.commit_id = ok("POST", "/v1/contracts/customerCommits/create", {
            "customer_id": cid, "priority": 1, "product_id": COMMIT_PRODUCT, "type": "PREPAID", "name": "Seeded commit",
            "access_schedule": {"schedule_items": [
                {"amount": 1000, "starting_at": "2026-01-01T00:00:00Z", "ending_before": "2026-07-01T00:00:00Z"}]},
            "invoice_schedule": {"schedule_items": [{"timestamp": "2026-01-01T00:00:00Z", "amount": 900}]}})["data"]["id"]
        self.commit_segment_id = ok("POST", "/v1/contracts/customerCommits/list", {
            "customer_id": cid, "commit_id": self.commit_id})["data"][0]["access_schedule"]["schedule_items"][0]["id"]
        self.credit_id = ok("POST", "/v1/contracts/customerCredits/create", {
            "customer_id": cid, "priority": 2, "product_id": COMMIT_PRODUCT, "name": "Seeded credit",
            "access_schedule": {"schedule_items": [
                {"amount": 500, "starting_at": "2026-01-01T00:00:00Z", "ending_before": "2026-07-01T00:00:00Z"}]}})["data"]["id"]
        self.alert_id = ok("POST", "/v1/alerts/create", {
            "alert_type": "spend_threshold_reached", "name": "Seeded alert", "threshold": 100, "customer_id": cid,
            "credit_type_id": USD, "uniqueness_key": "seeded-alert"})["data"]["id"]
        # A webhook to a loopback port nothing listens on: its deliveries fail and are retried.
        self.webhook_id = ok("POST", "/_emulator/webhooks", {
            "url": "http://127.0.0.1:9/seeded", "secret": "seeded-secret"})["data"]["id"]
        self.notification_id = ok("GET", "/_emulator/notifications", params={"type": "invoice.finalized"})["data"][0]["id"]
        self.offset_notification_id = ok("POST", "/v2/notifications/create", {
            "name": "Seeded offset", "policy": {"type": "contract.start", "offset": "-P1D"}, "uniqueness_key": "seeded-offset"})["data"]["id"]
        self.archivable_offset_id = ok("POST", "/v2/notifications/create", {
            "name": "Seeded offset to archive", "policy": {"type": "contract.end", "offset": "P1D"}})["data"]["id"]
        self.credit_type_id = ok("POST", "/v1/credit-types/create", {"name": "Seeded unit"})["data"]["id"]
        self.package_id = ok("POST", "/v1/packages/create", {
            "name": "Seeded package", "contract_name": "Seeded package contract", "rate_card_id": STANDARD_RATE_CARD,
            "aliases": [{"name": "seeded-package"}], "duration": {"unit": "MONTHS", "value": 12}})["data"]["id"]
        package_customer = ok("POST", "/v1/customers", {"name": "On the seeded package"})["data"]["id"]
        ok("POST", "/v1/contracts/create", {
            "customer_id": package_customer, "starting_at": "2026-01-01T00:00:00Z", "package_id": self.package_id})
        self.delivery_method_id = ok("POST", "/v1/setUpBillingProvider", {
            "billing_provider": "aws_marketplace", "delivery_method": "direct_to_billing_provider",
            "configuration": {"aws_external_id": "seeded", "aws_iam_role_arn": "arn:aws:iam::seeded"}})["data"]["delivery_method_id"]
        subscriber = ok("POST", "/v1/customers", {"name": "Subscriber"})["data"]["id"]
        subscribed_contract = ok("POST", "/v1/contracts/create", {
            "customer_id": subscriber, "starting_at": "2026-01-01T00:00:00Z", "rate_card_id": STANDARD_RATE_CARD,
            "subscriptions": [{"collection_schedule": "ADVANCE", "initial_quantity": 2, "proration": {"is_prorated": False},
                               "subscription_rate": {"billing_frequency": "MONTHLY",
                                                     "product_id": "1c7a3d2f-6b2e-4d8f-a000-000000000004"}}]})["data"]["id"]
        subscription = ok("POST", "/v1/contracts/get", {
            "customer_id": subscriber, "contract_id": subscribed_contract})["data"]["subscriptions"][0]["id"]
        self.subscribed = (subscriber, subscribed_contract, subscription)
        # A contract on a card whose only metric groups by "project", so a usage filter may name it.
        project_metric = ok("POST", "/v1/billable-metrics/create", {
            "name": "Seeded by project", "aggregation_type": "COUNT", "event_type_filter": {"in_values": ["by_project"]},
            "group_keys": [["project"]]})["data"]["id"]
        project_product = ok("POST", "/v1/contract-pricing/products/create", {
            "name": "Seeded by project", "type": "USAGE", "billable_metric_id": project_metric})["data"]["id"]
        project_card = ok("POST", "/v1/contract-pricing/rate-cards/create", {"name": "Seeded by project"})["data"]["id"]
        ok("POST", "/v1/contract-pricing/rate-cards/addRate", {
            "rate_card_id": project_card, "product_id": project_product, "entitled": True, "rate_type": "FLAT", "price": 1,
            "starting_at": "2026-01-01T00:00:00Z"})
        self.filtered_contract_id = ok("POST", "/v1/contracts/create", {
            "customer_id": cid, "starting_at": "2026-01-01T00:00:00Z", "rate_card_id": project_card,
            "usage_filter": {"group_key": "project", "group_values": ["seeded"]}})["data"]["id"]
        consulted = ok("POST", "/v1/customers", {"name": "Consulted"})["data"]["id"]
        consulting = ok("POST", "/v1/contract-pricing/products/create", {
            "name": "Consulting", "type": "PROFESSIONAL_SERVICE"})["data"]["id"]
        consulted_contract = ok("POST", "/v1/contracts/create", {
            "customer_id": consulted, "starting_at": "2026-01-01T00:00:00Z", "rate_card_id": STANDARD_RATE_CARD,
            "professional_services": [
                {"product_id": consulting, "max_amount": 100000, "quantity": 10, "unit_price": 5000,
                 "description": "Onboarding", "custom_fields": {}}],
            "subscriptions": [{"collection_schedule": "ADVANCE", "proration": {"is_prorated": True},
                               "quantity_management_mode": "SEAT_BASED",
                               "seat_config": {"initial_seat_ids": ["seat-a", "seat-b"], "seat_group_key": "user_id"},
                               "subscription_rate": {"billing_frequency": "MONTHLY",
                                                     "product_id": "1c7a3d2f-6b2e-4d8f-a000-000000000004"}}]})["data"]["id"]
        consulted_view = ok("POST", "/v1/contracts/get", {"customer_id": consulted, "contract_id": consulted_contract})["data"]
        service = consulted_view["initial"]["professional_services"][0]["id"]
        self.pro_services = (consulted, consulted_contract, service)
        self.seated = (consulted, consulted_contract, consulted_view["subscriptions"][0]["id"])
        grant = {"customer_id": self.customer_id, "name": "Seeded grant", "priority": 1, "expires_at": "2027-01-01T00:00:00Z",
                 "grant_amount": {"amount": 1000, "credit_type_id": USD},
                 "paid_amount": {"amount": 0, "credit_type_id": USD}}
        self.credit_grant_id = ok("POST", "/v1/credits/createGrant", {**grant, "uniqueness_key": "seeded-grant"})["data"]["id"]
        self.voidable_grant_id = ok("POST", "/v1/credits/createGrant", {**grant, "name": "Seeded grant to void"})["data"]["id"]
        embed_url = ok("POST", "/v1/dashboards/getEmbeddableUrl", {"customer_id": cid, "dashboard": "commits_and_credits"})["data"]["url"]
        self.embed_token = embed_url.rsplit("/", 1)[-1]
        self.seed_memory()

    def seed_memory(self) -> None:
        """What the seeding keeps in memory only, outside the stored state a snapshot restores."""
        # A fault on a path no client uses, so that it never answers for a fuzzed request.
        self.fault_id = self._ok(
            "POST", "/_emulator/faults", {"method": "PATCH", "path": "/v1/never-served", "status": 418})["data"]["id"]

    def path_values(self) -> Dict[str, List[str]]:
        """Real values for each path parameter: the first is the one a valid request uses."""
        return {
            "customer_id": [self.customer_id, self.archived_id],
            "billing_provider_type": ["stripe", "aws_marketplace"],
            "invoice_id": [self.finalized_invoice_id, self.draft_invoice_id],
            "customer_plan_id": [self.customer_plan_id],
            "plan_id": [GROWTH_PLAN],
            "billable_metric_id": [self.metric_id, API_CALLS_METRIC],
            "webhook_id": [self.webhook_id],
            "notification_id": [self.notification_id],
            "fault_id": [self.fault_id],
            "name": ["no-such-namespace"],
            "token": [self.embed_token],
            "file": ["console.js", "console.css"],
        }

    def fill(self, template: str) -> str:
        values = self.path_values()
        return re.sub(r"\{([^}]+)\}", lambda m: values[m.group(1)][0], template)

    def _pages(self, method: str, path: str, body: Any = None, params: Optional[Dict[str, Any]] = None,
               token_field: str = "next_page", in_body: bool = False) -> List[Any]:
        rows: List[Any] = []
        cursor = None
        while True:
            query = dict(params or {})
            payload = dict(body) if body is not None else None
            if cursor and in_body:
                payload[token_field] = cursor
            elif cursor:
                query[token_field] = cursor
            r = self.http.request(method, path, params=query, json=payload)
            assert r.status_code == 200, f"snapshot: {method} {path}: {r.status_code} {r.text}"
            page = r.json()
            rows.extend(page["data"])
            cursor = page.get(token_field)
            if not cursor:
                return rows

    def _reads(self) -> Dict[str, Callable[[], Any]]:
        """Each part of the state, by a name for failure messages."""
        h = self.http
        cid = self.customer_id
        pages = self._pages

        def answer(method: str, path: str, body: Any = None) -> Any:
            r = h.request(method, path, json=body)
            return r.status_code, r.json()


        def credit_grants() -> Any:
            # Without a current billing period a grant's balance is as of the moment asked, which a
            # running clock moves on its own.
            grants = pages("POST", "/v1/credits/listGrants", body={})
            return [{**g, "balance": {k: v for k, v in g["balance"].items() if k != "effective_at"}} for g in grants]

        reads: Dict[str, Callable[[], Any]] = {
            "clock": self.clock,
            "credit types": lambda: pages("GET", "/v1/credit-types/list"),
            "custom field keys": lambda: pages("POST", "/v1/customFields/listKeys", body={}),
            "customer plans": lambda: pages("GET", f"/v1/customers/{cid}/plans"),
            "invoices": lambda: pages("GET", f"/v1/customers/{cid}/invoices"),
            "events": lambda: answer("POST", "/v1/events/search", {"transactionIds": ["seed-tx", FUZZ_TX]}),
            "metrics": lambda: pages("GET", "/v1/billable-metrics", params={"include_archived": "true"}),
            "products": lambda: pages("POST", "/v1/contract-pricing/products/list", body={"archive_filter": "ALL"}),
            "rate cards": lambda: pages("POST", "/v1/contract-pricing/rate-cards/list", body={}),
            "contracts": lambda: pages("POST", "/v1/contracts/list", body={"customer_id": cid, "include_archived": True},
                                       token_field="cursor", in_body=True),
            "webhooks": lambda: pages("GET", "/_emulator/webhooks"),
            "notification_configs": lambda: pages("POST", "/v2/notifications/offset/list", body={"archive_filter": "ALL"},
                                                  token_field="cursor", in_body=True),
            "system_notifications": lambda: self.http.post("/v2/notifications/system/list", json={}).json()["data"],
            "packages": lambda: pages("POST", "/v1/packages/list", body={"archive_filter": "ALL"}),
            "credit grants": credit_grants,
            "contracts on package": lambda: pages("POST", "/v1/packages/listContractsOnPackage",
                                                  body={"package_id": self.package_id, "include_archived": True}),
            "billing providers": lambda: pages("POST", "/v1/listConfiguredBillingProviders", body={}, in_body=True),
            "alerts": lambda: pages("POST", "/v1/customer-alerts/list",
                                    body={"customer_id": cid, "alert_statuses": ["ENABLED", "DISABLED", "ARCHIVED"]}),
        }
        for archived in ("false", "true"):
            reads[f"customers only_archived={archived}"] = functools.partial(
                pages, "GET", "/v1/customers", params={"limit": 100, "only_archived": archived})
        for customer in (cid, self.archived_id):
            reads[f"configurations {customer}"] = functools.partial(
                answer, "POST", "/v1/getCustomerBillingProviderConfigurations",
                {"customer_id": customer, "include_archived": True})
        for provider in ("stripe", "aws_marketplace"):
            reads[f"billing-config {provider}"] = functools.partial(
                answer, "GET", f"/v1/customers/{cid}/billing-config/{provider}")
        owners = [
            ("customers", {"customer_id": cid}),
            ("contracts", {"customer_id": cid, "contract_id": self.contract_id}),
            ("contract-pricing/rate-cards", {"rate_card_id": self.rate_card_id}),
        ]
        for kind, owner in owners:
            reads[f"schedule {kind}"] = functools.partial(
                answer, "POST", f"/v1/{kind}/getNamedSchedule", {**owner, "schedule_name": "plan"})
        for card in (STANDARD_RATE_CARD, self.rate_card_id):
            reads[f"rates {card}"] = functools.partial(
                pages, "POST", "/v1/contract-pricing/rate-cards/getRateSchedule",
                body={"rate_card_id": card, "starting_at": "2000-01-01T00:00:00Z"})
        for kind in ("customerCommits", "customerCredits"):
            reads[kind] = functools.partial(
                pages, "POST", f"/v1/contracts/{kind}/list", body={"customer_id": cid, "include_archived": True},
                in_body=True)
        return reads

    def snapshot(self) -> Dict[str, Any]:
        """The state as the API shows it: what each read answers."""
        reads = self._reads()
        futures = {name: SNAPSHOT_POOL.submit(read) for name, read in reads.items()}
        return {name: future.result() for name, future in futures.items()}

    def clock(self) -> Any:
        now = self.http.get("/_emulator/clock").json()
        return now if now["frozen"] else {"frozen": False}  # the wall clock moves on its own

    def stored_state(self, settled: bool = False) -> Dict[str, Any]:
        """The state as stored: every table of the namespace's snapshot, row by row, and what the
        control plane holds only in memory. Much cheaper than `snapshot`, so the fuzz test takes it
        after every rejected request. With `settled`, once the webhook loop has queued the
        deliveries of every notification: it does so on its own, just after the request that made
        them, so a baseline taken before would see it as a change."""
        deadline = time.monotonic() + 5
        while True:
            r = self.http.get("/_emulator/snapshot")
            assert r.status_code == 200, f"snapshot: GET /_emulator/snapshot: {r.status_code} {r.text[:300]}"
            db = sqlite3.connect(":memory:")
            db.deserialize(r.content)
            waiting = settled and db.execute("SELECT EXISTS (SELECT 1 FROM notification WHERE fanned_out = 0)").fetchone()[0]
            if not waiting or time.monotonic() > deadline:
                break
            db.close()
            time.sleep(0.02)
        try:
            tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            state: Dict[str, Any] = {}
            for table in tables:
                columns = [row[1] for row in db.execute(f'PRAGMA table_info("{table}")')]
                kept = [c for c in columns if c not in MOVES_ON_ITS_OWN.get(table, ())]
                listed = ", ".join(f'"{c}"' for c in kept)
                rows = db.execute(f'SELECT {listed} FROM "{table}"').fetchall()
                if table == "sqlite_sequence":  # the audit log's own count grows with it
                    rows = [row for row in rows if row[0] != "audit_log"]
                state[table] = sorted(rows, key=repr)
        finally:
            db.close()
        state["/_emulator/clock"] = self.clock()
        r = self.http.get("/_emulator/namespaces")
        assert r.status_code == 200, f"snapshot: GET /_emulator/namespaces: {r.status_code} {r.text[:300]}"
        state["/_emulator/namespaces"] = r.json()
        for namespace in state["/_emulator/namespaces"]["data"]:
            del namespace["bytes"]  # the audit log grows the file
        return state


# Columns that change with no request at all: webhook deliveries are retried on the wall clock.
MOVES_ON_ITS_OWN: Dict[str, Tuple[str, ...]] = {
    "notification_delivery": ("state", "attempts", "last_status", "last_error", "next_attempt_at", "delivered_at"),
}


def changed_besides_failure_audits(before: Dict[str, Any], after: Dict[str, Any]) -> List[str]:
    """The parts of the stored state a rejected request changed. It may add audit log entries,
    each a failure (Metronome audits refused requests too), and nothing else."""
    changed = sorted(k for k in set(after) | set(before)
                     if k != "audit_log" and after.get(k) != before.get(k))
    old = set(before.get("audit_log", []))
    added = [row for row in after.get("audit_log", []) if row not in old]
    if len(added) != len(after.get("audit_log", [])) - len(old) or any("failure" not in row for row in added):
        changed.append("audit_log")
    return changed


SNAPSHOT_POOL = concurrent.futures.ThreadPoolExecutor(max_workers=8)


# --------------------------------------------------------------------------------------
# What each route gets
# --------------------------------------------------------------------------------------

NO_BODY = None


def valid_requests(w: World) -> Dict[Tuple[str, str], Tuple[Dict[str, str], Any]]:
    """Every route the fuzzer covers, each with a valid (query, body) to mutate: NO_BODY for
    routes that take none. A route the router serves that is missing here fails
    test_every_registered_route_is_fuzzed."""
    cid = w.customer_id
    at = "2026-03-01T00:00:00Z"
    commit = {
        "product_id": COMMIT_PRODUCT, "type": "PREPAID", "name": "Fuzzed commit", "priority": 1,
        "applicable_product_ids": [API_CALLS_PRODUCT], "custom_fields": {},
        "access_schedule": {"credit_type_id": USD, "schedule_items": [
            {"amount": 1000, "starting_at": "2026-01-01T00:00:00Z", "ending_before": "2026-04-01T00:00:00Z"}]},
        "invoice_schedule": {"schedule_items": [{"timestamp": "2026-01-01T00:00:00Z", "quantity": 2, "unit_price": 450}]},
    }
    credit = {
        "product_id": COMMIT_PRODUCT, "name": "Fuzzed credit", "priority": 2,
        "access_schedule": {"schedule_items": [
            {"amount": 300, "starting_at": "2026-01-01T00:00:00Z", "ending_before": "2026-04-01T00:00:00Z"}]},
    }
    rate = {"product_id": API_CALLS_PRODUCT, "entitled": True, "rate_type": "TIERED", "starting_at": "2026-04-01T00:00:00Z",
            "ending_before": "2026-05-01T00:00:00Z", "tiers": [{"price": 3, "size": 100}, {"price": 1}]}
    return {
        # Control plane (reset has its own test below)
        ("GET", "/_emulator/health"): ({}, NO_BODY),
        ("GET", "/_emulator/clock"): ({}, NO_BODY),
        ("POST", "/_emulator/clock"): ({}, {"now": "2026-04-01T00:00:00Z"}),
        ("POST", "/_emulator/clock/advance"): ({}, {"by": "PT1H"}),
        ("GET", "/_emulator/namespaces"): ({}, NO_BODY),
        ("GET", "/_emulator/customers"): ({"search": "a", "limit": "10"}, NO_BODY),
        ("GET", "/_emulator/counts"): ({}, NO_BODY),
        ("GET", "/_emulator/ui/embed/{token}/data"): ({}, NO_BODY),
        # Embeddable dashboards
        ("POST", "/v1/dashboards/getEmbeddableUrl"): ({}, {
            "customer_id": cid, "dashboard": "invoices", "color_overrides": [{"name": "Primary_medium", "value": "#ff0000"}],
            "dashboard_options": [{"key": "invoice_status_filter", "value": "ALL"},
                                  {"key": "show_zero_usage_line_items", "value": "true"}]}),
        ("POST", "/_emulator/webhooks"): ({}, {
            "url": "http://127.0.0.1:9/fuzzed", "secret": "fuzzed-secret", "event_types": ["invoice.finalized"]}),
        ("GET", "/_emulator/webhooks"): ({}, NO_BODY),
        ("DELETE", "/_emulator/webhooks/{webhook_id}"): ({}, NO_BODY),
        ("GET", "/_emulator/notifications"): ({
            "limit": "10", "type": "invoice.finalized", "customer_id": cid, "since": "2026-01-01T00:00:00Z"}, NO_BODY),
        ("POST", "/_emulator/notifications/{notification_id}/redeliver"): ({}, {}),
        ("GET", "/_emulator/requests"): ({
            "limit": "10", "method": "POST", "path": "/v1/customers", "status": "200", "since": "2026-01-01T00:00:00Z"}, NO_BODY),
        ("DELETE", "/_emulator/requests"): ({}, NO_BODY),
        ("POST", "/_emulator/faults"): ({}, {
            "method": "PATCH", "path": "/v1/never-served/*", "status": 418, "headers": {"Retry-After": "0"},
            "body": "fuzzed", "delay_ms": 0, "times": 1, "probability": 0.5, "seed": 7}),
        ("GET", "/_emulator/faults"): ({}, NO_BODY),
        ("DELETE", "/_emulator/faults/{fault_id}"): ({}, NO_BODY),
        ("DELETE", "/_emulator/faults"): ({}, NO_BODY),
        # Customers
        ("GET", "/v1/customers"): ({"limit": "10", "only_archived": "false", "ingest_alias": "seed-alias"}, NO_BODY),
        ("POST", "/v1/customers"): ({}, {
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
            "customer_revenue_system_configurations": [
                {"provider": "netsuite", "delivery_method": "direct_to_billing_provider",
                 "configuration": {"netsuite_customer_id": "42"}}
            ],
        }),
        ("GET", "/v1/customers/{customer_id}"): ({}, NO_BODY),
        ("POST", "/v1/customers/archive"): ({}, {"id": cid}),
        ("POST", "/v1/customers/{customer_id}/setName"): ({}, {"name": "Renamed"}),
        ("POST", "/v1/customers/{customer_id}/setIngestAliases"): ({}, {"ingest_aliases": ["seed-alias", "other"]}),
        ("POST", "/v1/customers/{customer_id}/updateConfig"): ({}, {"salesforce_account_id": "sf-1",
                                                                    "leave_stripe_invoices_in_draft": True}),
        # Billing configurations
        ("GET", "/v1/customers/{customer_id}/billing-config/{billing_provider_type}"): ({}, NO_BODY),
        ("DELETE", "/v1/customers/{customer_id}/billing-config/{billing_provider_type}"): ({}, NO_BODY),
        ("POST", "/v1/customers/{customer_id}/billing-config/{billing_provider_type}"): ({}, {
            "billing_provider_customer_id": "cus_2", "stripe_collection_method": "send_invoice",
            "aws_region": "us-east-1", "aws_is_subscription_product": False,
        }),
        ("POST", "/v1/setCustomerBillingProviderConfigurations"): ({}, {
            "data": [{"customer_id": cid, "billing_provider": "stripe", "delivery_method": "direct_to_billing_provider",
                      "configuration": {"a": [1, {"b": None}]}, "tax_provider": "avalara"}]
        }),
        ("POST", "/v1/getCustomerBillingProviderConfigurations"): ({}, {"customer_id": cid, "include_archived": True}),
        ("POST", "/v1/archiveCustomerBillingProviderConfigurations"): ({}, {
            "customer_id": cid, "customer_billing_provider_configuration_ids": [w.configuration_id]}),
        # Named schedules
        ("POST", "/v1/customers/getNamedSchedule"): ({}, {"customer_id": cid, "schedule_name": "plan",
                                                          "covering_date": "2026-02-01T00:00:00Z"}),
        ("POST", "/v1/customers/updateNamedSchedule"): ({}, {
            "customer_id": cid, "schedule_name": "plan", "starting_at": "2026-02-01T00:00:00Z",
            "ending_before": "2026-03-01T00:00:00Z", "value": {"tier": 2}}),
        ("POST", "/v1/contracts/getNamedSchedule"): ({}, {"customer_id": cid, "contract_id": w.contract_id,
                                                          "schedule_name": "plan", "covering_date": at}),
        ("POST", "/v1/contracts/updateNamedSchedule"): ({}, {
            "customer_id": cid, "contract_id": w.contract_id, "schedule_name": "plan",
            "starting_at": "2026-02-01T00:00:00Z", "ending_before": "2026-03-01T00:00:00Z", "value": [1, "two"]}),
        ("POST", "/v1/contract-pricing/rate-cards/getNamedSchedule"): ({}, {
            "rate_card_id": w.rate_card_id, "schedule_name": "plan", "covering_date": at}),
        ("POST", "/v1/contract-pricing/rate-cards/updateNamedSchedule"): ({}, {
            "rate_card_id": w.rate_card_id, "schedule_name": "plan", "starting_at": "2026-02-01T00:00:00Z",
            "value": {"nested": {"x": None}}}),
        # Custom fields
        ("POST", "/v1/customFields/addKey"): ({}, {"entity": "contract", "key": "fuzzed", "enforce_uniqueness": True}),
        ("POST", "/v1/customFields/listKeys"): ({}, {"entities": ["customer", "contract"]}),
        ("POST", "/v1/customFields/removeKey"): ({}, {"entity": "customer", "key": "seeded"}),
        ("POST", "/v1/customFields/setValues"): ({}, {"entity": "customer", "entity_id": cid,
                                                      "custom_fields": {"seeded": "w"}}),
        ("POST", "/v1/customFields/deleteValues"): ({}, {"entity": "customer", "entity_id": cid, "keys": ["seeded"]}),
        # Credit types (pricing units)
        ("GET", "/v1/credit-types/list"): ({"limit": "10"}, NO_BODY),
        ("POST", "/v1/credit-types/create"): ({}, {"name": "Fuzzed unit"}),
        ("POST", "/v1/credit-types/archive"): ({}, {"id": w.credit_type_id}),
        # Services and settings
        ("GET", "/v1/services"): ({}, NO_BODY),
        ("POST", "/v1/setUpBillingProvider"): ({}, {
            "billing_provider": "azure_marketplace", "delivery_method": "aws_sqs",
            "configuration": {"region": "us-east-1", "nested": {"list": [1, "two", None]}}}),
        ("POST", "/v1/listConfiguredBillingProviders"): ({}, {}),
        ("POST", "/v1/upsertAvalaraCredentials"): ({}, {
            "avalara_environment": "SANDBOX", "avalara_username": "fuzz", "avalara_password": "fuzz-pass",
            "delivery_method_ids": [w.delivery_method_id], "commit_transactions": True}),
        # Credit grants
        ("POST", "/v1/credits/createGrant"): ({}, {
            "customer_id": w.customer_id, "name": "Fuzzed grant", "priority": 2.5, "effective_at": "2026-01-01T00:00:00Z",
            "expires_at": "2026-12-01T00:00:00Z", "grant_amount": {"amount": 500, "credit_type_id": USD},
            "paid_amount": {"amount": 250, "credit_type_id": USD}, "credit_grant_type": "trial", "reason": "fuzz",
            "custom_fields": {"k": "v"}, "uniqueness_key": "fuzzed-grant"}),
        ("POST", "/v1/credits/editGrant"): ({}, {
            "id": w.credit_grant_id, "name": "Renamed grant", "expires_at": "2027-02-01T00:00:00Z", "credit_grant_type": "paid"}),
        ("POST", "/v1/credits/voidGrant"): ({}, {
            "id": w.voidable_grant_id, "release_uniqueness_key": True, "void_credit_purchase_invoice": False}),
        ("POST", "/v1/credits/listGrants"): ({"limit": "10"}, {
            "customer_ids": [w.customer_id], "credit_type_ids": [USD], "effective_before": "2027-01-01T00:00:00Z",
            "not_expiring_before": "2026-01-01T00:00:00Z"}),
        ("POST", "/v1/credits/listEntries"): ({"sort": "desc"}, {
            "customer_ids": [w.customer_id], "credit_type_ids": [USD], "starting_on": "2025-01-01T00:00:00Z"}),
        # Packages
        ("POST", "/v1/packages/create"): ({}, {
            "name": "Fuzzed package", "contract_name": "Fuzzed contract", "rate_card_alias": "seeded-card",
            "aliases": [{"name": "fuzzed-package", "starting_at": "2026-01-01T00:00:00Z", "ending_before": "2027-01-01T00:00:00Z"}],
            "duration": {"unit": "WEEKS", "value": 6}, "net_payment_terms_days": 30,
            "usage_statement_schedule": {"frequency": "QUARTERLY", "day": "CONTRACT_START"},
            "uniqueness_key": "fuzzed-package", "commits": []}),
        ("POST", "/v1/packages/get"): ({}, {"package_id": w.package_id}),
        ("POST", "/v1/packages/list"): ({"limit": "10"}, {"archive_filter": "ALL"}),
        ("POST", "/v1/packages/archive"): ({}, {"package_id": w.package_id}),
        ("POST", "/v1/packages/listContractsOnPackage"): ({"limit": "10"}, {
            "package_id": w.package_id, "covering_date": at, "include_archived": True}),
        # Billable metrics
        ("GET", "/v1/billable-metrics"): ({"include_archived": "true", "limit": "10"}, NO_BODY),
        ("GET", "/v1/billable-metrics/{billable_metric_id}"): ({}, NO_BODY),
        ("GET", "/v1/customers/{customer_id}/billable-metrics"): ({"on_current_plan": "true", "limit": "10"}, NO_BODY),
        ("POST", "/v1/billable-metrics/create"): ({}, {
            "name": "Fuzzed metric", "aggregation_type": "MAX", "aggregation_key": "n",
            "event_type_filter": {"in_values": ["api_call"], "not_in_values": ["other"]},
            "property_filters": [{"name": "n", "exists": True}, {"name": "region", "in_values": ["eu", "us"]}],
            "group_keys": [["region"]], "custom_fields": {"team": "core"}}),
        ("PUT", "/v1/billable-metrics/{billable_metric_id}"): ({}, {"name": "Renamed metric"}),
        ("POST", "/v1/billable-metrics/archive"): ({}, {"id": w.metric_id}),
        # Usage
        ("POST", "/v1/ingest"): ({}, [{
            "transaction_id": FUZZ_TX, "customer_id": cid, "event_type": "api_call",
            "timestamp": "2026-03-15T11:00:00Z", "properties": {"n": 2, "region": "eu", "endpoint": "/x"}}]),
        ("POST", "/v1/events/search"): ({}, {"transactionIds": ["seed-tx", FUZZ_TX]}),
        ("POST", "/v1/usage"): ({}, {
            "starting_on": "2026-01-01T00:00:00Z", "ending_before": at, "window_size": "DAY", "customer_ids": [cid],
            "billable_metrics": [{"id": w.metric_id, "group_by": {"key": "region", "values": ["eu"]}}]}),
        ("POST", "/v1/usage/groups"): ({"limit": "10"}, {
            "billable_metric_id": w.metric_id, "customer_id": cid, "window_size": "DAY",
            "starting_on": "2026-01-01T00:00:00Z", "ending_before": at, "group_key": ["region"],
            "group_filters": {"region": ["eu"]}}),
        # Plans
        ("GET", "/v1/plans"): ({"limit": "10"}, NO_BODY),
        ("GET", "/v1/planDetails/{plan_id}"): ({}, NO_BODY),
        ("GET", "/v1/planDetails/{plan_id}/charges"): ({"limit": "10"}, NO_BODY),
        ("GET", "/v1/planDetails/{plan_id}/customers"): ({"status": "all", "limit": "10"}, NO_BODY),
        ("GET", "/v1/customers/{customer_id}/plans"): ({"limit": "10"}, NO_BODY),
        ("GET", "/v1/customers/{customer_id}/plans/{customer_plan_id}/priceAdjustments"): ({"limit": "10"}, NO_BODY),
        ("POST", "/v1/customers/{customer_id}/plans/add"): ({}, {
            "plan_id": GROWTH_PLAN, "starting_on": PLAN_END, "ending_before": "2026-09-01T00:00:00Z",
            "net_payment_terms_days": 30, "trial_spec": {"length_in_days": 10,
                                                         "spending_cap": {"amount": 20, "credit_type_id": USD}},
            "price_adjustments": [{"charge_id": GROWTH_FIXED_CHARGE, "adjustment_type": "fixed", "value": 100,
                                   "start_period": 1}]}),
        ("POST", "/v1/customers/{customer_id}/plans/{customer_plan_id}/end"): ({}, {
            "ending_before": "2026-05-01T00:00:00Z", "void_invoices": False, "void_stripe_invoices": False}),
        # Invoices
        ("GET", "/v1/customers/{customer_id}/invoices"): ({
            "status": "DRAFT", "sort": "date_desc", "starting_on": "2026-01-01T00:00:00Z",
            "ending_before": "2026-06-01T00:00:00Z", "skip_zero_qty_line_items": "true", "limit": "10"}, NO_BODY),
        ("GET", "/v1/customers/{customer_id}/invoices/breakdowns"): ({
            "starting_on": "2026-01-01T00:00:00Z", "ending_before": at, "window_size": "DAY", "limit": "10"}, NO_BODY),
        ("GET", "/v1/customers/{customer_id}/invoices/{invoice_id}"): ({"skip_zero_qty_line_items": "false"}, NO_BODY),
        ("GET", "/v1/customers/{customer_id}/invoices/{invoice_id}/pdf"): ({}, NO_BODY),
        ("GET", "/v1/customers/{customer_id}/costs"): ({
            "starting_on": "2026-01-01T00:00:00Z", "ending_before": at, "limit": "10"}, NO_BODY),
        ("POST", "/v1/customers/{customer_id}/addCharge"): ({}, {
            "charge_id": GROWTH_FIXED_CHARGE, "customer_plan_id": w.customer_plan_id, "description": "Fuzzed charge",
            "invoice_start_timestamp": at, "price": 250, "quantity": 2}),
        ("POST", "/v1/customers/{customer_id}/previewEvents"): ({}, {
            "mode": "merge", "skip_zero_qty_line_items": True, "events": [
                {"event_type": "api_call", "timestamp": "2026-03-10T00:00:00Z", "transaction_id": "preview-1",
                 "properties": {"endpoint": "/p"}}]}),
        ("POST", "/v1/invoices/void"): ({}, {"id": w.finalized_invoice_id}),
        ("POST", "/v1/invoices/regenerate"): ({}, {"id": w.void_invoice_id}),
        # Products
        ("POST", "/v1/contract-pricing/products/create"): ({}, {
            "name": "Fuzzed product", "type": "USAGE", "billable_metric_id": API_CALLS_METRIC, "tags": ["a"],
            "pricing_group_key": ["endpoint"], "presentation_group_key": ["endpoint"], "is_refundable": True,
            "quantity_conversion": {"conversion_factor": 2, "operation": "MULTIPLY"},
            "quantity_rounding": {"decimal_places": 2, "rounding_method": "ROUND_UP"}, "custom_fields": {}}),
        ("POST", "/v1/contract-pricing/products/get"): ({}, {"id": w.product_id}),
        ("POST", "/v1/contract-pricing/products/update"): ({}, {
            "product_id": w.product_id, "starting_at": "2026-04-01T00:00:00Z", "name": "Renamed product",
            "tags": ["b"]}),
        ("POST", "/v1/contract-pricing/products/list"): ({"limit": "10"}, {"archive_filter": "ALL"}),
        ("POST", "/v1/contract-pricing/products/archive"): ({}, {"product_id": w.product_id}),
        # Rate cards
        ("POST", "/v1/contract-pricing/rate-cards/create"): ({}, {
            "name": "Fuzzed card", "description": "d", "aliases": [{"name": "fuzzed-card", "starting_at": at}],
            "fiat_credit_type_id": USD, "custom_fields": {}}),
        ("POST", "/v1/contract-pricing/rate-cards/get"): ({}, {"id": w.rate_card_id}),
        ("POST", "/v1/contract-pricing/rate-cards/update"): ({}, {
            "rate_card_id": w.rate_card_id, "name": "Renamed card", "description": "e",
            "aliases": [{"name": "renamed-card"}]}),
        ("POST", "/v1/contract-pricing/rate-cards/list"): ({"limit": "10"}, {}),
        ("POST", "/v1/contract-pricing/rate-cards/archive"): ({}, {"id": w.rate_card_id}),
        ("POST", "/v1/contract-pricing/rate-cards/addRate"): ({}, {"rate_card_id": w.rate_card_id, **rate}),
        ("POST", "/v1/contract-pricing/rate-cards/addRates"): ({}, {"rate_card_id": w.rate_card_id, "rates": [
            rate, {"product_id": SEAT_PRODUCT, "entitled": False, "rate_type": "SUBSCRIPTION", "price": 500,
                   "quantity": 1, "billing_frequency": "MONTHLY", "is_prorated": True,
                   "starting_at": "2026-04-01T00:00:00Z"}]}),
        ("POST", "/v1/contract-pricing/rate-cards/getRates"): ({"limit": "10"}, {
            "rate_card_id": STANDARD_RATE_CARD, "at": at, "selectors": [{"product_id": API_CALLS_PRODUCT}]}),
        ("POST", "/v1/contract-pricing/rate-cards/getRateSchedule"): ({"limit": "10"}, {
            "rate_card_id": STANDARD_RATE_CARD, "starting_at": "2026-01-01T00:00:00Z", "ending_before": at,
            "selectors": [{"product_id": TOKENS_PRODUCT}, {"billing_frequency": "MONTHLY"}]}),
        ("POST", "/v1/contract-pricing/rate-cards/setRateCardProductsOrder"): ({}, {
            "rate_card_id": w.rate_card_id, "product_order": [TOKENS_PRODUCT, API_CALLS_PRODUCT]}),
        ("POST", "/v1/contract-pricing/rate-cards/moveRateCardProducts"): ({}, {
            "rate_card_id": w.rate_card_id, "product_moves": [{"product_id": TOKENS_PRODUCT, "position": 0}]}),
        # Contracts
        ("POST", "/v1/contracts/create"): ({}, {
            "customer_id": cid, "starting_at": "2026-01-01T00:00:00Z", "ending_before": "2026-12-01T00:00:00Z",
            "name": "Fuzzed contract", "rate_card_id": STANDARD_RATE_CARD, "net_payment_terms_days": 15,
            "usage_statement_schedule": {"frequency": "MONTHLY", "day": "FIRST_OF_MONTH"},
            "commits": [commit], "credits": [credit],
            "scheduled_charges": [{"product_id": COMMIT_PRODUCT, "name": "Setup", "schedule": {
                "schedule_items": [{"timestamp": "2026-02-01T00:00:00Z", "quantity": 1, "unit_price": 150}]}}],
            "overrides": [{"starting_at": "2026-01-01T00:00:00Z", "product_id": API_CALLS_PRODUCT, "type": "MULTIPLIER",
                           "multiplier": 0.5}],
            "custom_fields": {}, "uniqueness_key": "fuzzed-contract"}),
        ("POST", "/v1/contracts/get"): ({}, {"customer_id": cid, "contract_id": w.contract_id}),
        ("POST", "/v1/contracts/list"): ({}, {"customer_id": cid, "covering_date": at, "include_archived": True,
                                              "limit": 10}),
        ("POST", "/v1/contracts/archive"): ({}, {"customer_id": cid, "contract_id": w.contract_id,
                                                 "void_invoices": False}),
        ("POST", "/v1/contracts/updateEndDate"): ({}, {"customer_id": cid, "contract_id": w.contract_id,
                                                       "ending_before": "2026-11-01T00:00:00Z"}),
        ("POST", "/v1/contracts/addManualBalanceLedgerEntry"): ({}, {
            "id": w.commit_id, "customer_id": cid, "segment_id": w.commit_segment_id,
            "amount": -1.5, "reason": "Fuzzed adjustment", "timestamp": "2026-02-01T00:00:00Z", "uniqueness_key": "fuzzed-adj"}),
        ("POST", "/v1/contracts/setUsageFilter"): ({}, {
            "customer_id": cid, "contract_id": w.filtered_contract_id, "group_key": "project", "group_values": ["fuzzed"],
            "starting_at": "2026-03-01T00:00:00Z"}),
        ("POST", "/v1/contracts/getSubscriptionQuantityHistory"): ({}, dict(zip(
            ("customer_id", "contract_id", "subscription_id"), w.subscribed))),
        ("POST", "/v1/contracts/scheduleProServicesInvoice"): ({}, {
            "customer_id": w.pro_services[0], "contract_id": w.pro_services[1], "issued_at": "2026-02-01T00:00:00Z",
            "line_items": [{"professional_service_id": w.pro_services[2], "quantity": 2, "unit_price": 4000,
                            "metadata": "fuzzed"}]}),
        ("POST", "/v1/contracts/getSubscriptionSeatsHistory"): ({}, {
            **dict(zip(("customer_id", "contract_id", "subscription_id"), w.seated)),
            "starting_at": "2026-01-01T00:00:00Z", "ending_before": "2026-06-01T00:00:00Z", "limit": 10}),
        ("POST", "/v1/contracts/seatBalances/list"): ({}, {
            "customer_id": w.seated[0], "contract_id": w.seated[1], "subscription_ids": [w.seated[2]],
            "seat_ids": ["seat-a", "seat-z"], "skip_missing_seat_ids": True, "include_credits_and_commits": True,
            "include_ledgers": True, "covering_date": at, "limit": 10}),
        ("POST", "/v1/contracts/createHistoricalInvoices"): ({}, {"preview": False, "invoices": [{
            "customer_id": cid, "contract_id": w.contract_id, "credit_type_id": USD,
            "inclusive_start_date": "2026-01-01T00:00:00Z", "exclusive_end_date": "2026-02-01T00:00:00Z",
            "issue_date": "2026-02-01T00:00:00Z", "billable_status": "billable", "custom_fields": {"source": "fuzz"},
            "usage_line_items": [{"product_id": API_CALLS_PRODUCT, "quantity": 12,
                                  "inclusive_start_date": "2026-01-01T00:00:00Z",
                                  "exclusive_end_date": "2026-02-01T00:00:00Z"}]}]}),
        ("POST", "/v1/contracts/getContractRateSchedule"): ({"limit": "10"}, {
            "customer_id": cid, "contract_id": w.contract_id, "at": at,
            "selectors": [{"product_id": API_CALLS_PRODUCT}]}),
        ("POST", "/v1/contracts/listNamedSchedules"): ({}, {
            "customer_id": cid, "contract_id": w.contract_id, "schedule_name": "plan", "covering_date": at,
            "limit": 10}),
        ("POST", "/v2/contracts/get"): ({}, {"customer_id": cid, "contract_id": w.contract_id,
                                             "include_balance": True, "include_ledgers": True}),
        ("POST", "/v2/contracts/list"): ({}, {"customer_id": cid, "covering_date": at, "include_archived": True,
                                              "include_balance": True, "include_ledgers": True, "limit": 10}),
        ("POST", "/v2/contracts/getEditHistory"): ({}, {"customer_id": cid, "contract_id": w.contract_id}),
        ("POST", "/v2/contracts/edit"): ({}, {
            "customer_id": cid, "contract_id": w.contract_id, "update_contract_name": "Fuzzed edit",
            "add_overrides": [{"starting_at": "2026-02-01T00:00:00Z", "product_id": API_CALLS_PRODUCT, "multiplier": 0.9}]}),
        ("POST", "/v2/contracts/commits/edit"): ({}, {
            "customer_id": cid, "commit_id": w.commit_id, "name": "Fuzzed commit edit", "priority": 3}),
        ("POST", "/v2/contracts/credits/edit"): ({}, {
            "customer_id": cid, "credit_id": w.credit_id, "name": "Fuzzed credit edit"}),
        ("POST", "/v1/contracts/amend"): ({}, {
            "customer_id": cid, "contract_id": w.contract_id, "starting_at": "2026-02-01T00:00:00Z",
            "overrides": [{"starting_at": "2026-02-01T00:00:00Z", "product_id": API_CALLS_PRODUCT, "multiplier": 0.8}]}),
        # Balances, commits and credits
        ("POST", "/v1/contracts/customerBalances/list"): ({}, {
            "customer_id": cid, "covering_date": at, "include_balance": True, "include_ledgers": True,
            "include_contract_balances": True, "limit": 10}),
        ("POST", "/v1/contracts/customerBalances/getNetBalance"): ({}, {
            "customer_id": cid, "credit_type_id": USD, "invoice_inclusion_mode": "FINALIZED_AND_DRAFT",
            "filters": [{"balance_types": ["PREPAID_COMMIT", "CREDIT"], "ids": [w.commit_id]}]}),
        ("POST", "/v1/contracts/customerCommits/create"): ({}, {"customer_id": cid, **commit}),
        ("POST", "/v1/contracts/customerCommits/list"): ({}, {
            "customer_id": cid, "include_archived": True, "include_balance": True, "include_ledgers": True,
            "include_contract_commits": True, "limit": 10}),
        ("POST", "/v1/contracts/customerCommits/updateEndDate"): ({}, {
            "customer_id": cid, "commit_id": w.commit_id, "access_ending_before": "2026-05-01T00:00:00Z"}),
        ("POST", "/v1/contracts/customerCredits/create"): ({}, {"customer_id": cid, **credit}),
        ("POST", "/v1/contracts/customerCredits/list"): ({}, {
            "customer_id": cid, "credit_id": w.credit_id, "include_balance": True, "limit": 10}),
        ("POST", "/v1/contracts/customerCredits/updateEndDate"): ({}, {
            "customer_id": cid, "credit_id": w.credit_id, "access_ending_before": "2026-05-01T00:00:00Z"}),
        # Alerts
        ("POST", "/v1/alerts/create"): ({}, {
            "alert_type": "usage_threshold_reached", "name": "Fuzzed alert", "threshold": 10, "customer_id": cid,
            "billable_metric_id": API_CALLS_METRIC, "group_values": [{"key": "endpoint", "value": "/x"}],
            "uniqueness_key": "fuzzed-alert", "evaluate_on_create": True}),
        ("POST", "/v1/alerts/archive"): ({}, {"id": w.alert_id, "release_uniqueness_key": True}),
        ("POST", "/v2/notifications/create"): ({}, {
            "name": "Fuzzed offset", "policy": {"type": "commit.segment.end", "offset": "-P7DT12H"}, "uniqueness_key": "fuzzed-offset"}),
        ("POST", "/v2/notifications/get"): ({}, {"id": w.offset_notification_id}),
        ("POST", "/v2/notifications/offset/list"): ({}, {"archive_filter": "ALL", "limit": 10}),
        ("POST", "/v2/notifications/edit"): ({}, {"id": w.offset_notification_id, "policy": {"type": "contract.start", "offset": "-P2D"}}),
        ("POST", "/v2/notifications/archive"): ({}, {"id": w.archivable_offset_id}),
        ("POST", "/v2/notifications/system/list"): ({}, {}),
        ("GET", "/v1/auditLogs"): ({"limit": "5", "sort": "date_desc"}, NO_BODY),
        ("POST", "/v1/customer-alerts/list"): ({}, {"customer_id": cid, "alert_statuses": ["ENABLED", "ARCHIVED"]}),
        ("POST", "/v1/customer-alerts/get"): ({}, {"customer_id": cid, "alert_id": w.alert_id}),
        ("POST", "/v1/customer-alerts/reset"): ({}, {"customer_id": cid, "alert_id": w.alert_id}),
    }


FUZZED = list(valid_requests(World()))
# Covered by test_reset_takes_any_body: fuzzing it with the others would wipe the seeded world.
# Each has its own tests of bad input in test_namespaces.py (a snapshot body is an SQLite file).
# The console's pages and files answer HTML, JavaScript and CSS (and a redirect), not JSON: they
# are tested in test_console.py (a real browser) and ConsoleTests.swift.
FUZZED_ELSEWHERE = [("POST", "/_emulator/reset"), ("GET", "/_emulator/snapshot"), ("PUT", "/_emulator/snapshot"),
                    ("DELETE", "/_emulator/namespaces/{name}"),
                    ("GET", "/_emulator/ui"), ("GET", "/_emulator/ui/assets/{file}"), ("GET", "/_emulator/ui/embed/{token}")]


def path_strategy(template: str, world: World) -> st.SearchStrategy:
    """The path with each `{parameter}` a real value or a nasty one."""
    parts = template.split("/")
    values = world.path_values()

    @st.composite
    def build(draw: Callable) -> str:
        out = []
        for part in parts:
            if part.startswith("{"):
                out.append(draw(st.sampled_from(values[part[1:-1]] * 3 + PATH_SEGMENTS)))
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
        if r.content and r.headers.get("content-type") != "application/pdf":
            r.json()  # a 2xx with a body has a JSON body


def check_rejected(r: httpx.Response, what: str, status: int = 400) -> None:
    """`r` is a `status` with a JSON {"message": "..."} body."""
    assert r.status_code == status, f"{what}: expected {status}, got {r.status_code}: {r.text[:300]}"
    check_answer(r, what)


# The seeded world of each server, kept after its first seeding: its clock, its stored state and
# the IDs the seeding took note of. Restoring it is much faster than seeding again.
_SEEDED: Dict[str, Tuple[Any, bytes, Dict[str, Any]]] = {}


@pytest.fixture
def world(base_url: str):
    with httpx.Client(
        base_url=base_url, headers={"Authorization": "Bearer fuzz"}, timeout=REQUEST_TIMEOUT_S
    ) as http:
        w = World(http)
        if base_url not in _SEEDED:
            w.seed()
            noted = {name: value for name, value in vars(w).items() if name != "http"}
            _SEEDED[base_url] = (w.clock(), http.get("/_emulator/snapshot").content, copy.deepcopy(noted))
        else:
            clock, stored, noted = _SEEDED[base_url]
            # The clock first, so that nothing restored is settled at the wall clock's time.
            if clock.get("frozen"):
                assert http.post("/_emulator/clock", json={"now": clock["now"]}).status_code == 200
            r = http.put("/_emulator/snapshot", content=stored)
            assert r.status_code == 200, f"restoring the seeded world: {r.status_code} {r.text[:300]}"
            vars(w).update(copy.deepcopy(noted))
            w.seed_memory()
        yield w


def _route_id(route: Tuple[str, str]) -> str:
    return f"{route[0]} {route[1]}"


@pytest.mark.parametrize("method,template", FUZZED, ids=[_route_id(r) for r in FUZZED])
def test_valid_request_of_each_fuzzed_route_is_accepted(world: World, method: str, template: str):
    # The fuzzer mutates these requests; one the emulator refuses would leave its route
    # fuzzed with nothing but early rejections.
    query, body = valid_requests(world)[(method, template)]
    r = world.http.request(method, world.fill(template), params=query,
                           json=body if body is not NO_BODY else None)
    assert 200 <= r.status_code < 300, f"{method} {template}: {r.status_code} {r.text[:500]}"
    check_answer(r, f"{method} {template}")


@pytest.mark.parametrize("method,template", FUZZED, ids=[_route_id(r) for r in FUZZED])
def test_bad_input_is_a_clear_4xx_and_changes_nothing(world: World, method: str, template: str):
    valid_query, body_template = valid_requests(world)[(method, template)]
    takes_body = body_template is not NO_BODY
    # Every rejected request is checked against the stored state; the API's reads are compared
    # after each accepted change and at the end, when only rejected requests have come since.
    baseline = {"stored": world.stored_state(settled=True), "read": world.snapshot()}

    @FUZZ_SETTINGS
    @given(
        path=path_strategy(template, world),
        query=query_strategy(valid_query),
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
        if (method, template) == ("POST", "/_emulator/faults"):
            # A mutated rule may match every route: it must not answer for the state reads below.
            world.http.delete("/_emulator/faults")
        if r.status_code >= 400:
            changed = changed_besides_failure_audits(baseline["stored"], world.stored_state())
            assert not changed, f"{what}: rejected with {r.status_code} but the state changed: {changed}"
        elif method != "GET" or is_control_plane(template):
            baseline["stored"], baseline["read"] = world.stored_state(settled=True), world.snapshot()

    run()
    after = world.snapshot()
    changed = sorted(k for k in set(after) | set(baseline["read"]) if after.get(k) != baseline["read"].get(k))
    assert not changed, f"{method} {template}: requests refused since the last accepted one changed what reads answer: {changed}"
    health = world.http.get("/_emulator/health")
    assert health.status_code == 200


@FUZZ_SETTINGS
@given(body=body_strategy(None), query=query_strategy())
def test_reset_takes_any_body(base_url: str, body: bytes, query: str):
    r = httpx.post(base_url + "/_emulator/reset" + ("?" + query if query else ""), content=body,
                   timeout=REQUEST_TIMEOUT_S)
    check_answer(r, f"POST /_emulator/reset body={body[:100]!r}")


def test_every_registered_route_is_fuzzed():
    registered = set(built_routes())
    listed = set(FUZZED) | set(FUZZED_ELSEWHERE)
    missing, stale = registered - listed, listed - registered
    problems = []
    if missing:
        problems.append("routes the router serves that the fuzzer does not cover; add each to valid_requests() "
                        f"in test_fuzz.py:\n{route_lines(missing)}")
    if stale:
        problems.append(f"routes fuzzed that the router does not serve (or answers 501):\n{route_lines(stale)}")
    assert not problems, "\n".join(problems)
    no_body = [r for r in FUZZED if r[0] in ("POST", "PUT", "PATCH")
               and valid_requests(World())[r][1] is NO_BODY]
    assert not no_body, f"routes that take a body but have no body to mutate:\n{route_lines(no_body)}"
    values = World().path_values()
    unknown = sorted({p for _, t in FUZZED for p in re.findall(r"\{([^}]+)\}", t)} - set(values))
    assert not unknown, f"path parameters with no real value in World.path_values(): {unknown}"


TAMPERINGS = [
    ("a character appended", lambda c: c + "x"),
    ("two characters cut", lambda c: c[:-2]),
    ("upper-cased", lambda c: c.upper()),
    ("a character prepended", lambda c: "A" + c),
]

# Credit types come only from fixtures: three, so a page of one leaves a cursor.
PAGED_CREDIT_TYPES = [
    {"id": USD_CENTS_ID, "name": "USD (cents)", "is_currency": True},
    {"id": "7c1d0000-0000-4000-8000-000000000001", "name": "Credits", "is_currency": False},
    {"id": "7c1d0000-0000-4000-8000-000000000002", "name": "Tokens", "is_currency": False},
]
CURSOR_LISTS = ["/v1/customers", "/v1/credit-types/list"]


@pytest.fixture(scope="module")
def paged(tmp_path_factory):
    folder = tmp_path_factory.mktemp("paged-fixtures")
    (folder / "credit_types.json").write_text(json.dumps(PAGED_CREDIT_TYPES))
    srv = start_emulator("--fixtures", str(folder), label="emulator with three credit types")
    with httpx.Client(base_url=srv.base_url, headers={"Authorization": "Bearer t"}, timeout=REQUEST_TIMEOUT_S) as http:
        for i in range(3):
            assert http.post("/v1/customers", json={"name": f"paged {i}"}).status_code == 200
        yield http
    srv.stop()


@pytest.fixture(scope="module")
def cursors(paged) -> Dict[str, str]:
    out = {}
    for path in CURSOR_LISTS:
        r = paged.get(path, params={"limit": 1})
        assert r.status_code == 200, r.text
        assert len(r.json()["data"]) == 1
        out[path] = r.json()["next_page"]
        assert out[path], f"{path}?limit=1 issued no cursor: {r.text}"
        follow = paged.get(path, params={"limit": 1, "next_page": out[path]})
        assert follow.status_code == 200 and follow.json()["data"] != r.json()["data"], follow.text
    return out


# `paged` is a module fixture on its own server; the suite's per-test reset does not touch it.
@pytest.mark.parametrize("path", CURSOR_LISTS)
@pytest.mark.parametrize("issued_by", CURSOR_LISTS)
def test_tampered_cursors_are_400(paged, cursors, path: str, issued_by: str):
    failures = []
    for name, tamper in TAMPERINGS:
        bad = tamper(cursors[issued_by])
        r = paged.get(path, params={"limit": 1, "next_page": bad})
        try:
            check_rejected(r, f"{path} next_page={bad!r} (a cursor of {issued_by}, {name})")
        except AssertionError as e:
            failures.append(str(e))
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("path,issued_by", [(a, b) for a in CURSOR_LISTS for b in CURSOR_LISTS if a != b])
def test_cursor_of_another_list_is_400(paged, cursors, path: str, issued_by: str):
    r = paged.get(path, params={"limit": 1, "next_page": cursors[issued_by]})
    check_rejected(r, f"{path} with a cursor of {issued_by}")


def test_usd_fixture_is_untouched_by_fuzzing(world: World):
    ids = [ct["id"] for ct in world.http.get("/v1/credit-types/list").json()["data"]]
    assert USD_CENTS_ID in ids


def test_other_methods_on_every_built_path_are_clear_4xx(world: World):
    served: Dict[str, set] = {}
    for method, template in built_routes():
        served.setdefault(template, set()).add(method)
    for template, methods in served.items():
        path = world.fill(template)
        for method in {"GET", "POST", "PUT", "PATCH", "DELETE"} - methods:
            r = world.http.request(method, path, content=b"{}" if method != "GET" else None)
            check_answer(r, f"{method} {path}")
            assert 400 <= r.status_code < 500, f"{method} {path}: {r.status_code}"
