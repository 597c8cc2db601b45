"""Small helpers shared by the billable-metric and usage conformance tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, Iterable, List, Optional

import httpx

from helpers import iso, utc

# The emulated "now" the usage tests freeze the clock at; events are sent a few days before.
NOW = utc(2026, 3, 15, 12, 0, 0)
DAY0 = utc(2026, 3, 10)  # a midnight five days before NOW


def ts(dt: datetime) -> str:
    """RFC 3339 (UTC, milliseconds) for an event timestamp."""
    return iso(dt)


def event(
    tx: str,
    customer: str,
    when: datetime | str,
    event_type: str = "api_call",
    properties: Optional[Dict[str, Any]] = None,
) -> Dict[str, Any]:
    e: Dict[str, Any] = {
        "transaction_id": tx,
        "customer_id": customer,
        "event_type": event_type,
        "timestamp": when if isinstance(when, str) else ts(when),
    }
    if properties is not None:
        e["properties"] = properties
    return e


def ingest(client, events: Iterable[Dict[str, Any]]) -> None:
    """Ingest through the SDK (returns None on 200)."""
    assert client.v1.usage.ingest(usage=list(events)) is None


def raw_ingest(http: httpx.Client, body: Any) -> httpx.Response:
    return http.post("/v1/ingest", json=body)


def metric(client, name: str, **kw) -> str:
    """Create a billable metric through the SDK and return its id."""
    return client.v1.billable_metrics.create(name=name, **kw).data.id


def usage_rows(client, start: datetime, end: datetime, window: str = "DAY", **kw) -> List[Any]:
    """Every row of POST /v1/usage (SDK auto-pagination)."""
    return list(client.v1.usage.list(starting_on=start, ending_before=end, window_size=window, **kw))


def usage_values(client, start: datetime, end: datetime, window: str = "DAY", **kw) -> List[Optional[float]]:
    return [r.value for r in usage_rows(client, start, end, window, **kw)]


def single_value(client, customer_id: str, metric_id: str, start: datetime, end: datetime) -> Optional[float]:
    """The NONE-window value of one metric for one customer."""
    rows = usage_rows(
        client, start, end, "NONE", customer_ids=[customer_id], billable_metrics=[{"id": metric_id}]
    )
    assert len(rows) == 1, f"expected exactly one NONE-window row, got {len(rows)}: {rows!r}"
    r = rows[0]
    assert r.customer_id == customer_id and r.billable_metric_id == metric_id
    return r.value


def search(client, tx_ids: List[str]) -> List[Any]:
    return list(client.v1.usage.search(transaction_ids=tx_ids))


def date_str(dt: datetime) -> str:
    return iso(dt)
