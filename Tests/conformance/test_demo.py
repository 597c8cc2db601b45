"""--demo: a customer on a contract with a prepaid commit and a credit, and a month of usage up
to now, read back through the SDK."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from helpers import make_client


def test_demo_adds_a_customer_with_a_contract_a_prepaid_commit_and_a_month_of_usage(spawn_emulator, tmp_path):
    db = str(tmp_path / "demo.sqlite")
    srv = spawn_emulator("--demo", "--db", db)
    client = make_client(srv.base_url)
    customers = list(client.v1.customers.list(ingest_alias="demo-acme"))
    assert len(customers) == 1
    customer_id = customers[0].id

    contracts = client.v1.contracts.list(customer_id=customer_id).data
    assert len(contracts) == 1
    commits = [c for c in client.v1.contracts.list_balances(customer_id=customer_id, include_contract_balances=True)]
    assert any(getattr(c, "type", None) == "PREPAID" for c in commits), commits

    today = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    windows = list(client.v1.usage.list(starting_on=today - timedelta(days=30), ending_before=today + timedelta(days=1),
                                        window_size="DAY", customer_ids=[customer_id]))
    used_days = {w.start_timestamp for w in windows if (w.value or 0) > 0}
    assert len(used_days) >= 28
    drafts = list(client.v1.customers.invoices.list(customer_id=customer_id, status="DRAFT"))
    assert drafts and any(line.name == "API calls" for line in drafts[0].line_items)

    # A restart on the same store does not add it twice.
    srv.stop()
    again = spawn_emulator("--demo", "--db", db)
    assert [c.id for c in make_client(again.base_url).v1.customers.list()] == [customer_id]


def test_demo_needs_the_fixtures(spawn_emulator):
    p = spawn_emulator("--demo", "--no-fixtures", wait=False)
    assert p.wait_exit() != 0
    assert "--demo needs the default fixtures" in p.read_stderr()
