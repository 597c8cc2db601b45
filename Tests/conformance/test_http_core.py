"""HTTP-level behaviour: auth, body parsing, errors, routing, query params, formats."""

from __future__ import annotations

import json

import httpx
import pytest

from helpers import (
    assert_error_response,
    assert_timestamp_format,
    assert_uuid4,
    expect_api_error,
    make_client,
    make_http,
)
from routes import built_routes, not_yet_built_routes
from sdk_fields import sdk_body_fields

PROTECTED = [
    ("GET", "/v1/customers", None),
    ("POST", "/v1/customers", {"name": "x"}),
    ("GET", "/v1/customers/6a37bb88-8538-48c5-b37b-a41c836328bd", None),
    ("POST", "/v1/customers/archive", {"id": "6a37bb88-8538-48c5-b37b-a41c836328bd"}),
    ("GET", "/v1/credit-types/list", None),
    ("POST", "/v1/customers/getNamedSchedule", {"customer_id": "x", "schedule_name": "y"}),
    ("POST", "/v1/getCustomerBillingProviderConfigurations", {"customer_id": "x"}),
    ("POST", "/v1/contracts/create", {}),
    ("POST", "/v2/contracts/get", {}),
    ("GET", "/v1/nope", None),
]


# ---------------------------------------------------------------- auth


@pytest.mark.parametrize("method,path,body", PROTECTED)
def test_missing_authorization_is_401(base_url, client, method, path, body):
    with make_http(base_url, token=None) as anon:
        r = anon.request(method, path, json=body)
    assert_error_response(r, 401)
    if method == "POST" and path == "/v1/customers":
        assert list(client.v1.customers.list()) == [], "unauthenticated create stored a customer"


@pytest.mark.parametrize("header", ["Bearer", ""], ids=["bearer-without-token", "empty-header"])
@pytest.mark.parametrize("method,path,body", PROTECTED)
def test_empty_bearer_token_is_401(base_url, method, path, body, header):
    # (httpx refuses to send a trailing space, and servers strip it anyway: "Bearer " == "Bearer")
    with httpx.Client(base_url=base_url, headers={"Authorization": header}) as c:
        r = c.request(method, path, json=body)
    assert_error_response(r, 401)


def test_any_non_empty_token_is_accepted_without_api_key(base_url):
    for token in ["test", "anything-at-all", "sk_live_123"]:
        with make_http(base_url, token=token) as c:
            r = c.get("/v1/customers")
            assert r.status_code == 200, (token, r.text)
        with make_client(base_url, token=token) as sdk:
            assert list(sdk.v1.customers.list()) == []


def test_api_key_flag_restricts_tokens(spawn_emulator):
    srv = spawn_emulator("--api-key", "k1", "--api-key", "k2")
    for good in ["k1", "k2"]:
        with make_http(srv.base_url, token=good) as c:
            assert c.get("/v1/customers").status_code == 200, good
            r = c.post("/v1/customers", json={"name": f"by-{good}"})
            assert r.status_code == 200, r.text
    for bad in ["k3", "test", "k1k2", "K1"]:
        with make_http(srv.base_url, token=bad) as c:
            assert_error_response(c.get("/v1/customers"), 401)
            assert_error_response(c.post("/v1/customers", json={"name": "intruder"}), 401)
            assert_error_response(c.post("/v2/contracts/get", json={}), 401)
    with make_http(srv.base_url, token=None) as anon:
        assert_error_response(anon.get("/v1/customers"), 401)
    with make_client(srv.base_url, token="k3") as sdk:
        with expect_api_error(401):
            sdk.v1.customers.list()
    with make_client(srv.base_url, token="k1") as sdk:
        names = sorted(c.name for c in sdk.v1.customers.list())
        assert names == ["by-k1", "by-k2"]


# ---------------------------------------------------------------- request bodies


def _post_raw(http, path, content: str | bytes):
    return http.post(path, content=content, headers={"Content-Type": "application/json"})


@pytest.mark.parametrize("content", ['{"name": ', "{name: 'x'}", "not json", '{"name": "x"} trailing'])
def test_malformed_json_is_400(client, http, content):
    assert_error_response(_post_raw(http, "/v1/customers", content), 400)
    assert list(client.v1.customers.list()) == []


@pytest.mark.parametrize("content", ['[{"name": "x"}]', '"a string"', "42", "null", "true"])
def test_non_object_body_is_400(client, http, content):
    assert_error_response(_post_raw(http, "/v1/customers", content), 400)
    assert list(client.v1.customers.list()) == []


def test_empty_body_where_object_required_is_400(client, http):
    assert_error_response(_post_raw(http, "/v1/customers", ""), 400)
    assert list(client.v1.customers.list()) == []


def test_missing_required_field_is_400(client, http):
    assert_error_response(http.post("/v1/customers", json={}), 400)
    assert_error_response(http.post("/v1/customers", json={"ingest_aliases": ["a"]}), 400)
    assert list(client.v1.customers.list()) == []
    cid = client.v1.customers.create(name="c").data.id
    assert_error_response(http.post("/v1/customers/archive", json={}), 400)
    assert_error_response(http.post(f"/v1/customers/{cid}/setName", json={}), 400)
    assert_error_response(http.post(f"/v1/customers/{cid}/setIngestAliases", json={}), 400)
    assert_error_response(
        http.post("/v1/customers/getNamedSchedule", json={"customer_id": cid}), 400
    )
    assert_error_response(
        http.post(
            "/v1/customers/updateNamedSchedule",
            json={"customer_id": cid, "schedule_name": "s", "value": 1},
        ),
        400,
    )
    assert_error_response(http.post("/v1/setCustomerBillingProviderConfigurations", json={}), 400)
    d = client.v1.customers.retrieve(customer_id=cid).data
    assert d.name == "c" and d.archived_at is None and d.ingest_aliases == []


@pytest.mark.parametrize(
    "body",
    [
        {"name": 5},
        {"name": None},
        {"name": ["x"]},
        {"name": "x", "ingest_aliases": "abc"},
        {"name": "x", "ingest_aliases": [1, 2]},
        {"name": "x", "external_id": 7},
        {"name": "x", "custom_fields": {"k": 1}},
        {"name": "x", "custom_fields": ["k"]},
    ],
)
def test_wrong_type_is_400(client, http, body):
    assert_error_response(http.post("/v1/customers", json=body), 400)
    assert list(client.v1.customers.list()) == []


def test_wrong_type_on_set_name_is_400(client, http):
    cid = client.v1.customers.create(name="orig").data.id
    assert_error_response(http.post(f"/v1/customers/{cid}/setName", json={"name": 5}), 400)
    assert client.v1.customers.retrieve(customer_id=cid).data.name == "orig"


# ---------------------------------------------------------------- routing


def test_unknown_route_is_404_json(http):
    assert_error_response(http.get("/v1/nope"), 404)
    assert_error_response(http.post("/v1/nope", json={}), 404)


def test_body_larger_than_max_body_size_is_413(spawn_emulator):
    srv = spawn_emulator("--max-body-size", "1024")
    with make_http(srv.base_url) as c:
        small = c.post("/v1/customers", json={"name": "small"})
        assert small.status_code == 200, small.text
        big = c.post("/v1/customers", json={"name": "big", "custom_fields": {"blob": "x" * 4000}})
        assert_error_response(big, 413)
    with make_http(srv.base_url) as c:  # fresh connection: the server may close after a 413
        listed = c.get("/v1/customers").json()["data"]
        assert [x["name"] for x in listed] == ["small"]


def test_every_sdk_endpoint_with_a_body_is_built():
    # The SDK's own list of its endpoints, against the router's: none is missing, none answers 501.
    built = set(built_routes())
    missing = sorted(route for route in sdk_body_fields() if route not in built)
    assert not missing, f"SDK endpoints the emulator does not serve: {missing}"
    assert not_yet_built_routes() == []


# ---------------------------------------------------------------- array query params


def _three(client):
    return [client.v1.customers.create(name=f"c{i}").data.id for i in range(3)]


def test_array_query_param_comma_joined(client, http):
    a, b, c = _three(client)
    r = http.get("/v1/customers", params={"customer_ids": f"{a},{c}"})
    assert r.status_code == 200, r.text
    assert sorted(x["id"] for x in r.json()["data"]) == sorted([a, c])


def test_array_query_param_repeated(client, http):
    a, b, c = _three(client)
    r = http.get("/v1/customers", params=[("customer_ids", a), ("customer_ids", c)])
    assert r.status_code == 200, r.text
    assert sorted(x["id"] for x in r.json()["data"]) == sorted([a, c])


def test_array_query_param_via_sdk(client):
    a, b, c = _three(client)
    got = [x.id for x in client.v1.customers.list(customer_ids=[b, c])]
    assert sorted(got) == sorted([b, c])


# ---------------------------------------------------------------- formats


def test_timestamps_are_rfc3339_utc_millis(client, http):
    cid = client.v1.customers.create(name="ts").data.id
    r = http.get(f"/v1/customers/{cid}")
    assert r.status_code == 200
    d = r.json()["data"]
    assert_timestamp_format(d["created_at"])
    assert_timestamp_format(d["updated_at"])
    assert d["archived_at"] is None
    client.v1.customers.archive(id=cid)
    d = http.get(f"/v1/customers/{cid}").json()["data"]
    assert_timestamp_format(d["archived_at"])
    listed = http.get("/v1/customers", params={"only_archived": "true"}).json()["data"]
    assert_timestamp_format(listed[0]["created_at"])
    assert_timestamp_format(listed[0]["archived_at"])


def test_ids_are_uuid_v4(client):
    ids = [client.v1.customers.create(name=f"u{i}").data.id for i in range(5)]
    for i in ids:
        assert_uuid4(i)
    assert len(set(ids)) == 5
    cfg = client.v1.customers.set_billing_configurations(
        data=[
            {
                "customer_id": ids[0],
                "billing_provider": "stripe",
                "configuration": {"stripe_customer_id": "cus_1", "stripe_collection_method": "charge_automatically"},
                "delivery_method": "direct_to_billing_provider",
            }
        ]
    ).data
    assert_uuid4(cfg[0].id)


def test_responses_are_json(client, http):
    cid = client.v1.customers.create(name="j").data.id
    for r in [http.get("/v1/customers"), http.get(f"/v1/customers/{cid}"), http.get("/v1/nope")]:
        assert "application/json" in r.headers.get("content-type", ""), r.headers
        json.loads(r.text)
