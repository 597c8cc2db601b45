"""Plans (legacy): fixture plans, their charges and customers, and customers' plans."""

import json
import uuid

import metronome
import pytest

from helpers import make_client, make_http

USD = "2714e483-4ff1-48e4-9e25-ac732e8f24f2"
PLAN = "7d1f0c5e-0000-4000-8000-000000000001"
OTHER_PLAN = "7d1f0c5e-0000-4000-8000-000000000002"
USAGE_CHARGE = "7d1f0c5e-0000-4000-8000-0000000000c1"
FIXED_CHARGE = "7d1f0c5e-0000-4000-8000-0000000000c2"
METRIC = "7d1f0c5e-0000-4000-8000-0000000000b1"


@pytest.fixture
def plan_client(tmp_path, spawn_emulator):
    (tmp_path / "credit_types.json").write_text(json.dumps([{"id": USD, "name": "USD (cents)", "is_currency": True}]))
    (tmp_path / "plans.json").write_text(json.dumps([
        {
            "id": PLAN, "name": "Growth", "description": "Usage plus platform fee", "custom_fields": {"tier": "growth"},
            "minimums": [{"name": "Monthly minimum", "start_period": 0, "value": 5000}],
            "charges": [
                {"id": USAGE_CHARGE, "name": "API calls", "charge_type": "usage", "product_id": str(uuid.UUID(int=1)),
                 "product_name": "API", "billable_metric_id": METRIC,
                 "prices": [{"tier": 0, "value": 2}, {"tier": 1000, "value": 1.5}]},
                {"id": FIXED_CHARGE, "name": "Platform fee", "charge_type": "fixed", "product_id": str(uuid.UUID(int=2)),
                 "product_name": "Platform", "quantity": 1, "prices": [{"tier": 0, "value": 10000}]},
            ],
        },
        {"id": OTHER_PLAN, "name": "Starter", "charges": []},
    ]))
    server = spawn_emulator("--fixtures", str(tmp_path))
    return make_client(server.base_url), make_http(server.base_url)


def test_plans_their_details_and_charges(plan_client):
    client, _ = plan_client
    plans = list(client.v1.plans.list())
    assert [(p.id, p.name, p.description) for p in plans] == [(PLAN, "Growth", "Usage plus platform fee"), (OTHER_PLAN, "Starter", "")]
    detail = client.v1.plans.get_details(plan_id=PLAN).data
    assert detail.custom_fields == {"tier": "growth"}
    assert detail.minimums[0].value == 5000 and detail.minimums[0].credit_type.name == "USD (cents)"
    charges = list(client.v1.plans.list_charges(plan_id=PLAN, limit=1))
    assert [c.id for c in charges] == [USAGE_CHARGE, FIXED_CHARGE]
    assert charges[0].charge_type == "usage" and [(p.tier, p.value) for p in charges[0].prices] == [(0, 2), (1000, 1.5)]
    assert charges[1].quantity == 1 and charges[1].credit_type.id == USD
    with pytest.raises(metronome.NotFoundError):
        client.v1.plans.get_details(plan_id=str(uuid.uuid4()))


def test_add_end_and_list_customer_plans(plan_client):
    client, http = plan_client
    http.post("/_emulator/clock", json={"now": "2026-03-15T12:00:00Z"})
    customer = client.v1.customers.create(name="Acme").data.id
    added = client.v1.customers.plans.add(
        customer_id=customer, plan_id=PLAN, starting_on="2026-03-01T00:00:00Z", net_payment_terms_days=30,
        price_adjustments=[
            {"charge_id": USAGE_CHARGE, "adjustment_type": "percentage", "value": -0.05, "start_period": 0},
            {"charge_id": USAGE_CHARGE, "adjustment_type": "override", "value": 1, "tier": 1000, "start_period": 0},
            {"charge_id": FIXED_CHARGE, "adjustment_type": "quantity", "quantity": 3, "start_period": 1},
        ],
        trial_spec={"length_in_days": 14, "spending_cap": {"amount": 1000, "credit_type_id": USD}},
    ).data.id
    plans = list(client.v1.customers.plans.list(customer_id=customer))
    assert [(p.id, p.plan_id, p.plan_name, p.ending_before) for p in plans] == [(added, PLAN, "Growth", None)]
    assert plans[0].trial_info.ending_before.isoformat().startswith("2026-03-15T00:00:00")
    assert plans[0].trial_info.spending_caps[0].amount_remaining == 1000

    adjustments = list(client.v1.customers.plans.list_price_adjustments(customer_id=customer, customer_plan_id=added))
    assert [(a.charge_id, a.start_period, len(a.prices)) for a in adjustments] == [(USAGE_CHARGE, 0, 2), (FIXED_CHARGE, 1, 1)]
    assert adjustments[1].charge_type == "fixed" and adjustments[1].quantity == 3

    customers = list(client.v1.plans.list_customers(plan_id=PLAN))
    assert [(c.customer_details.id, c.plan_details.customer_plan_id) for c in customers] == [(customer, added)]
    assert list(client.v1.plans.list_customers(plan_id=PLAN, status="upcoming")) == []

    metrics = list(client.v1.customers.list_billable_metrics(customer_id=customer, on_current_plan=True))
    assert metrics == []  # the plan's metric is not defined in these fixtures

    assert client.v1.customers.plans.end(customer_id=customer, customer_plan_id=added, ending_before="2026-03-10T00:00:00Z") is not None
    assert list(client.v1.plans.list_customers(plan_id=PLAN)) == []
    assert [c.customer_details.id for c in client.v1.plans.list_customers(plan_id=PLAN, status="ended")] == [customer]
    client.v1.customers.plans.end(customer_id=customer, customer_plan_id=added)
    assert list(client.v1.customers.plans.list(customer_id=customer))[0].ending_before is None


def test_plan_rules(plan_client):
    client, http = plan_client
    customer = client.v1.customers.create(name="Acme").data.id
    with pytest.raises(metronome.BadRequestError):
        client.v1.customers.plans.add(customer_id=customer, plan_id=PLAN, starting_on="2026-03-01T10:00:00Z")
    with pytest.raises(metronome.NotFoundError):
        client.v1.customers.plans.add(customer_id=customer, plan_id=str(uuid.uuid4()), starting_on="2026-03-01T00:00:00Z")
    with pytest.raises(metronome.NotFoundError):
        client.v1.customers.plans.add(customer_id=str(uuid.uuid4()), plan_id=PLAN, starting_on="2026-03-01T00:00:00Z")
    with pytest.raises(metronome.BadRequestError):
        client.v1.customers.plans.add(customer_id=customer, plan_id=PLAN, starting_on="2026-03-01T00:00:00Z",
                                      price_adjustments=[{"charge_id": str(uuid.uuid4()), "adjustment_type": "fixed", "value": 1, "start_period": 0}])
    with pytest.raises(metronome.BadRequestError):
        client.v1.customers.plans.add(customer_id=customer, plan_id=PLAN, starting_on="2026-03-01T00:00:00Z",
                                      price_adjustments=[{"charge_id": USAGE_CHARGE, "adjustment_type": "percentage", "start_period": 0}])
    assert list(client.v1.customers.plans.list(customer_id=customer)) == []

    first = client.v1.customers.plans.add(customer_id=customer, plan_id=PLAN, starting_on="2026-03-01T00:00:00Z",
                                          ending_before="2026-04-01T00:00:00Z").data.id
    with pytest.raises(metronome.ConflictError):
        client.v1.customers.plans.add(customer_id=customer, plan_id=OTHER_PLAN, starting_on="2026-03-15T00:00:00Z")
    client.v1.customers.plans.add(customer_id=customer, plan_id=OTHER_PLAN, starting_on="2026-04-01T00:00:00Z")
    with pytest.raises(metronome.BadRequestError):
        client.v1.customers.plans.end(customer_id=customer, customer_plan_id=first, ending_before="2026-03-20T12:00:00Z")
    with pytest.raises(metronome.ConflictError):
        client.v1.customers.plans.end(customer_id=customer, customer_plan_id=first)
    with pytest.raises(metronome.NotFoundError):
        client.v1.customers.plans.end(customer_id=customer, customer_plan_id=str(uuid.uuid4()))
    assert http.get(f"/v1/planDetails/{PLAN}/customers", params={"status": "sometimes"}).status_code == 400
    newest_first = [p.plan_id for p in client.v1.customers.plans.list(customer_id=customer)]
    assert newest_first == [OTHER_PLAN, PLAN]
