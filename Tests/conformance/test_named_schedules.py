"""Customer named schedules: getNamedSchedule / updateNamedSchedule."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest

from helpers import assert_error_response, assert_timestamp_format, expect_api_error, utc

JAN1 = utc(2026, 1, 1)
JAN15 = utc(2026, 1, 15)
FEB1 = utc(2026, 2, 1)
FEB15 = utc(2026, 2, 15)
MAR1 = utc(2026, 3, 1)
APR1 = utc(2026, 4, 1)
DEC1_2025 = utc(2025, 12, 1)


def new_customer(client):
    return client.v1.customers.create(name="sched").data.id


def put(client, cid, starting_at, value, ending_before=None, name="sched"):
    kw = {}
    if ending_before is not None:
        kw["ending_before"] = ending_before
    assert (
        client.v1.customers.named_schedules.update(
            customer_id=cid, schedule_name=name, starting_at=starting_at, value=value, **kw
        )
        is None
    )


def get(client, cid, name="sched", covering_date=None):
    kw = {} if covering_date is None else {"covering_date": covering_date}
    data = client.v1.customers.named_schedules.retrieve(customer_id=cid, schedule_name=name, **kw).data
    return [(d.starting_at, d.ending_before, d.value) for d in data]


def test_unknown_schedule_name_is_empty(client):
    cid = new_customer(client)
    assert get(client, cid, name="never-set") == []


def test_unknown_customer_is_404(client):
    bogus = str(uuid.uuid4())
    with expect_api_error(404):
        client.v1.customers.named_schedules.retrieve(customer_id=bogus, schedule_name="s")
    with expect_api_error(404):
        client.v1.customers.named_schedules.update(
            customer_id=bogus, schedule_name="s", starting_at=JAN1, value=1
        )


def test_single_open_ended_segment(client):
    cid = new_customer(client)
    put(client, cid, JAN1, "A")
    assert get(client, cid) == [(JAN1, None, "A")]


def test_single_bounded_segment(client):
    cid = new_customer(client)
    put(client, cid, "2026-01-01T00:00:00Z", "A", ending_before="2026-02-01T00:00:00Z")
    assert get(client, cid) == [(JAN1, FEB1, "A")]


def test_split_open_segment(client):
    cid = new_customer(client)
    put(client, cid, JAN1, "A")
    put(client, cid, FEB1, "B", ending_before=MAR1)
    assert get(client, cid) == [(JAN1, FEB1, "A"), (FEB1, MAR1, "B"), (MAR1, None, "A")]


def test_trim_tail_of_existing_segment(client):
    cid = new_customer(client)
    put(client, cid, JAN1, "A", ending_before=MAR1)
    put(client, cid, FEB1, "B")
    assert get(client, cid) == [(JAN1, FEB1, "A"), (FEB1, None, "B")]


def test_trim_head_of_existing_segment(client):
    cid = new_customer(client)
    put(client, cid, FEB1, "A", ending_before=MAR1)
    put(client, cid, JAN1, "B", ending_before=FEB15)
    assert get(client, cid) == [(JAN1, FEB15, "B"), (FEB15, MAR1, "A")]


def test_fully_covered_segment_is_replaced(client):
    cid = new_customer(client)
    put(client, cid, FEB1, "A", ending_before=MAR1)
    put(client, cid, JAN1, "B", ending_before=APR1)
    assert get(client, cid) == [(JAN1, APR1, "B")]


def test_same_range_overwrites_value(client):
    cid = new_customer(client)
    put(client, cid, JAN1, "A", ending_before=FEB1)
    put(client, cid, JAN1, "B", ending_before=FEB1)
    assert get(client, cid) == [(JAN1, FEB1, "B")]


def test_overwrite_spanning_several_segments(client):
    cid = new_customer(client)
    put(client, cid, JAN1, 1, ending_before=FEB1)
    put(client, cid, FEB1, 2, ending_before=MAR1)
    put(client, cid, MAR1, 3, ending_before=APR1)
    put(client, cid, JAN15, 9, ending_before=utc(2026, 3, 15))
    assert get(client, cid) == [
        (JAN1, JAN15, 1),
        (JAN15, utc(2026, 3, 15), 9),
        (utc(2026, 3, 15), APR1, 3),
    ]


def test_segments_sorted_by_starting_at(client):
    cid = new_customer(client)
    put(client, cid, MAR1, "C", ending_before=APR1)
    put(client, cid, JAN1, "A", ending_before=FEB1)
    put(client, cid, FEB1, "B", ending_before=FEB15)
    assert get(client, cid) == [(JAN1, FEB1, "A"), (FEB1, FEB15, "B"), (MAR1, APR1, "C")]


@pytest.mark.parametrize(
    "covering,expected",
    [
        (JAN15, [(JAN1, FEB1, "A")]),
        (FEB1, [(FEB1, MAR1, "B")]),  # starting_at is inclusive
        (FEB15, [(FEB1, MAR1, "B")]),
        (MAR1, [(MAR1, None, "A")]),  # ending_before is exclusive
        (utc(2030, 1, 1), [(MAR1, None, "A")]),
        (DEC1_2025, []),
    ],
)
def test_covering_date(client, covering, expected):
    cid = new_customer(client)
    put(client, cid, JAN1, "A")
    put(client, cid, FEB1, "B", ending_before=MAR1)
    assert get(client, cid, covering_date=covering) == expected


def test_covering_date_in_gap_is_empty(client):
    cid = new_customer(client)
    put(client, cid, JAN1, "A", ending_before=FEB1)
    put(client, cid, MAR1, "B", ending_before=APR1)
    assert get(client, cid, covering_date=FEB15) == []
    assert get(client, cid, covering_date="2026-03-10T00:00:00Z") == [(MAR1, APR1, "B")]


@pytest.mark.parametrize(
    "value",
    [
        {"rate": 1.5, "nested": {"list": [1, "two", None, True]}},
        42,
        3.25,
        "plain string",
        [1, 2, 3],
        True,
    ],
)
def test_value_can_be_any_json(client, value):
    cid = new_customer(client)
    put(client, cid, JAN1, value)
    assert get(client, cid) == [(JAN1, None, value)]


@pytest.mark.parametrize("ending_before", [JAN1, utc(2025, 6, 1)])
def test_ending_before_not_after_starting_at_is_400(client, ending_before):
    cid = new_customer(client)
    put(client, cid, JAN1, "A")
    with expect_api_error(400):
        client.v1.customers.named_schedules.update(
            customer_id=cid, schedule_name="sched", starting_at=JAN1, ending_before=ending_before, value="B"
        )
    assert get(client, cid) == [(JAN1, None, "A")]


def test_bad_timestamps_are_400(client, http):
    cid = new_customer(client)
    for body in [
        {"customer_id": cid, "schedule_name": "sched", "starting_at": "not-a-date", "value": 1},
        {"customer_id": cid, "schedule_name": "sched", "starting_at": "2026-01-01T00:00:00Z", "ending_before": "soon", "value": 1},
        {"customer_id": cid, "schedule_name": "sched", "starting_at": 12, "value": 1},
    ]:
        assert_error_response(http.post("/v1/customers/updateNamedSchedule", json=body), 400)
    assert_error_response(
        http.post(
            "/v1/customers/getNamedSchedule",
            json={"customer_id": cid, "schedule_name": "sched", "covering_date": "whenever"},
        ),
        400,
    )
    assert get(client, cid) == []


def test_schedules_isolated_by_name_and_customer(client):
    a = new_customer(client)
    b = new_customer(client)
    put(client, a, JAN1, "a-one", name="one")
    put(client, a, FEB1, "a-two", name="two")
    put(client, b, MAR1, "b-one", name="one")
    assert get(client, a, name="one") == [(JAN1, None, "a-one")]
    assert get(client, a, name="two") == [(FEB1, None, "a-two")]
    assert get(client, b, name="one") == [(MAR1, None, "b-one")]
    assert get(client, b, name="two") == []


def test_raw_timestamps_are_normalised_to_utc_millis(client, http):
    cid = new_customer(client)
    r = http.post(
        "/v1/customers/updateNamedSchedule",
        json={
            "customer_id": cid,
            "schedule_name": "sched",
            "starting_at": "2026-01-01T01:00:00+01:00",
            "ending_before": "2026-02-01T00:00:00Z",
            "value": {"x": 1},
        },
    )
    assert r.status_code in (200, 204), r.text
    r = http.post("/v1/customers/getNamedSchedule", json={"customer_id": cid, "schedule_name": "sched"})
    assert r.status_code == 200, r.text
    (seg,) = r.json()["data"]
    assert_timestamp_format(seg["starting_at"])
    assert_timestamp_format(seg["ending_before"])
    assert seg["starting_at"] == "2026-01-01T00:00:00.000Z"
    assert seg["ending_before"] == "2026-02-01T00:00:00.000Z"
    assert seg["value"] == {"x": 1}
