"""/v2/notifications: offset notifications (a set time before or after a lifecycle event) and
the system notifications, each of which can be turned off."""

from __future__ import annotations

import metronome
import pytest

from helpers import expect_api_error, freeze_clock, iso, utc

SYSTEM_TYPES = [
    "contract.create", "contract.start", "contract.edit", "contract.end", "contract.archive",
    "commit.create", "commit.edit", "commit.archive", "commit.segment.start", "commit.segment.end",
    "credit.create", "credit.edit", "credit.archive", "credit.segment.start", "credit.segment.end",
]
PREPAID_PRODUCT = "1c7a3d2f-6b2e-4d8f-a000-000000000003"


def notifications(http, **params):
    r = http.get("/_emulator/notifications", params={"limit": 100, **params})
    assert r.status_code == 200, r.text
    return r.json()["data"]


def test_offset_notifications_are_created_read_listed_edited_and_archived(client, http):
    freeze_clock(http, utc(2026, 1, 15, 12))
    created = client.v2.notifications.offset.create(
        name="Day after start", policy={"type": "contract.start", "offset": "P1D"}, uniqueness_key="k-1").data
    assert (created.name, created.type, created.policy.type, created.policy.offset) == (
        "Day after start", "OFFSET_LIFECYCLE_EVENT", "contract.start", "P1D")
    assert created.environment_type == "PRODUCTION" and created.created_at == utc(2026, 1, 15, 12)
    assert created.archived_at is None
    assert client.v2.notifications.offset.retrieve(id=created.id).data == created
    other = client.v2.notifications.offset.create(name="Week before end", policy={"type": "commit.segment.end", "offset": "-P7D"}).data
    assert [c.id for c in client.v2.notifications.offset.list()] == [created.id, other.id]
    assert [c.id for c in client.v2.notifications.offset.list(limit=1)] == [created.id, other.id]  # pages

    edited = client.v2.notifications.offset.edit(id=created.id, policy={"type": "contract.start", "offset": "PT12H"}).data
    assert edited.policy.offset == "PT12H"
    archived = client.v2.notifications.offset.archive(id=other.id).data
    assert archived.archived_at == utc(2026, 1, 15, 12)
    assert [c.id for c in client.v2.notifications.offset.list()] == [created.id]
    assert [c.id for c in client.v2.notifications.offset.list(archive_filter="ARCHIVED")] == [other.id]
    assert [c.id for c in client.v2.notifications.offset.list(archive_filter="ALL")] == [created.id, other.id]


def test_bad_notification_input_is_refused(client):
    bad_policies = [{"type": "contract.start", "offset": "1 day"}, {"type": "contract.begin", "offset": "P1D"},
                    {"type": "contract.edit", "offset": "P1D"}, {"type": "contract.start"}]
    for policy in bad_policies:
        with expect_api_error(400):
            client.v2.notifications.offset.create(name="Bad", policy=policy)
    config = client.v2.notifications.offset.create(name="Once", policy={"type": "contract.end", "offset": "-P3D"},
                                            uniqueness_key="only-once").data
    with expect_api_error(409):
        client.v2.notifications.offset.create(name="Twice", policy={"type": "contract.end", "offset": "-P3D"},
                                       uniqueness_key="only-once")
    with expect_api_error(400):  # its event type cannot change
        client.v2.notifications.offset.edit(id=config.id, policy={"type": "contract.start", "offset": "P1D"})
    with expect_api_error(400):  # is_enabled is for system notifications
        client.v2.notifications.offset.edit(id=config.id, policy={"type": "contract.end", "offset": "P1D"}, is_enabled=False)
    for call in (lambda: client.v2.notifications.offset.retrieve(id="6a37bb88-8538-48c5-b37b-a41c836328bd"),
                 lambda: client.v2.notifications.offset.archive(id="6a37bb88-8538-48c5-b37b-a41c836328bd")):
        with expect_api_error(404):
            call()


def test_system_notifications_are_listed_and_can_be_turned_off(client, http):
    listed = client.v2.notifications.system.list()
    assert [(c.type, c.policy.type, c.is_enabled) for c in listed.data] == [
        ("SYSTEM_LIFECYCLE_EVENT", t, True) for t in SYSTEM_TYPES]
    off = client.v2.notifications.offset.edit(policy={"type": "contract.create"}, is_enabled=False).data
    assert (off.type, off.policy.type, off.is_enabled) == ("SYSTEM_LIFECYCLE_EVENT", "contract.create", False)
    freeze_clock(http, utc(2026, 1, 15))
    customer = client.v1.customers.create(name="Quiet").data.id
    client.v1.contracts.create(customer_id=customer, starting_at=utc(2026, 2, 1), rate_card_alias="standard")
    assert [n["type"] for n in notifications(http, customer_id=customer)] == []
    client.v2.notifications.offset.edit(policy={"type": "contract.create"}, is_enabled=True)
    client.v1.contracts.create(customer_id=customer, starting_at=utc(2026, 3, 1), rate_card_alias="standard")
    assert [n["type"] for n in notifications(http, customer_id=customer)] == ["contract.create"]
    assert all(c.is_enabled for c in client.v2.notifications.system.list().data)
    with expect_api_error(400):
        client.v2.notifications.offset.edit(policy={"type": "contract.create"})  # no is_enabled
    with expect_api_error(400):
        client.v2.notifications.offset.edit(policy={"type": "invoice.finalized"}, is_enabled=False)


def test_offset_notifications_fire_their_offset_before_or_after_the_event(client, http):
    freeze_clock(http, utc(2026, 1, 10))
    before_start = client.v2.notifications.offset.create(name="3 days before start", policy={"type": "contract.start", "offset": "-P3D"}).data
    after_end = client.v2.notifications.offset.create(name="Half a day after segment end",
                                               policy={"type": "commit.segment.end", "offset": "PT12H"}).data
    late = client.v2.notifications.offset.create(name="A year before start", policy={"type": "contract.start", "offset": "-P1Y"}).data
    customer = client.v1.customers.create(name="Offsets").data.id
    client.v1.contracts.create(
        customer_id=customer, starting_at=utc(2026, 2, 1), rate_card_alias="standard",
        commits=[{"type": "PREPAID", "product_id": PREPAID_PRODUCT, "name": "Prepaid", "access_schedule": {"schedule_items": [
            {"amount": 100, "starting_at": iso(utc(2026, 2, 1)), "ending_before": iso(utc(2026, 3, 1))}]}}])
    assert http.post("/_emulator/clock/advance", json={"by": "P2M"}).status_code == 200

    offsets = [n for n in notifications(http, customer_id=customer) if "offset_id" in n["properties"]]
    # January 29 (three days before February 1) and March 1, 12:00; a year before start had
    # passed when the contract was made, so it never fires.
    assert [(n["type"], n["created_at"], n["properties"]["offset_id"], n["properties"]["offset_duration"]) for n in offsets] == [
        ("contract.start", "2026-01-29T00:00:00.000Z", before_start.id, "-P3D"),
        ("commit.segment.end", "2026-03-01T12:00:00.000Z", after_end.id, "PT12H"),
    ]
    assert late.id not in {n["properties"]["offset_id"] for n in offsets}
    # Each carries its event's fields and moment.
    assert offsets[0]["properties"]["timestamp"] == "2026-02-01T00:00:00.000Z"
    assert offsets[1]["properties"]["segment_index"] == 0 and offsets[1]["properties"]["timestamp"] == "2026-03-01T00:00:00.000Z"
