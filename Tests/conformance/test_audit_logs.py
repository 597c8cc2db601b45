"""GET /v1/auditLogs: every write made through the API, with a digest of the token that made it."""

from __future__ import annotations

import hashlib

import httpx
import pytest

from helpers import freeze_clock, make_client, make_http, utc


def entries(http, **params):
    r = http.get("/v1/auditLogs", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def test_writes_are_logged_with_their_action_resource_and_outcome(client, http, base_url):
    freeze_clock(http, utc(2026, 1, 15, 12))
    customer = client.v1.customers.create(name="Audited").data.id
    client.v1.customers.set_name(customer_id=customer, name="Renamed")
    client.v1.customers.list()  # reads are not logged
    client.v1.usage.ingest(usage=[{"transaction_id": "audit-1", "customer_id": customer, "event_type": "api_call",
                                   "timestamp": "2026-01-15T10:00:00Z"}])  # nor is usage
    contract = client.v1.contracts.create(customer_id=customer, starting_at=utc(2026, 1, 1), rate_card_alias="standard").data.id
    with make_http(base_url) as h:
        assert h.post("/v1/customers/archive", json={"id": "6a37bb88-8538-48c5-b37b-a41c836328bd"}).status_code == 404

    page = entries(http)
    got = [(e["action"], e["resource_type"], e["resource_id"], e["status"]) for e in page["data"]]
    assert got == [
        ("create_customer", "customer", customer, "success"),
        ("change_name", "customer", customer, "success"),
        ("create_contract", "contract", contract, "success"),
        ("archive_customer", "customer", "6a37bb88-8538-48c5-b37b-a41c836328bd", "failure"),
    ]
    first = page["data"][0]
    assert first["timestamp"] == "2026-01-15T12:00:00.000Z"
    assert first["description"] == "POST /v1/customers"
    assert first["actor"]["name"] == "API token" and "test" not in first["actor"]["id"]
    # The same token is the same actor; another token another.
    assert len({e["actor"]["id"] for e in page["data"]}) == 1
    with make_http(base_url, token="someone-else") as other:
        other.post("/v1/customers", json={"name": "Other actor"})
    last = entries(http, sort="date_desc", limit=1)["data"][0]
    assert last["action"] == "create_customer" and last["actor"]["id"] != first["actor"]["id"]
    assert first["request"]["id"] and "user_agent" in first["request"]

    # The strict SDK reads the same entries.
    logged = list(client.v1.audit_logs.list(resource_type="customer", resource_id=customer))
    assert [e.action for e in logged] == ["create_customer", "change_name"]


def test_the_last_pages_next_page_finds_entries_written_later(http):
    for i in range(3):
        http.post("/v1/customers", json={"name": f"Polled {i}"})
    first = entries(http, limit=2)
    assert len(first["data"]) == 2 and first["next_page"]
    rest = entries(http, next_page=first["next_page"])
    assert [e["action"] for e in rest["data"]] == ["create_customer"] and rest["next_page"]
    # Nothing new yet: an empty page without a token (the SDKs stop paging there); the client
    # polls again with the token it has.
    assert entries(http, next_page=rest["next_page"]) == {"data": [], "next_page": None}
    http.post("/v1/customers", json={"name": "Later"})
    later = entries(http, next_page=rest["next_page"])
    assert [e["resource_type"] for e in later["data"]] == ["customer"]


@pytest.mark.parametrize("params", [
    {"sort": "sideways"}, {"resource_type": "customer"}, {"resource_id": "x"}, {"limit": 0}, {"limit": 101},
    {"starting_on": "yesterday"}, {"next_page": "garbage"},
])
def test_bad_parameters_are_a_400(http, params):
    r = http.get("/v1/auditLogs", params=params)
    assert r.status_code == 400 and "message" in r.json(), r.text


def test_dates_cannot_be_combined_with_next_page(http):
    http.post("/v1/customers", json={"name": "Logged"})
    token = entries(http)["next_page"]
    assert token
    r = http.get("/v1/auditLogs", params={"next_page": token, "starting_on": "2026-01-01T00:00:00Z"})
    assert r.status_code == 400
