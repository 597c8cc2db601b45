"""Pricing units (custom credit types), services, account settings and packages, through the
official SDK in strict response validation."""

from __future__ import annotations

import uuid

import pytest

from helpers import assert_error_response, assert_uuid4, expect_api_error, freeze_clock, utc
from pricing_helpers import FIXTURE_PRODUCT_IDS, rate_card

T0 = utc(2026, 1, 10, 12)
USD_CENTS = "2714e483-4ff1-48e4-9e25-ac732e8f24f2"

# The addresses docs.metronome.com's Webhooks page lists for webhook notifications.
WEBHOOK_IPS = [
    "52.39.198.29", "44.241.254.184", "52.42.224.184", "52.89.217.131", "44.231.139.128", "54.245.125.92",
    "3.134.178.31", "3.12.62.53", "3.140.90.67", "3.142.231.113", "3.131.206.70", "3.132.225.181",
]


# ====================================================================== pricing units


def units(client):
    return {u.id: u for u in client.v1.pricing_units.list()}


def test_pricing_unit_create_list_archive(client):
    created = client.v1.pricing_units.create(name="AI credits")
    assert_uuid4(created.data.id)
    listed = units(client)[created.data.id]
    assert listed.name == "AI credits"
    assert listed.is_currency is False
    archived = client.v1.pricing_units.archive(id=created.data.id)
    assert archived.data.id == created.data.id
    assert created.data.id not in units(client)
    with expect_api_error(400):
        client.v1.pricing_units.archive(id=created.data.id)


def test_pricing_unit_bad_requests_change_nothing(client, http):
    before = set(units(client))
    with expect_api_error(400):
        client.v1.pricing_units.create(name="")
    with expect_api_error(404):
        client.v1.pricing_units.archive(id=str(uuid.uuid4()))
    with expect_api_error(400):
        client.v1.pricing_units.archive(id=USD_CENTS)
    assert_error_response(http.post("/v1/credit-types/create", json={}), 400)
    assert set(units(client)) == before


def test_custom_unit_usable_until_archived(client):
    unit = client.v1.pricing_units.create(name="Tokens").data.id
    customer = client.v1.customers.create(name="Acme").data.id

    def card():
        return client.v1.contracts.rate_cards.create(
            name="Card", credit_type_conversions=[{"custom_credit_type_id": unit, "fiat_per_custom_credit": 2}],
        )

    def commit():
        return client.v1.customers.commits.create(
            customer_id=customer, product_id=FIXTURE_PRODUCT_IDS["prepaid_commit"], priority=1, type="PREPAID",
            access_schedule={"credit_type_id": unit, "schedule_items": [
                {"amount": 100, "starting_at": "2026-01-01T00:00:00Z", "ending_before": "2027-01-01T00:00:00Z"}]},
        )

    card_id = card().data.id
    conversions = client.v1.contracts.rate_cards.retrieve(id=card_id).data.credit_type_conversions
    assert [c.custom_credit_type.id for c in conversions] == [unit]
    assert_uuid4(commit().data.id)
    client.v1.pricing_units.archive(id=unit)
    with expect_api_error(400):
        card()
    with expect_api_error(400):
        commit()


# ====================================================================== services


def test_services_are_the_documented_webhook_addresses(client):
    services = client.v1.services.list().services
    assert len(services) == 1
    assert services[0].usage == "makes_connections_from"
    assert services[0].ips == WEBHOOK_IPS


# ====================================================================== settings


def test_billing_provider_set_up_and_listed(client):
    created = client.v1.settings.billing_providers.create(
        billing_provider="aws_marketplace", delivery_method="direct_to_billing_provider",
        configuration={"aws_external_id": "47b4f6b7-e297-42e8-b175-331d933b402c", "aws_iam_role_arn": "arn:aws:iam::test"},
    )
    assert_uuid4(created.data.delivery_method_id)
    second = client.v1.settings.billing_providers.create(
        billing_provider="azure_marketplace", delivery_method="aws_sqs", configuration={},
    ).data.delivery_method_id
    listed = client.v1.settings.billing_providers.list()
    assert [p.delivery_method_id for p in listed.data] == [created.data.delivery_method_id, second]
    first = listed.data[0]
    assert first.billing_provider == "aws_marketplace"
    assert first.delivery_method == "direct_to_billing_provider"
    assert first.delivery_method_configuration["aws_iam_role_arn"] == "arn:aws:iam::test"
    assert listed.next_page is None


def test_billing_provider_bad_requests(client, http):
    assert_error_response(http.post("/v1/setUpBillingProvider", json={
        "billing_provider": "stripe", "delivery_method": "aws_sqs", "configuration": {}}), 400)
    assert_error_response(http.post("/v1/setUpBillingProvider", json={
        "billing_provider": "aws_marketplace", "delivery_method": "aws_sqs"}), 400)
    assert client.v1.settings.billing_providers.list().data == []
    with expect_api_error(400):
        client.v1.settings.billing_providers.list(next_page="not-a-cursor")


def test_avalara_credentials_kept_not_echoed(client, http):
    dm = client.v1.settings.billing_providers.create(
        billing_provider="gcp_marketplace", delivery_method="aws_sns", configuration={"topic": "t"},
    ).data.delivery_method_id
    answer = client.v1.settings.upsert_avalara_credentials(
        avalara_environment="SANDBOX", avalara_username="user", avalara_password="s3cret-pass",
        delivery_method_ids=[dm], commit_transactions=True,
    )
    assert answer.to_dict() == {}
    raw = http.post("/v1/listConfiguredBillingProviders", json={})
    assert raw.status_code == 200 and "s3cret-pass" not in raw.text and "avalara" not in raw.text
    with expect_api_error(404):
        client.v1.settings.upsert_avalara_credentials(
            avalara_environment="PRODUCTION", avalara_username="u", avalara_password="p",
            delivery_method_ids=[str(uuid.uuid4())],
        )
    assert_error_response(http.post("/v1/upsertAvalaraCredentials", json={
        "avalara_environment": "STAGING", "avalara_username": "u", "avalara_password": "p",
        "delivery_method_ids": [dm]}), 400)


# ====================================================================== packages


def test_package_create_get_list_archive(client, http):
    freeze_clock(http, T0)
    card = rate_card(client)
    pid = client.v1.packages.create(
        name="Starter", contract_name="Starter contract", rate_card_id=card,
        duration={"unit": "MONTHS", "value": 12}, net_payment_terms_days=30,
        usage_statement_schedule={"frequency": "QUARTERLY", "day": "CONTRACT_START"},
        aliases=[{"name": "starter", "starting_at": "2026-01-01T00:00:00Z"}], uniqueness_key="pkg-1",
    ).data.id
    assert_uuid4(pid)
    p = client.v1.packages.retrieve(package_id=pid).data
    assert p.id == pid and p.name == "Starter" and p.contract_name == "Starter contract"
    assert p.rate_card_id == card
    assert p.created_at == T0 and p.created_by
    assert p.duration.unit == "MONTHS" and p.duration.value == 12
    assert p.net_payment_terms_days == 30
    assert p.usage_statement_schedule.frequency == "QUARTERLY" and p.usage_statement_schedule.day == "CONTRACT_START"
    assert [a.name for a in p.aliases] == ["starter"] and p.aliases[0].starting_at == utc(2026, 1, 1)
    assert p.commits == [] and p.overrides == [] and p.scheduled_charges == [] and p.archived_at is None
    with expect_api_error(409):
        client.v1.packages.create(name="Again", uniqueness_key="pkg-1")

    other = client.v1.packages.create(name="Other").data.id
    assert client.v1.packages.archive(package_id=other).data.id == other
    assert [x.id for x in client.v1.packages.list()] == [pid]
    archived = list(client.v1.packages.list(archive_filter="ARCHIVED"))
    assert [x.id for x in archived] == [other] and archived[0].archived_at == T0
    assert len(list(client.v1.packages.list(archive_filter="ALL"))) == 2
    with expect_api_error(400):
        client.v1.packages.archive(package_id=other)


def test_package_list_pages_ten_by_default(client):
    for i in range(11):
        client.v1.packages.create(name=f"P{i}")
    first = client.v1.packages.list()
    assert len(first.data) == 10 and first.next_page
    assert [p.name for p in client.v1.packages.list(next_page=first.next_page).data] == ["P10"]
    assert [p.name for p in client.v1.packages.list()] == [f"P{i}" for i in range(11)]


def test_package_unsupported_and_bad_fields(client, http):
    with expect_api_error(400) as info:
        client.v1.packages.create(name="X", subscriptions=[{
            "collection_schedule": "ADVANCE", "proration": {"invoice_behavior": "BILL_IMMEDIATELY", "is_prorated": True},
            "subscription_rate": {"billing_frequency": "MONTHLY", "product_id": str(uuid.uuid4())}}])
    assert "subscriptions" in info["error"].body["message"] and "not supported" in info["error"].body["message"]
    with expect_api_error(400):
        client.v1.packages.create(name="X", duration={"unit": "DAYS", "value": 0})
    with expect_api_error(404):
        client.v1.packages.create(name="X", rate_card_id=str(uuid.uuid4()))
    with expect_api_error(404):
        client.v1.packages.retrieve(package_id=str(uuid.uuid4()))
    with expect_api_error(404):
        client.v1.packages.archive(package_id=str(uuid.uuid4()))
    with expect_api_error(404):
        list(client.v1.packages.list_contracts_on_package(package_id=str(uuid.uuid4())))
    assert_error_response(http.post("/v1/packages/create", json={}), 400)
    assert list(client.v1.packages.list(archive_filter="ALL")) == []


def test_contract_provisioned_on_package(client):
    card = client.v1.contracts.rate_cards.create(name="Card", aliases=[{"name": "std"}]).data.id
    old = client.v1.packages.create(name="Old", aliases=[{"name": "starter"}]).data.id
    pid = client.v1.packages.create(
        name="Starter", contract_name="Starter contract", rate_card_alias="std", net_payment_terms_days=15,
        duration={"unit": "MONTHS", "value": 1}, aliases=[{"name": "starter"}],
    ).data.id
    customer = client.v1.customers.create(name="Acme").data.id
    contract_id = client.v1.contracts.create(
        customer_id=customer, starting_at="2026-01-31T00:00:00Z", package_alias="starter",
    ).data.id
    contract = client.v1.contracts.retrieve(customer_id=customer, contract_id=contract_id).data
    assert contract.package_id == pid
    assert contract.initial.name == "Starter contract"
    assert contract.initial.rate_card_id == card
    assert contract.initial.net_payment_terms_days == 15
    # One month after January 31 is the last day of February.
    assert contract.initial.ending_before == utc(2026, 2, 28)

    on = list(client.v1.packages.list_contracts_on_package(package_id=pid))
    assert [(c.contract_id, c.customer_id, c.starting_at) for c in on] == [(contract_id, customer, utc(2026, 1, 31))]
    assert on[0].ending_before == utc(2026, 2, 28) and on[0].archived_at is None
    assert list(client.v1.packages.list_contracts_on_package(package_id=old)) == []
    assert list(client.v1.packages.list_contracts_on_package(package_id=pid, covering_date="2026-03-01T00:00:00Z")) == []
    assert len(list(client.v1.packages.list_contracts_on_package(package_id=pid, starting_at="2026-01-31T00:00:00Z"))) == 1
    with expect_api_error(400):
        list(client.v1.packages.list_contracts_on_package(
            package_id=pid, covering_date="2026-03-01T00:00:00Z", starting_at="2026-01-01T00:00:00Z"))

    client.v1.contracts.archive(customer_id=customer, contract_id=contract_id, void_invoices=False)
    assert list(client.v1.packages.list_contracts_on_package(package_id=pid)) == []
    assert len(list(client.v1.packages.list_contracts_on_package(package_id=pid, include_archived=True))) == 1

    with expect_api_error(400) as info:
        client.v1.contracts.create(customer_id=customer, starting_at="2026-01-01T00:00:00Z", package_id=pid, name="x")
    assert "'name'" in info["error"].body["message"]
    with expect_api_error(400):
        client.v1.contracts.create(customer_id=customer, starting_at="2026-01-01T00:00:00Z", package_id=pid, package_alias="starter")
    with expect_api_error(404):
        client.v1.contracts.create(customer_id=customer, starting_at="2026-01-01T00:00:00Z", package_id=str(uuid.uuid4()))
    client.v1.packages.archive(package_id=pid)
    with expect_api_error(400):
        client.v1.contracts.create(customer_id=customer, starting_at="2026-01-01T00:00:00Z", package_id=pid)
