"""All SQL of the query engine, built from fixed fragments: column names come only from the
catalogue (checked against the declared events-log schema), every value is a `%(pN)s` parameter.

Visits come from the `visits` table, one row per visit that the worker recomputes from the events
log (core.ingest.visits): start and end, pageviews, engagement, and each visit attribute from its
first event by `(ts_ms, event_id)`. A visit is counted when it has a pageview and *started* in the
window; sessions never cross local midnight, so the events of such a visit all lie within the
window's days padded by one UTC day (which event filters on visits use).
Only functions ClickHouse 18.16 has are used (no window functions, JSONExtract or DateTime64).

Goals are conditions on an event (a custom event's name, or a pageview's path against the goal's
anchored RE2 pattern), one per goal of the site, as parameters; `event:goal` groups by the
1-based numbers of the goals an event completes (`arrayJoin`), so an event completing two goals
counts under both and one completing none is in no row.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace

from core.analytics.port import AnalyticsStore
from core.query.catalogue import COUNTED_TYPES
from core.query.goals import Goal
from core.query.plan import Dimension, Filter, Leaf, Plan, leaves

_STARTED = "toDateTime(intDiv(started, 1000), 'UTC')"
_BUCKETS = {
    "hour": "toUInt32(toStartOfHour({ts}, %(tz)s))",
    "day": "toDate({ts}, %(tz)s)",
    "week": "toMonday(toDate({ts}, %(tz)s))",
    "month": "toStartOfMonth(toDate({ts}, %(tz)s))",
}
# The visits of the window, from the worker's visits table (core.ingest.visits): FINAL reads each
# visit's newest state only. The site and day conditions are on the sorting key, so they may be
# applied before FINAL; every other condition is applied to the merged rows, outside.
_VISITS = """
SELECT visitor_id, session_id, started, ended, views, n_events,
    (views = 1 AND (engagements = 0 OR engaged_ms < %(engaged_ms)s)) AS bounce{extra}
FROM (SELECT visitor_id, session_id, started, ended, views, n_events, engagements, engaged_ms,
          is_bot{columns} FROM visits FINAL
      WHERE site_id = %(site_id)s AND day BETWEEN %(pad_from)s AND %(pad_to)s)
WHERE views > 0 AND is_bot <= %(max_bot)s AND started >= %(start_ms)s AND started < %(end_ms)s
"""
_VISIT_QUERY = """
SELECT {dims}{visitors}, count(), sum(views), sum(n_events), sum(bounce), sum(ended - started)
FROM ({visits}) WHERE {where}{group}
"""
# Each event is in the log once (the worker's dedup), so count() counts events.
_EVENT_QUERY = """
SELECT {dims}{numbers}
FROM {source}{join}
WHERE {where}{group}
"""
_EVENT_SCOPE = """site_id = %(site_id)s AND day BETWEEN %(day_from)s AND %(day_to)s AND ts >= %(start)s
  AND ts < %(end)s AND {types} AND is_bot <= %(max_bot)s"""
# A module's counted events with its columns beside theirs (core.query.contributions `entries`):
# the window's events of the type are chosen first, so the join reads only those. One entry per
# event on the right, so ANY. The columns are all that dimensions, filters and goals read. With
# `visit_of`, the entry names the session the event counts under, in place of the event's own.
_WITH_ENTRIES = """(SELECT *{visit_of} FROM (
    SELECT event_id, ts, {session}visitor_id, type, name, pathname, hostname, prop_keys, prop_values, timezone,
        local_weekday, local_hour
    FROM events WHERE {scope}) AS logged ANY INNER JOIN ({entries}) AS entry USING event_id) AS counted"""
# "Visits with a counted event that matches": the events of a visit lie within the padded days.
_SESSIONS_WITH = """session_id IN (
    SELECT session_id FROM events
    WHERE site_id = %(site_id)s AND day BETWEEN %(pad_from)s AND %(pad_to)s AND session_id != 0
      AND type IN %(counted)s AND {cond})"""
_IN_VISITS = "session_id IN (SELECT session_id FROM ({visits}) WHERE {cond})"
# visit:* dimensions of events: each event gets its visit's attributes (a visit with a pageview,
# whenever it started; '' for events outside one). One row per session on the right, so ANY.
_VISIT_OF_EVENT = """
ANY LEFT JOIN ({visits}) AS visit USING session_id"""
# The visits events of the window belong to: within the padded days. The visits named by a
# module's `visit_of` may lie anywhere before: only those sessions are read, from every earlier day.
_VISITS_OF_EVENTS = """SELECT session_id{attrs} FROM (SELECT session_id, views{columns} FROM visits FINAL
        WHERE site_id = %(site_id)s AND {days})
    WHERE views > 0"""
_PADDED_DAYS = "day BETWEEN %(pad_from)s AND %(pad_to)s"
_NAMED_VISITS = "day <= %(pad_to)s AND session_id IN (SELECT {visit_of} FROM ({entries}))"
_IN_VISITS_OF_EVENTS = "session_id IN (SELECT session_id FROM ({visits}) WHERE {cond})"
FIRST_EVENT = "SELECT min(ts_ms) FROM events WHERE site_id = %(site_id)s"

# Raw numbers per row, after the dimension values: visit scope and event scope.
VISIT_NUMBERS = ("visitors", "visits", "pageviews", "events", "bounces", "duration_ms")
EVENT_NUMBERS = ("visitors", "visits", "pageviews", "events")
# The distinct counts are most of a query's cost: each is computed only when a metric needs it
# (0 in its place otherwise). The other numbers cost next to nothing.
_VISITORS = "uniqExact(visitor_id)"
_EVENT_SQL = {"visitors": _VISITORS, "visits": "uniqExactIf(session_id, session_id != 0)",
              "pageviews": "countIf(type = 'pageview')", "events": "count()"}
_NEEDS = {"visitors": {"visitors", "percentage", "conversion_rate"}, "visits": {"visits"}}


def _needed(number: str, metrics: Sequence[str]) -> bool:
    return number not in _NEEDS or bool(_NEEDS[number] & set(metrics))


class _Sql:
    """Collects parameters while fragments are put together."""

    def __init__(self, params: dict, goals: Sequence[Goal] = ()) -> None:
        self.params = {**params, "counted": COUNTED_TYPES}
        self.goals = tuple(goals)

    def value(self, v: object) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = v
        return f"%({name})s"


def visit_query(plan: Plan, params: dict, *, grouped: bool = True,
                goals: Sequence[Goal] = ()) -> tuple[str, dict]:
    q = _Sql(params, goals)
    dims = plan.dimensions if grouped else ()
    attrs = {_alias(d): _attribute(d) for d in _visit_dims(plan.filter, dims)}

    def leaf_sql(leaf: Leaf) -> str:
        if leaf.dimension.kind != "event":
            return _condition(q, leaf, _alias(leaf.dimension))
        # a negated operator keeps the visits with no matching event
        cond = _SESSIONS_WITH.format(cond=_event_condition(q, replace(leaf, negated=False)))
        return f"NOT ({cond})" if leaf.negated else cond

    where = _render(plan.filter, leaf_sql)
    exprs = [(_bucket(d.grain, _STARTED) if d.kind == "time" else _alias(d)) for d in dims]
    visitors = _VISITORS if _needed("visitors", plan.metrics) else "0"
    return _VISIT_QUERY.format(dims=_select(exprs), visitors=visitors, visits=_visits(attrs),
                               where=where, group=_group(exprs)), q.params


@dataclass(frozen=True, slots=True)
class Contributed:
    """Where modules' metrics count (core.query.contributions) and what they aggregate there."""

    event_type: str
    numbers: tuple[str, ...]  # aggregate expressions
    entries: str | None = None
    split: str | None = None  # grouped by after the dimensions: one more value per row
    visit_of: str | None = None  # an entries column: the session whose visit each event counts under


def event_query(plan: Plan, params: dict, *, grouped: bool = True, goals: Sequence[Goal] = (),
                contributed: Contributed | None = None) -> tuple[str, dict]:
    """`contributed`: modules' metrics, counted over their events instead of the engine's own numbers."""
    q = _Sql(params, goals)
    dims = plan.dimensions if grouped else ()
    named = bool(contributed is not None and contributed.entries and contributed.visit_of)
    days = _NAMED_VISITS.format(visit_of=contributed.visit_of, entries=contributed.entries) if named else _PADDED_DAYS

    def leaf_sql(leaf: Leaf) -> str:
        if leaf.dimension.kind == "event":
            return _event_condition(q, leaf)
        attr = {_alias(leaf.dimension): _attribute(leaf.dimension)}
        cond = _condition(q, leaf, _alias(leaf.dimension))
        if named:  # the named visits, whenever they started
            return _IN_VISITS_OF_EVENTS.format(visits=_visits_of_events(attr, days), cond=cond)
        return _IN_VISITS.format(visits=_visits(attr), cond=cond)

    where = _render(plan.filter, leaf_sql)
    exprs = [(_bucket(d.grain, "ts") if d.kind == "time" else _alias(d) if d.kind == "visit"
              else _event_column(q, d)) for d in dims]
    visit_dims = [d for d in dims if d.kind == "visit"]
    attrs = {_alias(d): _attribute(d) for d in visit_dims}
    join = _VISIT_OF_EVENT.format(visits=_visits_of_events(attrs, days)) if visit_dims else ""
    if contributed is None:
        scope = _EVENT_SCOPE.format(types="type IN %(counted)s")
        numbers = ", ".join(_EVENT_SQL[n] if _needed(n, plan.metrics) else "0" for n in EVENT_NUMBERS)
    else:
        scope = _EVENT_SCOPE.format(types=f"type = {q.value(contributed.event_type)}")
        numbers = ", ".join(contributed.numbers)
        exprs = [*exprs, contributed.split] if contributed.split else exprs
    source = "events"
    if contributed is not None and contributed.entries:
        source = _WITH_ENTRIES.format(scope=scope, entries=contributed.entries,
                                      visit_of=f", {contributed.visit_of} AS session_id" if named else "",
                                      session="" if named else "session_id, ")
    else:
        where = f"{scope} AND {where}"
    return _EVENT_QUERY.format(dims=_select(exprs), numbers=numbers, source=source, join=join, where=where,
                               group=_group(exprs)), q.params


def _visits(attrs: dict[str, str]) -> str:
    """The visits subquery with these attributes (alias -> visits column); FINAL reads only the
    columns named, not the whole row."""
    return _VISITS.format(extra=_as(attrs), columns=_columns(attrs))


def _visits_of_events(attrs: dict[str, str], days: str) -> str:
    return _VISITS_OF_EVENTS.format(attrs=_as(attrs), columns=_columns(attrs), days=days)


def _as(attrs: dict[str, str]) -> str:
    return "".join(f", {column} AS {alias}" for alias, column in attrs.items())


def _columns(attrs: dict[str, str]) -> str:
    return "".join(f", {column}" for column in dict.fromkeys(attrs.values()))


def _select(exprs: Sequence[str]) -> str:
    return "".join(f"{e} AS d{i}, " for i, e in enumerate(exprs))


def _group(exprs: Sequence[str]) -> str:
    return ("\nGROUP BY " + ", ".join(f"d{i}" for i in range(len(exprs)))) if exprs else ""


def _bucket(grain: str, ts: str) -> str:
    return _BUCKETS[grain].format(ts=ts)


def _alias(d: Dimension) -> str:
    return f"v_{d.page or d.column}"


def _attribute(d: Dimension) -> str:
    """The visits-table column holding this visit attribute."""
    return d.page or d.column


def _event_column(q: _Sql, d: Dimension) -> str:
    if d.goal:  # the numbers of the goals the event completes, one row each
        flags = ", ".join(f"if({_goal(q, g)}, {i}, 0)" for i, g in enumerate(q.goals, start=1))
        return f"arrayJoin(arrayFilter(g -> g > 0, [{flags}]))"
    if d.prop_key:
        return f"prop_values[indexOf(prop_keys, {q.value(d.prop_key)})]"
    return d.column


def _goal(q: _Sql, goal: Goal) -> str:
    if goal.kind == "event":
        return f"(type = 'event' AND name = {q.value(goal.target)})"
    return f"(type = 'pageview' AND match(pathname, {q.value(goal.page_regex)}))"


def _event_condition(q: _Sql, leaf: Leaf) -> str:
    if not leaf.dimension.goal:
        return _condition(q, leaf, _event_column(q, leaf.dimension))
    # goal filters name goals: which ones is decided here, the SQL tests their conditions
    named = [g for g in q.goals if (g.display_name in leaf.values if leaf.op == "is"
                                    else any(v in g.display_name for v in leaf.values))]
    cond = "(" + " OR ".join(_goal(q, g) for g in named) + ")" if named else "0"
    return f"NOT ({cond})" if leaf.negated else cond


def _condition(q: _Sql, leaf: Leaf, column: str) -> str:
    if leaf.op == "is":
        cond = f"{column} IN {q.value(list(leaf.values))}"
    else:
        fn = "position({c}, {v}) > 0" if leaf.op == "contains" else "match({c}, {v})"
        cond = "(" + " OR ".join(fn.format(c=column, v=q.value(v)) for v in leaf.values) + ")"
    return f"NOT ({cond})" if leaf.negated else cond


def _render(node: Filter | None, leaf_sql) -> str:
    if node is None:
        return "1"
    if isinstance(node, Leaf):
        return leaf_sql(node)
    if node.op == "not":
        return f"NOT ({_render(node.children[0], leaf_sql)})"
    return "(" + f" {node.op.upper()} ".join(_render(c, leaf_sql) for c in node.children) + ")"


def _visit_dims(node: Filter | None, dims: Sequence[Dimension]) -> list[Dimension]:
    """The visit attributes the query reads (grouped by or filtered on), each once."""
    wanted = {_alias(d): d for d in dims if d.kind == "visit"}
    wanted.update({_alias(leaf.dimension): leaf.dimension for leaf in leaves(node) if leaf.dimension.kind == "visit"})
    return list(wanted.values())


class QueryStore:
    def __init__(self, *, store: AnalyticsStore, timeout_s: float | None = None) -> None:
        self._store = store
        self._timeout_s = timeout_s  # UT_STATS_TIMEOUT_S: the engine stops a read that runs longer

    def rows(self, sql: str, params: dict) -> list[tuple]:
        return self._store.query(sql, params, timeout_s=self._timeout_s)

    def first_event_ms(self, site_id: str) -> int:
        rows = self._store.query(FIRST_EVENT, {"site_id": site_id})
        return int(rows[0][0] or 0) if rows else 0


# Public names for modules that render the engine's filters in their own SQL (insights); aliases only.
Sql, render, event_condition, condition = _Sql, _render, _event_condition, _condition
