"""Billable metrics: create (validation), retrieve, list/paging, rename, archive, a customer's metrics."""

from __future__ import annotations

import uuid

import pytest

from helpers import (
    make_client,
    make_http,
    start_emulator_without_demo_catalog,
    assert_error_response,
    assert_uuid4,
    expect_api_error,
    freeze_clock,
    parse_ts,
    utc,
)
from usage_helpers import metric


# These tests count the metrics they create, so they run on an emulator without the demo catalog.
@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    proc = start_emulator_without_demo_catalog(tmp_path_factory.mktemp("fixtures"))
    yield proc.base_url
    proc.stop()


@pytest.fixture(scope="module")
def client(base_url):
    c = make_client(base_url)
    yield c
    c.close()


@pytest.fixture(scope="module")
def http(base_url):
    c = make_http(base_url)
    yield c
    c.close()

T0 = utc(2026, 3, 15, 12, 0, 0)


def all_metric_ids(client, **kw):
    return [m.id for m in client.v1.billable_metrics.list(**kw)]


def total_metric_count(client):
    return len(all_metric_ids(client, include_archived=True))


def pf_dump(filters):
    return None if filters is None else [f.model_dump(exclude_none=True) for f in filters]


# ====================================================================== create


def test_create_count_minimal(client):
    resp = client.v1.billable_metrics.create(name="API calls", aggregation_type="COUNT")
    assert_uuid4(resp.data.id)
    d = client.v1.billable_metrics.retrieve(billable_metric_id=resp.data.id).data
    assert d.id == resp.data.id
    assert d.name == "API calls"
    assert d.aggregation_type == "COUNT"
    assert d.aggregation_key is None
    assert d.archived_at is None
    assert d.sql is None
    assert d.event_type_filter is None
    assert d.property_filters in (None, [])
    assert d.group_keys in (None, [])
    assert d.custom_fields in (None, {})


def test_create_full_roundtrip(client):
    filters = [
        {"name": "bytes", "exists": True},
        {"name": "region", "in_values": ["eu", "us"]},
        {"name": "tier", "not_in_values": ["free"]},
    ]
    mid = metric(
        client,
        "Upload bytes",
        aggregation_type="SUM",
        aggregation_key="bytes",
        event_type_filter={"in_values": ["upload", "put"]},
        property_filters=filters,
        group_keys=[["region"], ["region", "tier"]],
        custom_fields={"team": "infra", "cost_center": "42"},
    )
    d = client.v1.billable_metrics.retrieve(billable_metric_id=mid).data
    assert d.id == mid
    assert d.name == "Upload bytes"
    assert d.aggregation_type == "SUM"
    assert d.aggregation_key == "bytes"
    assert d.event_type_filter is not None
    assert d.event_type_filter.in_values == ["upload", "put"]
    assert d.event_type_filter.not_in_values is None
    assert pf_dump(d.property_filters) == filters
    assert d.group_keys == [["region"], ["region", "tier"]]
    assert d.custom_fields == {"team": "infra", "cost_center": "42"}
    assert d.sql is None
    assert d.archived_at is None


def test_create_event_type_not_in_values_roundtrip(client):
    mid = metric(client, "m", aggregation_type="COUNT", event_type_filter={"not_in_values": ["heartbeat"]})
    d = client.v1.billable_metrics.retrieve(billable_metric_id=mid).data
    assert d.event_type_filter.not_in_values == ["heartbeat"]
    assert d.event_type_filter.in_values is None


@pytest.mark.parametrize(
    "given,expected",
    [
        ("sum", "SUM"),
        ("Sum", "SUM"),
        ("SUM", "SUM"),
        ("max", "MAX"),
        ("Latest", "LATEST"),
        ("uNiQuE", "UNIQUE"),
    ],
)
def test_create_aggregation_type_case_insensitive(client, given, expected):
    mid = metric(
        client,
        f"m-{given}",
        aggregation_type=given,
        aggregation_key="v",
        property_filters=[{"name": "v", "exists": True}],
    )
    d = client.v1.billable_metrics.retrieve(billable_metric_id=mid).data
    assert d.aggregation_type == expected
    assert d.aggregation_key == "v"


@pytest.mark.parametrize("given", ["count", "Count", "COUNT"])
def test_create_count_case_insensitive(client, given):
    mid = metric(client, "c", aggregation_type=given)
    assert client.v1.billable_metrics.retrieve(billable_metric_id=mid).data.aggregation_type == "COUNT"


def test_create_aggregation_type_lowercase_raw_http(http):
    r = http.post(
        "/v1/billable-metrics/create",
        json={"name": "raw", "aggregation_type": "sum", "aggregation_key": "n",
              "property_filters": [{"name": "n", "exists": True}]},
    )
    assert r.status_code == 200, r.text
    mid = r.json()["data"]["id"]
    g = http.get(f"/v1/billable-metrics/{mid}")
    assert g.status_code == 200
    assert g.json()["data"]["aggregation_type"] == "SUM"


def test_create_sql_metric(client):
    sql = "SELECT customer_id, count(*) AS value FROM events WHERE event_type = 'x' GROUP BY customer_id"
    mid = metric(client, "SQL metric", sql=sql, custom_fields={"k": "v"})
    assert_uuid4(mid)
    d = client.v1.billable_metrics.retrieve(billable_metric_id=mid).data
    assert d.name == "SQL metric"
    assert d.sql == sql
    assert d.property_filters is None
    assert d.group_keys is None
    assert d.event_type_filter is None
    assert d.aggregation_type is None
    assert d.aggregation_key is None
    assert d.custom_fields == {"k": "v"}


def test_create_ids_are_distinct(client):
    ids = {metric(client, f"m{i}", aggregation_type="COUNT") for i in range(5)}
    assert len(ids) == 5


_PF = [{"name": "bytes", "exists": True}]

BAD_CREATE_BODIES = {
    "name_missing": {"aggregation_type": "COUNT"},
    "name_empty": {"name": "", "aggregation_type": "COUNT"},
    "name_null": {"name": None, "aggregation_type": "COUNT"},
    "sql_with_aggregation_type": {"name": "m", "sql": "SELECT 1", "aggregation_type": "COUNT"},
    "sql_with_aggregation_key": {"name": "m", "sql": "SELECT 1", "aggregation_key": "bytes"},
    "sql_with_event_type_filter": {"name": "m", "sql": "SELECT 1", "event_type_filter": {"in_values": ["a"]}},
    "sql_with_property_filters": {"name": "m", "sql": "SELECT 1", "property_filters": _PF},
    "sql_with_group_keys": {"name": "m", "sql": "SELECT 1", "group_keys": [["region"]]},
    "neither_type_nor_sql": {"name": "m"},
    "neither_type_nor_sql_with_filters": {"name": "m", "property_filters": _PF},
    "count_with_key": {"name": "m", "aggregation_type": "COUNT", "aggregation_key": "bytes", "property_filters": _PF},
    "sum_without_key": {"name": "m", "aggregation_type": "SUM", "property_filters": _PF},
    "max_without_key": {"name": "m", "aggregation_type": "MAX", "property_filters": _PF},
    "latest_without_key": {"name": "m", "aggregation_type": "LATEST", "property_filters": _PF},
    "unique_without_key": {"name": "m", "aggregation_type": "UNIQUE", "property_filters": _PF},
    "key_not_a_filter": {
        "name": "m", "aggregation_type": "SUM", "aggregation_key": "bytes",
        "property_filters": [{"name": "other", "exists": True}],
    },
    "key_without_filters": {"name": "m", "aggregation_type": "MAX", "aggregation_key": "bytes"},
    "event_type_in_values_empty": {"name": "m", "aggregation_type": "COUNT", "event_type_filter": {"in_values": []}},
    "event_type_not_in_values_empty": {
        "name": "m", "aggregation_type": "COUNT", "event_type_filter": {"not_in_values": []},
    },
    "property_in_values_empty": {
        "name": "m", "aggregation_type": "COUNT", "property_filters": [{"name": "region", "in_values": []}],
    },
    "property_not_in_values_empty": {
        "name": "m", "aggregation_type": "COUNT", "property_filters": [{"name": "region", "not_in_values": []}],
    },
    "group_key_empty": {"name": "m", "aggregation_type": "COUNT", "group_keys": [[]]},
    "second_group_key_empty": {"name": "m", "aggregation_type": "COUNT", "group_keys": [["region"], []]},
    "unknown_aggregation_type": {"name": "m", "aggregation_type": "AVERAGE"},
    "unknown_aggregation_type_with_key": {
        "name": "m", "aggregation_type": "MEDIAN", "aggregation_key": "bytes", "property_filters": _PF,
    },
}


@pytest.mark.parametrize("case", sorted(BAD_CREATE_BODIES))
def test_create_invalid_is_400_raw(http, client, case):
    r = http.post("/v1/billable-metrics/create", json=BAD_CREATE_BODIES[case])
    assert_error_response(r, 400)
    assert total_metric_count(client) == 0, "a rejected create must store nothing"


@pytest.mark.parametrize(
    "kw",
    [
        {"name": "", "aggregation_type": "COUNT"},
        {"name": "m", "sql": "SELECT 1", "aggregation_type": "SUM"},
        {"name": "m"},
        {"name": "m", "aggregation_type": "COUNT", "aggregation_key": "bytes", "property_filters": _PF},
        {"name": "m", "aggregation_type": "SUM", "property_filters": _PF},
        {"name": "m", "aggregation_type": "UNIQUE", "aggregation_key": "bytes",
         "property_filters": [{"name": "x", "exists": True}]},
        {"name": "m", "aggregation_type": "COUNT", "group_keys": [[]]},
    ],
    ids=["empty_name", "sql_and_type", "no_type", "count_key", "sum_no_key", "key_not_filter", "empty_group_key"],
)
def test_create_invalid_is_400_sdk(client, kw):
    with expect_api_error(400):
        client.v1.billable_metrics.create(**kw)
    assert total_metric_count(client) == 0


def test_create_body_not_object_is_400(http, client):
    r = http.post("/v1/billable-metrics/create", content=b"[1,2]", headers={"Content-Type": "application/json"})
    assert_error_response(r, 400)
    r = http.post("/v1/billable-metrics/create", content=b"{not json", headers={"Content-Type": "application/json"})
    assert_error_response(r, 400)
    assert total_metric_count(client) == 0


# ====================================================================== retrieve


def test_retrieve_unknown_is_404(client):
    metric(client, "existing", aggregation_type="COUNT")
    with expect_api_error(404):
        client.v1.billable_metrics.retrieve(billable_metric_id=str(uuid.uuid4()))


@pytest.mark.parametrize("bad", ["not-a-uuid", "12345"])
def test_retrieve_non_uuid_is_400(client, bad):
    with expect_api_error(400):
        client.v1.billable_metrics.retrieve(billable_metric_id=bad)


def test_retrieve_uppercase_uuid_finds_metric(http, client):
    mid = metric(client, "m", aggregation_type="COUNT")
    r = http.get(f"/v1/billable-metrics/{mid.upper()}")
    assert r.status_code == 200, r.text
    assert r.json()["data"]["id"] == mid


# ====================================================================== list


def test_list_empty(client):
    page = client.v1.billable_metrics.list()
    assert page.data == []
    assert page.next_page is None


def test_list_hides_archived_by_default(client, http):
    freeze_clock(http, T0)
    a = metric(client, "a", aggregation_type="COUNT")
    b = metric(client, "b", aggregation_type="COUNT")
    c = metric(client, "c", aggregation_type="COUNT")
    client.v1.billable_metrics.archive(id=b)
    assert all_metric_ids(client) == [a, c]
    assert all_metric_ids(client, include_archived=False) == [a, c]
    rows = list(client.v1.billable_metrics.list(include_archived=True))
    assert [m.id for m in rows] == [a, b, c]
    by_id = {m.id: m for m in rows}
    assert by_id[a].archived_at is None
    assert by_id[c].archived_at is None
    assert by_id[b].archived_at == T0
    assert [m.name for m in rows] == ["a", "b", "c"]


def test_list_rows_carry_definition(client):
    mid = metric(
        client, "s", aggregation_type="MAX", aggregation_key="ms",
        property_filters=[{"name": "ms", "exists": True}], group_keys=[["host"]],
        custom_fields={"x": "y"},
    )
    (m,) = list(client.v1.billable_metrics.list())
    assert m.id == mid
    assert m.name == "s"
    assert m.aggregation_type == "MAX"
    assert m.aggregation_key == "ms"
    assert pf_dump(m.property_filters) == [{"name": "ms", "exists": True}]
    assert m.group_keys == [["host"]]
    assert m.custom_fields == {"x": "y"}


def test_list_pagination_limit_1_in_creation_order(client):
    ids = [metric(client, f"m{i}", aggregation_type="COUNT") for i in range(5)]
    first = client.v1.billable_metrics.list(limit=1)
    assert [m.id for m in first.data] == [ids[0]]
    assert first.next_page
    assert all_metric_ids(client, limit=1) == ids
    assert all_metric_ids(client, limit=2) == ids
    # manual paging with next_page
    seen, token = [], None
    while True:
        kw = {"limit": 1}
        if token:
            kw["next_page"] = token
        page = client.v1.billable_metrics.list(**kw)
        assert len(page.data) <= 1
        seen += [m.id for m in page.data]
        token = page.next_page
        if not token:
            break
    assert seen == ids


def test_list_pagination_with_archived(client):
    ids = [metric(client, f"m{i}", aggregation_type="COUNT") for i in range(4)]
    client.v1.billable_metrics.archive(id=ids[1])
    assert all_metric_ids(client, limit=1) == [ids[0], ids[2], ids[3]]
    assert all_metric_ids(client, limit=1, include_archived=True) == ids


@pytest.mark.parametrize("limit", [0, 101, -1])
def test_list_bad_limit_is_400(client, limit):
    with expect_api_error(400):
        client.v1.billable_metrics.list(limit=limit)


def test_list_limit_100_ok(client):
    metric(client, "m", aggregation_type="COUNT")
    assert len(client.v1.billable_metrics.list(limit=100).data) == 1


def test_list_bad_next_page_is_400(http):
    assert_error_response(http.get("/v1/billable-metrics", params={"next_page": "garbage!!"}), 400)


# ====================================================================== update (rename)


def test_update_renames(client):
    mid = metric(
        client, "old name", aggregation_type="SUM", aggregation_key="n",
        property_filters=[{"name": "n", "exists": True}],
    )
    resp = client.v1.billable_metrics.update(billable_metric_id=mid, name="new name")
    assert resp.data.id == mid
    d = client.v1.billable_metrics.retrieve(billable_metric_id=mid).data
    assert d.name == "new name"
    assert d.aggregation_type == "SUM"
    assert d.aggregation_key == "n"
    assert pf_dump(d.property_filters) == [{"name": "n", "exists": True}]
    assert [m.name for m in client.v1.billable_metrics.list()] == ["new name"]


def test_update_unknown_is_404(client):
    with expect_api_error(404):
        client.v1.billable_metrics.update(billable_metric_id=str(uuid.uuid4()), name="x")


def test_update_empty_name_is_400_and_changes_nothing(client):
    mid = metric(client, "keep", aggregation_type="COUNT")
    with expect_api_error(400):
        client.v1.billable_metrics.update(billable_metric_id=mid, name="")
    assert client.v1.billable_metrics.retrieve(billable_metric_id=mid).data.name == "keep"


def test_update_missing_name_is_400(http, client):
    mid = metric(client, "keep", aggregation_type="COUNT")
    assert_error_response(http.put(f"/v1/billable-metrics/{mid}", json={}), 400)
    assert client.v1.billable_metrics.retrieve(billable_metric_id=mid).data.name == "keep"


# ====================================================================== archive


def test_archive(client, http):
    freeze_clock(http, T0)
    mid = metric(client, "m", aggregation_type="COUNT")
    resp = client.v1.billable_metrics.archive(id=mid)
    assert resp.data.id == mid
    d = client.v1.billable_metrics.retrieve(billable_metric_id=mid).data
    assert d.archived_at == T0
    assert d.name == "m"


def test_archive_twice_is_400(client, http):
    freeze_clock(http, T0)
    mid = metric(client, "m", aggregation_type="COUNT")
    client.v1.billable_metrics.archive(id=mid)
    freeze_clock(http, utc(2026, 3, 16))
    with expect_api_error(400):
        client.v1.billable_metrics.archive(id=mid)
    d = client.v1.billable_metrics.retrieve(billable_metric_id=mid).data
    assert d.archived_at == T0, "a rejected second archive must not move archived_at"


def test_archive_unknown_is_404(client):
    keep = metric(client, "m", aggregation_type="COUNT")
    with expect_api_error(404):
        client.v1.billable_metrics.archive(id=str(uuid.uuid4()))
    assert all_metric_ids(client) == [keep]


def test_archive_non_uuid_is_400(client):
    with expect_api_error(400):
        client.v1.billable_metrics.archive(id="nope")


def test_archive_missing_id_is_400(http):
    assert_error_response(http.post("/v1/billable-metrics/archive", json={}), 400)


# ====================================================================== customer's billable metrics


def test_customer_list_billable_metrics(client, http):
    freeze_clock(http, T0)
    cust = client.v1.customers.create(name="Acme").data.id
    a = metric(client, "a", aggregation_type="COUNT")
    b = metric(client, "b", aggregation_type="SUM", aggregation_key="n", property_filters=[{"name": "n", "exists": True}])
    c = metric(client, "c", sql="SELECT 1")
    client.v1.billable_metrics.archive(id=a)

    rows = list(client.v1.customers.list_billable_metrics(customer_id=cust))
    assert [m.id for m in rows] == [b, c]
    assert rows[0].name == "b"
    assert rows[0].aggregation_type == "SUM"
    assert rows[0].aggregation_key == "n"
    assert rows[1].sql == "SELECT 1"
    assert all(m.archived_at is None for m in rows)

    rows = list(client.v1.customers.list_billable_metrics(customer_id=cust, include_archived=True))
    assert [m.id for m in rows] == [a, b, c]
    assert rows[0].archived_at == T0

    assert [m.id for m in client.v1.customers.list_billable_metrics(customer_id=cust, include_archived=False)] == [b, c]


def test_customer_list_billable_metrics_on_current_plan_is_empty(client):
    cust = client.v1.customers.create(name="Acme").data.id
    metric(client, "a", aggregation_type="COUNT")
    metric(client, "b", aggregation_type="COUNT")
    assert list(client.v1.customers.list_billable_metrics(customer_id=cust, on_current_plan=True)) == []
    assert list(client.v1.customers.list_billable_metrics(
        customer_id=cust, on_current_plan=True, include_archived=True)) == []
    assert len(list(client.v1.customers.list_billable_metrics(customer_id=cust, on_current_plan=False))) == 2


def test_customer_list_billable_metrics_pagination(client):
    cust = client.v1.customers.create(name="Acme").data.id
    ids = [metric(client, f"m{i}", aggregation_type="COUNT") for i in range(3)]
    first = client.v1.customers.list_billable_metrics(customer_id=cust, limit=1)
    assert [m.id for m in first.data] == [ids[0]]
    assert [m.id for m in client.v1.customers.list_billable_metrics(customer_id=cust, limit=1)] == ids


def test_customer_list_billable_metrics_unknown_customer_is_404(client):
    metric(client, "a", aggregation_type="COUNT")
    with expect_api_error(404):
        client.v1.customers.list_billable_metrics(customer_id=str(uuid.uuid4()))


def test_customer_list_billable_metrics_non_uuid_customer_is_400(client):
    with expect_api_error(400):
        client.v1.customers.list_billable_metrics(customer_id="not-a-uuid")
