"""Customers: create, retrieve, list/paging/filters, archive, setName, setIngestAliases, updateConfig."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from helpers import (
    assert_error_response,
    expect_api_error,
    freeze_clock,
    utc,
)

T0 = utc(2026, 1, 1, 0, 0, 0)


def make_customers(client, http, n, prefix="cust", start=T0):
    """Create n customers with strictly increasing created_at (frozen clock, +1 s each)."""
    ids = []
    for i in range(n):
        freeze_clock(http, start + timedelta(seconds=i))
        ids.append(client.v1.customers.create(name=f"{prefix}-{i}").data.id)
    return ids


def all_ids(client, **kw):
    return [c.id for c in client.v1.customers.list(**kw)]


def active_count(client):
    return len(all_ids(client)) + len(all_ids(client, only_archived=True))


# ====================================================================== create


def test_create_minimal(client):
    c = client.v1.customers.create(name="Acme").data
    assert c.name == "Acme"
    assert c.ingest_aliases == []
    assert c.external_id == c.id, "without aliases/external_id, external_id must be the customer's id"
    assert c.custom_fields in (None, {})


def test_create_full(client):
    c = client.v1.customers.create(
        name="Acme Corp",
        ingest_aliases=["acme-1", "acme-2"],
        custom_fields={"tier": "gold", "region": "eu"},
    ).data
    assert c.name == "Acme Corp"
    assert sorted(c.ingest_aliases) == ["acme-1", "acme-2"]
    assert c.external_id == "acme-1", "external_id must be the first ingest alias"
    assert c.custom_fields == {"tier": "gold", "region": "eu"}
    d = client.v1.customers.retrieve(customer_id=c.id).data
    assert d.id == c.id
    assert d.name == "Acme Corp"
    assert sorted(d.ingest_aliases) == ["acme-1", "acme-2"]
    assert d.external_id == "acme-1"
    assert d.custom_fields == {"tier": "gold", "region": "eu"}


def test_create_external_id_is_first_alias(client):
    c = client.v1.customers.create(name="x", external_id="ext-1", ingest_aliases=["a-1", "a-2"]).data
    assert c.external_id == "ext-1"
    assert c.ingest_aliases[0] == "ext-1", "external_id must be listed first in ingest_aliases"
    assert sorted(c.ingest_aliases) == ["a-1", "a-2", "ext-1"]
    d = client.v1.customers.retrieve(customer_id=c.id).data
    assert d.external_id == "ext-1"
    assert d.ingest_aliases[0] == "ext-1"
    assert sorted(d.ingest_aliases) == ["a-1", "a-2", "ext-1"]


def test_create_external_id_only(client):
    c = client.v1.customers.create(name="x", external_id="only-ext").data
    assert c.external_id == "only-ext"
    assert c.ingest_aliases == ["only-ext"]
    assert [x.id for x in client.v1.customers.list(ingest_alias="only-ext")] == [c.id]


def test_create_external_id_also_in_aliases_collapses(client):
    c = client.v1.customers.create(name="x", external_id="dup", ingest_aliases=["other", "dup"]).data
    assert c.external_id == "dup"
    assert c.ingest_aliases[0] == "dup"
    assert sorted(c.ingest_aliases) == ["dup", "other"]


def test_create_duplicate_aliases_collapse(client):
    c = client.v1.customers.create(name="x", ingest_aliases=["x-1", "x-1", "y-1", "x-1"]).data
    assert sorted(c.ingest_aliases) == ["x-1", "y-1"]
    d = client.v1.customers.retrieve(customer_id=c.id).data
    assert sorted(d.ingest_aliases) == ["x-1", "y-1"]


def test_create_name_truncated_to_160(client):
    long = "".join(chr(ord("a") + i % 26) for i in range(200))
    c = client.v1.customers.create(name=long).data
    assert c.name == long[:160]
    assert client.v1.customers.retrieve(customer_id=c.id).data.name == long[:160]


def test_create_name_exactly_160_kept(client):
    name = "n" * 160
    assert client.v1.customers.create(name=name).data.name == name


def test_create_empty_name_is_400(client):
    with expect_api_error(400):
        client.v1.customers.create(name="")
    assert active_count(client) == 0


def test_create_with_a_malformed_revenue_system_configuration_is_400_and_creates_nothing(client, http):
    # Well-formed ones are covered in test_revenue_systems.py.
    for item in ({"provider": "netsuite"},  # neither delivery_method nor delivery_method_id
                 {"provider": "quickbooks", "delivery_method": "direct_to_billing_provider"}):
        resp = http.post("/v1/customers", json={"name": "Netsuite Co", "customer_revenue_system_configurations": [item]})
        assert_error_response(resp, 400)
    assert active_count(client) == 0


@pytest.mark.parametrize("alias", ["", "a" * 129])
def test_create_bad_alias_length_is_400(client, alias):
    with expect_api_error(400):
        client.v1.customers.create(name="x", ingest_aliases=["ok-alias", alias])
    assert active_count(client) == 0
    # the valid alias of the failed request was not reserved
    client.v1.customers.create(name="y", ingest_aliases=["ok-alias"])


def test_create_alias_length_bounds_ok(client):
    c = client.v1.customers.create(name="x", ingest_aliases=["a", "b" * 128]).data
    assert sorted(c.ingest_aliases) == ["a", "b" * 128]


def test_create_alias_taken_is_409_and_creates_nothing(client):
    a = client.v1.customers.create(name="a", ingest_aliases=["shared"]).data
    with expect_api_error(409):
        client.v1.customers.create(name="b", ingest_aliases=["fresh", "shared"])
    assert all_ids(client) == [a.id]
    assert all_ids(client, only_archived=True) == []
    # "fresh" was not reserved by the failed request
    client.v1.customers.create(name="c", ingest_aliases=["fresh"])


def test_create_external_id_taken_by_alias_is_409(client):
    a = client.v1.customers.create(name="a", ingest_aliases=["taken"]).data
    with expect_api_error(409):
        client.v1.customers.create(name="b", external_id="taken")
    assert all_ids(client) == [a.id]


def test_create_alias_taken_by_external_id_is_409(client):
    a = client.v1.customers.create(name="a", external_id="ext-taken").data
    with expect_api_error(409):
        client.v1.customers.create(name="b", ingest_aliases=["ext-taken"])
    with expect_api_error(409):
        client.v1.customers.create(name="c", external_id="ext-taken")
    assert all_ids(client) == [a.id]


def test_create_alias_held_by_archived_customer_is_409(client):
    a = client.v1.customers.create(name="a", ingest_aliases=["ghost"]).data
    client.v1.customers.archive(id=a.id)
    with expect_api_error(409):
        client.v1.customers.create(name="b", ingest_aliases=["ghost"])
    with expect_api_error(409):
        client.v1.customers.create(name="c", external_id="ghost")
    assert all_ids(client) == []
    assert all_ids(client, only_archived=True) == [a.id]


def test_create_with_legacy_billing_config(client):
    c = client.v1.customers.create(
        name="billing",
        billing_config={
            "billing_provider_customer_id": "cus_123",
            "billing_provider_type": "stripe",
            "stripe_collection_method": "charge_automatically",
        },
    ).data
    bc = client.v1.customers.billing_config.retrieve(customer_id=c.id, billing_provider_type="stripe").data
    assert bc.billing_provider_customer_id == "cus_123"
    assert bc.stripe_collection_method == "charge_automatically"


def test_create_with_aws_legacy_billing_config(client):
    c = client.v1.customers.create(
        name="aws",
        billing_config={
            "billing_provider_customer_id": "aws-cust-1",
            "billing_provider_type": "aws_marketplace",
            "aws_customer_id": "aws-cid",
            "aws_product_code": "prod-code",
            "aws_region": "us-east-1",
            "aws_is_subscription_product": True,
        },
    ).data
    bc = client.v1.customers.billing_config.retrieve(customer_id=c.id, billing_provider_type="aws_marketplace").data
    assert bc.billing_provider_customer_id == "aws-cust-1"
    assert bc.aws_customer_id == "aws-cid"
    assert bc.aws_product_code == "prod-code"
    assert bc.aws_region == "us-east-1"
    assert bc.aws_is_subscription_product is True
    with expect_api_error(404):
        client.v1.customers.billing_config.retrieve(customer_id=c.id, billing_provider_type="stripe")


def test_create_with_billing_provider_configurations(client):
    cfg = {"stripe_customer_id": "cus_abc", "stripe_collection_method": "send_invoice"}
    c = client.v1.customers.create(
        name="cbpc",
        customer_billing_provider_configurations=[
            {
                "billing_provider": "stripe",
                "configuration": cfg,
                "delivery_method": "direct_to_billing_provider",
            }
        ],
    ).data
    got = client.v1.customers.retrieve_billing_configurations(customer_id=c.id).data
    assert len(got) == 1
    assert got[0].customer_id == c.id
    assert got[0].billing_provider == "stripe"
    assert got[0].delivery_method == "direct_to_billing_provider"
    assert got[0].configuration == cfg
    assert got[0].archived_at is None


def test_create_with_invalid_billing_provider_configuration_creates_nothing(client):
    with expect_api_error(400):
        client.v1.customers.create(
            name="bad-cbpc",
            ingest_aliases=["bad-cbpc-alias"],
            customer_billing_provider_configurations=[
                {"billing_provider": "stripe", "configuration": {"stripe_customer_id": "cus_1"}}
            ],
        )
    assert active_count(client) == 0
    client.v1.customers.create(name="ok", ingest_aliases=["bad-cbpc-alias"])


def test_create_with_unknown_billing_provider_type_is_400(client, http):
    r = http.post(
        "/v1/customers",
        json={
            "name": "bad-bc",
            "billing_config": {"billing_provider_customer_id": "x", "billing_provider_type": "paypal"},
        },
    )
    assert_error_response(r, 400)
    assert active_count(client) == 0


# ====================================================================== retrieve


def test_retrieve_detail_fields(client, http):
    freeze_clock(http, "2026-02-03T04:05:06.789Z")
    c = client.v1.customers.create(name="detail", ingest_aliases=["d-1"], custom_fields={"k": "v"}).data
    d = client.v1.customers.retrieve(customer_id=c.id).data
    ts = utc(2026, 2, 3, 4, 5, 6).replace(microsecond=789000)
    assert d.id == c.id
    assert d.name == "detail"
    assert d.external_id == "d-1"
    assert d.ingest_aliases == ["d-1"]
    assert d.custom_fields == {"k": "v"}
    assert d.created_at == ts
    assert d.updated_at == ts
    assert d.archived_at is None
    assert d.customer_config.salesforce_account_id is None
    assert d.current_billable_status is not None
    assert d.current_billable_status.value == "billable"


def test_retrieve_unknown_uuid_is_404(client):
    with expect_api_error(404):
        client.v1.customers.retrieve(customer_id=str(uuid.uuid4()))


@pytest.mark.parametrize("bad", ["not-a-uuid", "12345", "6a37bb88-8538-48c5-b37b-a41c836328bz"])
def test_retrieve_non_uuid_is_400(client, bad):
    with expect_api_error(400):
        client.v1.customers.retrieve(customer_id=bad)


# ====================================================================== list


def test_list_empty(client, http):
    page = client.v1.customers.list()
    assert page.data == []
    assert page.next_page is None
    r = http.get("/v1/customers")
    assert r.status_code == 200
    assert r.json()["data"] == []
    assert r.json().get("next_page") is None


def test_list_oldest_first_active_only(client, http):
    ids = make_customers(client, http, 4)
    client.v1.customers.archive(id=ids[1])
    assert all_ids(client) == [ids[0], ids[2], ids[3]]


def test_list_default_page_size_is_100(client, http):
    ids = []
    for i in range(105):
        ids.append(client.v1.customers.create(name=f"bulk-{i}").data.id)
    first = client.v1.customers.list()
    assert len(first.data) == 100
    assert first.next_page
    second = client.v1.customers.list(next_page=first.next_page)
    assert len(second.data) == 5
    assert not second.next_page
    seen = [c.id for c in first.data] + [c.id for c in second.data]
    assert sorted(seen) == sorted(ids)
    assert len(set(seen)) == 105


@pytest.mark.parametrize("limit", ["0", "101", "abc", "-1", "1.5"])
def test_list_bad_limit_is_400(http, limit):
    assert_error_response(http.get("/v1/customers", params={"limit": limit}), 400)


@pytest.mark.parametrize("limit", [1, 100])
def test_list_limit_bounds_ok(client, http, limit):
    make_customers(client, http, 2)
    page = client.v1.customers.list(limit=limit)
    assert len(page.data) == min(limit, 2)


def test_list_garbage_next_page_is_400(client, http):
    make_customers(client, http, 3)
    assert_error_response(http.get("/v1/customers", params={"next_page": "garbage!!"}), 400)
    with expect_api_error(400):
        client.v1.customers.list(next_page="definitely-not-a-cursor")


def test_list_paging_limit_2_over_5(client, http):
    ids = make_customers(client, http, 5)
    seen = []
    cursor = None
    requests = 0
    while True:
        kw = {"limit": 2}
        if cursor:
            kw["next_page"] = cursor
        page = client.v1.customers.list(**kw)
        requests += 1
        assert len(page.data) <= 2
        seen.extend(c.id for c in page.data)
        cursor = page.next_page
        if not cursor:
            break
        assert requests < 10, "paging does not terminate"
    assert seen == ids
    assert requests in (3, 4)


def test_list_paging_raw_http(client, http):
    ids = make_customers(client, http, 5)
    r1 = http.get("/v1/customers", params={"limit": 2}).json()
    assert [c["id"] for c in r1["data"]] == ids[:2]
    assert r1["next_page"]
    r2 = http.get("/v1/customers", params={"limit": 2, "next_page": r1["next_page"]}).json()
    assert [c["id"] for c in r2["data"]] == ids[2:4]
    r3 = http.get("/v1/customers", params={"limit": 2, "next_page": r2["next_page"]}).json()
    assert [c["id"] for c in r3["data"]] == ids[4:]


def test_list_sdk_auto_pagination(client, http):
    ids = make_customers(client, http, 5)
    assert [c.id for c in client.v1.customers.list(limit=2)] == ids


def test_list_paging_with_identical_created_at(client, http):
    freeze_clock(http, T0)
    ids = [client.v1.customers.create(name=f"same-{i}").data.id for i in range(7)]
    seen = [c.id for c in client.v1.customers.list(limit=2)]
    assert len(seen) == 7, f"paging over same-timestamp customers returned {len(seen)} items"
    assert sorted(seen) == sorted(ids)
    # order is stable: a second walk gives the same order as an unpaged listing
    assert seen == [c.id for c in client.v1.customers.list(limit=100).data]


def test_list_inserts_during_paging_appear_later_without_duplicates(client, http):
    ids = make_customers(client, http, 3)
    page1 = client.v1.customers.list(limit=2)
    assert [c.id for c in page1.data] == ids[:2]
    more = make_customers(client, http, 2, prefix="late", start=T0 + timedelta(hours=1))
    seen = [c.id for c in page1.data]
    cursor = page1.next_page
    while cursor:
        page = client.v1.customers.list(limit=2, next_page=cursor)
        seen.extend(c.id for c in page.data)
        cursor = page.next_page
    assert seen == ids + more


def test_list_filter_customer_ids(client, http):
    ids = make_customers(client, http, 4)
    assert all_ids(client, customer_ids=[ids[3], ids[1]]) == [ids[1], ids[3]]
    assert all_ids(client, customer_ids=[str(uuid.uuid4())]) == []


def test_list_filter_customer_ids_over_100_is_400(client, http):
    make_customers(client, http, 1)
    with expect_api_error(400):
        client.v1.customers.list(customer_ids=[str(uuid.uuid4()) for _ in range(101)])
    page = client.v1.customers.list(customer_ids=[str(uuid.uuid4()) for _ in range(100)])
    assert page.data == []


def test_list_filter_ingest_alias(client, http):
    a = client.v1.customers.create(name="a", ingest_aliases=["alpha", "alpha-2"]).data
    client.v1.customers.create(name="b", ingest_aliases=["beta"])
    assert all_ids(client, ingest_alias="alpha-2") == [a.id]
    assert all_ids(client, ingest_alias="nobody") == []


def test_list_only_archived(client, http):
    ids = make_customers(client, http, 3)
    client.v1.customers.archive(id=ids[2])
    client.v1.customers.archive(id=ids[0])
    assert all_ids(client, only_archived=True) == [ids[0], ids[2]]
    assert all_ids(client) == [ids[1]]
    archived = list(client.v1.customers.list(only_archived=True))
    assert all(c.archived_at is not None for c in archived)


def test_list_filter_salesforce_account_ids(client, http):
    ids = make_customers(client, http, 3)
    client.v1.customers.update_config(customer_id=ids[0], salesforce_account_id="sf-A")
    client.v1.customers.update_config(customer_id=ids[2], salesforce_account_id="sf-C")
    assert all_ids(client, salesforce_account_ids=["sf-C"]) == [ids[2]]
    assert all_ids(client, salesforce_account_ids=["sf-A", "sf-C"]) == [ids[0], ids[2]]
    assert all_ids(client, salesforce_account_ids=["sf-none"]) == []
    listed = {c.id: c for c in client.v1.customers.list()}
    assert listed[ids[0]].customer_config.salesforce_account_id == "sf-A"


def test_list_items_are_customer_details(client, http):
    freeze_clock(http, T0)
    c = client.v1.customers.create(name="d", ingest_aliases=["d-alias"], custom_fields={"a": "b"}).data
    (item,) = list(client.v1.customers.list())
    assert item.id == c.id
    assert item.name == "d"
    assert item.ingest_aliases == ["d-alias"]
    assert item.external_id == "d-alias"
    assert item.custom_fields == {"a": "b"}
    assert item.created_at == T0
    assert item.archived_at is None


# ====================================================================== archive


def test_archive(client, http):
    c = client.v1.customers.create(name="arch").data
    freeze_clock(http, "2026-05-05T05:05:05Z")
    resp = client.v1.customers.archive(id=c.id)
    assert resp.data.id == c.id
    d = client.v1.customers.retrieve(customer_id=c.id).data
    assert d.archived_at == utc(2026, 5, 5, 5, 5, 5)
    assert d.current_billable_status is not None
    assert d.current_billable_status.value == "unbillable"
    assert all_ids(client) == []
    assert all_ids(client, only_archived=True) == [c.id]


def test_archive_twice_is_400(client, http):
    c = client.v1.customers.create(name="arch").data
    freeze_clock(http, "2026-05-05T05:05:05Z")
    client.v1.customers.archive(id=c.id)
    freeze_clock(http, "2026-06-06T06:06:06Z")
    with expect_api_error(400):
        client.v1.customers.archive(id=c.id)
    assert client.v1.customers.retrieve(customer_id=c.id).data.archived_at == utc(2026, 5, 5, 5, 5, 5)


def test_archive_unknown_is_404(client):
    with expect_api_error(404):
        client.v1.customers.archive(id=str(uuid.uuid4()))


def test_archived_aliases_stay_reserved_for_set_ingest_aliases(client):
    a = client.v1.customers.create(name="a", ingest_aliases=["kept"]).data
    b = client.v1.customers.create(name="b", ingest_aliases=["b-own"]).data
    client.v1.customers.archive(id=a.id)
    with expect_api_error(409):
        client.v1.customers.set_ingest_aliases(customer_id=b.id, ingest_aliases=["b-own", "kept"])
    assert client.v1.customers.retrieve(customer_id=b.id).data.ingest_aliases == ["b-own"]
    assert client.v1.customers.retrieve(customer_id=a.id).data.ingest_aliases == ["kept"]


# ====================================================================== setName


def test_set_name(client, http):
    freeze_clock(http, "2026-01-01T00:00:00Z")
    c = client.v1.customers.create(name="old", ingest_aliases=["sn"]).data
    freeze_clock(http, "2026-02-01T00:00:00Z")
    resp = client.v1.customers.set_name(customer_id=c.id, name="new")
    assert resp.data.id == c.id
    assert resp.data.name == "new"
    assert resp.data.ingest_aliases == ["sn"]
    assert resp.data.external_id == "sn"
    d = client.v1.customers.retrieve(customer_id=c.id).data
    assert d.name == "new"
    assert d.created_at == utc(2026, 1, 1)
    assert d.updated_at == utc(2026, 2, 1)


def test_set_name_truncates_to_160(client):
    c = client.v1.customers.create(name="old").data
    long = "Z" * 170 + "tail"
    assert client.v1.customers.set_name(customer_id=c.id, name=long).data.name == "Z" * 160
    assert client.v1.customers.retrieve(customer_id=c.id).data.name == "Z" * 160


def test_set_name_unknown_customer_is_404(client):
    with expect_api_error(404):
        client.v1.customers.set_name(customer_id=str(uuid.uuid4()), name="x")


# ====================================================================== setIngestAliases


def test_set_ingest_aliases_replaces(client):
    c = client.v1.customers.create(name="c", ingest_aliases=["one", "two"]).data
    assert client.v1.customers.set_ingest_aliases(customer_id=c.id, ingest_aliases=["three"]) is None
    assert client.v1.customers.retrieve(customer_id=c.id).data.ingest_aliases == ["three"]
    assert all_ids(client, ingest_alias="one") == []
    assert all_ids(client, ingest_alias="three") == [c.id]


def test_set_ingest_aliases_empty_clears(client):
    c = client.v1.customers.create(name="c", ingest_aliases=["one"]).data
    client.v1.customers.set_ingest_aliases(customer_id=c.id, ingest_aliases=[])
    assert client.v1.customers.retrieve(customer_id=c.id).data.ingest_aliases == []


def test_set_ingest_aliases_conflict_is_409_and_changes_nothing(client):
    a = client.v1.customers.create(name="a", ingest_aliases=["a-1"]).data
    b = client.v1.customers.create(name="b", ingest_aliases=["b-1"]).data
    with expect_api_error(409):
        client.v1.customers.set_ingest_aliases(customer_id=b.id, ingest_aliases=["b-2", "a-1"])
    assert client.v1.customers.retrieve(customer_id=b.id).data.ingest_aliases == ["b-1"]
    assert client.v1.customers.retrieve(customer_id=a.id).data.ingest_aliases == ["a-1"]
    # b-2 was not reserved by the failed request
    client.v1.customers.create(name="c", ingest_aliases=["b-2"])


def test_set_ingest_aliases_own_aliases_ok(client):
    a = client.v1.customers.create(name="a", ingest_aliases=["a-1", "a-2"]).data
    client.v1.customers.set_ingest_aliases(customer_id=a.id, ingest_aliases=["a-2", "a-1", "a-3"])
    assert sorted(client.v1.customers.retrieve(customer_id=a.id).data.ingest_aliases) == ["a-1", "a-2", "a-3"]


def test_set_ingest_aliases_removed_alias_becomes_free(client):
    a = client.v1.customers.create(name="a", ingest_aliases=["movable"]).data
    client.v1.customers.set_ingest_aliases(customer_id=a.id, ingest_aliases=["a-other"])
    b = client.v1.customers.create(name="b", ingest_aliases=["movable"]).data
    assert all_ids(client, ingest_alias="movable") == [b.id]
    c = client.v1.customers.create(name="c").data
    with expect_api_error(409):
        client.v1.customers.set_ingest_aliases(customer_id=c.id, ingest_aliases=["movable"])


@pytest.mark.parametrize("alias", ["", "q" * 129])
def test_set_ingest_aliases_bad_length_is_400(client, alias):
    a = client.v1.customers.create(name="a", ingest_aliases=["keep"]).data
    with expect_api_error(400):
        client.v1.customers.set_ingest_aliases(customer_id=a.id, ingest_aliases=["new", alias])
    assert client.v1.customers.retrieve(customer_id=a.id).data.ingest_aliases == ["keep"]


def test_set_ingest_aliases_unknown_customer_is_404(client):
    with expect_api_error(404):
        client.v1.customers.set_ingest_aliases(customer_id=str(uuid.uuid4()), ingest_aliases=["x"])
    client.v1.customers.create(name="x", ingest_aliases=["x"])


# ====================================================================== updateConfig


def test_update_config_salesforce(client):
    c = client.v1.customers.create(name="sf").data
    assert (
        client.v1.customers.update_config(
            customer_id=c.id, salesforce_account_id="0015000000XyZ", leave_stripe_invoices_in_draft=True
        )
        is None
    )
    d = client.v1.customers.retrieve(customer_id=c.id).data
    assert d.customer_config.salesforce_account_id == "0015000000XyZ"


def test_update_config_null_clears_salesforce(client):
    c = client.v1.customers.create(name="sf").data
    client.v1.customers.update_config(customer_id=c.id, salesforce_account_id="sf-1")
    client.v1.customers.update_config(customer_id=c.id, salesforce_account_id=None)
    assert client.v1.customers.retrieve(customer_id=c.id).data.customer_config.salesforce_account_id is None
    assert all_ids(client, salesforce_account_ids=["sf-1"]) == []


def test_update_config_omitted_field_is_unchanged(client):
    c = client.v1.customers.create(name="sf").data
    client.v1.customers.update_config(customer_id=c.id, salesforce_account_id="sf-keep")
    client.v1.customers.update_config(customer_id=c.id, leave_stripe_invoices_in_draft=False)
    assert client.v1.customers.retrieve(customer_id=c.id).data.customer_config.salesforce_account_id == "sf-keep"


def test_update_config_unknown_customer_is_404(client):
    with expect_api_error(404):
        client.v1.customers.update_config(customer_id=str(uuid.uuid4()), salesforce_account_id="x")
