"""All ClickHouse SQL of insights: fixed fragments, values only as `%(pN)s` parameters.

Insights read the core events log and never write it. Each query returns the few columns the
rule needs (unit, time, event id, which steps an event matches), sorted by unit and time, so
the sequence logic (service) runs over one unit's events at a time. Only functions ClickHouse
18.16 has are used. The query engine's filters are parsed and rendered by the engine's own
fragments (core.query.plan, core.query.clickhouse): an `event:*` leaf tests the event, a `visit:*`
leaf tests the event's visit, whose attributes are those of its first event by (ts_ms, event_id)
(entry / exit page: its first / last pageview), computed here from the log.
"""

from collections.abc import Iterator, Sequence

import pyarrow.compute as pc

from core.analytics.port import AnalyticsStore
from core.query import clickhouse as engine
from core.query.goals import page_regex
from core.query.plan import Dimension, Filter, Leaf

# Event types that are measurements of a page, not steps a visitor takes.
TECHNICAL_TYPES = ("engagement", "vitals")
UNITS = {"visitors": "visitor_id", "users": "user_id"}

_RANGE = """site_id = %(site_id)s AND day BETWEEN %(day_from)s AND %(day_to)s
  AND ts_ms >= %(from_ms)s AND ts_ms < %(to_ms)s AND is_bot <= %(max_bot)s AND type NOT IN %(technical)s"""

FUNNEL = """
SELECT {unit} AS u, ts_ms, {mask} AS mask{group}
FROM events
WHERE """ + _RANGE + """ AND {unit_known} AND {stream} AND {where}
ORDER BY u, ts_ms, toString(event_id)
"""
# The breakdown by a visit attribute: the attribute of each event's visit, joined on the visit.
FUNNEL_BY_VISIT = """
SELECT u, ts_ms, mask, b FROM (
    SELECT {unit} AS u, ts_ms, toString(event_id) AS eid, {mask} AS mask, visitor_id, session_id
    FROM events
    WHERE """ + _RANGE + """ AND {unit_known} AND {stream} AND {where}
) AS e ANY LEFT JOIN (
    SELECT visitor_id, session_id, toString({attribute}) AS b FROM events
    WHERE site_id = %(site_id)s AND day BETWEEN %(pad_from)s AND %(pad_to)s AND session_id != 0
    GROUP BY visitor_id, session_id
) AS v USING (visitor_id, session_id)
ORDER BY u, ts_ms, eid
"""
# Visits whose attribute passes a `visit:*` filter leaf (within the padded days of the query).
_VISITS_WHERE = """(visitor_id, session_id) IN (
    SELECT visitor_id, session_id FROM events
    WHERE site_id = %(site_id)s AND day BETWEEN %(pad_from)s AND %(pad_to)s AND session_id != 0
    GROUP BY visitor_id, session_id HAVING {cond})"""
_ORDER = "tuple(ts_ms, toString(event_id))"
# Per unit: the local periods (site zone) of its cohort events in the cohort periods, and of its
# return events; periods are dates (a day, the Monday (or Sunday) of a week, the 1st of a month).
RETENTION = """
SELECT {unit} AS u,
    groupUniqArrayIf({period}, {cohort} AND ts_ms >= %(cohort_from)s AND ts_ms < %(cohort_to)s) AS joined,
    groupUniqArrayIf({period}, {back}) AS came_back
FROM events
WHERE """ + _RANGE + """ AND {unit_known} AND ({cohort} OR {back}) AND {where}
  AND {unit} IN (  -- only the units of some cohort: their return events, no one else's
    SELECT {unit} FROM events
    WHERE """ + _RANGE + """ AND ts_ms >= %(cohort_from)s AND ts_ms < %(cohort_to)s
      AND {unit_known} AND {cohort} AND {where})
GROUP BY u
HAVING length(joined) > 0
"""
PERIODS = {"day": "toDate(ts, %(tz)s)", "week": "toMonday(toDate(ts, %(tz)s))",
           "week_sunday": "toDate(ts, %(tz)s) - toDayOfWeek(toDate(ts, %(tz)s)) % 7",
           "month": "toStartOfMonth(toDate(ts, %(tz)s))"}
JOURNEY = """
SELECT ts_ms, toString(event_id) AS eid, type, name, pathname, url, prop_keys, prop_values, session_id,
    device_type, browser, os, country
FROM events
WHERE """ + _RANGE + """ AND {who}
ORDER BY ts_ms, eid
"""
PATHS = """
SELECT visitor_id, session_id,
    if(type = 'pageview', concat('page:', pathname), concat('event:', name)) AS step, {anchor} AS is_anchor
FROM events
WHERE """ + _RANGE + """ AND session_id != 0 AND {where}
  AND (visitor_id, session_id) IN (
    SELECT visitor_id, session_id FROM events WHERE """ + _RANGE + """ AND session_id != 0 AND {anchor})
ORDER BY visitor_id, session_id, ts_ms, toString(event_id)
"""


def step_condition(q: engine.Sql, *, event: str | None, page: str | None, props: dict[str, str]) -> str:
    if event is not None:
        cond = f"(type != 'pageview' AND name = {q.value(event)})"
    elif page is None or set(page) == {"*"}:  # any pageview
        cond = "(type = 'pageview')"
    elif "*" not in page:  # a plain path: equality, no regex per row
        cond = f"(type = 'pageview' AND pathname = {q.value(page)})"
    else:
        cond = f"(type = 'pageview' AND match(pathname, {q.value(page_regex(page))}))"
    for key, value in props.items():
        cond += (f" AND has(prop_keys, {q.value(key)})"
                 f" AND prop_values[indexOf(prop_keys, {q.value(key)})] = {q.value(value)}")
    return f"({cond})"


def filter_condition(q: engine.Sql, node: Filter | None) -> str:
    """The engine's filter tree as a condition on each event (a `visit:*` leaf: on its visit)."""

    def leaf_sql(leaf: Leaf) -> str:
        if leaf.dimension.kind == "event":
            return engine.event_condition(q, leaf)
        return _VISITS_WHERE.format(cond=engine.condition(q, leaf, visit_attribute(leaf.dimension)))

    return engine.render(node, leaf_sql)


def visit_attribute(d: Dimension) -> str:
    """A `visit:*` dimension as an aggregate over its visit's events."""
    if d.page == "entry_page":
        return f"argMinIf(pathname, {_ORDER}, type = 'pageview')"
    if d.page == "exit_page":
        return f"argMaxIf(pathname, {_ORDER}, type = 'pageview')"
    return f"argMin({d.column}, {_ORDER})"


def event_group(q: engine.Sql, d: Dimension) -> str:
    """An `event:*` breakdown, read from each event."""
    if d.prop_key:
        return f"prop_values[indexOf(prop_keys, {q.value(d.prop_key)})]"
    return d.column


def funnel_sql(q: engine.Sql, *, unit: str, steps: Sequence[str], strict: bool, where: str,
               breakdown: Dimension | None) -> str:
    mask = "(" + " + ".join(f"if({c}, {1 << i}, 0)" for i, c in enumerate(steps)) + ")"
    parts = {"unit": UNITS[unit], "mask": mask, "unit_known": _known(unit), "where": where,
             "stream": "1" if strict else "mask > 0"}
    if breakdown is not None and breakdown.kind == "visit":
        return FUNNEL_BY_VISIT.format(attribute=visit_attribute(breakdown), **parts)
    group = f", toString({event_group(q, breakdown)}) AS b" if breakdown is not None else ""
    return FUNNEL.format(group=group, **parts)


def retention_sql(*, unit: str, period: str, cohort: str, back: str, where: str) -> str:
    return RETENTION.format(unit=UNITS[unit], unit_known=_known(unit), period=PERIODS[period], cohort=cohort,
                            back=back, where=where)


def _known(unit: str) -> str:
    return "user_id != ''" if unit == "users" else "1"


class InsightsStore:
    def __init__(self, *, store: AnalyticsStore) -> None:
        self._store = store

    def rows(self, sql: str, params: dict) -> list[tuple]:
        return self._store.query(sql, params)

    def units(self, sql: str, params: dict) -> Iterator[tuple[list, list, list | None]]:
        """For a query answering (unit, ts_ms, mask[, group]) sorted by unit: per unit, its column
        lists. Read as Arrow columns and cut at the unit changes: no Python tuple per row."""
        table = self._store.query_arrow(sql, params)
        if not table.num_rows:
            return
        ts, masks = table.column(1).to_pylist(), table.column(2).to_pylist()
        groups = table.column(3).to_pylist() if table.num_columns > 3 else None
        start = 0
        for cut in _cuts(table.column(0)):
            yield ts[start:cut], masks[start:cut], groups[start:cut] if groups is not None else None
            start = cut

    def visits(self, sql: str, params: dict) -> Iterator[tuple[list, list]]:
        """For PATHS (its visits in order): per visit, its steps and anchor flags."""
        table = self._store.query_arrow(sql, params)
        if not table.num_rows:
            return
        steps, anchors = table.column(2).to_pylist(), table.column(3).to_pylist()
        start = 0
        for cut in _cuts(table.column(0), table.column(1)):
            yield steps[start:cut], anchors[start:cut]
            start = cut


def _cuts(*columns) -> list[int]:
    """The row numbers where sorted key columns change value (any of them), and their length."""
    keys = [c.combine_chunks() for c in columns]
    n = len(keys[0])
    if n < 2:
        return [n]
    changed = pc.not_equal(keys[0][1:], keys[0][:-1])
    for key in keys[1:]:
        changed = pc.or_(changed, pc.not_equal(key[1:], key[:-1]))
    return [*(c + 1 for c in pc.indices_nonzero(changed).to_pylist()), n]
