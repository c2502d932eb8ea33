"""Metrics that modules add to the query engine (`Hooks.query_metrics`).

A module knows what its own event type means; the engine knows how to slice events by dimensions,
filters and dates. A contributed metric brings the first: the events-log type it reads, the raw
numbers to aggregate over those events (named ClickHouse aggregate expressions, fixed SQL text
from the module's clickhouse.py), and how to turn them into the metric's value. The engine runs
them as one extra query per source (event type, entries, split), with the query's own dimensions
and filters, and joins them to the rows by dimension values.

Two optional parts let a module count what only it knows:
- `entries`: a subquery of the module's own tables with one row per event it counts (`event_id`
  and the columns its numbers read, named so they cannot clash with the events log's). Only the
  events it lists count, and its columns sit beside theirs (ecommerce: the purchases its ledger
  recorded, with their value and currency). It may use the engine's parameters `%(site_id)s`,
  `%(pad_from)s` and `%(pad_to)s` (the window's UTC days padded by one).
  `%(max_bot)s` (1 with `include_bots`, else 0) lets it leave out what it judges a bot's.
- `split`: an expression (of those columns) the numbers are split by. `value()` then gets, for
  each number, a mapping {split value: number}; the context lists every split value of the whole
  window, of every source in the answer split by the same expression (orders and refunds share
  their currencies), so a rule over all rows (one reporting currency per answer) stays one rule.
- `visit_of`: an entries column holding the session whose visit the event counts under, for an
  event that belongs to another one's visit (ecommerce: a refund, often sent by the shop's server
  days later, under its order's visit). Its `visit:*` dimensions and visit filters then read that
  visit wherever it lies in time; 0 (or no such visit) reads as no visit. None: its own session.

The engine asks a metric once per window (`over(context)`) for what turns each row's numbers into
its value, so work per answer (reading the site's currency settings) is done once, not per row.

They are event metrics: by any dimension but `event:goal` (by `visit:*`, each event counts under
its visit's attributes).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class MetricContext:
    site_id: str
    splits: frozenset[str] = frozenset()  # every split value seen in the window (all rows)


class WindowValues(Protocol):
    """A metric over one window."""

    meta: Mapping[str, object]  # what the answer's `meta` says about it (e.g. its currency); {} for nothing

    def value(self, numbers: Mapping[str, object]) -> int | float:
        """The metric from the raw numbers of one row (an empty mapping when no event matched)."""
        ...


class QueryMetric(Protocol):
    name: str
    description: str
    event_type: str  # the events-log `type` whose rows the numbers aggregate
    numbers: Mapping[str, str]  # raw number -> ClickHouse aggregate expression over those rows
    entries: str | None  # the module's subquery of counted events (see above); None: every event of the type
    split: str | None  # an expression the numbers are split by (see above); None: not split
    visit_of: str | None  # an entries column: the session whose visit the event counts under; None: its own

    def over(self, context: MetricContext) -> WindowValues:
        ...


def by_name(metrics: Sequence[QueryMetric]) -> dict[str, QueryMetric]:
    named: dict[str, QueryMetric] = {}
    for m in metrics:
        if m.name in named:
            raise ValueError(f"two modules contribute the query metric {m.name!r}")
        named[m.name] = m
    return named
