"""Auto-recharge (`prepaid_balance_threshold_configuration`): when the balance of the contract's
and the customer's commits and credits falls to `threshold_amount`, a commit tops it up to
`recharge_to_amount` and is invoiced at once, as Metronome's prepaid balance thresholds guide
describes. Figures are worked out by hand below."""

import time
import uuid
from datetime import timedelta

from helpers import expect_api_error, freeze_clock, iso, utc
from pricing_helpers import FIXTURE_PRODUCT_IDS, unit_rate_card

COMMIT_PRODUCT = FIXTURE_PRODUCT_IDS["prepaid_commit"]
JAN = utc(2026, 1, 1)
NOW = utc(2026, 1, 10)


def unit_card(client):
    return unit_rate_card(client)[0]


def threshold(**extra):
    return {"commit": {"product_id": COMMIT_PRODUCT}, "is_enabled": True, "payment_gate_config": {"payment_gate_type": "NONE"},
            "threshold_amount": 1000, "recharge_to_amount": 5000, **extra}


def ingest(client, customer_id, count):
    client.v1.usage.ingest(usage=[
        {"transaction_id": uuid.uuid4().hex, "customer_id": customer_id, "event_type": "unit",
         "timestamp": iso(NOW - timedelta(hours=1) + timedelta(seconds=i))} for i in range(count)])


def commits(client, c, contract_id):
    return client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data.current.commits


def access(client, c, contract_id, count):
    """The access amounts of the contract's commits, oldest first, once there are `count`: recharges
    after ingest are evaluated just after it answers."""
    deadline = time.monotonic() + 10
    while True:
        found = sorted(commits(client, c, contract_id), key=lambda cm: cm.created_at or cm.access_schedule.schedule_items[0].starting_at)
        if len(found) >= count or time.monotonic() > deadline:
            return [cm.access_schedule.schedule_items[0].amount for cm in found]
        time.sleep(0.05)


def scheduled_totals(client, c):
    return sorted((i.total, i.status) for i in client.v1.customers.invoices.list(customer_id=c) if i.type == "SCHEDULED")


def test_a_recharge_at_creation_and_two_as_usage_draws_the_balance_down(client, http):
    freeze_clock(http, NOW)
    card = unit_card(client)
    c = client.v1.customers.create(name="Recharged").data.id
    contract_id = client.v1.contracts.create(
        customer_id=c, starting_at=JAN, rate_card_id=card, prepaid_balance_threshold_configuration=threshold()).data.id

    # Created with no balance: 0 is at or below the threshold, so it is topped up to 5000 at once.
    assert access(client, c, contract_id, 1) == [5000]
    [first] = commits(client, c, contract_id)
    [segment] = first.access_schedule.schedule_items
    assert (first.type, first.priority, first.product.id) == ("PREPAID", 100, COMMIT_PRODUCT)  # priority defaults to 100
    assert (segment.starting_at, segment.ending_before) == (NOW, utc(2027, 1, 10))  # one year by default
    assert scheduled_totals(client, c) == [(5000, "FINALIZED")]

    ingest(client, c, 40)  # 40 × 100¢ = 4000¢: 5000 − 4000 = 1000 left, at the threshold
    assert access(client, c, contract_id, 2) == [5000, 5000 - 1000]
    ingest(client, c, 45)  # 4500¢ more: 9000 − 8500 = 500 left, below it
    assert access(client, c, contract_id, 3) == [5000, 4000, 5000 - 500]
    assert scheduled_totals(client, c) == [(4000, "FINALIZED"), (4500, "FINALIZED"), (5000, "FINALIZED")]

    balance = client.v1.contracts.get_net_balance(customer_id=c).data.balance
    assert balance == 5000  # topped up to recharge_to_amount
    [usage] = [i for i in client.v1.customers.invoices.list(customer_id=c) if i.type == "USAGE"]
    assert usage.total == 0  # the 8500¢ of usage is paid by the recharges


def test_the_customers_own_commits_count_towards_the_balance(client, http):
    freeze_clock(http, NOW)
    card = unit_card(client)
    c = client.v1.customers.create(name="Committed").data.id
    client.v1.customers.commits.create(
        customer_id=c, type="PREPAID", priority=1, product_id=COMMIT_PRODUCT,
        access_schedule={"schedule_items": [{"amount": 3000, "starting_at": iso(JAN), "ending_before": iso(utc(2027, 1, 1))}]})
    contract_id = client.v1.contracts.create(
        customer_id=c, starting_at=JAN, rate_card_id=card, prepaid_balance_threshold_configuration=threshold()).data.id
    assert access(client, c, contract_id, 0) == []  # 3000 is above the threshold
    ingest(client, c, 25)  # 2500¢: 500 left
    assert access(client, c, contract_id, 1) == [5000 - 500]


def test_one_pass_over_more_customers_than_a_transaction_recharges_each_of_them(client, http):
    # Threshold billing after ingest takes customers 16 a transaction: 40 falling to the threshold
    # in one batch need three, and each is topped up once.
    freeze_clock(http, NOW)
    card = unit_card(client)
    contracts = {}
    for i in range(40):
        c = client.v1.customers.create(name=f"Crowd {i}").data.id
        contracts[c] = client.v1.contracts.create(
            customer_id=c, starting_at=JAN, rate_card_id=card, prepaid_balance_threshold_configuration=threshold()).data.id
    # 40 units each at 100 cents, dealt round the customers: each batch names all 40, and every
    # balance reaches 5000 - 4000 = 1000, the threshold, in the last batch.
    events = [{"transaction_id": uuid.uuid4().hex, "customer_id": c, "event_type": "unit",
               "timestamp": iso(NOW - timedelta(hours=1) + timedelta(seconds=n))}
              for n in range(40) for c in contracts]
    for start in range(0, len(events), 100):
        client.v1.usage.ingest(usage=events[start:start + 100])
    for c, contract_id in contracts.items():
        assert access(client, c, contract_id, 2) == [5000, 5000 - 1000]


def test_a_disabled_configuration_is_kept_and_never_recharges(client, http):
    freeze_clock(http, NOW)
    c = client.v1.customers.create(name="Disabled").data.id
    config = threshold(is_enabled=False, threshold_amount=600, recharge_to_amount=2500,
                       commit={"product_id": COMMIT_PRODUCT, "name": "Top-up", "priority": 5,
                               "duration": {"unit": "MONTHS", "value": 3}})
    contract_id = client.v1.contracts.create(
        customer_id=c, starting_at=JAN, rate_card_alias="standard", prepaid_balance_threshold_configuration=config).data.id
    contract = client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data
    for shown in (contract.prepaid_balance_threshold_configuration, contract.current.prepaid_balance_threshold_configuration,
                  client.v2.contracts.retrieve(customer_id=c, contract_id=contract_id).data.prepaid_balance_threshold_configuration):
        assert (shown.is_enabled, shown.threshold_amount, shown.recharge_to_amount) == (False, 600, 2500)
        assert (shown.commit.name, shown.commit.priority, shown.commit.duration.unit, shown.commit.duration.value) == (
            "Top-up", 5, "MONTHS", 3)
        assert shown.payment_gate_config.payment_gate_type == "NONE"
    assert contract.current.commits == []


def test_a_recharge_commit_takes_the_configured_name_priority_and_duration(client, http):
    freeze_clock(http, NOW)
    c = client.v1.customers.create(name="Configured").data.id
    config = threshold(commit={"product_id": COMMIT_PRODUCT, "name": "Top-up", "priority": 5,
                               "duration": {"unit": "MONTHS", "value": 3}})
    contract_id = client.v1.contracts.create(
        customer_id=c, starting_at=JAN, rate_card_alias="standard", prepaid_balance_threshold_configuration=config).data.id
    assert access(client, c, contract_id, 1) == [5000]
    [commit] = commits(client, c, contract_id)
    [segment] = commit.access_schedule.schedule_items
    assert (commit.name, commit.priority, segment.ending_before) == ("Top-up", 5, utc(2026, 4, 10))


def test_bad_configurations_are_refused_and_create_nothing(client, http):
    freeze_clock(http, NOW)
    c = client.v1.customers.create(name="Refused").data.id
    for config, named, status in [
        (threshold(threshold_amount=400), "threshold_amount", 400),  # below Metronome's $5
        (threshold(threshold_amount=1000, recharge_to_amount=1999), "recharge_to_amount", 400),  # not $10 above it
        (threshold(payment_gate_config={"payment_gate_type": "STRIPE"}), "payment_gate_type", 400),
        (threshold(discount_configuration={"payment_fraction": 0.9, "cap": {"amount": 100, "spend_tracker_alias": "t"}}),
         "discount_configuration.cap.spend_tracker_alias", 400),  # no such tracker
        (threshold(discount_configuration={"payment_fraction": 1.5}), "payment_fraction", 400),
        (threshold(commit={"product_id": COMMIT_PRODUCT, "specifiers": [{"product_id": COMMIT_PRODUCT}],
                           "applicable_product_tags": ["x"]}), "specifiers", 400),
        (threshold(commit={"product_id": str(uuid.uuid4())}), "product_id", 404),
    ]:
        with expect_api_error(status) as caught:
            client.v1.contracts.create(customer_id=c, starting_at=JAN, rate_card_alias="standard",
                                       prepaid_balance_threshold_configuration=config)
        assert named in caught["error"].body["message"] or status == 404
    assert client.v1.contracts.list(customer_id=c).data == []


def tracker(alias, sources, **extra):
    return {"alias": alias, "credit_type_id": "2714e483-4ff1-48e4-9e25-ac732e8f24f2", "reset_frequency": "BILLING_PERIOD",
            "applicable_spend_specifiers": [{"spend_type": "COMMIT_PURCHASE", "sources": sources, **extra}]}


def test_spend_trackers_count_the_periods_commit_purchases_by_source(client, http):
    freeze_clock(http, NOW)
    c = client.v1.customers.create(name="Tracked").data.id
    manual = {"type": "PREPAID", "product_id": COMMIT_PRODUCT, "priority": 1,
              "access_schedule": {"schedule_items": [{"amount": 700, "starting_at": iso(JAN), "ending_before": iso(utc(2027, 1, 1))}]},
              "invoice_schedule": {"schedule_items": [{"timestamp": iso(utc(2026, 1, 5)), "amount": 700}]}}
    contract_id = client.v1.contracts.create(
        customer_id=c, starting_at=JAN, rate_card_alias="standard", commits=[manual],
        prepaid_balance_threshold_configuration=threshold(),
        spend_trackers=[tracker("recharges", ["THRESHOLD_RECHARGE"]), tracker("manual", ["MANUAL"]),
                        tracker("all", ["MANUAL", "THRESHOLD_RECHARGE"], discounted="ANY"),
                        tracker("discounted", ["MANUAL", "THRESHOLD_RECHARGE"], discounted="DISCOUNTED_ONLY")]).data.id
    # 700 is at or below the 1000 threshold, so a recharge of 5000 − 700 = 4300 follows at creation.
    assert access(client, c, contract_id, 2) == [700, 4300]
    for trackers in (client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data.current.spend_trackers,
                     client.v2.contracts.retrieve(customer_id=c, contract_id=contract_id).data.spend_trackers):
        spent = {t.alias: t.accumulated_spend.amount for t in trackers}
        # No commit here counts as discounted.
        assert spent == {"recharges": 4300, "manual": 700, "all": 5000, "discounted": 0}
        assert {(t.accumulated_spend.period_starting_at, t.accumulated_spend.period_ending_before) for t in trackers} == {
            (JAN, utc(2026, 2, 1))}
    freeze_clock(http, utc(2026, 2, 10))  # a new period: nothing purchased in it yet
    trackers = client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data.current.spend_trackers
    assert {t.alias: t.accumulated_spend.amount for t in trackers} == {"recharges": 0, "manual": 0, "all": 0, "discounted": 0}


def test_a_commit_that_counts_as_discounted_is_tracked_as_discounted(client, http):
    freeze_clock(http, NOW)
    c = client.v1.customers.create(name="Discounted").data.id

    def purchase(amount, **extra):
        return {"type": "PREPAID", "product_id": COMMIT_PRODUCT, "priority": 1, **extra,
                "access_schedule": {"schedule_items": [{"amount": amount, "starting_at": iso(JAN), "ending_before": iso(utc(2027, 1, 1))}]},
                "invoice_schedule": {"schedule_items": [{"timestamp": iso(utc(2026, 1, 5)), "amount": amount}]}}
    contract_id = client.v1.contracts.create(
        customer_id=c, starting_at=JAN, rate_card_alias="standard",
        commits=[purchase(700, spend_tracker_attributes={"counts_as_discounted": True}, netsuite_sales_order_id="so-7"),
                 purchase(300, spend_tracker_attributes={"counts_as_discounted": False}), purchase(200)],
        spend_trackers=[tracker("discounted", ["MANUAL"], discounted="DISCOUNTED_ONLY"),
                        tracker("undiscounted", ["MANUAL"], discounted="UNDISCOUNTED_ONLY"),
                        tracker("any", ["MANUAL"], discounted="ANY")]).data.id
    view = client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data.current
    # 700 counts as discounted; 300 and 200 (no attributes: not discounted) do not.
    assert {t.alias: t.accumulated_spend.amount for t in view.spend_trackers} == {
        "discounted": 700, "undiscounted": 500, "any": 1200}
    shown = {k.access_schedule.schedule_items[0].amount: k for k in view.commits}
    assert shown[700].spend_tracker_attributes.counts_as_discounted is True and shown[700].netsuite_sales_order_id == "so-7"
    assert shown[300].spend_tracker_attributes.counts_as_discounted is False
    assert shown[200].spend_tracker_attributes is None


def test_bad_spend_trackers_are_refused(http):
    c = http.post("/v1/customers", json={"name": "Tracked badly"}).json()["data"]["id"]
    for trackers in ([tracker("a", ["MANUAL"]), tracker("a", ["MANUAL"])], [tracker("a", [])],
                     [{**tracker("a", ["MANUAL"]), "reset_frequency": "MONTHLY"}],
                     [{**tracker("a", ["MANUAL"]), "credit_type_id": str(uuid.uuid4())}]):
        r = http.post("/v1/contracts/create", json={"customer_id": c, "starting_at": iso(JAN), "rate_card_alias": "standard",
                                                    "spend_trackers": trackers})
        assert r.status_code in (400, 404), r.text
    assert http.post("/v1/contracts/list", json={"customer_id": c}).json()["data"] == []


def test_an_edit_adds_and_updates_auto_recharge_and_each_change_is_evaluated_at_once(client, http):
    freeze_clock(http, NOW)
    card = unit_card(client)
    c = client.v1.customers.create(name="Edited recharge").data.id
    contract_id = client.v1.contracts.create(customer_id=c, starting_at=JAN, rate_card_id=card).data.id
    client.v2.contracts.edit(customer_id=c, contract_id=contract_id,
                             add_prepaid_balance_threshold_configuration=threshold(is_enabled=False))
    assert access(client, c, contract_id, 0) == []  # disabled: no balance, yet no recharge
    client.v2.contracts.edit(customer_id=c, contract_id=contract_id,
                             update_prepaid_balance_threshold_configuration={"is_enabled": True, "recharge_to_amount": 3000})
    assert access(client, c, contract_id, 1) == [3000]  # enabled: evaluated at once, topped up to the new 3000
    shown = client.v2.contracts.retrieve(customer_id=c, contract_id=contract_id).data.prepaid_balance_threshold_configuration
    assert (shown.is_enabled, shown.threshold_amount, shown.recharge_to_amount) == (True, 1000, 3000)
    added, updated = client.v2.contracts.get_edit_history(customer_id=c, contract_id=contract_id).data
    assert added.add_prepaid_balance_threshold_configuration.is_enabled is False
    assert (updated.update_prepaid_balance_threshold_configuration.is_enabled,
            updated.update_prepaid_balance_threshold_configuration.recharge_to_amount) == (True, 3000)

    for change in ({"add_prepaid_balance_threshold_configuration": threshold()},  # it has one already
                   {"update_prepaid_balance_threshold_configuration": {"recharge_to_amount": 1500}},  # not $10 above
                   {"update_prepaid_balance_threshold_configuration": {"commit": {"rollover_fraction": 2}}},
                   {"update_prepaid_balance_threshold_configuration": {"discount_configuration": {"payment_fraction": 2}}},
                   {"update_prepaid_balance_threshold_configuration": {"discount_configuration": {
                       "payment_fraction": 0.5, "cap": {"amount": 1, "spend_tracker_alias": "t"}}}}):
        r = http.post("/v2/contracts/edit", json={"customer_id": c, "contract_id": contract_id, **change})
        assert r.status_code == 400, r.text
    other = client.v1.contracts.create(customer_id=c, starting_at=JAN, rate_card_id=card).data.id
    r = http.post("/v2/contracts/edit", json={"customer_id": c, "contract_id": other,
                                              "update_spend_threshold_configuration": {"threshold_amount": 2000}})
    assert r.status_code == 400, r.text  # nothing to update
    assert len(client.v2.contracts.get_edit_history(customer_id=c, contract_id=contract_id).data) == 2


def test_an_edit_changes_the_commit_each_recharge_creates(client, http):
    freeze_clock(http, NOW)
    card = unit_card(client)
    c = client.v1.customers.create(name="Recharged differently", ingest_aliases=[f"alias-{uuid.uuid4().hex[:8]}"]).data.id
    contract_id = client.v1.contracts.create(customer_id=c, starting_at=JAN, rate_card_id=card,
                                             prepaid_balance_threshold_configuration=threshold()).data.id
    assert access(client, c, contract_id, 1) == [5000]  # topped up at creation
    client.v2.contracts.edit(customer_id=c, contract_id=contract_id, update_prepaid_balance_threshold_configuration={
        "commit": {"name": "Top-up", "rate_type": "LIST_RATE", "duration": {"unit": "MONTHS", "value": 2},
                   "priority": None}})
    shown = client.v2.contracts.retrieve(customer_id=c, contract_id=contract_id).data.prepaid_balance_threshold_configuration
    assert (shown.commit.name, shown.commit.rate_type, shown.commit.duration.value, shown.commit.priority) == (
        "Top-up", "LIST_RATE", 2, None)
    [entry] = client.v2.contracts.get_edit_history(customer_id=c, contract_id=contract_id).data
    assert entry.update_prepaid_balance_threshold_configuration.commit.name == "Top-up"
    ingest(client, c, 45)  # 4500 drawn: 500 left, at or below the 1000 threshold
    found = sorted(commits(client, c, contract_id), key=lambda cm: cm.created_at)
    deadline = time.monotonic() + 10
    while len(found) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
        found = sorted(commits(client, c, contract_id), key=lambda cm: cm.created_at)
    # The next recharge, 5000 − 500 = 4500, is made from the changed template: two months from now.
    recharge = found[-1]
    assert (recharge.name, recharge.rate_type, recharge.access_schedule.schedule_items[0].amount) == ("Top-up", "LIST_RATE", 4500)
    assert recharge.access_schedule.schedule_items[0].ending_before == utc(2026, 3, 10)


def test_an_edit_adds_a_spend_threshold_royalties_and_trackers(client, http):
    freeze_clock(http, NOW)
    card = unit_card(client)
    c = client.v1.customers.create(name="Edited terms").data.id
    contract_id = client.v1.contracts.create(customer_id=c, starting_at=JAN, rate_card_id=card,
                                             spend_trackers=[tracker("old", ["MANUAL"])]).data.id
    client.v2.contracts.edit(
        customer_id=c, contract_id=contract_id,
        add_spend_threshold_configuration={"commit": {"product_id": COMMIT_PRODUCT}, "is_enabled": True,
                                           "payment_gate_config": {"payment_gate_type": "NONE"}, "threshold_amount": 5000},
        add_reseller_royalties=[{"fraction": 0.3, "netsuite_reseller_id": "r", "reseller_type": "AWS", "starting_at": iso(JAN)}],
        add_spend_trackers=[tracker("new", ["THRESHOLD_RECHARGE"])], archive_spend_trackers=["old"])
    client.v2.contracts.edit(customer_id=c, contract_id=contract_id,
                             update_spend_threshold_configuration={"threshold_amount": 600})
    contract = client.v2.contracts.retrieve(customer_id=c, contract_id=contract_id).data
    assert contract.spend_threshold_configuration.threshold_amount == 600
    assert [(r.reseller_type, [s.fraction for s in r.segments]) for r in contract.reseller_royalties] == [("AWS", [0.3])]
    assert [t.alias for t in contract.spend_trackers] == ["new"]
    ingest(client, c, 7)  # 700¢ outstanding: at least the new 600
    assert access(client, c, contract_id, 1) == [700]
    trackers = client.v2.contracts.retrieve(customer_id=c, contract_id=contract_id).data.spend_trackers
    assert [t.accumulated_spend.amount for t in trackers] == [700]  # the threshold charge's purchase
    [first, _] = client.v2.contracts.get_edit_history(customer_id=c, contract_id=contract_id).data
    assert first.add_spend_threshold_configuration.threshold_amount == 5000
    assert [r.fraction for r in first.add_reseller_royalties] == [0.3]
    r = http.post("/v2/contracts/edit", json={"customer_id": c, "contract_id": contract_id, "archive_spend_trackers": ["old"]})
    assert r.status_code == 404, r.text


def test_a_discount_invoices_a_share_of_each_recharge(client, http):
    freeze_clock(http, NOW)
    card = unit_card(client)
    c = client.v1.customers.create(name="Discounted recharge").data.id
    contract_id = client.v1.contracts.create(
        customer_id=c, starting_at=JAN, rate_card_id=card,
        prepaid_balance_threshold_configuration=threshold(discount_configuration={"payment_fraction": 0.85})).data.id
    # The commit gives the whole 5000; the customer is invoiced 85% of it: 4250.
    assert access(client, c, contract_id, 1) == [5000]
    assert scheduled_totals(client, c) == [(4250, "FINALIZED")]
    shown = client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data.current
    assert shown.prepaid_balance_threshold_configuration.discount_configuration.payment_fraction == 0.85

    # An edit changes the share the next recharge is invoiced: 40 units leave 1000, at the threshold.
    client.v2.contracts.edit(customer_id=c, contract_id=contract_id, update_prepaid_balance_threshold_configuration={
        "discount_configuration": {"payment_fraction": 0.5}})
    ingest(client, c, 40)
    assert access(client, c, contract_id, 2) == [5000, 4000]
    assert scheduled_totals(client, c) == [(2000, "FINALIZED"), (4250, "FINALIZED")]
    [edit] = client.v2.contracts.get_edit_history(customer_id=c, contract_id=contract_id).data
    assert edit.update_prepaid_balance_threshold_configuration.discount_configuration.payment_fraction == 0.5


def test_balance_specifiers_leave_matching_balances_out_of_the_threshold(client, http):
    freeze_clock(http, NOW)
    card = unit_card(client)
    key = f"promo-{uuid.uuid4().hex[:6]}"
    client.v1.custom_fields.add_key(entity="contract_credit", key=key, enforce_uniqueness=False)
    credit = {"product_id": COMMIT_PRODUCT, "custom_fields": {key: "yes"},
              "access_schedule": {"schedule_items": [{"amount": 3000, "starting_at": iso(JAN), "ending_before": iso(utc(2027, 1, 1))}]}}
    excluding = [{"exclude": [{"custom_field_filters": [{"entity": "ContractCredit", "key": key, "value": "yes"}]}]}]

    # Counted, the credit's 3000 is above the 1000 threshold: no recharge.
    counted = client.v1.customers.create(name="Credit counted").data.id
    plain = client.v1.contracts.create(customer_id=counted, starting_at=JAN, rate_card_id=card, credits=[credit],
                                       prepaid_balance_threshold_configuration=threshold()).data.id
    assert access(client, counted, plain, 0) == []

    # Left out, the balance is 0: recharged to 5000 at once.
    excluded = client.v1.customers.create(name="Credit left out").data.id
    contract_id = client.v1.contracts.create(
        customer_id=excluded, starting_at=JAN, rate_card_id=card, credits=[credit],
        prepaid_balance_threshold_configuration=threshold(threshold_balance_specifiers=excluding)).data.id
    assert access(client, excluded, contract_id, 1) == [5000]
    shown = client.v2.contracts.retrieve(customer_id=excluded, contract_id=contract_id).data
    [specifier] = shown.prepaid_balance_threshold_configuration.threshold_balance_specifiers
    assert specifier.exclude[0].custom_field_filters[0].key == key

    # An edit that leaves it out of the first contract's threshold recharges that one too.
    client.v2.contracts.edit(customer_id=counted, contract_id=plain, update_prepaid_balance_threshold_configuration={
        "threshold_balance_specifiers": excluding})
    ingest(client, counted, 1)  # any usage settles the customer; the credit pays for it
    assert access(client, counted, plain, 1) == [5000]


def test_a_discount_stops_once_its_spend_tracker_reaches_the_cap(client, http):
    freeze_clock(http, NOW)
    card = unit_card(client)
    c = client.v1.customers.create(name="Capped discount").data.id
    contract_id = client.v1.contracts.create(
        customer_id=c, starting_at=JAN, rate_card_id=card, spend_trackers=[tracker("recharges", ["THRESHOLD_RECHARGE"])],
        prepaid_balance_threshold_configuration=threshold(discount_configuration={
            "payment_fraction": 0.5, "cap": {"amount": 3000, "spend_tracker_alias": "recharges"}})).data.id
    assert access(client, c, contract_id, 1) == [5000]  # tracked 0: discounted, 2500 invoiced
    ingest(client, c, 40)
    assert access(client, c, contract_id, 2) == [5000, 4000]  # tracked 2500 < 3000: discounted, 2000
    ingest(client, c, 45)
    assert access(client, c, contract_id, 3) == [5000, 4000, 4500]  # tracked 4500: full price
    assert scheduled_totals(client, c) == [(2000, "FINALIZED"), (2500, "FINALIZED"), (4500, "FINALIZED")]


def test_an_update_changes_the_discount_field_by_field_and_the_templates_specifiers(client, http):
    freeze_clock(http, NOW)
    card = unit_card(client)
    c = client.v1.customers.create(name="Discount updates").data.id
    contract_id = client.v1.contracts.create(
        customer_id=c, starting_at=JAN, rate_card_id=card, spend_trackers=[tracker("recharges", ["THRESHOLD_RECHARGE"])],
        prepaid_balance_threshold_configuration=threshold(discount_configuration={"payment_fraction": 0.5})).data.id

    def shown():
        return client.v2.contracts.retrieve(customer_id=c, contract_id=contract_id).data.prepaid_balance_threshold_configuration

    def update(change):
        client.v2.contracts.edit(customer_id=c, contract_id=contract_id, update_prepaid_balance_threshold_configuration=change)

    update({"discount_configuration": {"cap": {"amount": 100, "spend_tracker_alias": "recharges"}}})
    discount = shown().discount_configuration
    assert (discount.payment_fraction, discount.cap.amount, discount.cap.spend_tracker_alias) == (0.5, 100, "recharges")
    update({"discount_configuration": {"cap": None}})
    assert (shown().discount_configuration.payment_fraction, shown().discount_configuration.cap) == (0.5, None)
    update({"discount_configuration": {"payment_fraction": None}})
    assert shown().discount_configuration is None

    update({"commit": {"specifiers": [{"product_id": COMMIT_PRODUCT}]}})
    assert [s.product_id for s in shown().commit.specifiers] == [COMMIT_PRODUCT]
    r = http.post("/v2/contracts/edit", json={"customer_id": c, "contract_id": contract_id,
                                              "update_prepaid_balance_threshold_configuration": {"commit": {"applicable_product_tags": ["x"]}}})
    assert "specifiers" in r.json()["message"] and r.status_code == 400
