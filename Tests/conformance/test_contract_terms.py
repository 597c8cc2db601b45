"""Terms of `contracts/create` beyond pricing: `scheduled_charges_on_usage_invoices: ALL`
(scheduled charges and commit purchases dated at the end of a usage statement's period go on that
statement, not invoices of their own: the charge's `timestamp` must match the usage invoice's
`ending_before`, as the SDK's docstring says), references for other systems, and reseller
royalties. Figures are worked out by hand below."""

import uuid
from datetime import timedelta

from helpers import freeze_clock, iso, utc
from pricing_helpers import FIXTURE_PRODUCT_IDS

COMMIT_PRODUCT = FIXTURE_PRODUCT_IDS["prepaid_commit"]
JAN, FEB, MAR = utc(2026, 1, 1), utc(2026, 2, 1), utc(2026, 3, 1)


def unit_card(client):
    metric = client.v1.billable_metrics.create(
        name=f"units-{uuid.uuid4().hex[:6]}", aggregation_type="COUNT", event_type_filter={"in_values": ["unit"]}).data.id
    product = client.v1.contracts.products.create(name="Units", type="USAGE", billable_metric_id=metric).data.id
    card = client.v1.contracts.rate_cards.create(name=f"Units {uuid.uuid4().hex[:6]}").data.id
    client.v1.contracts.rate_cards.rates.add(
        rate_card_id=card, product_id=product, entitled=True, rate_type="FLAT", price=100, starting_at=utc(2025, 1, 1))
    return card


def charge(name, when, unit_price):
    return {"product_id": COMMIT_PRODUCT, "name": name,
            "schedule": {"schedule_items": [{"timestamp": iso(when), "quantity": 1, "unit_price": unit_price}]}}


def setup(client, http, **extra):
    freeze_clock(http, utc(2026, 1, 20))
    card = unit_card(client)
    c = client.v1.customers.create(name="Consolidated").data.id
    contract_id = client.v1.contracts.create(
        customer_id=c, starting_at=JAN, ending_before=MAR, rate_card_id=card,
        scheduled_charges=[charge("Onboarding", FEB, 2500), charge("Mid-month", utc(2026, 1, 15), 700)],
        commits=[{"type": "PREPAID", "product_id": COMMIT_PRODUCT, "priority": 1, "name": "February commit",
                  "access_schedule": {"schedule_items": [{"amount": 1000, "starting_at": iso(FEB), "ending_before": iso(MAR)}]},
                  "invoice_schedule": {"schedule_items": [{"timestamp": iso(FEB), "amount": 1000}]}}],
        **extra).data.id
    client.v1.usage.ingest(usage=[
        {"transaction_id": uuid.uuid4().hex, "customer_id": c, "event_type": "unit",
         "timestamp": iso(utc(2026, 1, 10) + timedelta(minutes=i))} for i in range(3)])  # 3 × 100¢ in January
    freeze_clock(http, utc(2026, 2, 3))  # January's statement finalized
    return c, contract_id


def test_charges_dated_at_a_period_end_join_its_usage_statement(client, http):
    c, contract_id = setup(client, http, scheduled_charges_on_usage_invoices="ALL")
    invoices = list(client.v1.customers.invoices.list(customer_id=c))
    [january] = [i for i in invoices if i.type == "USAGE" and i.start_timestamp == JAN]
    assert january.status == "FINALIZED"
    assert sorted((li.type, li.total) for li in january.line_items if li.total) == [
        ("commit_purchase", 1000), ("scheduled", 2500), ("usage", 300)]
    assert january.total == 300 + 2500 + 1000
    # The mid-month charge is not at a period's end, so it keeps an invoice of its own.
    assert sorted(i.total for i in invoices if i.type == "SCHEDULED") == [700]

    contract = client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data
    assert contract.scheduled_charges_on_usage_invoices == "ALL"
    assert contract.current.scheduled_charges_on_usage_invoices == "ALL"
    assert client.v2.contracts.retrieve(customer_id=c, contract_id=contract_id).data.scheduled_charges_on_usage_invoices == "ALL"


def test_without_it_each_charge_has_an_invoice_of_its_own(client, http):
    c, contract_id = setup(client, http)
    invoices = list(client.v1.customers.invoices.list(customer_id=c))
    [january] = [i for i in invoices if i.type == "USAGE" and i.start_timestamp == JAN]
    assert january.total == 300
    assert sorted(i.total for i in invoices if i.type == "SCHEDULED") == [700, 1000, 2500]
    assert client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data.scheduled_charges_on_usage_invoices is None


def test_usage_statements_start_at_invoice_generation_starting_at(client, http):
    freeze_clock(http, utc(2026, 3, 10))
    card = unit_card(client)
    c = client.v1.customers.create(name="Imported history", ingest_aliases=[f"alias-{uuid.uuid4().hex[:8]}"]).data.id
    client.v1.contracts.create(
        customer_id=c, starting_at=JAN, rate_card_id=card, scheduled_charges_on_usage_invoices="ALL",
        scheduled_charges=[charge("Onboarding", FEB, 2500)],
        usage_statement_schedule={"frequency": "MONTHLY", "invoice_generation_starting_at": iso(MAR)})
    client.v1.usage.ingest(usage=[
        {"transaction_id": uuid.uuid4().hex, "customer_id": c, "event_type": "unit", "timestamp": iso(day)}
        for day in (utc(2026, 1, 10), utc(2026, 2, 10), utc(2026, 3, 2), utc(2026, 3, 3))])
    invoices = list(client.v1.customers.invoices.list(customer_id=c))
    # January's and February's statements are left to historical invoices: only March's is made,
    # with March's 2 units at 100. The charge dated at January's end gets an invoice of its own.
    assert [(i.start_timestamp, i.total) for i in invoices if i.type == "USAGE"] == [(MAR, 200)]
    assert [(i.start_timestamp, i.total) for i in invoices if i.type == "SCHEDULED"] == [(FEB, 2500)]


def test_references_for_other_systems_are_kept_and_read_back(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    c = client.v1.customers.create(name="Referenced").data.id
    contract_id = client.v1.contracts.create(
        customer_id=c, starting_at=JAN, rate_card_alias="standard", total_contract_value=120000,
        salesforce_opportunity_id="006-opp", netsuite_sales_order_id="SO-42").data.id
    contract = client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data
    v2 = client.v2.contracts.retrieve(customer_id=c, contract_id=contract_id).data
    for shown in (contract.initial, contract.current, v2):
        assert (shown.total_contract_value, shown.salesforce_opportunity_id, shown.netsuite_sales_order_id) == (
            120000, "006-opp", "SO-42")


def test_items_references_for_other_systems_are_kept_and_read_back(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    c = client.v1.customers.create(name="Referenced items").data.id
    consulting = client.v1.contracts.products.create(name="Consulting", type="PROFESSIONAL_SERVICE").data.id
    charge = {"product_id": FIXTURE_PRODUCT_IDS["prepaid_commit"], "schedule": {"schedule_items": [
        {"timestamp": iso(FEB), "amount": 100}]}}
    contract_id = client.v1.contracts.create(
        customer_id=c, starting_at=JAN, rate_card_alias="standard",
        scheduled_charges=[{**charge, "netsuite_sales_order_id": "SO-charge"}],
        discounts=[{**charge, "netsuite_sales_order_id": "SO-discount"}],
        professional_services=[{"product_id": consulting, "max_amount": 1000, "quantity": 1, "unit_price": 500,
                                "netsuite_sales_order_id": "SO-service"}]).data.id
    client.v2.contracts.edit(customer_id=c, contract_id=contract_id, add_scheduled_charges=[
        {**charge, "netsuite_sales_order_id": "SO-added"}])
    contract = client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data
    assert [k.netsuite_sales_order_id for k in contract.initial.scheduled_charges] == ["SO-charge"]
    assert [k.netsuite_sales_order_id for k in contract.initial.discounts] == ["SO-discount"]
    assert [s.netsuite_sales_order_id for s in contract.initial.professional_services] == ["SO-service"]
    v2 = client.v2.contracts.retrieve(customer_id=c, contract_id=contract_id).data
    assert sorted(k.netsuite_sales_order_id for k in v2.scheduled_charges) == ["SO-added", "SO-charge"]
    first = contract.initial.scheduled_charges[0].id
    client.v2.contracts.edit(customer_id=c, contract_id=contract_id, update_scheduled_charges=[
        {"scheduled_charge_id": first, "netsuite_sales_order_id": "SO-changed"}])
    v2 = client.v2.contracts.retrieve(customer_id=c, contract_id=contract_id).data
    assert sorted(k.netsuite_sales_order_id for k in v2.scheduled_charges) == ["SO-added", "SO-changed"]
    history = client.v2.contracts.get_edit_history(customer_id=c, contract_id=contract_id).data
    assert [u.netsuite_sales_order_id for e in history for u in (e.update_scheduled_charges or [])] == ["SO-changed"]
    client.v2.contracts.edit(customer_id=c, contract_id=contract_id, update_scheduled_charges=[
        {"scheduled_charge_id": first, "netsuite_sales_order_id": None}])
    v2 = client.v2.contracts.retrieve(customer_id=c, contract_id=contract_id).data
    assert sorted((k.netsuite_sales_order_id or "") for k in v2.scheduled_charges) == ["", "SO-added"]


def test_reseller_royalties_are_kept_and_read_back_in_each_version(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    c = client.v1.customers.create(name="Resold").data.id
    aws = {"fraction": 0.2, "netsuite_reseller_id": "aws-reseller", "reseller_type": "AWS", "starting_at": iso(JAN),
           "ending_before": iso(FEB), "aws_options": {"aws_account_number": "123456789012", "aws_offer_id": "offer-1"},
           "applicable_product_ids": [FIXTURE_PRODUCT_IDS["api_calls"]]}
    later = {"fraction": 0.15, "netsuite_reseller_id": "aws-reseller", "reseller_type": "AWS", "starting_at": iso(FEB)}
    gcp = {"fraction": 0.1, "netsuite_reseller_id": "gcp-reseller", "reseller_type": "GCP", "starting_at": iso(JAN),
           "gcp_options": {"gcp_account_id": "acct", "gcp_offer_id": "g-offer"}, "reseller_contract_value": 5000}
    contract_id = client.v1.contracts.create(customer_id=c, starting_at=JAN, rate_card_alias="standard",
                                             reseller_royalties=[aws, gcp, later]).data.id
    current = client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data.current
    assert [(r.reseller_type, r.fraction, r.starting_at, r.ending_before) for r in current.reseller_royalties] == [
        ("AWS", 0.2, JAN, FEB), ("GCP", 0.1, JAN, None), ("AWS", 0.15, FEB, None)]
    first, second, _ = current.reseller_royalties
    assert (first.aws_account_number, first.aws_offer_id, first.applicable_product_ids) == (
        "123456789012", "offer-1", [FIXTURE_PRODUCT_IDS["api_calls"]])
    assert (second.gcp_account_id, second.gcp_offer_id, second.reseller_contract_value) == ("acct", "g-offer", 5000)
    v2 = client.v2.contracts.retrieve(customer_id=c, contract_id=contract_id).data
    assert [(r.reseller_type, [s.fraction for s in r.segments]) for r in v2.reseller_royalties] == [
        ("AWS", [0.2, 0.15]), ("GCP", [0.1])]


def test_bad_reseller_royalties_are_refused(client, http):
    c = client.v1.customers.create(name="Resold badly").data.id
    base = {"fraction": 0.2, "netsuite_reseller_id": "r", "reseller_type": "GCP", "starting_at": iso(JAN)}
    for royalty in ({**base, "fraction": 1.5}, {**base, "ending_before": iso(JAN)},
                    {**base, "aws_options": {"aws_offer_id": "x"}}, {**base, "reseller_type": "AZURE"}):
        r = http.post("/v1/contracts/create", json={"customer_id": c, "starting_at": iso(JAN), "rate_card_alias": "standard",
                                                    "reseller_royalties": [royalty]})
        assert r.status_code == 400, r.text
    assert http.post("/v1/contracts/list", json={"customer_id": c}).json()["data"] == []


def stripe_configuration(client, c, customer_id):
    return client.v1.customers.set_billing_configurations(data=[{
        "customer_id": customer_id, "billing_provider": "stripe", "delivery_method": "direct_to_billing_provider",
        "configuration": {"stripe_customer_id": f"cus_{c}", "stripe_collection_method": "charge_automatically"}}]).data[0].id


def test_a_contract_bills_through_the_customers_billing_provider_configuration(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    c = client.v1.customers.create(name="Billed via Stripe").data.id
    configuration_id = stripe_configuration(client, "a", c)
    by_id = client.v1.contracts.create(customer_id=c, starting_at=JAN, rate_card_alias="standard",
                                       billing_provider_configuration={"billing_provider_configuration_id": configuration_id}).data.id
    by_name = client.v1.contracts.create(customer_id=c, starting_at=JAN, rate_card_alias="standard",
                                         billing_provider_configuration={"billing_provider": "stripe",
                                                                         "delivery_method": "direct_to_billing_provider"}).data.id
    for contract_id in (by_id, by_name):
        shown = client.v1.contracts.retrieve(customer_id=c, contract_id=contract_id).data.customer_billing_provider_configuration
        assert (shown.id, shown.billing_provider, shown.delivery_method, shown.customer_id) == (
            configuration_id, "stripe", "direct_to_billing_provider", c)
        v2 = client.v2.contracts.retrieve(customer_id=c, contract_id=contract_id).data
        assert v2.customer_billing_provider_configuration.id == configuration_id
    plain = client.v1.contracts.create(customer_id=c, starting_at=JAN, rate_card_alias="standard").data.id
    assert client.v1.contracts.retrieve(customer_id=c, contract_id=plain).data.customer_billing_provider_configuration is None


def test_a_billing_provider_configuration_the_customer_lacks_is_refused(client, http):
    c = client.v1.customers.create(name="No provider").data.id
    other = client.v1.customers.create(name="Other").data.id
    others = stripe_configuration(client, "b", other)
    for choice in ({"billing_provider_configuration_id": others},  # another customer's
                   {"billing_provider": "stripe", "delivery_method": "direct_to_billing_provider"},  # none of its own
                   {"billing_provider": "stripe"},  # no delivery method
                   {"billing_provider_configuration_id": others, "billing_provider": "stripe"}):
        r = http.post("/v1/contracts/create", json={"customer_id": c, "starting_at": iso(JAN), "rate_card_alias": "standard",
                                                    "billing_provider_configuration": choice})
        assert r.status_code == 400 and "billing_provider_configuration" in r.json()["message"], r.text
    assert http.post("/v1/contracts/list", json={"customer_id": c}).json()["data"] == []
