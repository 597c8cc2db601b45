"""Seat-based credit pools: a recurring credit (or commit) with `subscription_config` attached to a
subscription gives each seat its amount every period, pooled into the period's one credit, and
seats added mid-period release more credit, prorated by the time left when
`apply_seat_increase_config.is_prorated` (Metronome's "Provision your customer" and "Manage seats"
guides, and its pooled seat-based credits announcement). The subscription is named by its
`temporary_id` in the same request. Figures are worked out by hand below."""

from __future__ import annotations

import uuid

from helpers import assert_error_response, freeze_clock, iso, utc
from pricing_helpers import FIXTURE_PRODUCT_IDS

SEAT = FIXTURE_PRODUCT_IDS["seat"]
COMMIT_PRODUCT = FIXTURE_PRODUCT_IDS["prepaid_commit"]
APR, MAY = utc(2026, 4, 1), utc(2026, 5, 1)  # April has 30 days
YEAR_END = utc(2027, 1, 1)


def day(n, month=APR):
    return month.replace(day=n)


def seats(quantity=3, **extra):
    return {"collection_schedule": "ADVANCE", "initial_quantity": quantity, "proration": {"is_prorated": True},
            "subscription_rate": {"billing_frequency": "MONTHLY", "product_id": SEAT}, "temporary_id": "team-seats", **extra}


def pool(prorated=True, per_seat=100, **extra):
    return {"access_amount": {"unit_price": per_seat, "quantity": 1}, "commit_duration": {"value": 1}, "priority": 1,
            "product_id": COMMIT_PRODUCT, "starting_at": iso(APR), "name": "AI credits", "applicable_product_tags": ["ai"],
            "subscription_config": {"subscription_id": "team-seats", "allocation": "POOLED",
                                    "apply_seat_increase_config": {"is_prorated": prorated}}, **extra}


def setup(client, http, prorated=True):
    freeze_clock(http, day(5))
    c = client.v1.customers.create(name="Seat pool").data.id
    contract_id = client.v1.contracts.create(customer_id=c, starting_at=APR, ending_before=YEAR_END, rate_card_alias="standard",
                                             subscriptions=[seats()], recurring_credits=[pool(prorated)]).data.id
    [subscription] = client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data.subscriptions
    return c, contract_id, subscription.id


def credits(client, c, contract_id):
    """Each credit's start and its segments' (start, amount), oldest first."""
    found = client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data.current.credits
    return sorted((k.access_schedule.schedule_items[0].starting_at,
                   [(s.starting_at, round(s.amount, 6)) for s in k.access_schedule.schedule_items]) for k in found)


def set_seats(client, c, contract_id, subscription_id, *changes):
    client.v2.contracts.edit(customer_id=c, contract_id=contract_id, update_subscriptions=[
        {"subscription_id": subscription_id, "quantity_updates": [{"starting_at": iso(at), "quantity": n} for at, n in changes]}])


def test_each_seat_gets_the_amount_pooled_into_the_periods_credit(client, http):
    c, contract_id, subscription_id = setup(client, http)
    # 3 seats × 100 in April; May's credit is made when May begins.
    assert credits(client, c, contract_id) == [(APR, [(APR, 300)])]
    contract = client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data.current
    [template] = contract.recurring_credits
    assert (template.subscription_config.subscription_id, template.subscription_config.allocation) == (subscription_id, "POOLED")
    assert template.subscription_config.apply_seat_increase_config.is_prorated is True
    assert contract.credits[0].subscription_config.subscription_id == subscription_id

    freeze_clock(http, day(2, MAY))
    assert credits(client, c, contract_id) == [(APR, [(APR, 300)]), (MAY, [(MAY, 300)])]
    # April's credit has expired; May's 300 is the balance (no product tagged "ai" used any).
    assert client.v1.contracts.get_net_balance(customer_id=c).data.balance == 300


def test_seats_added_mid_period_release_a_prorated_share(client, http):
    c, contract_id, subscription_id = setup(client, http)
    set_seats(client, c, contract_id, subscription_id, (day(11), 5))
    assert credits(client, c, contract_id) == [(APR, [(APR, 300)])]  # not yet: it is April 5
    freeze_clock(http, day(12))
    # 2 more seats from April 11: 2 × 100 × 20/30 of the month left.
    assert credits(client, c, contract_id) == [(APR, [(APR, 300), (day(11), round(200 * 20 / 30, 6))])]
    freeze_clock(http, day(2, MAY))
    assert credits(client, c, contract_id)[1] == (MAY, [(MAY, 500)])


def test_without_proration_an_increase_releases_whole_allocations_once(client, http):
    c, contract_id, subscription_id = setup(client, http, prorated=False)
    # 3 → 5 on the 11th, down to 4 on the 15th, up to 6 on the 20th: the seats granted so far
    # are 5, so only the sixth is new. Seats removed give nothing back.
    set_seats(client, c, contract_id, subscription_id, (day(11), 5), (day(15), 4), (day(20), 6))
    freeze_clock(http, day(25))
    assert credits(client, c, contract_id) == [(APR, [(APR, 300), (day(11), 200), (day(20), 100)])]


def test_a_subscription_added_by_an_edit_can_carry_a_pool(client, http):
    freeze_clock(http, day(5))
    c = client.v1.customers.create(name="Pool by edit").data.id
    contract_id = client.v1.contracts.create(customer_id=c, starting_at=APR, ending_before=YEAR_END,
                                             rate_card_alias="standard").data.id
    client.v2.contracts.edit(customer_id=c, contract_id=contract_id, add_subscriptions=[seats(quantity=4)],
                             add_recurring_credits=[pool()])
    assert credits(client, c, contract_id) == [(APR, [(APR, 400)])]


def test_what_is_refused(client, http):
    freeze_clock(http, day(5))
    c = client.v1.customers.create(name="Refused pool").data.id
    base = {"customer_id": c, "starting_at": iso(APR), "ending_before": iso(YEAR_END), "rate_card_alias": "standard"}
    individual = pool()
    individual["subscription_config"] = {**individual["subscription_config"], "allocation": "INDIVIDUAL"}
    for body, named, status in [
        ({**base, "subscriptions": [seats()], "recurring_credits": [individual]},
         "recurring_credits[0].subscription_config.allocation INDIVIDUAL", 400),
        ({**base, "subscriptions": [seats(temporary_id="other")], "recurring_credits": [pool()]},
         "recurring_credits[0].subscription_config.subscription_id", 400),
        ({**base, "subscriptions": [seats(), seats()], "recurring_credits": [pool()]}, "subscriptions[1].temporary_id", 400),
    ]:
        response = http.post("/v1/contracts/create", json=body)
        assert named in assert_error_response(response, status)["message"]
    assert client.v1.contracts.list(customer_id=c).data == []
