"""Commit-specific overrides: an override with `is_commit_specific` prices only the usage that
commits and credits pay for, the ones its `override_specifiers` name (`commit_ids`,
`recurring_commit_ids`, `any_commit_or_credit_ids`) or, naming none, any of them. `target`
COMMIT_RATE overrides the rate's commit rate instead of its list rate (the SDK's docstrings on
`is_commit_specific`, `target` and the specifier's fields). Figures are worked out by hand below."""

import uuid
from datetime import timedelta

from helpers import assert_error_response, freeze_clock, iso, utc
from pricing_helpers import FIXTURE_PRODUCT_IDS, unit_rate_card
from pricing_helpers import ingest_units as ingest, usage_draft as draft_of

COMMIT_PRODUCT = FIXTURE_PRODUCT_IDS["prepaid_commit"]
JAN, FEB = utc(2026, 1, 1), utc(2026, 2, 1)


def units_card(client, **commit_rate):
    """A rate card pricing a unit at 100, and the product."""
    return unit_rate_card(client, **commit_rate)


def commit(amount, priority=1, rate_type=None):
    item = {"type": "PREPAID", "product_id": COMMIT_PRODUCT, "priority": priority,
            "access_schedule": {"schedule_items": [{"amount": amount, "starting_at": iso(JAN), "ending_before": iso(FEB)}]}}
    if rate_type:
        item["rate_type"] = rate_type
    return item


def usage_lines(draft):
    return sorted(((li.quantity, li.unit_price, li.total, li.commit_id) for li in draft.line_items if li.type == "usage"),
                  key=lambda t: (t[3] or "", t[1]))


def test_a_commit_specific_override_prices_only_what_commits_pay_for(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    card, product = units_card(client)
    c = client.v1.customers.create(name="Commit-specific").data.id
    contract_id = client.v1.contracts.create(customer_id=c, starting_at=JAN, rate_card_id=card, commits=[commit(1000)], overrides=[
        {"starting_at": iso(JAN), "product_id": product, "type": "MULTIPLIER", "multiplier": 0.5, "is_commit_specific": True}]).data.id
    ingest(client, c, 30)
    draft = draft_of(client, c)
    [covered] = [li for li in draft.line_items if li.type == "usage" and li.commit_id]
    [rest] = [li for li in draft.line_items if li.type == "usage" and not li.commit_id]
    # The commit's 1000 pays for 20 units at 100 × 0.5 = 50; the other 10 are billed at the list 100.
    assert (covered.quantity, covered.unit_price, covered.total) == (20, 50, 1000)
    assert (rest.quantity, rest.unit_price, rest.total) == (10, 100, 1000)
    assert draft.total == 1000

    [override] = client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data.current.overrides
    assert override.is_commit_specific is True and override.multiplier == 0.5
    # The list rate the contract shows is unchanged: the override prices commits' draws only.
    [rate] = http.post("/v1/contract-pricing/rate-cards/getRateSchedule",
                       json={"rate_card_id": card, "starting_at": iso(JAN)}).json()["data"]
    assert rate["rate"]["price"] == 100


def test_without_commits_to_pay_the_override_changes_nothing(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    card, product = units_card(client)
    c = client.v1.customers.create(name="No commits").data.id
    client.v1.contracts.create(customer_id=c, starting_at=JAN, rate_card_id=card, overrides=[
        {"starting_at": iso(JAN), "product_id": product, "type": "OVERWRITE", "is_commit_specific": True,
         "overwrite_rate": {"rate_type": "FLAT", "price": 10}}])
    ingest(client, c, 7)
    assert draft_of(client, c).total == 7 * 100


def test_commit_ids_select_the_commits_the_override_prices(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    card, product = units_card(client)
    c = client.v1.customers.create(name="Named commits").data.id
    # Two customer-level commits: the override names the second, which draws after the first.
    first = client.v1.contracts.create(customer_id=c, starting_at=JAN, rate_card_id=card).data.id
    assert first
    plain = http.post("/v1/contracts/customerCommits/create", json={"customer_id": c, **commit(300, priority=1),
                      "applicable_product_ids": [product]}).json()["data"]["id"]
    named = http.post("/v1/contracts/customerCommits/create", json={"customer_id": c, **commit(400, priority=2),
                      "applicable_product_ids": [product]}).json()["data"]["id"]
    client.v2.contracts.edit(customer_id=c, contract_id=first, add_overrides=[
        {"starting_at": iso(JAN), "type": "OVERWRITE", "is_commit_specific": True,
         "overwrite_rate": {"rate_type": "FLAT", "price": 40},
         "override_specifiers": [{"product_id": product, "commit_ids": [named]}]}])
    ingest(client, c, 20)
    draft = draft_of(client, c)
    by_commit = {li.commit_id: (li.quantity, li.unit_price, li.total) for li in draft.line_items if li.type == "usage"}
    # The first commit pays 3 units at the list 100 (300); the named one 10 units at 40 (400);
    # the 7 left are billed at 100.
    assert by_commit == {plain: (3, 100, 300), named: (10, 40, 400), None: (7, 100, 700)}
    assert draft.total == 700

    [override] = client.v2.contracts.retrieve(customer_id=c, contract_id=first).data.overrides
    assert override.override_specifiers[0].commit_ids == [named]


def test_a_commit_rate_target_overrides_the_commit_rate(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    card, product = units_card(client, commit_rate={"rate_type": "FLAT", "price": 80})
    c = client.v1.customers.create(name="Commit rate target").data.id
    client.v1.contracts.create(customer_id=c, starting_at=JAN, rate_card_id=card, commits=[commit(600)], overrides=[
        {"starting_at": iso(JAN), "product_id": product, "type": "MULTIPLIER", "multiplier": 0.75,
         "is_commit_specific": True, "target": "COMMIT_RATE"}])
    ingest(client, c, 20)
    draft = draft_of(client, c)
    # The commit rate 80 × 0.75 = 60: the commit's 600 pays for 10 units; 10 are billed at 100.
    assert [(q, p, t) for q, p, t, _ in usage_lines(draft)] == [(10, 100, 1000), (10, 60, 600)]
    assert draft.total == 1000


def test_a_list_rate_override_leaves_a_commit_rate_commit_at_its_commit_rate(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    card, product = units_card(client, commit_rate={"rate_type": "FLAT", "price": 80})
    c = client.v1.customers.create(name="Targets").data.id
    client.v1.contracts.create(
        customer_id=c, starting_at=JAN, rate_card_id=card,
        commits=[commit(400, priority=1), commit(250, priority=2, rate_type="LIST_RATE")],
        overrides=[{"starting_at": iso(JAN), "product_id": product, "type": "MULTIPLIER", "multiplier": 0.5,
                    "is_commit_specific": True}])
    ingest(client, c, 20)
    draft = draft_of(client, c)
    # The COMMIT_RATE commit pays 5 units at 80 (400); the LIST_RATE one pays list × 0.5 = 50,
    # 5 units (250); the other 10 are billed at 100.
    assert sorted((q, p, t) for q, p, t, _ in usage_lines(draft)) == [(5, 50, 250), (5, 80, 400), (10, 100, 1000)]
    assert draft.total == 1000


def test_a_commit_specific_override_takes_effect_mid_period(client, http):
    freeze_clock(http, utc(2026, 1, 25))
    card, product = units_card(client)
    c = client.v1.customers.create(name="Mid-period").data.id
    client.v1.contracts.create(customer_id=c, starting_at=JAN, rate_card_id=card, commits=[commit(1500)], overrides=[
        {"starting_at": iso(utc(2026, 1, 15)), "product_id": product, "type": "MULTIPLIER", "multiplier": 0.5,
         "is_commit_specific": True}])
    client.v1.usage.ingest(usage=[
        {"transaction_id": uuid.uuid4().hex, "customer_id": c, "event_type": "unit",
         "timestamp": iso(day + timedelta(minutes=i))} for day in (utc(2026, 1, 10), utc(2026, 1, 20)) for i in range(10)])
    draft = draft_of(client, c)
    # Before the 15th the commit pays 10 units at 100 (1000); from it, 10 units at 50 (500).
    assert sorted((q, p, t) for q, p, t, _ in usage_lines(draft)) == [(10, 50, 500), (10, 100, 1000)]
    assert draft.total == 0


def test_commit_ids_follow_the_sdks_rules(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    card, product = units_card(client)
    c = client.v1.customers.create(name="Rules").data.id
    base = {"customer_id": c, "starting_at": iso(JAN), "rate_card_id": card}
    some = "6a37bb88-8538-48c5-b37b-a41c836328bd"
    cases = [
        ({"product_id": product, "type": "MULTIPLIER", "multiplier": 0.5, "target": "COMMIT_RATE"}, "target", 400),
        ({"type": "MULTIPLIER", "multiplier": 0.5, "override_specifiers": [{"product_id": product, "commit_ids": [some]}]},
         "override_specifiers[0].commit_ids", 400),
        ({"type": "MULTIPLIER", "multiplier": 0.5, "is_commit_specific": True,
          "override_specifiers": [{"commit_ids": [some]}]}, "override_specifiers[0].commit_ids", 400),
        ({"type": "MULTIPLIER", "multiplier": 0.5, "is_commit_specific": True,
          "override_specifiers": [{"product_id": product, "commit_ids": [some], "any_commit_or_credit_ids": [some]}]},
         "override_specifiers[0].any_commit_or_credit_ids", 400),
        ({"type": "MULTIPLIER", "multiplier": 0.5, "is_commit_specific": True,
          "override_specifiers": [{"product_id": product, "commit_ids": [some]}]}, some, 404),
        ({"type": "MULTIPLIER", "multiplier": 0.5, "is_commit_specific": True,
          "override_specifiers": [{"product_id": product, "recurring_commit_ids": [some]}]}, some, 404),
    ]
    for override, named, status in cases:
        r = http.post("/v1/contracts/create", json={**base, "overrides": [{"starting_at": iso(JAN), **override}]})
        assert_error_response(r, status)
        assert named in r.json()["message"], (override, r.text)
    assert client.v1.contracts.list(customer_id=c).data == []


def test_a_commits_temporary_id_names_it_in_an_override_of_the_same_request(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    card, product = units_card(client)
    c = client.v1.customers.create(name="Temporary IDs").data.id
    contract_id = client.v1.contracts.create(
        customer_id=c, starting_at=JAN, rate_card_id=card,
        commits=[commit(300, priority=1), {**commit(400, priority=2), "temporary_id": "discounted"}],
        overrides=[{"starting_at": iso(JAN), "type": "OVERWRITE", "is_commit_specific": True,
                    "overwrite_rate": {"rate_type": "FLAT", "price": 40},
                    "override_specifiers": [{"product_id": product, "commit_ids": ["discounted"]}]}]).data.id
    view = client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data.current
    discounted = next(k.id for k in view.commits if k.priority == 2)
    # The override names the commit by the ID made for it.
    assert view.overrides[0].override_specifiers[0].commit_ids == [discounted]
    ingest(client, c, 20)
    draft = draft_of(client, c)
    # The first commit pays 3 units at 100; the named one 400 / 40 = 10 units; 7 are billed at 100.
    assert sorted((q, p, t) for q, p, t, _ in usage_lines(draft)) == [(3, 100, 300), (7, 100, 700), (10, 40, 400)]


def test_a_recurring_commits_temporary_id_names_the_commits_it_makes(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    card, product = units_card(client)
    c = client.v1.customers.create(name="Recurring temporary IDs").data.id
    contract_id = client.v1.contracts.create(
        customer_id=c, starting_at=JAN, ending_before=utc(2026, 4, 1), rate_card_id=card,
        recurring_commits=[{"temporary_id": "monthly", "product_id": COMMIT_PRODUCT, "priority": 1, "starting_at": iso(JAN),
                            "access_amount": {"unit_price": 500, "quantity": 1}, "commit_duration": {"value": 1}}],
        overrides=[{"starting_at": iso(JAN), "type": "MULTIPLIER", "multiplier": 0.5, "is_commit_specific": True,
                    "override_specifiers": [{"product_id": product, "recurring_commit_ids": ["monthly"]}]}]).data.id
    view = client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data.current
    [recurring] = view.recurring_commits
    assert view.overrides[0].override_specifiers[0].recurring_commit_ids == [recurring.id]
    ingest(client, c, 15)
    draft = draft_of(client, c)
    # January's commit of 500 pays for 10 units at 50; 5 are billed at 100.
    assert sorted((q, p, t) for q, p, t, _ in usage_lines(draft)) == [(5, 100, 500), (10, 50, 500)]


def test_an_edit_names_a_commit_it_adds_by_its_temporary_id(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    card, product = units_card(client)
    c = client.v1.customers.create(name="Edit temporary IDs").data.id
    contract_id = client.v1.contracts.create(customer_id=c, starting_at=JAN, rate_card_id=card).data.id
    client.v2.contracts.edit(
        customer_id=c, contract_id=contract_id, add_commits=[{**commit(400), "temporary_id": "new"}],
        add_overrides=[{"starting_at": iso(JAN), "type": "OVERWRITE", "is_commit_specific": True,
                        "overwrite_rate": {"rate_type": "FLAT", "price": 40},
                        "override_specifiers": [{"product_id": product, "commit_ids": ["new"]}]}])
    ingest(client, c, 20)
    # The added commit pays 10 units at 40; 10 are billed at 100.
    assert draft_of(client, c).total == 1000


def test_a_temporary_id_given_twice_is_a_400(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    card, _ = units_card(client)
    c = client.v1.customers.create(name="Twice").data.id
    r = http.post("/v1/contracts/create", json={
        "customer_id": c, "starting_at": iso(JAN), "rate_card_id": card,
        "commits": [{**commit(100), "temporary_id": "t"}, {**commit(200), "temporary_id": "t"}]})
    assert_error_response(r, 400)
    assert "'commits[1].temporary_id'" in r.json()["message"]
    assert client.v1.contracts.list(customer_id=c).data == []
