"""A request checked against the catalogue and turned into a plan; every mistake is a `QueryError`
that names what was wrong and what is valid (the route answers it as 400, never 500).

The plan's scope decides how it is counted: with no `event:*` dimension the rows are visits
(`visit` scope: every metric is defined), with one they are events (`event` scope: visitors,
visits, pageviews, events, percentage and conversion_rate only); with both, each event is counted
under its visit's attributes. `conversion_rate` needs goals in the query (an `event:goal`
dimension or a top-level `event:goal` filter); its denominator is `Plan.base()`, the same query
without them.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from core.query import catalogue as cat
from core.query.schemas import QueryRequest

MAX_LIMIT = 10000
MAX_VALUES = 100
MAX_VALUE_LEN = 1000
MAX_DEPTH = 8


class QueryError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Dimension:
    name: str
    kind: str  # "visit" | "event" | "time"
    column: str = ""  # events-log column (visit: the entry's; "" for time and props), or an expression of them
    prop_key: str = ""
    grain: str = ""  # time grain
    page: str = ""  # "entry_page" | "exit_page" for those two visit dimensions
    goal: bool = False  # event:goal: the goals each event completes


@dataclass(frozen=True, slots=True)
class Leaf:
    op: str  # positive operator: is | contains | matches
    negated: bool
    dimension: Dimension
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Logic:
    op: str  # and | or | not
    children: tuple["Leaf | Logic", ...]


Filter = Leaf | Logic


@dataclass(frozen=True, slots=True)
class Plan:
    metrics: tuple[str, ...]
    dimensions: tuple[Dimension, ...]
    filter: Filter | None
    scope: str  # "visit" | "event"
    order_by: tuple[tuple[str, bool], ...]  # (metric or dimension name, descending)
    limit: int
    offset: int

    @property
    def time(self) -> Dimension | None:
        return next((d for d in self.dimensions if d.kind == "time"), None)

    @property
    def uses_goals(self) -> bool:
        return any(d.goal for d in self.dimensions) or any(leaf.dimension.goal for leaf in leaves(self.filter))

    def base(self) -> "Plan":
        """The conversion_rate denominator: this query without its goal dimension and without the
        goal filters it and-s at the top, counted in the same scope (so converters ⊆ base)."""
        top = self.filter.children if isinstance(self.filter, Logic) and self.filter.op == "and" else (self.filter,)
        kept = tuple(f for f in top if f is not None and not (isinstance(f, Leaf) and f.dimension.goal))
        tree = None if not kept else kept[0] if len(kept) == 1 else Logic("and", kept)
        return replace(self, dimensions=tuple(d for d in self.dimensions if not d.goal), filter=tree)

    def base_key(self, key: tuple) -> tuple:
        return tuple(v for d, v in zip(self.dimensions, key, strict=True) if not d.goal)


def leaves(node: Filter | None) -> list[Leaf]:
    if node is None:
        return []
    if isinstance(node, Leaf):
        return [node]
    return [leaf for c in node.children for leaf in leaves(c)]


def dimension(name: Any) -> Dimension:
    if not isinstance(name, str):
        raise QueryError(f"dimension: expected a name, got {name!r}; one of {', '.join(cat.DIMENSIONS)}")
    kind, _, rest = name.partition(":")
    if name.startswith(cat.PROPS_PREFIX):
        key = name[len(cat.PROPS_PREFIX):]
        if not key or len(key) > cat.MAX_PROP_KEY:
            raise QueryError(f"dimension {name!r}: event:props:<key> needs a key of 1-{cat.MAX_PROP_KEY} characters")
        return Dimension(name, "event", prop_key=key)
    if name == cat.GOAL:
        return Dimension(name, "event", goal=True)
    if kind == "event" and rest in cat.EVENT_COLUMNS_BY_DIMENSION:
        return Dimension(name, "event", column=cat.EVENT_COLUMNS_BY_DIMENSION[rest])
    if kind == "event" and rest in cat.EVENT_LOCAL_TIME:
        return Dimension(name, "event", column=cat.EVENT_LOCAL_TIME[rest])
    if kind == "visit" and rest in cat.VISIT_COLUMNS:
        return Dimension(name, "visit", column=cat.VISIT_COLUMNS[rest])
    if kind == "visit" and rest in cat.VISIT_PAGES:
        return Dimension(name, "visit", column="pathname", page=rest)
    if kind == "time" and rest in cat.TIME_GRAINS:
        return Dimension(name, "time", grain=rest)
    raise QueryError(f"dimension: unknown {name!r}; one of {', '.join(cat.DIMENSIONS)}")


def build(request: QueryRequest, contributed: Sequence[str] = ()) -> Plan:
    """`contributed`: the names of the installed modules' metrics (core.query.contributions)."""
    metrics = tuple(request.metrics)
    known = (*cat.METRICS, *contributed)
    if not metrics:
        raise QueryError(f"metrics: name at least one of {', '.join(known)}")
    for m in metrics:
        if m not in known:
            raise QueryError(f"metric: unknown {m!r}; one of {', '.join(known)}")
    if len(set(metrics)) != len(metrics):
        raise QueryError("metrics: each metric at most once")
    dims = tuple(dimension(d) for d in request.dimensions)
    if len({d.name for d in dims}) != len(dims):
        raise QueryError("dimensions: each dimension at most once")
    if sum(d.kind == "time" for d in dims) > 1:
        raise QueryError("dimensions: at most one time:* dimension")
    kinds = {d.kind for d in dims}
    theirs = [m for m in metrics if m in contributed]
    if theirs and any(d.goal for d in dims):
        raise QueryError(f"metric {theirs[0]!r} is counted over events of its own type, which complete no goal: "
                         "break it down by any dimension but event:goal")
    scope = "event" if "event" in kinds else "visit"
    if scope == "event":
        bad = [m for m in metrics if m in cat.VISIT_ONLY_METRICS]
        if bad:
            raise QueryError(f"metric {bad[0]!r} is per visit and cannot be broken down by an event:* dimension; "
                             f"with event:* use {', '.join(m for m in cat.METRICS if m not in cat.VISIT_ONLY_METRICS)}")
    if "percentage" in metrics and not dims:
        raise QueryError("metric 'percentage' needs a dimension (it is each row's share of visitors)")
    goal_dim = any(d.goal for d in dims)
    if "percentage" in metrics and goal_dim:
        raise QueryError("metric 'percentage' cannot be broken down by event:goal (one visitor may complete "
                         "several goals); use conversion_rate")
    filters = [_filter(f, 0) for f in request.filters]
    if "conversion_rate" in metrics and not goal_dim and not any(isinstance(f, Leaf) and f.dimension.goal
                                                                 for f in filters):
        raise QueryError("metric 'conversion_rate' needs goals: an event:goal dimension or a top-level "
                         'event:goal filter, e.g. ["is", "event:goal", ["Signup"]]')
    tree = None if not filters else filters[0] if len(filters) == 1 else Logic("and", tuple(filters))
    return Plan(metrics, dims, tree, scope, _order(request.order_by, metrics, dims), *_page(request))


def _filter(value: Any, depth: int) -> Filter:
    if depth > MAX_DEPTH:
        raise QueryError(f"filters: nested deeper than {MAX_DEPTH}")
    if not isinstance(value, list) or not value or not isinstance(value[0], str):
        raise QueryError(f"filter: expected [operator, dimension, [values]], got {value!r}")
    op = value[0]
    if op in ("and", "or"):
        if len(value) != 2 or not isinstance(value[1], list) or not value[1]:
            raise QueryError(f'filter: "{op}" takes a non-empty list of filters: ["{op}", [f1, f2]]')
        return Logic(op, tuple(_filter(f, depth + 1) for f in value[1]))
    if op == "not":
        if len(value) != 2:
            raise QueryError('filter: "not" takes one filter: ["not", f]')
        return Logic("not", (_filter(value[1], depth + 1),))
    if op not in cat.OPERATORS:
        raise QueryError(f"filter: unknown operator {op!r}; one of {', '.join((*cat.OPERATORS, *cat.LOGICAL))}")
    if len(value) != 3 or not isinstance(value[2], list) or not value[2]:
        raise QueryError(f"filter {value!r}: expected [{op!r}, dimension, [one or more values]]")
    dim = dimension(value[1])
    if dim.kind == "time":
        raise QueryError(f"filter on {dim.name!r}: time is filtered by date_range, not by filters")
    values = value[2]
    if len(values) > MAX_VALUES or not all(isinstance(v, str) and len(v) <= MAX_VALUE_LEN for v in values):
        raise QueryError(f"filter on {dim.name!r}: 1-{MAX_VALUES} string values of at most {MAX_VALUE_LEN} characters")
    if dim.goal and op not in cat.GOAL_OPERATORS:
        raise QueryError(f"filter on {dim.name!r}: operator {op!r} is not for goals; one of "
                         f"{', '.join(cat.GOAL_OPERATORS)} (on goal names)")
    positive = cat.NEGATED.get(op, op)
    return Leaf(positive, op in cat.NEGATED, dim, tuple(values))


def _order(order_by: list[list[str]] | None, metrics: tuple[str, ...],
           dims: tuple[Dimension, ...]) -> tuple[tuple[str, bool], ...]:
    if order_by is None:
        time = [d.name for d in dims if d.kind == "time"]
        return ((time[0], False),) if time else ((metrics[0], True),)
    names = (*metrics, *(d.name for d in dims))
    out = []
    for item in order_by:
        if len(item) != 2 or item[1] not in ("asc", "desc"):
            raise QueryError(f'order_by: expected [name, "asc"|"desc"], got {item!r}')
        if item[0] not in names:
            raise QueryError(f"order_by: {item[0]!r} is not a metric or dimension of the query; "
                             f"one of {', '.join(names)}")
        out.append((item[0], item[1] == "desc"))
    return tuple(out)


def _page(request: QueryRequest) -> tuple[int, int]:
    limit, offset = request.pagination.limit, request.pagination.offset
    if not 1 <= limit <= MAX_LIMIT:
        raise QueryError(f"pagination.limit: 1 to {MAX_LIMIT}, got {limit}")
    if offset < 0:
        raise QueryError(f"pagination.offset: 0 or more, got {offset}")
    if request.include.comparison not in (None, "previous_period"):
        raise QueryError(f"include.comparison: only 'previous_period', got {request.include.comparison!r}")
    return limit, offset


# Public names for modules that apply the engine's filters to their own queries (insights).
parse_filter = _filter
