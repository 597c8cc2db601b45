"""Revenue system configurations (`customer_revenue_system_configurations` on customer create,
`revenue_system_configuration` on contracts/create) and the v2 edit updates that add a billing
provider or revenue system configuration to a contract that has none, from the start of its
current or next usage statement period. v2 shows both as schedules; the expected moments come
from the contract's own usage statement's dates."""

from __future__ import annotations

import uuid

import pytest

from helpers import assert_error_response, freeze_clock, iso, utc

JAN = utc(2026, 1, 1)
NOW = utc(2026, 1, 20)
NETSUITE = {"provider": "netsuite", "delivery_method": "direct_to_billing_provider"}
STRIPE = {"billing_provider": "stripe", "delivery_method": "direct_to_billing_provider"}


def customer(client, *netsuite_ids):
    """A customer with one NetSuite revenue system configuration per ID given."""
    return client.v1.customers.create(name=f"Recognized {uuid.uuid4().hex[:6]}", customer_revenue_system_configurations=[
        {**NETSUITE, "configuration": {"netsuite_customer_id": netsuite_id}} for netsuite_id in netsuite_ids
    ]).data.id


def stripe_configuration(client, customer_id):
    return client.v1.customers.set_billing_configurations(data=[{
        "customer_id": customer_id, **STRIPE,
        "configuration": {"stripe_customer_id": f"cus_{uuid.uuid4().hex[:6]}", "stripe_collection_method": "send_invoice"}}]
    ).data[0].id


def contract(client, c, **terms):
    return client.v1.contracts.create(customer_id=c, starting_at=JAN, rate_card_alias="standard", **terms).data.id


def v2(client, c, contract_id):
    return client.v2.contracts.retrieve(customer_id=c, contract_id=contract_id).data


def contracts(http, c):
    return http.post("/v1/contracts/list", json={"customer_id": c}).json()["data"]


def current_statement(client, c, contract_id):
    """The contract's usage statement whose period covers NOW."""
    [statement] = [i for i in client.v1.customers.invoices.list(customer_id=c, contract_id=contract_id)
                   if i.type == "USAGE" and i.start_timestamp <= NOW < i.end_timestamp]
    return statement


def edit(http, c, contract_id, **fields):
    return http.post("/v2/contracts/edit", json={"customer_id": c, "contract_id": contract_id, **fields})


def revenue_update(effective_at, **configuration):
    return {"revenue_system_configuration": configuration or NETSUITE, "schedule": {"effective_at": effective_at}}


def billing_update(effective_at, **configuration):
    return {"billing_provider_configuration": configuration or STRIPE, "schedule": {"effective_at": effective_at}}


# ====================================================================== customer create and contracts/create


def test_a_contract_names_a_revenue_system_configuration_by_provider_and_method_or_by_id(client, http):
    freeze_clock(http, NOW)
    c = customer(client, "42")
    by_name = contract(client, c, revenue_system_configuration=NETSUITE)
    [segment] = v2(client, c, by_name).revenue_system_configuration_schedule
    shown = segment.revenue_system_configuration
    assert (shown.provider, shown.delivery_method, shown.customer_id, shown.configuration, shown.archived_at) == (
        "netsuite", "direct_to_billing_provider", c, {"netsuite_customer_id": "42"}, None)
    assert shown.delivery_method_id and shown.delivery_method_configuration == {}
    assert (segment.effective_at, segment.effective_until) == (JAN, None)

    by_id = contract(client, c, revenue_system_configuration={"revenue_system_configuration_id": shown.id})
    [again] = v2(client, c, by_id).revenue_system_configuration_schedule
    assert again.revenue_system_configuration.id == shown.id and again.effective_at == JAN

    plain = contract(client, c)
    assert v2(client, c, plain).revenue_system_configuration_schedule == []


def test_v2_shows_both_schedules_of_a_contract_created_with_both(client, http):
    freeze_clock(http, NOW)
    c = customer(client, "7")
    billing_id = stripe_configuration(client, c)
    contract_id = contract(client, c, revenue_system_configuration=NETSUITE,
                           billing_provider_configuration={"billing_provider_configuration_id": billing_id})
    k = v2(client, c, contract_id)
    [billing] = k.billing_provider_configuration_schedule
    assert (billing.billing_provider_configuration.id, billing.effective_at, billing.effective_until) == (billing_id, JAN, None)
    assert k.customer_billing_provider_configuration.id == billing_id
    [revenue] = k.revenue_system_configuration_schedule
    assert revenue.revenue_system_configuration.provider == "netsuite"


def test_a_customer_may_hold_several_revenue_system_configurations(client, http):
    freeze_clock(http, NOW)
    c = customer(client, "1", "2")
    # Two of the same provider and method: naming them that way is ambiguous.
    r = http.post("/v1/contracts/create", json={"customer_id": c, "starting_at": iso(JAN), "rate_card_alias": "standard",
                                                "revenue_system_configuration": NETSUITE})
    message = assert_error_response(r, 400)["message"]
    assert "revenue_system_configuration" in message and "2" in message
    assert contracts(http, c) == []


def bad_revenue_choices(http, c):
    other = customer_id_with_netsuite(http)
    others_id = revenue_id_of(http, other)
    return [
        {"revenue_system_configuration_id": str(uuid.uuid4())},  # unknown
        {"revenue_system_configuration_id": others_id},  # another customer's
        {"revenue_system_configuration_id": others_id, **NETSUITE},  # both forms
        {"provider": "netsuite"},  # no delivery method
    ]


def customer_id_with_netsuite(http):
    return http.post("/v1/customers", json={"name": "Other", "customer_revenue_system_configurations": [
        {**NETSUITE, "configuration": {"netsuite_customer_id": "other"}}]}).json()["data"]["id"]


def revenue_id_of(http, c):
    """The ID of the customer's one revenue system configuration, as a contract naming it shows."""
    contract_id = http.post("/v1/contracts/create", json={
        "customer_id": c, "starting_at": iso(JAN), "rate_card_alias": "standard", "revenue_system_configuration": NETSUITE,
    }).json()["data"]["id"]
    k = http.post("/v2/contracts/get", json={"customer_id": c, "contract_id": contract_id}).json()["data"]
    return k["revenue_system_configuration_schedule"][0]["revenue_system_configuration"]["id"]


def test_a_revenue_system_configuration_the_customer_lacks_is_refused(client, http):
    freeze_clock(http, NOW)
    c = client.v1.customers.create(name="No revenue system").data.id
    for choice in bad_revenue_choices(http, c) + [NETSUITE]:  # the last: it has none of its own
        r = http.post("/v1/contracts/create", json={"customer_id": c, "starting_at": iso(JAN), "rate_card_alias": "standard",
                                                    "revenue_system_configuration": choice})
        assert "revenue_system_configuration" in assert_error_response(r, 400)["message"], choice
    assert contracts(http, c) == []


def test_a_revenue_system_configuration_of_an_unknown_kind_is_refused_on_customer_create(client, http):
    before = len(client.v1.customers.list().data)
    for item in ({"provider": "netsuite"}, {"provider": "sage", "delivery_method": "direct_to_billing_provider"},
                 {"provider": "netsuite", "delivery_method": "email"}):
        r = http.post("/v1/customers", json={"name": "Refused", "customer_revenue_system_configurations": [item]})
        assert_error_response(r, 400)
    assert len(client.v1.customers.list().data) == before


# ====================================================================== v2 edit


@pytest.mark.parametrize("effective_at", ["START_OF_CURRENT_PERIOD", "START_OF_NEXT_PERIOD"])
def test_an_edit_adds_a_revenue_system_configuration_from_the_period_it_names(client, http, effective_at):
    freeze_clock(http, NOW)
    c = customer(client, "9")
    # Statements on the 15th: the period covering NOW runs from Jan 15 to Feb 15.
    contract_id = contract(client, c, usage_statement_schedule={
        "frequency": "MONTHLY", "day": "CUSTOM_DATE", "billing_anchor_date": iso(utc(2026, 1, 15))})
    statement = current_statement(client, c, contract_id)
    expected = statement.start_timestamp if effective_at == "START_OF_CURRENT_PERIOD" else statement.end_timestamp
    r = edit(http, c, contract_id, add_revenue_system_configuration_update=revenue_update(effective_at))
    assert r.status_code == 200, r.text
    [segment] = v2(client, c, contract_id).revenue_system_configuration_schedule
    assert (segment.effective_at, segment.effective_until) == (expected, None)
    assert segment.revenue_system_configuration.configuration == {"netsuite_customer_id": "9"}


@pytest.mark.parametrize("effective_at", ["START_OF_CURRENT_PERIOD", "START_OF_NEXT_PERIOD"])
def test_an_edit_adds_a_billing_provider_configuration_from_the_period_it_names(client, http, effective_at):
    freeze_clock(http, NOW)
    c = client.v1.customers.create(name="Billed later").data.id
    billing_id = stripe_configuration(client, c)
    contract_id = contract(client, c)
    statement = current_statement(client, c, contract_id)
    expected = statement.start_timestamp if effective_at == "START_OF_CURRENT_PERIOD" else statement.end_timestamp
    assert edit(http, c, contract_id, add_billing_provider_configuration_update=billing_update(
        effective_at, billing_provider_configuration_id=billing_id)).status_code == 200
    k = v2(client, c, contract_id)
    [segment] = k.billing_provider_configuration_schedule
    assert (segment.billing_provider_configuration.id, segment.effective_at, segment.effective_until) == (
        billing_id, expected, None)
    # The configuration the contract bills through now: none until the next period begins.
    in_effect = k.customer_billing_provider_configuration
    assert (in_effect.id if in_effect else None) == (billing_id if expected <= NOW else None)
    v1 = client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data.customer_billing_provider_configuration
    assert (v1.id if v1 else None) == (billing_id if expected <= NOW else None)
    if expected > NOW:
        freeze_clock(http, expected)
        assert v2(client, c, contract_id).customer_billing_provider_configuration.id == billing_id


def test_an_edit_adds_both_by_provider_and_method(client, http):
    freeze_clock(http, NOW)
    c = customer(client, "5")
    billing_id = stripe_configuration(client, c)
    contract_id = contract(client, c)
    r = edit(http, c, contract_id, add_billing_provider_configuration_update=billing_update("START_OF_NEXT_PERIOD"),
             add_revenue_system_configuration_update=revenue_update("START_OF_CURRENT_PERIOD"))
    assert r.status_code == 200, r.text
    k = v2(client, c, contract_id)
    assert k.billing_provider_configuration_schedule[0].billing_provider_configuration.id == billing_id
    assert k.billing_provider_configuration_schedule[0].effective_at == utc(2026, 2, 1)
    assert k.revenue_system_configuration_schedule[0].effective_at == JAN


def test_a_contract_that_already_has_one_is_refused_and_keeps_it(client, http):
    freeze_clock(http, NOW)
    c = customer(client, "3")
    billing_id = stripe_configuration(client, c)
    contract_id = contract(client, c, revenue_system_configuration=NETSUITE,
                           billing_provider_configuration={"billing_provider_configuration_id": billing_id})
    before = v2(client, c, contract_id)
    for field, update in (("add_billing_provider_configuration_update", billing_update("START_OF_NEXT_PERIOD")),
                          ("add_revenue_system_configuration_update", revenue_update("START_OF_NEXT_PERIOD"))):
        message = assert_error_response(edit(http, c, contract_id, update_contract_name="Changed", **{field: update}), 400)["message"]
        assert field in message and "already has" in message
    after = v2(client, c, contract_id)
    assert after.name == before.name
    assert after.billing_provider_configuration_schedule == before.billing_provider_configuration_schedule
    assert after.revenue_system_configuration_schedule == before.revenue_system_configuration_schedule
    # An edit that added one counts too.
    second = contract(client, c)
    assert edit(http, c, second, add_revenue_system_configuration_update=revenue_update("START_OF_NEXT_PERIOD")).status_code == 200
    assert_error_response(edit(http, c, second, add_revenue_system_configuration_update=revenue_update("START_OF_CURRENT_PERIOD")), 400)
    [segment] = v2(client, c, second).revenue_system_configuration_schedule
    assert segment.effective_at == utc(2026, 2, 1)


def test_bad_configuration_updates_are_400_and_change_nothing(client, http):
    freeze_clock(http, NOW)
    c = customer(client, "1", "2")  # two NetSuite configurations: naming one by provider and method is ambiguous
    stale = stripe_configuration(client, c)
    client.v1.customers.archive_billing_configurations(customer_id=c, customer_billing_provider_configuration_ids=[stale])
    other = client.v1.customers.create(name="Other").data.id
    others_billing = stripe_configuration(client, other)
    contract_id = contract(client, c, name="Kept")
    bad = [("add_revenue_system_configuration_update", revenue_update("START_OF_CURRENT_PERIOD"))]  # ambiguous
    bad += [("add_revenue_system_configuration_update", revenue_update("START_OF_CURRENT_PERIOD", **choice))
            for choice in bad_revenue_choices(http, c)]
    bad += [("add_billing_provider_configuration_update", billing_update("START_OF_CURRENT_PERIOD", **choice)) for choice in (
        {"billing_provider_configuration_id": stale},  # archived
        {"billing_provider_configuration_id": others_billing},  # another customer's
        {"billing_provider_configuration_id": str(uuid.uuid4())},  # unknown
        STRIPE,  # its only Stripe configuration is archived
        {"billing_provider_configuration_id": stale, **STRIPE},  # both forms
    )]
    bad += [("add_billing_provider_configuration_update", {"billing_provider_configuration": STRIPE,
                                                           "schedule": {"effective_at": "START_OF_TOMORROW"}})]
    for field, update in bad:
        r = edit(http, c, contract_id, update_contract_name="Changed", **{field: update})
        assert field in assert_error_response(r, 400)["message"] or "effective_at" in r.json()["message"], (update, r.text)
    k = v2(client, c, contract_id)
    assert (k.name, k.billing_provider_configuration_schedule, k.revenue_system_configuration_schedule) == ("Kept", [], [])
    assert client.v2.contracts.get_edit_history(customer_id=c, contract_id=contract_id).data == []


def test_an_ended_contract_has_no_period_to_add_a_configuration_from(client, http):
    freeze_clock(http, NOW)
    c = customer(client, "8")
    # The contract ends with January: the period covering NOW is its last, so it has no next one.
    contract_id = contract(client, c, ending_before=utc(2026, 2, 1))
    r = edit(http, c, contract_id, add_revenue_system_configuration_update=revenue_update("START_OF_NEXT_PERIOD"))
    assert "no next usage statement period" in assert_error_response(r, 400)["message"]
    assert v2(client, c, contract_id).revenue_system_configuration_schedule == []
    r = edit(http, c, contract_id, add_revenue_system_configuration_update=revenue_update("START_OF_CURRENT_PERIOD"))
    assert r.status_code == 200, r.text
    assert v2(client, c, contract_id).revenue_system_configuration_schedule[0].effective_at == JAN
