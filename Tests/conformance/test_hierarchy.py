"""Account hierarchies: a child contract names a parent contract of another customer
(`hierarchy_configuration.parent`), the parent lists its children, and the children draw down the
parent's commits and credits that share with them (`hierarchy_configuration.child_access`), each
child paying its own overage on its own invoice: Metronome's "Model hierarchical customer
relationships" guide, example 1. Figures are worked out by hand below."""

import time
import uuid

from helpers import assert_error_response, freeze_clock, iso, utc
from pricing_helpers import FIXTURE_PRODUCT_IDS, unit_rate_card
from pricing_helpers import ingest_units as ingest, usage_draft as draft_of

COMMIT_PRODUCT = FIXTURE_PRODUCT_IDS["prepaid_commit"]
JAN, FEB = utc(2026, 1, 1), utc(2026, 2, 1)


def units_card(client):
    """A rate card pricing a unit at 100."""
    return unit_rate_card(client)[0]


def commit(amount, child_access=None, priority=1):
    item = {"type": "PREPAID", "product_id": COMMIT_PRODUCT, "priority": priority,
            "access_schedule": {"schedule_items": [{"amount": amount, "starting_at": iso(JAN), "ending_before": iso(FEB)}]}}
    if child_access:
        item["hierarchy_configuration"] = {"child_access": child_access}
    return item


def family(client, card, parent_commits=(), **child_config):
    """A parent contract with `parent_commits`, and two children of other customers naming it."""
    parent_customer = client.v1.customers.create(name="Parent").data.id
    parent = client.v1.contracts.create(customer_id=parent_customer, starting_at=JAN, rate_card_id=card,
                                        commits=list(parent_commits)).data.id
    children = []
    for name in ("First child", "Second child"):
        customer = client.v1.customers.create(name=name).data.id
        contract = client.v1.contracts.create(
            customer_id=customer, starting_at=JAN, rate_card_id=card,
            hierarchy_configuration={"parent": {"contract_id": parent, "customer_id": parent_customer}, **child_config}).data.id
        children.append((customer, contract))
    return (parent_customer, parent), children


def parent_commit_account(client, customer_id, contract_id):
    [shared] = client.v1.contracts.retrieve(customer_id=customer_id, contract_id=contract_id, include_balance=True,
                                            include_ledgers=True).data.current.commits
    return shared


def test_a_child_names_its_parent_and_the_parent_lists_its_children(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    card = units_card(client)
    (parent_customer, parent), children = family(client, card, payer="SELF", usage_statement_behavior="SEPARATE")

    for customer, contract in children:
        child = client.v1.contracts.retrieve(customer_id=customer, contract_id=contract).data
        config = child.current.hierarchy_configuration
        assert (config.parent.contract_id, config.parent.customer_id) == (parent, parent_customer)
        assert (config.payer, config.usage_statement_behavior) == ("SELF", "SEPARATE")
        v2 = client.v2.contracts.retrieve(customer_id=customer, contract_id=contract).data.hierarchy_configuration
        assert v2.parent.contract_id == parent and v2.payer == "SELF"

    listed = client.v1.contracts.retrieve(customer_id=parent_customer, contract_id=parent).data.current.hierarchy_configuration
    assert [(c.contract_id, c.customer_id) for c in listed.children] == [(contract, customer) for customer, contract in children]
    v2 = client.v2.contracts.retrieve(customer_id=parent_customer, contract_id=parent).data.hierarchy_configuration
    assert [c.contract_id for c in v2.children] == [contract for _, contract in children]

    # A contract outside any hierarchy shows none.
    alone = client.v1.customers.create(name="Alone").data.id
    contract = client.v1.contracts.create(customer_id=alone, starting_at=JAN, rate_card_id=card).data.id
    assert client.v1.contracts.retrieve(customer_id=alone, contract_id=contract).data.current.hierarchy_configuration is None


def test_children_draw_down_the_parents_shared_commit_and_pay_their_own_overage(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    card = units_card(client)
    (parent_customer, parent), [(first, _), (second, _)] = family(client, card, [commit(1000, {"type": "ALL"})])
    ingest(client, parent_customer, 2)
    ingest(client, first, 6)
    ingest(client, second, 7)

    # Invoices draw in the order they were made, the parent's first: the parent's 2 units (200),
    # the first child's 6 (600), then 200 of the second child's 700; it pays the other 500.
    assert draft_of(client, parent_customer).total == 0
    assert draft_of(client, first).total == 0
    second_draft = draft_of(client, second)
    assert second_draft.total == 500
    [applied] = [li for li in second_draft.line_items if li.type == "applied_commit_or_credit"]
    assert applied.total == -200

    shared = parent_commit_account(client, parent_customer, parent)
    assert shared.hierarchy_configuration.child_access.type == "ALL"
    assert shared.balance == 0
    deductions = {e.invoice_id: e.amount for e in shared.ledger if e.type == "PREPAID_COMMIT_AUTOMATED_INVOICE_DEDUCTION"}
    assert deductions == {draft_of(client, parent_customer).id: -200, draft_of(client, first).id: -600, second_draft.id: -200}

    # Querying a child leaves the parent's shared commit out, as the SDK's docstring says.
    balances = http.post("/v1/contracts/customerBalances/list", json={"customer_id": first}).json()["data"]
    assert balances == []


def test_a_childs_own_commit_draws_before_the_parents(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    card = units_card(client)
    (parent_customer, parent), _ = family(client, card, [commit(1000, {"type": "ALL"})])
    customer = client.v1.customers.create(name="Child with a commit").data.id
    client.v1.contracts.create(customer_id=customer, starting_at=JAN, rate_card_id=card, commits=[commit(300)],
                               hierarchy_configuration={"parent": {"contract_id": parent, "customer_id": parent_customer}})
    ingest(client, customer, 5)
    # 500 of usage: its own 300 first, then 200 of the parent's.
    draft = draft_of(client, customer)
    assert draft.total == 0
    assert sorted(li.total for li in draft.line_items if li.type == "applied_commit_or_credit") == [-300, -200]
    assert parent_commit_account(client, parent_customer, parent).balance == 800


def test_child_access_none_and_contract_ids_limit_who_draws(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    card = units_card(client)
    (parent_customer, parent), [(first, first_contract), (second, _)] = family(
        client, card, [commit(1000, {"type": "NONE"})])
    ingest(client, first, 3)
    ingest(client, second, 4)
    # NONE: the commit is the parent's alone.
    assert (draft_of(client, first).total, draft_of(client, second).total) == (300, 400)
    shared = parent_commit_account(client, parent_customer, parent)
    assert shared.balance == 1000

    # Shared with the first child only, by an edit once the children exist.
    client.v2.contracts.edit_commit(customer_id=parent_customer, commit_id=shared.id,
                                    hierarchy_configuration={"child_access": {"type": "CONTRACT_IDS",
                                                                              "contract_ids": [first_contract]}})
    assert (draft_of(client, first).total, draft_of(client, second).total) == (0, 400)
    shared = parent_commit_account(client, parent_customer, parent)
    assert shared.balance == 700
    assert shared.hierarchy_configuration.child_access.contract_ids == [first_contract]

    # A contract that is not a child cannot be named.
    outsider = client.v1.customers.create(name="Outsider").data.id
    other = client.v1.contracts.create(customer_id=outsider, starting_at=JAN, rate_card_id=card).data.id
    response = http.post("/v2/contracts/commits/edit", json={
        "customer_id": parent_customer, "commit_id": shared.id,
        "hierarchy_configuration": {"child_access": {"type": "CONTRACT_IDS", "contract_ids": [other]}}})
    assert other in assert_error_response(response, 400)["message"]


def test_a_commit_added_by_an_edit_can_share(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    card = units_card(client)
    (parent_customer, parent), [(first, first_contract), (second, _)] = family(client, card)
    client.v2.contracts.edit(customer_id=parent_customer, contract_id=parent,
                             add_commits=[commit(250, {"type": "CONTRACT_IDS", "contract_ids": [first_contract]})])
    ingest(client, first, 4)
    ingest(client, second, 1)
    assert (draft_of(client, first).total, draft_of(client, second).total) == (150, 100)
    [entry] = client.v2.contracts.get_edit_history(customer_id=parent_customer, contract_id=parent).data
    assert entry.add_commits[0].hierarchy_configuration.child_access.type == "CONTRACT_IDS"


def test_what_the_emulator_refuses(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    card = units_card(client)
    (parent_customer, parent), children = family(client, card)
    child_customer, child = children[0]
    customer = client.v1.customers.create(name="Refused").data.id
    base = {"customer_id": customer, "starting_at": iso(JAN), "rate_card_id": card}
    link = {"parent": {"contract_id": parent, "customer_id": parent_customer}}
    response = http.post("/v1/contracts/create", json={
        **base, "hierarchy_configuration": {**link, "parent_behavior": {"invoice_consolidation_type": "NONE"}}})
    assert "both a parent and a child" in assert_error_response(response, 400)["message"]
    # A parent's contract must be another customer's, must exist, and must not be a child itself.
    response = http.post("/v1/contracts/create", json={**base, "customer_id": parent_customer, "hierarchy_configuration": link})
    assert "another customer" in assert_error_response(response, 400)["message"]
    unknown = str(uuid.uuid4())
    response = http.post("/v1/contracts/create", json={
        **base, "hierarchy_configuration": {"parent": {"contract_id": unknown, "customer_id": parent_customer}}})
    assert unknown in assert_error_response(response, 404)["message"]
    response = http.post("/v1/contracts/create", json={
        **base, "hierarchy_configuration": {"parent": {"contract_id": child, "customer_id": child_customer}}})
    assert "more than one level" in assert_error_response(response, 400)["message"]
    # A new contract has no children to name yet; a customer-level commit has none at all.
    response = http.post("/v1/contracts/create", json={
        **base, "commits": [commit(100, {"type": "CONTRACT_IDS", "contract_ids": [child]})]})
    assert "commits[0].hierarchy_configuration.child_access.contract_ids" in assert_error_response(response, 400)["message"]
    assert client.v1.contracts.list(customer_id=customer).data == []


def test_a_hierarchy_holds_at_most_ten_contracts(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    card = units_card(client)
    parent_customer = client.v1.customers.create(name="Big parent").data.id
    parent = client.v1.contracts.create(customer_id=parent_customer, starting_at=JAN, rate_card_id=card).data.id
    link = {"parent": {"contract_id": parent, "customer_id": parent_customer}}
    for index in range(9):
        customer = client.v1.customers.create(name=f"Child {index}").data.id
        client.v1.contracts.create(customer_id=customer, starting_at=JAN, rate_card_id=card, hierarchy_configuration=link)
    customer = client.v1.customers.create(name="One too many").data.id
    response = http.post("/v1/contracts/create", json={
        "customer_id": customer, "starting_at": iso(JAN), "rate_card_id": card, "hierarchy_configuration": link})
    assert "at most 10" in assert_error_response(response, 400)["message"]


def test_a_recurring_commit_shares_each_commit_it_makes(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    card = units_card(client)
    parent_customer = client.v1.customers.create(name="Recurring parent").data.id
    parent = client.v1.contracts.create(customer_id=parent_customer, starting_at=JAN, rate_card_id=card, recurring_commits=[
        {"access_amount": {"unit_price": 400, "quantity": 1}, "commit_duration": {"value": 1}, "priority": 1,
         "product_id": COMMIT_PRODUCT, "starting_at": iso(JAN), "hierarchy_configuration": {"child_access": {"type": "ALL"}}}]).data.id
    child = client.v1.customers.create(name="Recurring child").data.id
    client.v1.contracts.create(customer_id=child, starting_at=JAN, rate_card_id=card,
                               hierarchy_configuration={"parent": {"contract_id": parent, "customer_id": parent_customer}})
    ingest(client, child, 6)
    # January's 400 pays for 4 of the child's 6 units; it pays for the other 2.
    assert draft_of(client, child).total == 200
    contract = client.v1.contracts.retrieve(customer_id=parent_customer, contract_id=parent).data.current
    assert contract.recurring_commits[0].hierarchy_configuration.child_access.type == "ALL"
    assert contract.commits[0].hierarchy_configuration.child_access.type == "ALL"


def test_usage_invoices_in_a_hierarchy_name_who_pays(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    card = units_card(client)
    (parent_customer, parent), [(self_paying, self_contract), _] = family(client, card, payer="SELF")
    parent_link = {"contract_id": parent, "customer_id": parent_customer}
    third = client.v1.customers.create(name="Paid by the parent").data.id
    client.v1.contracts.create(customer_id=third, starting_at=JAN, rate_card_id=card, hierarchy_configuration={
        "parent": parent_link, "payer": "PARENT", "usage_statement_behavior": "CONSOLIDATE"})
    payer = lambda invoice: (invoice.payer.contract_id, invoice.payer.customer_id)
    assert payer(draft_of(client, third)) == (parent, parent_customer)
    assert payer(draft_of(client, self_paying)) == (self_contract, self_paying)
    assert payer(draft_of(client, parent_customer)) == (parent, parent_customer)
    # Outside any hierarchy, no payer.
    alone = client.v1.customers.create(name="Alone").data.id
    client.v1.contracts.create(customer_id=alone, starting_at=JAN, rate_card_id=card)
    assert draft_of(client, alone).payer is None


def test_a_concatenating_parent_gets_a_consolidated_invoice_of_its_consolidating_children(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    card = units_card(client)
    parent_customer = client.v1.customers.create(name="Consolidating parent").data.id
    parent = client.v1.contracts.create(
        customer_id=parent_customer, starting_at=JAN, rate_card_id=card,
        hierarchy_configuration={"parent_behavior": {"invoice_consolidation_type": "CONCATENATE"}}).data.id
    link = {"contract_id": parent, "customer_id": parent_customer}
    joined = client.v1.customers.create(name="Consolidated child").data.id
    joined_contract = client.v1.contracts.create(customer_id=joined, starting_at=JAN, rate_card_id=card, hierarchy_configuration={
        "parent": link, "payer": "PARENT", "usage_statement_behavior": "CONSOLIDATE"}).data.id
    apart = client.v1.customers.create(name="Separate child").data.id
    client.v1.contracts.create(customer_id=apart, starting_at=JAN, rate_card_id=card, hierarchy_configuration={
        "parent": link, "usage_statement_behavior": "SEPARATE"})
    ingest(client, parent_customer, 2)
    ingest(client, joined, 3)
    ingest(client, apart, 4)

    def consolidated():
        invoices = client.v1.customers.invoices.list(customer_id=parent_customer).data
        [invoice] = [i for i in invoices if i.type == "USAGE_CONSOLIDATED" and i.start_timestamp == JAN]
        return invoice, [i for i in invoices if i.type == "USAGE" and i.start_timestamp == JAN]

    invoice, [own] = consolidated()
    joined_draft = draft_of(client, joined)
    # The parent's own statement (2 units, 200), then the consolidating child's (3 units, 300);
    # the separate child's 400 is not on it.
    assert [(c.invoice_id, c.contract_id, c.customer_id) for c in invoice.constituent_invoices] == [
        (own.id, parent, parent_customer), (joined_draft.id, joined_contract, joined)]
    assert invoice.total == 500 and own.total == 200 and draft_of(client, apart).total == 400
    assert sorted(li.total for li in invoice.line_items if li.type == "usage") == [200, 300]
    assert (invoice.payer.contract_id, invoice.contract_id, invoice.status) == (parent, parent, "DRAFT")
    assert (invoice.start_timestamp, invoice.end_timestamp) == (JAN, FEB)
    parent_view = client.v1.contracts.retrieve(customer_id=parent_customer, contract_id=parent).data.current
    assert parent_view.hierarchy_configuration.parent_behavior.invoice_consolidation_type == "CONCATENATE"

    # Past the period and its grace, it finalizes with the parent's statements, and February's opens.
    freeze_clock(http, utc(2026, 2, 3))
    invoice, [own] = consolidated()
    assert (invoice.status, invoice.total, own.status) == ("FINALIZED", 500, "FINALIZED")
    invoices = client.v1.customers.invoices.list(customer_id=parent_customer).data
    assert [i.start_timestamp for i in invoices if i.type == "USAGE_CONSOLIDATED"].count(FEB) == 1


def test_a_childs_usage_recharges_the_parents_shared_balance(client, http):
    freeze_clock(http, utc(2026, 1, 20))
    card = units_card(client)
    parent_customer = client.v1.customers.create(name="Recharging parent").data.id
    parent = client.v1.contracts.create(
        customer_id=parent_customer, starting_at=JAN, rate_card_id=card, commits=[commit(5000, {"type": "ALL"})],
        prepaid_balance_threshold_configuration={
            "commit": {"product_id": COMMIT_PRODUCT},
            "is_enabled": True, "payment_gate_config": {"payment_gate_type": "NONE"}, "threshold_amount": 1000,
            "recharge_to_amount": 5000}).data.id
    child = client.v1.customers.create(name="Spending child").data.id
    client.v1.contracts.create(customer_id=child, starting_at=JAN, rate_card_id=card,
                               hierarchy_configuration={"parent": {"contract_id": parent, "customer_id": parent_customer}})
    # The child's 42 units (4200) leave 800 of the parent's 5000, below its 1000 threshold: the
    # parent is recharged by 4200, back to 5000.
    ingest(client, child, 42)
    deadline = time.monotonic() + 10
    while True:
        commits = client.v1.contracts.retrieve(customer_id=parent_customer, contract_id=parent).data.current.commits
        if len(commits) == 2 or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert sorted(k.access_schedule.schedule_items[0].amount for k in commits) == [4200, 5000]
