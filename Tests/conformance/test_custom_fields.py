"""Custom fields: keys registered per kind of object, values set on customers and billable metrics."""

import uuid

import metronome
import pytest


def _metric(client):
    return client.v1.billable_metrics.create(name="calls", aggregation_type="COUNT").data.id


def test_keys_are_registered_listed_and_removed(client):
    client.v1.custom_fields.add_key(entity="customer", key="region", enforce_uniqueness=False)
    client.v1.custom_fields.add_key(entity="billable_metric", key="team", enforce_uniqueness=True)
    keys = list(client.v1.custom_fields.list_keys())
    assert [(k.entity, k.key, k.enforce_uniqueness) for k in keys] == [
        ("customer", "region", False),
        ("billable_metric", "team", True),
    ]
    only = list(client.v1.custom_fields.list_keys(entities=["billable_metric"]))
    assert [k.key for k in only] == ["team"]

    with pytest.raises(metronome.ConflictError):
        client.v1.custom_fields.add_key(entity="customer", key="region", enforce_uniqueness=True)

    client.v1.custom_fields.remove_key(entity="customer", key="region")
    assert [k.key for k in client.v1.custom_fields.list_keys()] == ["team"]
    with pytest.raises(metronome.NotFoundError):
        client.v1.custom_fields.remove_key(entity="customer", key="region")


def test_list_keys_pages_past_one_hundred(client):
    for index in range(130):
        client.v1.custom_fields.add_key(entity="customer", key=f"k{index:03d}", enforce_uniqueness=False)
    page = client.v1.custom_fields.list_keys()
    assert len(page.data) == 100 and page.next_page
    assert [k.key for k in client.v1.custom_fields.list_keys()] != []
    assert [k.key for k in client.v1.custom_fields.list_keys()] == [f"k{i:03d}" for i in range(130)]


def test_set_and_delete_values_on_a_customer(client):
    customer = client.v1.customers.create(name="Acme").data.id
    client.v1.custom_fields.add_key(entity="customer", key="region", enforce_uniqueness=False)
    client.v1.custom_fields.add_key(entity="customer", key="crm.id", enforce_uniqueness=False)
    client.v1.custom_fields.set_values(entity="customer", entity_id=customer, custom_fields={"region": "eu", "crm.id": "42"})
    assert client.v1.customers.retrieve(customer_id=customer).data.custom_fields == {"region": "eu", "crm.id": "42"}

    client.v1.custom_fields.set_values(entity="customer", entity_id=customer, custom_fields={"region": "us"})
    assert client.v1.customers.retrieve(customer_id=customer).data.custom_fields == {"region": "us", "crm.id": "42"}

    client.v1.custom_fields.delete_values(entity="customer", entity_id=customer, keys=["crm.id"])
    assert client.v1.customers.retrieve(customer_id=customer).data.custom_fields == {"region": "us"}

    client.v1.custom_fields.remove_key(entity="customer", key="region")
    assert client.v1.customers.retrieve(customer_id=customer).data.custom_fields == {}


def test_values_need_a_registered_key_and_at_most_200_characters_all_or_nothing(client):
    customer = client.v1.customers.create(name="Acme").data.id
    client.v1.custom_fields.add_key(entity="customer", key="region", enforce_uniqueness=False)
    with pytest.raises(metronome.BadRequestError):
        client.v1.custom_fields.set_values(entity="customer", entity_id=customer, custom_fields={"region": "eu", "nope": "x"})
    with pytest.raises(metronome.BadRequestError):
        client.v1.custom_fields.set_values(entity="customer", entity_id=customer, custom_fields={"region": "x" * 201})
    assert client.v1.customers.retrieve(customer_id=customer).data.custom_fields == {}
    client.v1.custom_fields.set_values(entity="customer", entity_id=customer, custom_fields={"region": "x" * 200})


def test_unique_keys_refuse_a_repeated_value_archived_objects_included(client):
    client.v1.custom_fields.add_key(entity="billable_metric", key="sku", enforce_uniqueness=True)
    first, second = _metric(client), _metric(client)
    client.v1.custom_fields.set_values(entity="billable_metric", entity_id=first, custom_fields={"sku": "A"})
    client.v1.billable_metrics.archive(id=first)
    with pytest.raises(metronome.ConflictError):
        client.v1.custom_fields.set_values(entity="billable_metric", entity_id=second, custom_fields={"sku": "A"})
    client.v1.custom_fields.set_values(entity="billable_metric", entity_id=first, custom_fields={"sku": "A"})
    client.v1.custom_fields.set_values(entity="billable_metric", entity_id=second, custom_fields={"sku": "B"})
    assert client.v1.billable_metrics.retrieve(billable_metric_id=second).data.custom_fields == {"sku": "B"}
    with pytest.raises(metronome.ConflictError):
        client.v1.billable_metrics.create(name="dup", aggregation_type="COUNT", custom_fields={"sku": "B"})


def test_unknown_objects_and_bad_input(client, http):
    client.v1.custom_fields.add_key(entity="contract", key="type", enforce_uniqueness=False)
    with pytest.raises(metronome.NotFoundError):
        client.v1.custom_fields.set_values(entity="customer", entity_id=str(uuid.uuid4()), custom_fields={})
    with pytest.raises(metronome.NotFoundError):
        client.v1.custom_fields.set_values(entity="contract", entity_id=str(uuid.uuid4()), custom_fields={"type": "paygo"})
    assert http.post("/v1/customFields/addKey", json={"entity": "spaceship", "key": "x", "enforce_uniqueness": False}).status_code == 400
    assert http.post("/v1/customFields/addKey", json={"entity": "customer", "key": "x"}).status_code == 400
    assert http.post("/v1/customFields/setValues", json={"entity": "customer", "entity_id": "nope", "custom_fields": {}}).status_code == 400
