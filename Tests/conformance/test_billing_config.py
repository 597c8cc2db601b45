"""Legacy billing config (/billing-config/{type}) and billing provider configurations."""

from __future__ import annotations

import uuid

import pytest

from helpers import (
    assert_error_response,
    assert_uuid4,
    expect_api_error,
    freeze_clock,
    utc,
)

STRIPE_CFG = {"stripe_customer_id": "cus_123", "stripe_collection_method": "charge_automatically"}
AWS_CFG = {
    "aws_customer_id": "aws-cid",
    "aws_product_code": "prod",
    "aws_region": "us-east-1",
    "aws_is_subscription_product": True,
}


def new_customer(client, name="c"):
    return client.v1.customers.create(name=name).data.id


def stripe_item(customer_id, **extra):
    item = {
        "customer_id": customer_id,
        "billing_provider": "stripe",
        "configuration": dict(STRIPE_CFG),
        "delivery_method": "direct_to_billing_provider",
    }
    item.update(extra)
    return item


def aws_item(customer_id, **extra):
    item = {
        "customer_id": customer_id,
        "billing_provider": "aws_marketplace",
        "configuration": dict(AWS_CFG),
        "delivery_method": "direct_to_billing_provider",
    }
    item.update(extra)
    return item


def configs(client, customer_id, include_archived=None):
    kw = {} if include_archived is None else {"include_archived": include_archived}
    return client.v1.customers.retrieve_billing_configurations(customer_id=customer_id, **kw).data


# ====================================================================== legacy billing config


def test_billing_config_create_and_retrieve_stripe(client):
    cid = new_customer(client)
    assert (
        client.v1.customers.billing_config.create(
            customer_id=cid,
            billing_provider_type="stripe",
            billing_provider_customer_id="cus_abc",
            stripe_collection_method="send_invoice",
        )
        is None
    )
    bc = client.v1.customers.billing_config.retrieve(customer_id=cid, billing_provider_type="stripe").data
    assert bc.billing_provider_customer_id == "cus_abc"
    assert bc.stripe_collection_method == "send_invoice"


def test_billing_config_create_and_retrieve_aws(client):
    cid = new_customer(client)
    client.v1.customers.billing_config.create(
        customer_id=cid,
        billing_provider_type="aws_marketplace",
        billing_provider_customer_id="aws-cust",
        aws_customer_id="aws-cid",
        aws_customer_account_id="123456789012",
        aws_product_code="prod-code",
        aws_region="eu-west-1",
    )
    bc = client.v1.customers.billing_config.retrieve(customer_id=cid, billing_provider_type="aws_marketplace").data
    assert bc.billing_provider_customer_id == "aws-cust"
    assert bc.aws_customer_id == "aws-cid"
    assert bc.aws_customer_account_id == "123456789012"
    assert bc.aws_product_code == "prod-code"
    assert bc.aws_region == "eu-west-1"


def test_billing_config_create_replaces(client):
    cid = new_customer(client)
    bc_api = client.v1.customers.billing_config
    bc_api.create(
        customer_id=cid,
        billing_provider_type="stripe",
        billing_provider_customer_id="cus_1",
        stripe_collection_method="send_invoice",
    )
    bc_api.create(
        customer_id=cid,
        billing_provider_type="stripe",
        billing_provider_customer_id="cus_2",
        stripe_collection_method="charge_automatically",
    )
    bc = bc_api.retrieve(customer_id=cid, billing_provider_type="stripe").data
    assert bc.billing_provider_customer_id == "cus_2"
    assert bc.stripe_collection_method == "charge_automatically"


def test_billing_config_types_are_independent(client):
    cid = new_customer(client)
    bc_api = client.v1.customers.billing_config
    bc_api.create(customer_id=cid, billing_provider_type="stripe", billing_provider_customer_id="cus_1")
    with expect_api_error(404):
        bc_api.retrieve(customer_id=cid, billing_provider_type="netsuite")
    bc_api.create(customer_id=cid, billing_provider_type="netsuite", billing_provider_customer_id="ns_1")
    bc_api.delete(customer_id=cid, billing_provider_type="netsuite")
    assert bc_api.retrieve(customer_id=cid, billing_provider_type="stripe").data.billing_provider_customer_id == "cus_1"


def test_billing_config_retrieve_none_is_404(client):
    cid = new_customer(client)
    with expect_api_error(404):
        client.v1.customers.billing_config.retrieve(customer_id=cid, billing_provider_type="stripe")


def test_billing_config_delete(client):
    cid = new_customer(client)
    bc_api = client.v1.customers.billing_config
    bc_api.create(customer_id=cid, billing_provider_type="stripe", billing_provider_customer_id="cus_1")
    assert bc_api.delete(customer_id=cid, billing_provider_type="stripe") is None
    with expect_api_error(404):
        bc_api.retrieve(customer_id=cid, billing_provider_type="stripe")
    with expect_api_error(404):
        bc_api.delete(customer_id=cid, billing_provider_type="stripe")


def test_billing_config_delete_none_is_404(client):
    cid = new_customer(client)
    with expect_api_error(404):
        client.v1.customers.billing_config.delete(customer_id=cid, billing_provider_type="stripe")


def test_billing_config_unknown_customer_is_404(client):
    bogus = str(uuid.uuid4())
    bc_api = client.v1.customers.billing_config
    with expect_api_error(404):
        bc_api.create(customer_id=bogus, billing_provider_type="stripe", billing_provider_customer_id="cus_1")
    with expect_api_error(404):
        bc_api.retrieve(customer_id=bogus, billing_provider_type="stripe")
    with expect_api_error(404):
        bc_api.delete(customer_id=bogus, billing_provider_type="stripe")


def test_billing_config_unknown_provider_type_is_400(client, http):
    cid = new_customer(client)
    assert_error_response(http.get(f"/v1/customers/{cid}/billing-config/paypal"), 400)
    assert_error_response(
        http.post(f"/v1/customers/{cid}/billing-config/paypal", json={"billing_provider_customer_id": "x"}), 400
    )
    assert_error_response(http.delete(f"/v1/customers/{cid}/billing-config/paypal"), 400)


def test_billing_config_missing_provider_customer_id_is_400(client, http):
    cid = new_customer(client)
    assert_error_response(http.post(f"/v1/customers/{cid}/billing-config/stripe", json={}), 400)
    with expect_api_error(404):
        client.v1.customers.billing_config.retrieve(customer_id=cid, billing_provider_type="stripe")


def test_billing_config_bad_stripe_collection_method_is_400(client, http):
    cid = new_customer(client)
    r = http.post(
        f"/v1/customers/{cid}/billing-config/stripe",
        json={"billing_provider_customer_id": "cus_1", "stripe_collection_method": "carrier_pigeon"},
    )
    assert_error_response(r, 400)
    with expect_api_error(404):
        client.v1.customers.billing_config.retrieve(customer_id=cid, billing_provider_type="stripe")


# ====================================================================== billing provider configurations


def test_set_billing_configurations_response(client):
    cid = new_customer(client)
    data = client.v1.customers.set_billing_configurations(
        data=[stripe_item(cid, tax_provider="stripe")]
    ).data
    assert len(data) == 1
    d = data[0]
    assert_uuid4(d.id)
    assert d.billing_provider == "stripe"
    assert d.configuration == STRIPE_CFG
    assert d.customer_id == cid
    assert isinstance(d.delivery_method_id, str) and d.delivery_method_id
    uuid.UUID(d.delivery_method_id)
    assert d.tax_provider == "stripe"


def test_set_billing_configurations_multiple_items(client):
    a = new_customer(client, "a")
    b = new_customer(client, "b")
    data = client.v1.customers.set_billing_configurations(data=[stripe_item(a), aws_item(b), aws_item(a)]).data
    assert [(d.customer_id, d.billing_provider) for d in data] == [
        (a, "stripe"),
        (b, "aws_marketplace"),
        (a, "aws_marketplace"),
    ]
    assert len({d.id for d in data}) == 3
    assert sorted(c.billing_provider for c in configs(client, a)) == ["aws_marketplace", "stripe"]
    assert [c.billing_provider for c in configs(client, b)] == ["aws_marketplace"]


def test_retrieve_billing_configurations_fields(client):
    cid = new_customer(client)
    created = client.v1.customers.set_billing_configurations(data=[stripe_item(cid)]).data[0]
    got = configs(client, cid, include_archived=False)
    assert len(got) == 1
    g = got[0]
    assert g.id == created.id
    assert g.billing_provider == "stripe"
    assert g.configuration == STRIPE_CFG
    assert g.customer_id == cid
    assert g.delivery_method == "direct_to_billing_provider"
    assert isinstance(g.delivery_method_configuration, dict)
    assert g.delivery_method_id == created.delivery_method_id
    assert g.archived_at is None


def test_retrieve_billing_configurations_empty(client):
    cid = new_customer(client)
    assert configs(client, cid) == []


def test_set_billing_configurations_without_delivery_method_is_400(client):
    cid = new_customer(client)
    item = stripe_item(cid)
    del item["delivery_method"]
    with expect_api_error(400):
        client.v1.customers.set_billing_configurations(data=[item])
    assert configs(client, cid, include_archived=True) == []


def test_set_billing_configurations_all_or_nothing(client):
    cid = new_customer(client)
    bad = aws_item(cid)
    del bad["delivery_method"]
    with expect_api_error(400):
        client.v1.customers.set_billing_configurations(data=[stripe_item(cid), bad])
    assert configs(client, cid, include_archived=True) == []
    # the first item can be stored afterwards: nothing half-written blocks it
    client.v1.customers.set_billing_configurations(data=[stripe_item(cid)])
    assert len(configs(client, cid)) == 1


def test_set_billing_configurations_unknown_customer_is_404(client):
    cid = new_customer(client)
    with expect_api_error(404):
        client.v1.customers.set_billing_configurations(data=[stripe_item(cid), aws_item(str(uuid.uuid4()))])
    assert configs(client, cid, include_archived=True) == []


def test_set_billing_configurations_duplicate_active_is_409(client):
    cid = new_customer(client)
    first = client.v1.customers.set_billing_configurations(data=[stripe_item(cid)]).data[0]
    other = dict(STRIPE_CFG, stripe_customer_id="cus_other")
    with expect_api_error(409):
        client.v1.customers.set_billing_configurations(data=[stripe_item(cid, configuration=other)])
    got = configs(client, cid, include_archived=True)
    assert [g.id for g in got] == [first.id]
    assert got[0].configuration == STRIPE_CFG


def test_set_billing_configurations_duplicate_within_one_request_is_409(client):
    cid = new_customer(client)
    with expect_api_error(409):
        client.v1.customers.set_billing_configurations(data=[stripe_item(cid), stripe_item(cid)])
    assert configs(client, cid, include_archived=True) == []


def test_set_billing_configurations_same_provider_other_delivery_method_ok(client):
    cid = new_customer(client)
    client.v1.customers.set_billing_configurations(data=[aws_item(cid)])
    client.v1.customers.set_billing_configurations(data=[aws_item(cid, delivery_method="aws_sqs")])
    got = configs(client, cid)
    assert sorted(g.delivery_method for g in got) == ["aws_sqs", "direct_to_billing_provider"]


def test_archive_billing_configurations(client, http):
    cid = new_customer(client)
    created = client.v1.customers.set_billing_configurations(data=[stripe_item(cid), aws_item(cid)]).data
    stripe_id, aws_id = created[0].id, created[1].id
    freeze_clock(http, "2026-04-01T00:00:00Z")
    resp = client.v1.customers.archive_billing_configurations(
        customer_id=cid, customer_billing_provider_configuration_ids=[stripe_id]
    ).data
    assert resp.customer_id == cid
    assert resp.customer_billing_provider_configuration_ids == [stripe_id]
    assert [g.id for g in configs(client, cid)] == [aws_id]
    assert [g.id for g in configs(client, cid, include_archived=False)] == [aws_id]
    everything = {g.id: g for g in configs(client, cid, include_archived=True)}
    assert set(everything) == {stripe_id, aws_id}
    assert everything[stripe_id].archived_at == utc(2026, 4, 1)
    assert everything[aws_id].archived_at is None


def test_archive_frees_uniqueness_key(client):
    cid = new_customer(client)
    first = client.v1.customers.set_billing_configurations(data=[stripe_item(cid)]).data[0]
    client.v1.customers.archive_billing_configurations(
        customer_id=cid, customer_billing_provider_configuration_ids=[first.id]
    )
    second = client.v1.customers.set_billing_configurations(data=[stripe_item(cid)]).data[0]
    assert second.id != first.id
    assert [g.id for g in configs(client, cid)] == [second.id]


def test_archive_billing_configurations_foreign_id_is_404(client):
    a = new_customer(client, "a")
    b = new_customer(client, "b")
    a_cfg = client.v1.customers.set_billing_configurations(data=[stripe_item(a)]).data[0]
    b_cfg = client.v1.customers.set_billing_configurations(data=[stripe_item(b)]).data[0]
    with expect_api_error(404):
        client.v1.customers.archive_billing_configurations(
            customer_id=a, customer_billing_provider_configuration_ids=[b_cfg.id]
        )
    with expect_api_error(404):
        client.v1.customers.archive_billing_configurations(
            customer_id=a, customer_billing_provider_configuration_ids=[str(uuid.uuid4())]
        )
    # all-or-nothing: a valid id next to an invalid one is not archived either
    with expect_api_error(404):
        client.v1.customers.archive_billing_configurations(
            customer_id=a, customer_billing_provider_configuration_ids=[a_cfg.id, b_cfg.id]
        )
    assert [g.id for g in configs(client, a)] == [a_cfg.id]
    assert [g.id for g in configs(client, b)] == [b_cfg.id]
