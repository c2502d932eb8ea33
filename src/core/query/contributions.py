"""Metrics that modules add to the query engine (`Hooks.query_metrics`).

A module knows what its own event type means; the engine knows how to slice events by dimensions,
filters and dates. A contributed metric brings the first: the events-log type it reads, the raw
numbers to aggregate over those events (named ClickHouse aggregate expressions, fixed SQL text
from the module's clickhouse.py, over events-log columns only), and how to turn them into the
metric's value. The engine runs them as one extra query per event type, with the query's own
dimensions and filters, and joins them to the rows by dimension values.

They are event metrics: by any dimension but `event:goal` (by `visit:*`, each event counts under
its visit's attributes).
"""

from collections.abc import Mapping, Sequence
from typing import Protocol


class QueryMetric(Protocol):
    name: str
    description: str
    event_type: str  # the events-log `type` whose rows the numbers aggregate
    numbers: Mapping[str, str]  # raw number -> ClickHouse aggregate expression over those rows

    def value(self, numbers: Mapping[str, object]) -> int | float:
        """The metric from the raw numbers of one row (an empty mapping when no event matched)."""
        ...


def by_name(metrics: Sequence[QueryMetric]) -> dict[str, QueryMetric]:
    named: dict[str, QueryMetric] = {}
    for m in metrics:
        if m.name in named:
            raise ValueError(f"two modules contribute the query metric {m.name!r}")
        named[m.name] = m
    return named
