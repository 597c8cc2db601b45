"""Contract products: create, get, update (versions), list (archive filter, paging), archive."""

from __future__ import annotations

import uuid

import pytest

from helpers import assert_error_response, assert_uuid4, expect_api_error, freeze_clock, utc
from pricing_helpers import FIXTURE_METRIC_IDS, FIXTURE_PRODUCT_IDS, count_metric, fixed_product, product_ids, usage_product

T0 = utc(2026, 1, 10, 12)
FEB1 = utc(2026, 2, 1)
MAR1 = utc(2026, 3, 1)


def get(client, pid):
    return client.v1.contracts.products.retrieve(id=pid).data


# ====================================================================== create and get


def test_create_usage_product_roundtrip(client, http):
    freeze_clock(http, T0)
    mid = client.v1.billable_metrics.create(
        name="bytes", aggregation_type="SUM", aggregation_key="bytes",
        property_filters=[{"name": "bytes", "exists": True}, {"name": "region", "exists": True}],
        group_keys=[["region"]],
    ).data.id
    resp = client.v1.contracts.products.create(
        name="Storage", type="USAGE", billable_metric_id=mid, tags=["storage"],
        pricing_group_key=["region"], quantity_conversion={"conversion_factor": 1024, "operation": "DIVIDE", "name": "MB to GB"},
        quantity_rounding={"decimal_places": 2, "rounding_method": "ROUND_UP"}, custom_fields={"k": "v"},
        netsuite_internal_item_id="ns-1", is_refundable=False,
    )
    assert_uuid4(resp.data.id)
    p = get(client, resp.data.id)
    assert p.id == resp.data.id
    assert p.type == "USAGE"
    assert p.archived_at is None
    assert p.custom_fields == {"k": "v"}
    assert p.updates == []
    for state in (p.initial, p.current):
        assert state.name == "Storage"
        assert state.billable_metric_id == mid
        assert state.tags == ["storage"]
        assert state.pricing_group_key == ["region"]
        assert state.quantity_conversion.conversion_factor == 1024
        assert state.quantity_conversion.operation == "DIVIDE"
        assert state.quantity_rounding.rounding_method == "ROUND_UP"
        assert state.netsuite_internal_item_id == "ns-1"
        assert state.is_refundable is False
        assert state.created_at == T0
        assert state.created_by


@pytest.mark.parametrize("type_in,type_out", [
    ("FIXED", "FIXED"), ("fixed", "FIXED"), ("Subscription", "SUBSCRIPTION"),
    ("PRO_SERVICE", "PRO_SERVICE"), ("PROFESSIONAL_SERVICE", "PRO_SERVICE"),
])
def test_type_is_case_insensitive_and_answered_uppercase(http, client, type_in, type_out):
    r = http.post("/v1/contract-pricing/products/create", json={"name": "p", "type": type_in})
    assert r.status_code == 200, r.text
    assert get(client, r.json()["data"]["id"]).type == type_out


def test_composite_product(client):
    a = usage_product(client, "A", tags=["t"])
    pid = client.v1.contracts.products.create(name="Support", type="COMPOSITE", composite_product_ids=[a],
                                              composite_tags=["t"], exclude_free_usage=True).data.id
    p = get(client, pid)
    assert p.type == "COMPOSITE"
    assert p.current.composite_product_ids == [a]
    assert p.current.composite_tags == ["t"]
    assert p.current.exclude_free_usage is True


@pytest.mark.parametrize("body", [
    {"type": "FIXED"},
    {"name": "", "type": "FIXED"},
    {"name": "x"},
    {"name": "x", "type": "WHATEVER"},
    {"name": "x", "type": "USAGE"},
    {"name": "x", "type": "USAGE", "billable_metric_id": "not-a-uuid"},
    {"name": "x", "type": "FIXED", "billable_metric_id": FIXTURE_METRIC_IDS["api_calls"]},
    {"name": "x", "type": "COMPOSITE"},
    {"name": "x", "type": "FIXED", "composite_tags": ["a"]},
    {"name": "x", "type": "FIXED", "pricing_group_key": ["endpoint"]},
    {"name": "x", "type": "USAGE", "billable_metric_id": FIXTURE_METRIC_IDS["api_calls"], "pricing_group_key": ["nope"]},
    {"name": "x", "type": "USAGE", "billable_metric_id": FIXTURE_METRIC_IDS["api_calls"],
     "quantity_conversion": {"conversion_factor": 0, "operation": "MULTIPLY"}},
    {"name": "x", "type": "USAGE", "billable_metric_id": FIXTURE_METRIC_IDS["api_calls"],
     "quantity_conversion": {"conversion_factor": 2, "operation": "SQUARE"}},
    {"name": "x", "type": "FIXED", "tags": "not-a-list"},
])
def test_create_validation_is_400_and_creates_nothing(http, client, body):
    before = product_ids(client, archive_filter="ALL")
    assert_error_response(http.post("/v1/contract-pricing/products/create", json=body), 400)
    assert product_ids(client, archive_filter="ALL") == before


def test_usage_product_needs_a_known_active_metric(client):
    with expect_api_error(404):
        client.v1.contracts.products.create(name="x", type="USAGE", billable_metric_id=str(uuid.uuid4()))
    mid = count_metric(client)
    client.v1.billable_metrics.archive(id=mid)
    with expect_api_error(400):
        client.v1.contracts.products.create(name="x", type="USAGE", billable_metric_id=mid)


def test_get_unknown_is_404_and_non_uuid_is_400(client):
    with expect_api_error(404):
        client.v1.contracts.products.retrieve(id=str(uuid.uuid4()))
    with expect_api_error(400):
        client.v1.contracts.products.retrieve(id="nope")


def test_fixture_catalog_products(client):
    p = get(client, FIXTURE_PRODUCT_IDS["api_calls"])
    assert p.type == "USAGE"
    assert p.current.billable_metric_id == FIXTURE_METRIC_IDS["api_calls"]
    assert get(client, FIXTURE_PRODUCT_IDS["seat"]).type == "SUBSCRIPTION"
    assert get(client, FIXTURE_PRODUCT_IDS["prepaid_commit"]).type == "FIXED"


# ====================================================================== update


def test_update_adds_a_version_in_force_from_its_start(client, http):
    freeze_clock(http, T0)
    pid = fixed_product(client, "Fee", tags=["a"])
    assert client.v1.contracts.products.update(product_id=pid, starting_at=FEB1, name="Fee v2").data.id == pid
    p = get(client, pid)
    assert p.current.name == "Fee"
    assert len(p.updates) == 1
    u = p.updates[0]
    assert u.name == "Fee v2"
    assert u.starting_at == FEB1
    assert u.created_at == T0
    assert u.tags is None
    freeze_clock(http, FEB1)
    p = get(client, pid)
    assert p.current.name == "Fee v2"
    assert p.current.tags == ["a"], "fields an update leaves out keep their values"
    assert p.initial.name == "Fee"


def test_updates_apply_in_order_of_start(client, http):
    freeze_clock(http, T0)
    pid = fixed_product(client, "v1")
    client.v1.contracts.products.update(product_id=pid, starting_at=MAR1, name="v3")
    client.v1.contracts.products.update(product_id=pid, starting_at=FEB1, name="v2")
    freeze_clock(http, utc(2026, 2, 15))
    assert get(client, pid).current.name == "v2"
    freeze_clock(http, utc(2026, 3, 15))
    assert get(client, pid).current.name == "v3"
    assert [u.name for u in get(client, pid).updates] == ["v3", "v2"]


def test_update_usage_product_metric(client):
    pid = usage_product(client)
    other = count_metric(client, "other")
    client.v1.contracts.products.update(product_id=pid, starting_at=utc(2020, 1, 1), billable_metric_id=other)
    assert get(client, pid).current.billable_metric_id == other


def test_update_starting_at_must_be_on_an_hour(client):
    pid = fixed_product(client)
    with expect_api_error(400):
        client.v1.contracts.products.update(product_id=pid, starting_at=utc(2026, 2, 1, 1, 30), name="x")
    assert get(client, pid).updates == []


def test_update_validation(client, http):
    pid = fixed_product(client)
    with expect_api_error(400):
        client.v1.contracts.products.update(product_id=pid, starting_at=FEB1, billable_metric_id=FIXTURE_METRIC_IDS["api_calls"])
    assert_error_response(http.post("/v1/contract-pricing/products/update", json={"product_id": pid}), 400)
    with expect_api_error(404):
        client.v1.contracts.products.update(product_id=str(uuid.uuid4()), starting_at=FEB1, name="x")
    assert get(client, pid).updates == []


def test_update_archived_product_is_400(client):
    pid = fixed_product(client)
    client.v1.contracts.products.archive(product_id=pid)
    with expect_api_error(400):
        client.v1.contracts.products.update(product_id=pid, starting_at=FEB1, name="x")


# ====================================================================== list and archive


def test_list_shape_and_archive_filter(client, http):
    freeze_clock(http, T0)
    fixtures = product_ids(client)
    assert set(FIXTURE_PRODUCT_IDS.values()) <= set(fixtures)
    a = fixed_product(client, "A")
    b = fixed_product(client, "B")
    assert client.v1.contracts.products.archive(product_id=a).data.id == a
    assert product_ids(client) == fixtures + [b]
    assert product_ids(client, archive_filter="NOT_ARCHIVED") == fixtures + [b]
    assert product_ids(client, archive_filter="ARCHIVED") == [a]
    assert product_ids(client, archive_filter="ALL") == fixtures + [a, b]
    (archived,) = list(client.v1.contracts.products.list(archive_filter="ARCHIVED"))
    assert archived.archived_at == T0
    assert archived.current.name == "A"


def test_list_paging(client):
    ids = [fixed_product(client, f"p{i}") for i in range(3)]
    everything = product_ids(client, archive_filter="ALL")
    first = client.v1.contracts.products.list(limit=2)
    assert len(first.data) == 2
    assert first.next_page
    assert product_ids(client, limit=1) == everything
    assert everything[-3:] == ids


def test_list_bad_paging_is_400(http):
    assert_error_response(http.post("/v1/contract-pricing/products/list", params={"limit": 0}, json={}), 400)
    assert_error_response(http.post("/v1/contract-pricing/products/list", params={"next_page": "junk!"}, json={}), 400)
    assert_error_response(http.post("/v1/contract-pricing/products/list", json={"archive_filter": "SOME"}), 400)


def test_archive_twice_is_400_and_unknown_is_404(client):
    pid = fixed_product(client)
    client.v1.contracts.products.archive(product_id=pid)
    with expect_api_error(400):
        client.v1.contracts.products.archive(product_id=pid)
    with expect_api_error(404):
        client.v1.contracts.products.archive(product_id=str(uuid.uuid4()))
    with expect_api_error(400):
        client.v1.contracts.products.archive(product_id="nope")
    assert get(client, pid).archived_at is not None


def test_raw_get_shape(http, client):
    pid = fixed_product(client)
    body = http.post("/v1/contract-pricing/products/get", json={"id": pid}).json()
    assert set(body) == {"data"}
    assert {"id", "type", "initial", "current", "updates", "custom_fields"} <= set(body["data"])
