"""Spend threshold billing (`spend_threshold_configuration`): when a customer's usage that no
commit or credit pays for reaches `threshold_amount` in a period, a prepaid commit is issued and
invoiced, bringing what is outstanding back to zero (Metronome's threshold billing announcement:
"a prepaid commit is issued, bringing the total outstanding spend for the customer back to $0").
Figures are worked out by hand below."""

import time
import uuid
from datetime import timedelta

from helpers import expect_api_error, freeze_clock, iso, utc
from pricing_helpers import FIXTURE_PRODUCT_IDS, unit_rate_card

COMMIT_PRODUCT = FIXTURE_PRODUCT_IDS["prepaid_commit"]
JAN, FEB = utc(2026, 1, 1), utc(2026, 2, 1)
NOW = utc(2026, 1, 10)


def unit_card(client):
    return unit_rate_card(client)


def spend_threshold(**extra):
    return {"commit": {"product_id": COMMIT_PRODUCT, "name": "Threshold charge"}, "is_enabled": True,
            "payment_gate_config": {"payment_gate_type": "NONE"}, "threshold_amount": 1000, **extra}


def ingest(client, customer_id, count):
    client.v1.usage.ingest(usage=[
        {"transaction_id": uuid.uuid4().hex, "customer_id": customer_id, "event_type": "unit",
         "timestamp": iso(NOW - timedelta(hours=2) + timedelta(seconds=i))} for i in range(count)])


def threshold_commits(client, c, contract_id, count):
    """The contract's commits once there are `count`: threshold charges after ingest are
    evaluated just after it answers."""
    deadline = time.monotonic() + 10
    while True:
        found = client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data.current.commits
        if len(found) >= count or time.monotonic() > deadline:
            return sorted(found, key=lambda cm: cm.access_schedule.schedule_items[0].amount)
        time.sleep(0.05)


def january_total(client, c):
    [january] = [i for i in client.v1.customers.invoices.list(customer_id=c) if i.type == "USAGE" and i.start_timestamp == JAN]
    return january.total


def test_reaching_the_threshold_issues_a_commit_for_what_is_outstanding(client, http):
    freeze_clock(http, NOW)
    card, units = unit_card(client)
    c = client.v1.customers.create(name="Capped").data.id
    contract_id = client.v1.contracts.create(
        customer_id=c, starting_at=JAN, rate_card_id=card, spend_threshold_configuration=spend_threshold()).data.id

    ingest(client, c, 7)  # 700¢: below the threshold
    assert threshold_commits(client, c, contract_id, 0) == []
    ingest(client, c, 4)  # 1100¢ outstanding: at least 1000
    [commit] = threshold_commits(client, c, contract_id, 1)
    [segment] = commit.access_schedule.schedule_items
    assert (commit.type, commit.name, commit.priority, segment.amount) == ("PREPAID", "Threshold charge", 100, 1100)
    assert (segment.starting_at, segment.ending_before, commit.applicable_product_ids) == (JAN, FEB, [units])
    assert january_total(client, c) == 0  # nothing outstanding

    ingest(client, c, 12)  # 1200¢ more
    assert [cm.access_schedule.schedule_items[0].amount for cm in threshold_commits(client, c, contract_id, 2)] == [1100, 1200]
    ingest(client, c, 3)  # 300¢: below the threshold again
    time.sleep(0.3)
    assert len(threshold_commits(client, c, contract_id, 0)) == 2

    freeze_clock(http, utc(2026, 2, 3))  # January finalized
    assert january_total(client, c) == 300
    scheduled = [i for i in client.v1.customers.invoices.list(customer_id=c) if i.type == "SCHEDULED"]
    assert sorted((i.total, i.status) for i in scheduled) == [(1100, "FINALIZED"), (1200, "FINALIZED")]


def test_the_configuration_reads_back_and_a_disabled_one_charges_nothing(client, http):
    freeze_clock(http, NOW)
    card, _ = unit_card(client)
    c = client.v1.customers.create(name="Disabled cap").data.id
    contract_id = client.v1.contracts.create(
        customer_id=c, starting_at=JAN, rate_card_id=card,
        spend_threshold_configuration=spend_threshold(is_enabled=False, threshold_amount=500)).data.id
    contract = client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data
    for shown in (contract.spend_threshold_configuration, contract.current.spend_threshold_configuration,
                  client.v2.contracts.retrieve(customer_id=c, contract_id=contract_id).data.spend_threshold_configuration):
        assert (shown.is_enabled, shown.threshold_amount, shown.commit.product_id, shown.commit.name) == (
            False, 500, COMMIT_PRODUCT, "Threshold charge")
        assert shown.payment_gate_config.payment_gate_type == "NONE"
    ingest(client, c, 9)
    time.sleep(0.3)
    assert client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data.current.commits == []
    assert january_total(client, c) == 900


def test_bad_configurations_are_refused_and_create_nothing(client, http):
    freeze_clock(http, NOW)
    c = client.v1.customers.create(name="Refused cap").data.id
    for config, named in [
        (spend_threshold(threshold_amount=0), "threshold_amount"),
        (spend_threshold(payment_gate_config={"payment_gate_type": "EXTERNAL"}), "payment_gate_type"),
        (spend_threshold(discount_configuration={"payment_fraction": 0.9, "cap": {"amount": 1, "spend_tracker_alias": "t"}}),
         "discount_configuration.cap"),
    ]:
        with expect_api_error(400) as caught:
            client.v1.contracts.create(customer_id=c, starting_at=JAN, rate_card_alias="standard",
                                       spend_threshold_configuration=config)
        assert named in caught["error"].body["message"]
    with expect_api_error(404):
        client.v1.contracts.create(customer_id=c, starting_at=JAN, rate_card_alias="standard",
                                   spend_threshold_configuration=spend_threshold(commit={"product_id": str(uuid.uuid4())}))
    assert client.v1.contracts.list(customer_id=c).data == []


def test_a_discount_invoices_a_share_of_each_threshold_charge(client, http):
    freeze_clock(http, NOW)
    card, _ = unit_card(client)
    c = client.v1.customers.create(name="Discounted charge").data.id
    contract_id = client.v1.contracts.create(
        customer_id=c, starting_at=JAN, rate_card_id=card,
        spend_threshold_configuration=spend_threshold(discount_configuration={"payment_fraction": 0.9})).data.id
    ingest(client, c, 12)  # 1200¢ outstanding: a commit of 1200, invoiced at 90%, 1080
    [commit] = threshold_commits(client, c, contract_id, 1)
    assert commit.access_schedule.schedule_items[0].amount == 1200
    assert commit.invoice_schedule.schedule_items[0].amount == 1080
    shown = client.v2.contracts.retrieve(customer_id=c, contract_id=contract_id).data.spend_threshold_configuration
    assert shown.discount_configuration.payment_fraction == 0.9
