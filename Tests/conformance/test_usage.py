"""Usage: ingest (validation, de-duplication), events search, usage list (aggregations, filters,
windows, groups, pagination, aliases) and usage list-with-groups."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest

from helpers import (
    make_client,
    make_http,
    start_emulator_without_demo_catalog,
    assert_error_response,
    expect_api_error,
    freeze_clock,
    utc,
)
from usage_helpers import (
    DAY0,
    NOW,
    event,
    ingest,
    metric,
    raw_ingest,
    search,
    single_value,
    ts,
    usage_rows,
)


# A plan without charges, to give a customer billing periods.
PERIODS_PLAN = "5e0c0000-0000-4000-8000-000000000001"


# These tests report usage of every metric, so they run on an emulator without the demo catalog.
@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fixtures")
    (folder / "plans.json").write_text(json.dumps([{"id": PERIODS_PLAN, "name": "Periods only", "charges": []}]))
    proc = start_emulator_without_demo_catalog(folder)
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

D0 = DAY0
D1 = DAY0 + timedelta(days=1)
D2 = DAY0 + timedelta(days=2)
D3 = DAY0 + timedelta(days=3)
H = timedelta(hours=1)


@pytest.fixture(autouse=True)
def _frozen_clock(_reset_emulator, http):
    """Every test here runs at the same emulated instant (after the suite's reset)."""
    freeze_clock(http, NOW)


def count_metric(client, name="count", **kw):
    return metric(client, name, aggregation_type="COUNT", **kw)


def keyed_metric(client, agg, key, name=None, extra_filters=(), **kw):
    return metric(
        client,
        name or f"{agg.lower()}-{key}",
        aggregation_type=agg,
        aggregation_key=key,
        property_filters=[{"name": key, "exists": True}, *extra_filters],
        **kw,
    )


def customer(client, name="Acme", **kw):
    return client.v1.customers.create(name=name, **kw).data.id


def total_count(client, cust, mid, start=D0 - timedelta(days=40), end=utc(2026, 5, 1)):
    return single_value(client, cust, mid, start, end)


# ====================================================================== ingest: accepted shapes


def test_ingest_single_event_counts(client):
    c = customer(client)
    m = count_metric(client)
    ingest(client, [event("tx-1", c, D0 + H)])
    assert single_value(client, c, m, D0, D1) == 1


def test_ingest_100_events(client):
    c = customer(client)
    m = count_metric(client)
    ingest(client, [event(f"tx-{i}", c, D0 + timedelta(minutes=i)) for i in range(100)])
    assert single_value(client, c, m, D0, D1) == 100


def test_ingest_transaction_id_128_chars_ok(client):
    c = customer(client)
    m = count_metric(client)
    tx = "t" * 128
    ingest(client, [event(tx, c, D0 + H)])
    assert single_value(client, c, m, D0, D1) == 1
    assert [e.transaction_id for e in search(client, [tx])] == [tx]


def test_ingest_properties_strings_and_numbers_kept(client):
    c = customer(client)
    props = {"s": "text", "i": 3, "f": 2.5, "neg": -7, "numstr": "12"}
    ingest(client, [event("tx-p", c, D0 + H, properties=props)])
    (e,) = search(client, ["tx-p"])
    assert e.properties == props


def test_ingest_numeric_strings_and_negatives_in_sum(client):
    c = customer(client)
    m = keyed_metric(client, "SUM", "n")
    ingest(client, [
        event("a", c, D0 + 1 * H, properties={"n": 10}),
        event("b", c, D0 + 2 * H, properties={"n": "5"}),
        event("c", c, D0 + 3 * H, properties={"n": "2.5"}),
        event("d", c, D0 + 4 * H, properties={"n": -4}),
        event("e", c, D0 + 5 * H, properties={"n": "-1.5"}),
    ])
    assert single_value(client, c, m, D0, D1) == 12.0


def test_ingest_23h_ahead_ok(client):
    c = customer(client)
    m = count_metric(client)
    ingest(client, [event("future-ok", c, NOW + timedelta(hours=23))])
    assert single_value(client, c, m, utc(2026, 3, 15), utc(2026, 3, 17)) == 1


def test_ingest_relative_to_emulated_clock(client, http):
    c = customer(client)
    m = count_metric(client)
    later = utc(2030, 6, 1, 12)
    # With the clock at NOW this is years ahead: rejected.
    with expect_api_error(400):
        client.v1.usage.ingest(usage=[event("far", c, later)])
    freeze_clock(http, later - timedelta(hours=23))
    ingest(client, [event("far", c, later)])
    assert single_value(client, c, m, utc(2030, 6, 1), utc(2030, 6, 2)) == 1


# ====================================================================== ingest: rejected


def _stored_nothing(client, cust, mid, tx_ids):
    assert total_count(client, cust, mid) == 0, "a rejected batch must store nothing"
    assert search(client, tx_ids) == [], "a rejected batch must store nothing"


def test_ingest_zero_events_is_400(client, http):
    with expect_api_error(400):
        client.v1.usage.ingest(usage=[])
    assert_error_response(raw_ingest(http, []), 400)


def test_ingest_101_events_is_400(client):
    c = customer(client)
    m = count_metric(client)
    events = [event(f"tx-{i}", c, D0 + timedelta(minutes=i)) for i in range(101)]
    with expect_api_error(400):
        client.v1.usage.ingest(usage=events)
    _stored_nothing(client, c, m, ["tx-0", "tx-100"])


@pytest.mark.parametrize("field", ["transaction_id", "customer_id", "event_type", "timestamp"])
def test_ingest_missing_field_is_400(client, http, field):
    c = customer(client)
    m = count_metric(client)
    good = event("good-1", c, D0 + H)
    bad = event("bad-1", c, D0 + 2 * H)
    del bad[field]
    assert_error_response(raw_ingest(http, [good, bad]), 400)
    _stored_nothing(client, c, m, ["good-1", "bad-1"])


@pytest.mark.parametrize("field", ["transaction_id", "customer_id", "event_type", "timestamp"])
def test_ingest_null_field_is_400(client, http, field):
    c = customer(client)
    m = count_metric(client)
    bad = event("bad-1", c, D0 + 2 * H)
    bad[field] = None
    assert_error_response(raw_ingest(http, [event("good-1", c, D0 + H), bad]), 400)
    _stored_nothing(client, c, m, ["good-1", "bad-1"])


def test_ingest_empty_transaction_id_is_400(client, http):
    c = customer(client)
    m = count_metric(client)
    assert_error_response(raw_ingest(http, [event("good-1", c, D0 + H), event("", c, D0 + H)]), 400)
    _stored_nothing(client, c, m, ["good-1", ""])


def test_ingest_transaction_id_129_chars_is_400(client):
    c = customer(client)
    m = count_metric(client)
    with expect_api_error(400):
        client.v1.usage.ingest(usage=[event("good-1", c, D0 + H), event("t" * 129, c, D0 + H)])
    _stored_nothing(client, c, m, ["good-1", "t" * 129])


@pytest.mark.parametrize(
    "bad_ts",
    ["yesterday", "2026-13-01T00:00:00Z", "2026-03-10T25:00:00Z", "10/03/2026 01:00", "1773100800", "",
     "2026-03-10 T01:00:00Z"],
)
def test_ingest_timestamp_not_rfc3339_is_400(client, bad_ts):
    c = customer(client)
    m = count_metric(client)
    with expect_api_error(400):
        client.v1.usage.ingest(usage=[event("good-1", c, D0 + H), event("bad-1", c, bad_ts)])
    _stored_nothing(client, c, m, ["good-1", "bad-1"])


def test_ingest_timestamp_number_is_400(client, http):
    c = customer(client)
    m = count_metric(client)
    bad = event("bad-1", c, D0)
    bad["timestamp"] = 1773100800
    assert_error_response(raw_ingest(http, [bad]), 400)
    _stored_nothing(client, c, m, ["bad-1"])


def test_ingest_more_than_24h_ahead_is_400(client):
    c = customer(client)
    m = count_metric(client)
    with expect_api_error(400):
        client.v1.usage.ingest(usage=[
            event("good-1", c, NOW - H),
            event("bad-1", c, NOW + timedelta(hours=24, minutes=1)),
        ])
    _stored_nothing(client, c, m, ["good-1", "bad-1"])
    with expect_api_error(400):
        client.v1.usage.ingest(usage=[event("bad-2", c, NOW + timedelta(days=3))])
    _stored_nothing(client, c, m, ["bad-2"])


def test_ingest_body_object_is_400(client, http):
    c = customer(client)
    m = count_metric(client)
    assert_error_response(raw_ingest(http, event("obj-1", c, D0 + H)), 400)
    assert_error_response(raw_ingest(http, {"usage": [event("obj-2", c, D0 + H)]}), 400)
    _stored_nothing(client, c, m, ["obj-1", "obj-2"])


def test_ingest_body_not_json_is_400(http):
    r = http.post("/v1/ingest", content=b"[{not json", headers={"Content-Type": "application/json"})
    assert_error_response(r, 400)


def test_ingest_properties_not_object_is_400(client, http):
    c = customer(client)
    m = count_metric(client)
    bad = event("bad-1", c, D0 + H)
    bad["properties"] = ["a", "b"]
    assert_error_response(raw_ingest(http, [event("good-1", c, D0 + H), bad]), 400)
    _stored_nothing(client, c, m, ["good-1", "bad-1"])


# ====================================================================== de-duplication


def test_dedup_within_one_batch(client):
    c = customer(client)
    m = keyed_metric(client, "SUM", "n")
    ingest(client, [
        event("same", c, D0 + H, properties={"n": 1}),
        event("same", c, D0 + 2 * H, properties={"n": 100}),
    ])
    assert single_value(client, c, m, D0, D1) == 1
    found = search(client, ["same"])
    assert len(found) == 2
    by_n = {e.properties["n"]: e for e in found}
    assert by_n[1].is_duplicate is False
    assert by_n[100].is_duplicate is True


def test_dedup_across_batches(client):
    c = customer(client)
    m = keyed_metric(client, "SUM", "n")
    cnt = count_metric(client)
    ingest(client, [event("dup", c, D0 + H, properties={"n": 7})])
    ingest(client, [event("dup", c, D0 + H, properties={"n": 7}), event("other", c, D0 + H, properties={"n": 1})])
    ingest(client, [event("dup", c, D1 + H, properties={"n": 50})])
    assert single_value(client, c, m, D0, D2) == 8
    assert single_value(client, c, cnt, D0, D2) == 2
    found = search(client, ["dup"])
    assert len(found) == 3
    assert sorted(e.is_duplicate for e in found) == [False, True, True]
    originals = [e for e in found if e.is_duplicate is False]
    assert originals[0].properties == {"n": 7}
    assert originals[0].timestamp == D0 + H


def test_dedup_window_expires_after_35_days(client, http):
    c = customer(client)
    m = count_metric(client)
    ingest(client, [event("tx-r", c, NOW - H)])
    freeze_clock(http, NOW + timedelta(days=10))
    ingest(client, [event("tx-r", c, NOW + timedelta(days=10) - H)])
    assert total_count(client, c, m) == 1, "a repeat within the window must not count"
    later = NOW + timedelta(days=35)
    freeze_clock(http, later)
    ingest(client, [event("tx-r", c, later - H)])
    assert total_count(client, c, m) == 2, "after 35 days the transaction_id must count again"
    assert single_value(client, c, m, utc(2026, 4, 19), utc(2026, 4, 20)) == 1
    found = search(client, ["tx-r"])
    assert len(found) == 3
    flags = {e.timestamp: e.is_duplicate for e in found}
    assert flags == {
        NOW - H: False,
        NOW + timedelta(days=10) - H: True,
        later - H: False,
    }


def test_dedup_window_is_34_days_from_the_ingest_that_counted(client, http):
    window = timedelta(days=34)
    ms = timedelta(milliseconds=1)
    c = customer(client)
    m = count_metric(client)

    def count():
        return single_value(client, c, m, utc(2026, 3, 1), utc(2026, 6, 1))

    # Stamped 5 days before its ingest: a window counted from the event's timestamp would have
    # closed 5 days before the re-send just inside the window below.
    first_ts = NOW - timedelta(days=5)
    ingest(client, [event("tx-w", c, first_ts)])
    assert count() == 1

    just_inside = NOW + window - ms
    freeze_clock(http, just_inside)
    ingest(client, [event("tx-w", c, just_inside - H)])
    assert count() == 1, "a repeat 1 ms before 34 days after the counted ingest must be ignored"

    # Measured from the ingest that counted, not from the ignored repeat.
    just_past = NOW + window + ms
    freeze_clock(http, just_past)
    ingest(client, [event("tx-w", c, just_past - H)])
    assert count() == 2, "a repeat 1 ms after 34 days must count again"

    # The repeat that counted starts a new window.
    inside_again = just_past + window - ms
    freeze_clock(http, inside_again)
    ingest(client, [event("tx-w", c, inside_again - H)])
    assert count() == 2, "a repeat within 34 days of the last counted ingest must be ignored"

    flags = {e.timestamp: e.is_duplicate for e in search(client, ["tx-w"])}
    assert flags == {
        first_ts: False,
        just_inside - H: True,
        just_past - H: False,
        inside_again - H: True,
    }


# ====================================================================== events search


def test_search_event_fields(client):
    c = customer(client, name="Acme Corp", ingest_aliases=["acme-alias"])
    m_all = count_metric(client, "all")
    m_api = count_metric(client, "api only", event_type_filter={"in_values": ["api_call"]})
    m_bytes = keyed_metric(client, "SUM", "bytes", name="bytes")
    count_metric(client, "uploads only", event_type_filter={"in_values": ["upload"]})
    keyed_metric(client, "MAX", "latency", name="latency")  # property absent: no match
    m_eu = count_metric(client, "eu", property_filters=[{"name": "region", "in_values": ["eu"]}])
    m_arch = count_metric(client, "archived")
    client.v1.billable_metrics.archive(id=m_arch)

    props = {"bytes": 10, "region": "eu", "note": "hello"}
    ingest(client, [event("s-1", "acme-alias", D0 + H, "api_call", props)])
    (e,) = search(client, ["s-1"])
    assert isinstance(e.id, str) and e.id
    assert e.customer_id == "acme-alias"
    assert e.event_type == "api_call"
    assert e.timestamp == D0 + H
    assert e.transaction_id == "s-1"
    assert e.is_duplicate is False
    assert e.matched_customer is not None
    assert e.matched_customer.id == c
    assert e.matched_customer.name == "Acme Corp"
    assert sorted(x.id for x in e.matched_billable_metrics) == sorted([m_all, m_api, m_bytes, m_eu])
    names = {x.id: x.name for x in e.matched_billable_metrics}
    assert names[m_bytes] == "bytes"
    assert e.properties == props


def test_search_by_metronome_id_and_unmatched_customer(client):
    c = customer(client, name="Beta")
    m = count_metric(client)
    ingest(client, [
        event("by-id", c, D0 + H),
        event("nobody", "no-such-customer", D0 + H),
    ])
    found = {e.transaction_id: e for e in search(client, ["by-id", "nobody"])}
    assert set(found) == {"by-id", "nobody"}
    assert found["by-id"].customer_id == c
    assert found["by-id"].matched_customer.id == c
    assert found["by-id"].matched_customer.name == "Beta"
    assert found["nobody"].customer_id == "no-such-customer"
    assert found["nobody"].matched_customer is None
    assert [x.id for x in found["nobody"].matched_billable_metrics] == [m]


def test_search_ids_are_distinct(client):
    c = customer(client)
    ingest(client, [event(f"x-{i}", c, D0 + H) for i in range(3)])
    found = search(client, ["x-0", "x-1", "x-2"])
    assert sorted(e.transaction_id for e in found) == ["x-0", "x-1", "x-2"]
    assert len({e.id for e in found}) == 3


def test_search_unknown_ids_is_empty(client):
    c = customer(client)
    ingest(client, [event("known", c, D0 + H)])
    assert search(client, ["unknown-1", "unknown-2"]) == []
    assert [e.transaction_id for e in search(client, ["unknown-1", "known"])] == ["known"]


def test_search_missing_transaction_ids_is_400(http):
    assert_error_response(http.post("/v1/events/search", json={}), 400)


# ====================================================================== usage list: aggregations


def _aggregation_setup(client):
    a = customer(client, "A")
    b = customer(client, "B")
    m = {
        "COUNT": count_metric(client, "count"),
        "SUM": keyed_metric(client, "SUM", "n"),
        "MAX": keyed_metric(client, "MAX", "n"),
        "LATEST": keyed_metric(client, "LATEST", "n"),
        "UNIQUE": keyed_metric(client, "UNIQUE", "user"),
    }
    # Sent out of time order on purpose: LATEST follows timestamps, not arrival.
    ingest(client, [
        event("a3", a, D0 + 3 * H, properties={"n": 3, "user": "u1"}),
        event("a1", a, D0 + 1 * H, properties={"n": 5, "user": "u1"}),
        event("a2", a, D0 + 2 * H, properties={"n": "2.5", "user": "u2"}),
        event("a5", a, D1 + 11 * H, properties={"n": 4, "user": "u1"}),
        event("a4", a, D1 + 10 * H, properties={"n": -2, "user": "u3"}),
        event("b1", b, D1 + 5 * H, "other", properties={"n": 100, "user": "u9"}),
    ])
    return a, b, m


def test_usage_aggregations_day_windows(client):
    a, b, m = _aggregation_setup(client)
    rows = usage_rows(client, D0, D3, "DAY", customer_ids=[a])
    got = {}
    for r in rows:
        assert r.customer_id == a
        assert r.end_timestamp - r.start_timestamp == timedelta(days=1)
        got[(r.billable_metric_id, r.start_timestamp)] = r.value
    assert len(rows) == 5 * 3
    expected = {
        "COUNT": [3, 2, 0],
        "SUM": [10.5, 2, 0],
        "MAX": [5, 4, None],
        "LATEST": [3, 4, None],
        "UNIQUE": [2, 2, 0],
    }
    for agg, values in expected.items():
        assert [got[(m[agg], d)] for d in (D0, D1, D2)] == values, agg


def test_usage_aggregations_none_window(client):
    a, b, m = _aggregation_setup(client)
    expected_a = {"COUNT": 5, "SUM": 12.5, "MAX": 5, "LATEST": 4, "UNIQUE": 3}
    for agg, value in expected_a.items():
        assert single_value(client, a, m[agg], D0, D3) == value, agg
    expected_b = {"COUNT": 1, "SUM": 100, "MAX": 100, "LATEST": 100, "UNIQUE": 1}
    for agg, value in expected_b.items():
        assert single_value(client, b, m[agg], D0, D3) == value, agg


def test_usage_empty_range_values(client):
    a, b, m = _aggregation_setup(client)
    start = utc(2026, 2, 1)
    rows = usage_rows(client, start, start + timedelta(days=1), "NONE", customer_ids=[a])
    got = {r.billable_metric_id: r.value for r in rows}
    assert got == {m["COUNT"]: 0, m["SUM"]: 0, m["MAX"]: None, m["LATEST"]: None, m["UNIQUE"]: 0}


def test_usage_latest_and_unique_mixed_values(client):
    c = customer(client)
    latest = keyed_metric(client, "LATEST", "n")
    uniq = keyed_metric(client, "UNIQUE", "k")
    ingest(client, [
        event("l1", c, D0 + H, properties={"n": 1, "k": 1}),
        event("l2", c, D0 + 5 * H, properties={"n": 9, "k": 1}),
        event("l3", c, D0 + 2 * H, properties={"n": 4, "k": 2}),
        event("l4", c, D0 + 3 * H, properties={"n": 6, "k": "x"}),
        event("l5", c, D0 + 4 * H, properties={"n": 7, "k": "x"}),
    ])
    assert single_value(client, c, latest, D0, D1) == 9
    assert single_value(client, c, uniq, D0, D1) == 3


def test_usage_all_customers_all_metrics_by_default(client):
    a, b, m = _aggregation_setup(client)
    rows = usage_rows(client, D0, D2, "DAY")
    assert len(rows) == 2 * 5 * 2
    keys = {(r.customer_id, r.billable_metric_id, r.start_timestamp) for r in rows}
    assert len(keys) == len(rows)
    assert {r.customer_id for r in rows} == {a, b}
    assert {r.billable_metric_id for r in rows} == set(m.values())
    names = {r.billable_metric_id: r.billable_metric_name for r in rows}
    assert names == {m["COUNT"]: "count", m["SUM"]: "sum-n", m["MAX"]: "max-n",
                     m["LATEST"]: "latest-n", m["UNIQUE"]: "unique-user"}
    b_count = {r.start_timestamp: r.value for r in rows
               if r.customer_id == b and r.billable_metric_id == m["COUNT"]}
    assert b_count == {D0: 0, D1: 1}


def test_usage_metric_selection(client):
    a, b, m = _aggregation_setup(client)
    rows = usage_rows(client, D0, D1, "DAY", customer_ids=[a, b],
                      billable_metrics=[{"id": m["SUM"]}, {"id": m["COUNT"]}])
    assert [(r.customer_id, r.billable_metric_id, r.value) for r in rows] == [
        (a, m["SUM"], 10.5),
        (a, m["COUNT"], 3),
        (b, m["SUM"], 0),
        (b, m["COUNT"], 0),
    ]
    assert all(r.groups is None for r in rows)


# ====================================================================== usage list: filters


def test_usage_event_type_and_property_filters(client):
    c = customer(client)
    metrics = {
        "evt_in": count_metric(client, "evt_in", event_type_filter={"in_values": ["a", "b"]}),
        "evt_not_in": count_metric(client, "evt_not_in", event_type_filter={"not_in_values": ["a"]}),
        "exists_true": count_metric(client, "exists_true", property_filters=[{"name": "region", "exists": True}]),
        "exists_false": count_metric(client, "exists_false", property_filters=[{"name": "region", "exists": False}]),
        "in": count_metric(client, "in", property_filters=[{"name": "region", "in_values": ["eu", "us"]}]),
        "not_in": count_metric(client, "not_in", property_filters=[{"name": "region", "not_in_values": ["eu"]}]),
        "code_in": count_metric(client, "code_in", property_filters=[{"name": "code", "in_values": ["200"]}]),
        "code_not_in": count_metric(client, "code_not_in", property_filters=[{"name": "code", "not_in_values": ["200"]}]),
        "combined": count_metric(client, "combined", event_type_filter={"in_values": ["a"]},
                                 property_filters=[{"name": "region", "in_values": ["eu"]}]),
        "sum_eu": keyed_metric(client, "SUM", "n", name="sum_eu",
                               extra_filters=[{"name": "region", "in_values": ["eu"]}]),
    }
    ingest(client, [
        event("e1", c, D0 + 1 * H, "a", {"region": "eu", "code": 200, "n": 1}),
        event("e2", c, D0 + 2 * H, "a", {"region": "us", "code": "200", "n": 2}),
        event("e3", c, D0 + 3 * H, "b", {"region": "ap", "code": 201, "n": 4}),
        event("e4", c, D0 + 4 * H, "c", {"code": 200, "n": 8}),
        event("e5", c, D0 + 5 * H, "c", {"region": "eu", "n": 16}),
        event("e6", c, D0 + 6 * H, "c", {"region": "eu"}),
    ])
    expected = {
        "evt_in": 3,        # e1 e2 e3
        "evt_not_in": 4,    # e3 e4 e5 e6
        "exists_true": 5,   # all but e4
        "exists_false": 1,  # e4
        "in": 4,            # e1 e2 e5 e6
        "not_in": 3,        # e2 e3 e4
        "code_in": 3,       # e1 e2 e4 (200 as number and as string)
        "code_not_in": 3,   # e3 e5 e6
        "combined": 1,      # e1
        "sum_eu": 17,       # e1 + e5 (e6 has no n)
    }
    rows = usage_rows(client, D0, D1, "NONE", customer_ids=[c])
    got = {r.billable_metric_id: r.value for r in rows}
    assert {k: got[v] for k, v in metrics.items()} == expected


def test_usage_property_filter_numbers_by_json_spelling(client):
    c = customer(client)
    m_int = count_metric(client, "int", property_filters=[{"name": "v", "in_values": ["3"]}])
    m_dec = count_metric(client, "dec", property_filters=[{"name": "v", "in_values": ["2.5"]}])
    m_str = count_metric(client, "str", property_filters=[{"name": "v", "in_values": ["abc"]}])
    ingest(client, [
        event("v1", c, D0 + H, properties={"v": 3}),
        event("v2", c, D0 + H, properties={"v": "3"}),
        event("v3", c, D0 + H, properties={"v": 2.5}),
        event("v4", c, D0 + H, properties={"v": "abc"}),
        event("v5", c, D0 + H, properties={"v": 4}),
    ])
    assert single_value(client, c, m_int, D0, D1) == 2
    assert single_value(client, c, m_dec, D0, D1) == 1
    assert single_value(client, c, m_str, D0, D1) == 1


# ====================================================================== usage list: windows


def test_usage_hour_windows(client):
    c = customer(client)
    m = count_metric(client)
    ingest(client, [
        event("h0", c, D0, properties={}),                                    # first instant: included
        event("h1a", c, D0 + timedelta(hours=1, minutes=30)),
        event("h1b", c, D0 + timedelta(hours=2) - timedelta(milliseconds=1)),
        event("h2", c, D0 + 2 * H),
        event("h23", c, D0 + timedelta(hours=23, minutes=59)),
        event("next-day", c, D1),                                             # ending_before: excluded
    ])
    rows = usage_rows(client, D0, D1, "HOUR", customer_ids=[c], billable_metrics=[{"id": m}])
    assert [r.start_timestamp for r in rows] == [D0 + i * H for i in range(24)]
    assert [r.end_timestamp for r in rows] == [D0 + (i + 1) * H for i in range(24)]
    values = [r.value for r in rows]
    expected = [0] * 24
    expected[0], expected[1], expected[2], expected[23] = 1, 2, 1, 1
    assert values == expected


def test_usage_day_windows_boundaries(client):
    c = customer(client)
    m = count_metric(client)
    ingest(client, [
        event("d0", c, D0),
        event("d0-end", c, D1 - timedelta(milliseconds=1)),
        event("d1", c, D1),
        event("d3", c, D3),
        event("before", c, D0 - timedelta(milliseconds=1)),
    ])
    rows = usage_rows(client, D0, D3, "DAY", customer_ids=[c], billable_metrics=[{"id": m}])
    assert [(r.start_timestamp, r.end_timestamp, r.value) for r in rows] == [
        (D0, D1, 2),
        (D1, D2, 1),
        (D2, D3, 0),
    ]


def test_usage_none_window_one_row(client):
    c = customer(client)
    m = count_metric(client)
    ingest(client, [event(f"n{i}", c, D0 + i * timedelta(hours=13)) for i in range(5)])
    rows = usage_rows(client, D0, D3, "NONE", customer_ids=[c], billable_metrics=[{"id": m}])
    assert len(rows) == 1
    r = rows[0]
    assert (r.start_timestamp, r.end_timestamp, r.value) == (D0, D3, 5)
    assert r.billable_metric_name == "count"


# ====================================================================== usage list: groups


def test_usage_groups_with_values(client):
    c = customer(client)
    m = keyed_metric(client, "SUM", "n", group_keys=[["region"]])
    cnt = count_metric(client)
    ingest(client, [
        event("g1", c, D0 + 1 * H, properties={"n": 1, "region": "eu"}),
        event("g2", c, D0 + 2 * H, properties={"n": 2, "region": "eu"}),
        event("g3", c, D0 + 3 * H, properties={"n": 5, "region": "us"}),
        event("g4", c, D0 + 4 * H, properties={"n": 9, "region": "sa"}),
    ])
    rows = usage_rows(
        client, D0, D2, "DAY", customer_ids=[c],
        billable_metrics=[{"id": m, "group_by": {"key": "region", "values": ["eu", "us", "ap"]}}, {"id": cnt}],
    )
    assert len(rows) == 4
    r0, r1, r2, r3 = rows
    assert (r0.billable_metric_id, r0.start_timestamp, r0.value) == (m, D0, 17)
    assert r0.groups == {"eu": 3, "us": 5, "ap": None}
    assert (r1.billable_metric_id, r1.start_timestamp, r1.value) == (m, D1, 0)
    assert r1.groups == {"eu": None, "us": None, "ap": None}
    assert r2.billable_metric_id == cnt and r2.groups is None and r2.value == 4
    assert r3.billable_metric_id == cnt and r3.groups is None and r3.value == 0


def test_usage_groups_without_values(client):
    c = customer(client)
    m = keyed_metric(client, "SUM", "n", group_keys=[["region"]])
    ingest(client, [
        event("g1", c, D0 + 1 * H, properties={"n": 1, "region": "eu"}),
        event("g2", c, D1 + 2 * H, properties={"n": 2, "region": "eu"}),
        event("g3", c, D0 + 3 * H, properties={"n": 5, "region": "us"}),
        event("g4", c, D1 + 4 * H, properties={"n": 9, "region": "sa"}),
    ])
    (row,) = usage_rows(client, D0, D2, "NONE", customer_ids=[c],
                        billable_metrics=[{"id": m, "group_by": {"key": "region"}}])
    assert row.value == 17
    assert row.groups == {"eu": 3, "us": 5, "sa": 9}
    rows = usage_rows(client, D0, D2, "DAY", customer_ids=[c],
                      billable_metrics=[{"id": m, "group_by": {"key": "region"}}])
    assert rows[0].groups == {"eu": 1, "us": 5}
    assert rows[1].groups == {"eu": 2, "sa": 9}


# ====================================================================== usage list: errors


@pytest.mark.parametrize(
    "start,end",
    [
        (D0 + H, D2),
        (D0, D2 + timedelta(minutes=1)),
        (D0 + timedelta(milliseconds=1), D2),
    ],
    ids=["start_not_midnight", "end_not_midnight", "start_1ms_off"],
)
def test_usage_list_not_midnight_is_400(client, start, end):
    c = customer(client)
    count_metric(client)
    with expect_api_error(400):
        usage_rows(client, start, end, "DAY", customer_ids=[c])


@pytest.mark.parametrize("end", [D0, D0 - timedelta(days=1)], ids=["same_day", "end_before_start"])
def test_usage_list_less_than_a_day_is_400(client, end):
    count_metric(client)
    with expect_api_error(400):
        usage_rows(client, D0, end, "DAY")


def test_usage_list_unknown_customer_is_404(client):
    c = customer(client)
    count_metric(client)
    with expect_api_error(404):
        usage_rows(client, D0, D1, "DAY", customer_ids=[c, str(uuid.uuid4())])


def test_usage_list_unknown_metric_is_404(client):
    c = customer(client)
    m = count_metric(client)
    with expect_api_error(404):
        usage_rows(client, D0, D1, "DAY", customer_ids=[c], billable_metrics=[{"id": m}, {"id": str(uuid.uuid4())}])


def test_usage_list_bad_window_size_is_400(http):
    r = http.post("/v1/usage", json={"starting_on": ts(D0), "ending_before": ts(D1), "window_size": "WEEK"})
    assert_error_response(r, 400)


def test_usage_list_missing_dates_is_400(http):
    assert_error_response(http.post("/v1/usage", json={"window_size": "DAY"}), 400)


def test_usage_window_size_case_insensitive(http, client):
    c = customer(client)
    count_metric(client)
    ingest(client, [event("w", c, D0 + H)])
    r = http.post("/v1/usage", json={"starting_on": ts(D0), "ending_before": ts(D1), "window_size": "day"})
    assert r.status_code == 200, r.text
    assert [row["value"] for row in r.json()["data"]] == [1]


# ====================================================================== usage list: pagination


def test_usage_list_pagination_over_1000_rows(client):
    start = utc(2026, 2, 28)
    end = start + timedelta(days=15)
    a = customer(client, "A")
    b = customer(client, "B")
    m1 = count_metric(client, "count")
    m2 = keyed_metric(client, "SUM", "n")
    ingest(client, [
        event("p1", a, start + timedelta(hours=5, minutes=10), properties={"n": 3}),
        event("p2", a, start + timedelta(days=14, hours=23, minutes=59), properties={"n": 4}),
        event("p3", b, start + timedelta(days=7, hours=12), properties={"n": 5}),
        event("p4", b, start + timedelta(days=7, hours=12, minutes=30), properties={"n": 6}),
    ])
    kw = dict(starting_on=start, ending_before=end, window_size="HOUR",
              customer_ids=[a, b], billable_metrics=[{"id": m1}, {"id": m2}])
    first = client.v1.usage.list(**kw)
    assert len(first.data) == 1000
    assert first.next_page
    second = client.v1.usage.list(next_page=first.next_page, **kw)
    assert len(second.data) == 440
    assert not second.next_page

    rows = list(client.v1.usage.list(**kw))
    assert len(rows) == 2 * 2 * 15 * 24
    expected_order = [
        (cust, mid, start + i * H)
        for cust in (a, b)
        for mid in (m1, m2)
        for i in range(15 * 24)
    ]
    assert [(r.customer_id, r.billable_metric_id, r.start_timestamp) for r in rows] == expected_order
    assert [(r.customer_id, r.billable_metric_id, r.start_timestamp) for r in first.data + second.data] == expected_order
    nonzero = {(r.customer_id, r.billable_metric_id, r.start_timestamp): r.value for r in rows if r.value}
    assert nonzero == {
        (a, m1, start + 5 * H): 1,
        (a, m2, start + 5 * H): 3,
        (a, m1, start + timedelta(days=14, hours=23)): 1,
        (a, m2, start + timedelta(days=14, hours=23)): 4,
        (b, m1, start + timedelta(days=7, hours=12)): 2,
        (b, m2, start + timedelta(days=7, hours=12)): 11,
    }


def test_usage_list_144_rows_one_page(client):
    c = customer(client)
    m1 = count_metric(client)
    m2 = count_metric(client, "count2")
    page = client.v1.usage.list(starting_on=D0, ending_before=D3, window_size="HOUR", customer_ids=[c],
                                billable_metrics=[{"id": m1}, {"id": m2}])
    assert len(page.data) == 144
    assert not page.next_page


# ====================================================================== ingest aliases


def test_alias_set_later_counts_for_customer(client):
    m = count_metric(client)
    ingest(client, [event("al-1", "late-alias", D0 + H), event("al-2", "late-alias", D0 + 2 * H)])
    (e,) = search(client, ["al-1"])
    assert e.matched_customer is None
    c = customer(client, "Late")
    assert single_value(client, c, m, D0, D1) == 0
    assert client.v1.customers.set_ingest_aliases(customer_id=c, ingest_aliases=["late-alias"]) is None
    assert single_value(client, c, m, D0, D1) == 2
    (e,) = search(client, ["al-1"])
    assert e.matched_customer is not None and e.matched_customer.id == c
    ingest(client, [event("al-3", c, D0 + 3 * H)])
    assert single_value(client, c, m, D0, D1) == 3


def test_alias_at_customer_creation_counts(client):
    m = count_metric(client)
    other = customer(client, "Other")
    ingest(client, [event("pre-1", "pre-alias", D0 + H)])
    c = customer(client, "Pre", ingest_aliases=["pre-alias", "second-alias"])
    ingest(client, [event("pre-2", "second-alias", D0 + 2 * H), event("pre-3", c, D0 + 3 * H)])
    assert single_value(client, c, m, D0, D1) == 3
    assert single_value(client, other, m, D0, D1) == 0


# ====================================================================== list_with_groups


@pytest.fixture
def grouped(client):
    c = customer(client)
    m = keyed_metric(client, "SUM", "n", group_keys=[["region"], ["region", "tier"]])
    ingest(client, [
        event("w1", c, D0 + 1 * H, properties={"n": 1, "region": "eu", "tier": "gold"}),
        event("w2", c, D0 + 2 * H, properties={"n": 2, "region": "eu", "tier": "gold"}),
        event("w3", c, D0 + 3 * H, properties={"n": 4, "region": "eu", "tier": "free"}),
        event("w4", c, D0 + 4 * H, properties={"n": 8, "region": "us", "tier": "gold"}),
        event("w5", c, D1 + 1 * H, properties={"n": 16, "region": "us", "tier": "free"}),
        event("w6", c, D1 + 2 * H, properties={"n": 32, "region": "eu", "tier": "free"}),
    ])
    return c, m


def groups_rows(client, c, m, window="NONE", start=D0, end=D2, **kw):
    return list(client.v1.usage.list_with_groups(
        billable_metric_id=m, customer_id=c, window_size=window, starting_on=start, ending_before=end, **kw))


def test_groups_single_key_none_window(client, grouped):
    c, m = grouped
    rows = groups_rows(client, c, m, group_key=["region"])
    got = sorted(((r.starting_on, r.ending_before, r.group, r.group_key, r.group_value, r.value) for r in rows),
                 key=lambda t: t[4] or "")
    assert got == [
        (D0, D2, {"region": "eu"}, "region", "eu", 39),
        (D0, D2, {"region": "us"}, "region", "us", 24),
    ]


def test_groups_single_key_day_window(client, grouped):
    c, m = grouped
    rows = groups_rows(client, c, m, window="DAY", group_key=["region"])
    got = sorted((r.starting_on, r.ending_before, r.group_value, r.value) for r in rows)
    assert got == [
        (D0, D1, "eu", 7),
        (D0, D1, "us", 8),
        (D1, D2, "eu", 32),
        (D1, D2, "us", 16),
    ]


def test_groups_compound_key(client, grouped):
    c, m = grouped
    rows = groups_rows(client, c, m, group_key=["region", "tier"])
    got = sorted((tuple(sorted(r.group.items())), r.value) for r in rows)
    assert got == [
        ((("region", "eu"), ("tier", "free")), 36),
        ((("region", "eu"), ("tier", "gold")), 3),
        ((("region", "us"), ("tier", "free")), 16),
        ((("region", "us"), ("tier", "gold")), 8),
    ]
    assert all(r.group_key is None and r.group_value is None for r in rows)


def test_groups_filters(client, grouped):
    c, m = grouped
    rows = groups_rows(client, c, m, group_key=["region"], group_filters={"region": ["us"]})
    assert [(r.group, r.value) for r in rows] == [({"region": "us"}, 24)]
    rows = groups_rows(client, c, m, group_key=["region", "tier"], group_filters={"tier": ["gold"]})
    got = sorted((r.group["region"], r.group["tier"], r.value) for r in rows)
    assert got == [("eu", "gold", 3), ("us", "gold", 8)]
    rows = groups_rows(client, c, m, group_key=["region", "tier"],
                       group_filters={"tier": ["free"], "region": ["eu", "ap"]})
    assert [(r.group, r.value) for r in rows] == [({"region": "eu", "tier": "free"}, 36)]


def test_groups_without_group_key(client, grouped):
    c, m = grouped
    rows = groups_rows(client, c, m, window="DAY")
    assert [(r.starting_on, r.ending_before, r.value) for r in rows] == [(D0, D1, 15), (D1, D2, 48)]
    assert all(r.group in (None, {}) for r in rows)


def test_groups_legacy_group_by(client, grouped):
    c, m = grouped
    rows = groups_rows(client, c, m, group_by={"key": "region"})
    assert sorted((r.group_value, r.value) for r in rows) == [("eu", 39), ("us", 24)]


def test_groups_pagination_limit_1(client, grouped):
    c, m = grouped
    everything = groups_rows(client, c, m, window="DAY", group_key=["region", "tier"])
    assert len(everything) == 5
    first = client.v1.usage.list_with_groups(
        billable_metric_id=m, customer_id=c, window_size="DAY", starting_on=D0, ending_before=D2,
        group_key=["region", "tier"], limit=1)
    assert len(first.data) == 1
    assert first.next_page
    paged = groups_rows(client, c, m, window="DAY", group_key=["region", "tier"], limit=1)
    dump = lambda rows: [(r.starting_on, r.ending_before, tuple(sorted(r.group.items())), r.value) for r in rows]
    assert dump(paged) == dump(everything)
    assert len(set(dump(paged))) == 5


def test_groups_key_not_a_metric_group_key_is_400(client, grouped):
    c, m = grouped
    with expect_api_error(400):
        groups_rows(client, c, m, group_key=["host"])


def test_groups_partial_compound_key_is_400(client, grouped):
    """`tier` is only part of the compound key [region, tier]; partial keys are not group keys."""
    c, m = grouped
    with expect_api_error(400):
        groups_rows(client, c, m, group_key=["tier"])


def test_groups_filter_key_not_in_group_key_is_400(client, grouped):
    c, m = grouped
    with expect_api_error(400):
        groups_rows(client, c, m, group_key=["region"], group_filters={"tier": ["gold"]})


def test_groups_group_by_and_group_key_is_400(client, grouped):
    c, m = grouped
    with expect_api_error(400):
        groups_rows(client, c, m, group_key=["region"], group_by={"key": "region"})


def test_groups_current_period_is_the_billing_period_covering_now(client, grouped):
    c, m = grouped
    with expect_api_error(400):  # on no plan or contract: no billing period
        list(client.v1.usage.list_with_groups(
            billable_metric_id=m, customer_id=c, window_size="NONE", current_period=True))
    client.v1.customers.plans.add(
        customer_id=c, plan_id=PERIODS_PLAN, starting_on=D1 - timedelta(days=10))
    rows = list(client.v1.usage.list_with_groups(
        billable_metric_id=m, customer_id=c, window_size="NONE", current_period=True, group_key=["region"]))
    # the period runs from Mar 1 to Apr 1 (monthly from the plan's start): every event is in it
    assert {(r.starting_on, r.ending_before) for r in rows} == {(utc(2026, 3, 1), utc(2026, 4, 1))}
    assert sorted((r.group["region"], r.value) for r in rows) == [("eu", 39), ("us", 24)]
    with expect_api_error(400):
        list(client.v1.usage.list_with_groups(
            billable_metric_id=m, customer_id=c, window_size="NONE", current_period=True, starting_on=D0))


@pytest.mark.parametrize("which", ["both", "starting_on", "ending_before"])
def test_groups_missing_dates_is_400(client, grouped, which):
    c, m = grouped
    kw = {}
    if which == "starting_on":
        kw["ending_before"] = D2
    elif which == "ending_before":
        kw["starting_on"] = D0
    with expect_api_error(400):
        list(client.v1.usage.list_with_groups(billable_metric_id=m, customer_id=c, window_size="DAY", **kw))


def test_groups_not_midnight_is_400(client, grouped):
    c, m = grouped
    with expect_api_error(400):
        groups_rows(client, c, m, start=D0 + H, group_key=["region"])


def test_groups_unknown_metric_or_customer_is_404(client, grouped):
    c, m = grouped
    with expect_api_error(404):
        groups_rows(client, c, str(uuid.uuid4()), group_key=["region"])
    with expect_api_error(404):
        groups_rows(client, str(uuid.uuid4()), m, group_key=["region"])
