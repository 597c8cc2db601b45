"""/_emulator/* control plane: health, reset, clock, fixtures."""

from __future__ import annotations

import time
from datetime import datetime, timezone

import httpx

from helpers import (
    USD_CENTS_ID,
    USD_CENTS_NAME,
    assert_error_response,
    assert_timestamp_format,
    expect_api_error,
    freeze_clock,
    get_clock,
    make_client,
    make_http,
    parse_ts,
    unfreeze_clock,
    utc,
)

FROZEN = "2026-03-15T12:00:00Z"
FROZEN_DT = utc(2026, 3, 15, 12, 0, 0)


def _assert_near_wall_clock(now: str, slack_s: float = 120.0) -> None:
    dt = parse_ts(now)
    wall = datetime.now(timezone.utc)
    assert abs((dt - wall).total_seconds()) < slack_s, f"clock {now} is not near wall time {wall.isoformat()}"


# ---------------------------------------------------------------- health


def test_health_returns_200_json_without_auth(base_url):
    r = httpx.get(base_url + "/_emulator/health")
    assert r.status_code == 200, r.text
    assert "application/json" in r.headers.get("content-type", "")
    r.json()  # parses


def test_control_plane_needs_no_auth(base_url):
    with make_http(base_url, token=None) as anon:
        assert anon.get("/_emulator/health").status_code == 200
        assert anon.get("/_emulator/clock").status_code == 200
        assert anon.post("/_emulator/reset").status_code == 200
        assert anon.post("/_emulator/clock", json={"now": FROZEN}).status_code == 200
        assert anon.post("/_emulator/clock", json={"now": None}).status_code == 200


def test_control_plane_needs_no_auth_even_with_api_keys(spawn_emulator):
    srv = spawn_emulator("--api-key", "k1")
    with make_http(srv.base_url, token=None) as anon:
        assert anon.get("/_emulator/health").status_code == 200
        assert anon.get("/_emulator/clock").status_code == 200
        assert anon.post("/_emulator/reset").status_code == 200
        assert anon.post("/_emulator/clock", json={"now": FROZEN}).status_code == 200
        assert anon.get("/_emulator/clock").json()["frozen"] is True
    with make_http(srv.base_url, token="wrong") as wrong:
        assert wrong.get("/_emulator/health").status_code == 200


# ---------------------------------------------------------------- reset


def test_reset_wipes_customers(client, http):
    c = client.v1.customers.create(name="doomed", ingest_aliases=["doomed-alias"]).data
    r = http.post("/_emulator/reset")
    assert r.status_code == 200, r.text
    assert list(client.v1.customers.list()) == []
    assert list(client.v1.customers.list(only_archived=True)) == []
    with expect_api_error(404):
        client.v1.customers.retrieve(customer_id=c.id)
    # the alias is free again
    client.v1.customers.create(name="reborn", ingest_aliases=["doomed-alias"])


def test_reset_wipes_archived_customers_and_schedules(client, http):
    c = client.v1.customers.create(name="a", ingest_aliases=["arch-alias"]).data
    client.v1.customers.named_schedules.update(
        customer_id=c.id, schedule_name="s", starting_at="2026-01-01T00:00:00Z", value="x"
    )
    client.v1.customers.archive(id=c.id)
    assert http.post("/_emulator/reset").status_code == 200
    assert list(client.v1.customers.list(only_archived=True)) == []
    client.v1.customers.create(name="b", ingest_aliases=["arch-alias"])


def test_reset_reloads_fixture_credit_types(client, http):
    assert http.post("/_emulator/reset").status_code == 200
    units = list(client.v1.pricing_units.list())
    by_id = {u.id: u for u in units}
    assert USD_CENTS_ID in by_id, f"fixture credit type missing after reset: {units}"
    assert by_id[USD_CENTS_ID].name == USD_CENTS_NAME


def test_reset_returns_clock_to_wall_time(http):
    freeze_clock(http, FROZEN)
    assert get_clock(http)["frozen"] is True
    assert http.post("/_emulator/reset").status_code == 200
    clk = get_clock(http)
    assert clk["frozen"] is False
    _assert_near_wall_clock(clk["now"])


# ---------------------------------------------------------------- credit types / fixtures


def test_pricing_units_list_contains_usd_cents(client):
    units = list(client.v1.pricing_units.list())
    match = [u for u in units if u.id == USD_CENTS_ID]
    assert len(match) == 1, f"USD (cents) not listed exactly once: {units}"
    assert match[0].name == USD_CENTS_NAME


def test_credit_types_raw_response_shape(http):
    r = http.get("/v1/credit-types/list")
    assert r.status_code == 200, r.text
    body = r.json()
    assert isinstance(body["data"], list)
    assert "next_page" in body
    assert any(ct.get("id") == USD_CENTS_ID and ct.get("name") == USD_CENTS_NAME for ct in body["data"])


def test_no_fixtures_flag_loads_no_credit_types(spawn_emulator):
    srv = spawn_emulator("--no-fixtures")
    with make_client(srv.base_url) as c:
        units = list(c.v1.pricing_units.list())
        assert all(u.id != USD_CENTS_ID for u in units), units


# ---------------------------------------------------------------- clock


def test_clock_defaults_to_wall_time(http):
    clk = get_clock(http)
    assert set(clk.keys()) >= {"now", "frozen"}
    assert clk["frozen"] is False
    assert_timestamp_format(clk["now"])
    _assert_near_wall_clock(clk["now"])


def test_clock_freeze(http):
    r = http.post("/_emulator/clock", json={"now": FROZEN})
    assert r.status_code == 200, r.text
    clk = get_clock(http)
    assert clk["frozen"] is True
    assert parse_ts(clk["now"]) == FROZEN_DT
    assert_timestamp_format(clk["now"])
    assert clk["now"] == "2026-03-15T12:00:00.000Z"
    time.sleep(0.05)
    assert get_clock(http)["now"] == clk["now"], "frozen clock moved"


def test_frozen_clock_drives_created_at(client, http):
    freeze_clock(http, FROZEN)
    c = client.v1.customers.create(name="frozen").data
    d = client.v1.customers.retrieve(customer_id=c.id).data
    assert d.created_at == FROZEN_DT
    assert d.updated_at == FROZEN_DT
    raw = http.get(f"/v1/customers/{c.id}").json()["data"]
    assert raw["created_at"] == "2026-03-15T12:00:00.000Z"


def test_clock_refreeze_moves_time(client, http):
    freeze_clock(http, FROZEN)
    freeze_clock(http, "2027-01-02T03:04:05.678Z")
    clk = get_clock(http)
    assert clk["frozen"] is True
    assert parse_ts(clk["now"]) == utc(2027, 1, 2, 3, 4, 5).replace(microsecond=678000)
    c = client.v1.customers.create(name="later").data
    d = client.v1.customers.retrieve(customer_id=c.id).data
    assert d.created_at == utc(2027, 1, 2, 3, 4, 5).replace(microsecond=678000)


def test_clock_unfreeze(http):
    freeze_clock(http, FROZEN)
    r = http.post("/_emulator/clock", json={"now": None})
    assert r.status_code == 200, r.text
    clk = get_clock(http)
    assert clk["frozen"] is False
    _assert_near_wall_clock(clk["now"])


def test_clock_bad_timestamp_is_400_and_changes_nothing(http):
    freeze_clock(http, FROZEN)
    for bad in ["not-a-date", "2026-13-45T99:00:00Z", "", 12345]:
        r = http.post("/_emulator/clock", json={"now": bad})
        assert_error_response(r, 400)
    clk = get_clock(http)
    assert clk["frozen"] is True
    assert parse_ts(clk["now"]) == FROZEN_DT


def test_clock_bad_timestamp_when_unfrozen_stays_unfrozen(http):
    unfreeze_clock(http)
    assert_error_response(http.post("/_emulator/clock", json={"now": "yesterday"}), 400)
    assert get_clock(http)["frozen"] is False


def test_log_level_flag_is_accepted(spawn_emulator):
    srv = spawn_emulator("--log-level", "debug")
    with make_http(srv.base_url) as c:
        assert c.get("/v1/customers").status_code == 200
