"""No field the SDK can send is silently dropped: for every endpoint, each top-level body field of
the SDK's method is either read (a value of the wrong shape is refused) or refused by name.

Each field missing from the endpoint's valid request (from the fuzz suite) is added to it with
values of three different shapes. If the emulator read the field, at least one of them would be a
400; an endpoint that accepts all three never looked at it."""

import httpx
import pytest

from routes import not_yet_built_routes
from sdk_fields import sdk_body_fields
from test_fuzz import NO_BODY, World, valid_requests

PROBES = [{"__probe__": [1]}, [{"__probe__": 1}], -1.5]

# Fields any JSON value is right for, as the SDK types them (`object`, or a free-form map whose
# values are `object`): no probe can tell whether they are read, so each is named here with where
# it is kept.
FREE_FORM = {
    ("POST", "/v1/setUpBillingProvider", "configuration"),  # kept and listed back
}


@pytest.fixture(scope="module")
def seeded(base_url: str):
    with httpx.Client(base_url=base_url, headers={"Authorization": "Bearer probe"}, timeout=30) as http:
        http.post("/_emulator/reset")
        world = World(http)
        world.seed()
        snapshot = http.get("/_emulator/snapshot").content
        yield world, snapshot


def _probed_routes():
    """The SDK's routes with a body that the emulator has built (the rest answer 501)."""
    not_built = set(not_yet_built_routes())
    return sorted(route for route in sdk_body_fields() if route not in not_built)


def test_every_sdk_body_route_has_a_valid_request():
    requests = valid_requests(World())
    missing = [route for route in _probed_routes() if route not in requests]
    assert not missing, f"SDK routes with a body and no valid request to probe: {missing}"


@pytest.mark.parametrize("method,template", _probed_routes(), ids=[f"{m} {t}" for m, t in _probed_routes()])
def test_no_sdk_field_is_silently_dropped(seeded, method: str, template: str):
    world, snapshot = seeded
    query, body = valid_requests(world)[(method, template)]
    if body is NO_BODY or not isinstance(body, dict):
        pytest.skip("no JSON object body")
    dropped = []
    for field in sorted(sdk_body_fields()[(method, template)] - set(body)):
        if (method, template, field) in FREE_FORM:
            continue
        statuses = []
        for probe in PROBES:
            assert world.http.put("/_emulator/snapshot", content=snapshot).status_code == 200
            r = world.http.request(method, world.fill(template), params=query, json={**body, field: probe})
            statuses.append(r.status_code)
        if all(200 <= s < 300 for s in statuses):
            dropped.append(field)
    world.http.put("/_emulator/snapshot", content=snapshot)
    assert not dropped, f"{method} {template} accepts and ignores: {dropped}"
