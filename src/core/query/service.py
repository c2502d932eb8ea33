"""The query engine: a Stats API v2 request in, rows of metrics out.

It checks the request (`plan.build`), resolves the date range in the site's time zone, runs the
plan's SQL (`clickhouse`), turns raw counts into the API's metrics, and does in Python what needs
the whole answer: percentages of the total, conversion rates over the query without its goals,
zero-filled time buckets, the comparison with the previous period, ordering (ties broken by the
dimensions, so pages are stable) and pagination. The site's goals are read only by queries that
name `event:goal`. Answers are kept in the query cache (core.query.cache) when one is given;
a request is checked before the cache is asked, so a bad one is a 400 whether cached or not.
"""

from collections.abc import Callable, Sequence
from dataclasses import astuple
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from core.analytics.time_range import UtcRange
from core.query import buckets, clickhouse
from core.query.cache import QueryCache
from core.query.contributions import MetricContext, QueryMetric, WindowValues, by_name
from core.query.dates import InvalidDateRange, Period, resolve
from core.query.goals import Goal
from core.query.plan import MAX_LIMIT, Plan, QueryError, build, leaves
from core.query.schemas import Comparison, Pagination, QueryRequest, QueryResponse, ResultRow
from core.tenancy.service import SiteInfo

Key = tuple  # raw dimension values of one row, as ClickHouse answers them


class QueryService:
    def __init__(self, *, store: clickhouse.QueryStore, engaged_ms: int = 0, engagement_type: str = "engagement",
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 goals: Callable[[str], Sequence[Goal]] = lambda site_id: (),
                 cache: QueryCache | None = None, metrics: Sequence[QueryMetric] = ()) -> None:
        """`metrics`: the installed modules' contributions (core.query.contributions)."""
        self._store = store
        self._theirs = by_name(metrics)
        self._goals = goals
        self._cache = cache
        self._engaged_ms = engaged_ms
        self._engagement_type = engagement_type
        self._clock = clock

    def run(self, *, site: SiteInfo, request: QueryRequest) -> QueryResponse:
        plan = build(request, tuple(self._theirs))
        goals = self._site_goals(site, plan)
        if self._cache is None:
            return self._answer(site, request, plan, goals)
        today = self._clock().astimezone(ZoneInfo(site.timezone)).date().isoformat()
        # every relative range ends today or later; [from, to] is closed once `to` is past
        open_range = not isinstance(request.date_range, list) or str(request.date_range[-1]) >= today
        key = self._cache.key(site.id, {"request": request.model_dump(mode="json"), "timezone": site.timezone,
                                        "today": today, "goals": [astuple(g) for g in goals]})
        cached = self._cache.get(key, open_range=open_range)
        if cached is not None:
            return QueryResponse.model_validate_json(cached)
        answer = self._answer(site, request, plan, goals)
        self._cache.put(key, answer.model_dump_json().encode(), open_range=open_range)
        return answer

    def every_row(self, *, site: SiteInfo, request: QueryRequest,
                  page: int = MAX_LIMIT) -> tuple[list[ResultRow], dict]:
        """Every row of the answer, page after page (for adapters that rank rows by what is not a
        metric: net revenue, all of a page's Web Vitals), and the answer's `meta`."""
        rows: list[ResultRow] = []
        meta: dict = {}
        offset, total = 0, 1
        while offset < total:
            asked = request.model_copy(update={"include": request.include.model_copy(update={"total_rows": True}),
                                               "pagination": Pagination(limit=page, offset=offset)})
            answer = self.run(site=site, request=asked)
            rows += answer.results
            meta, total, offset = answer.meta, answer.meta["total_rows"], offset + page
        return rows, meta

    def _answer(self, site: SiteInfo, request: QueryRequest, plan: Plan, goals: tuple[Goal, ...]) -> QueryResponse:
        zone = ZoneInfo(site.timezone)
        period = self._period(site, request, zone)
        window = period.window
        if plan.time and plan.time.grain == "hour" and period.days > buckets.MAX_HOURLY_DAYS:
            raise QueryError(f"time:hour covers at most {buckets.MAX_HOURLY_DAYS} days")
        labels = buckets.every_bucket(window, zone, plan.time.grain) if plan.time else []
        fill = labels if request.include.time_labels and plan.time and len(plan.dimensions) == 1 else None
        values, _, meta = self._values(plan, site, window, request.include_bots, goals, fill)
        previous: dict[Key, list] = {}
        nothing_before: list = []
        if request.include.comparison:
            p_window = period.previous
            p_labels = buckets.every_bucket(p_window, zone, plan.time.grain) if plan.time else []
            before, nothing_before, _ = self._values(plan, site, p_window, request.include_bots, goals, None)
            previous = {_shift(plan, key, p_labels, labels): m for key, m in before.items()}
            meta["comparison_date_range"] = list(period.previous_label)
        ordered = _ordered(plan, values)
        if request.include.total_rows:
            meta["total_rows"] = len(ordered)
        if request.include.time_labels and plan.time:
            meta["time_labels"] = [buckets.label(plan.time.grain, k, zone) for k in labels]
        page = ordered[plan.offset:plan.offset + plan.limit]
        results = [self._row(plan, key, metrics, zone, previous if request.include.comparison else None,
                             nothing_before) for key, metrics in page]
        return QueryResponse(results=results, meta=meta, query=_echo(request, plan, period.label))

    def _site_goals(self, site: SiteInfo, plan: Plan) -> tuple[Goal, ...]:
        if not plan.uses_goals:
            return ()
        goals = tuple(self._goals(site.id))
        names = {g.display_name for g in goals}
        choices = ", ".join(sorted(names)) or "none yet (POST /api/v1/sites/<site_id>/goals)"
        for leaf in leaves(plan.filter):
            unknown = [v for v in leaf.values if leaf.dimension.goal and leaf.op == "is" and v not in names]
            if unknown:
                raise QueryError(f"filter on 'event:goal': no goal named {unknown[0]!r} on this site; goals: {choices}")
        return goals

    def _values(self, plan: Plan, site: SiteInfo, window: UtcRange, include_bots: bool,
                goals: tuple[Goal, ...], fill: list | None) -> tuple[dict[Key, list], list, dict]:
        """Each row's metrics over one window; `fill` lists time keys to answer even when empty.
        Also the metrics of a row where nothing happened, and what modules' metrics put in `meta`."""
        own = any(m not in self._theirs for m in plan.metrics)  # else the engine's counts are not asked for
        rows = self._counts(plan, site, window, include_bots, goals) if own else {}
        total = (self._counts(plan, site, window, include_bots, goals, grouped=False)
                 if "percentage" in plan.metrics else {})
        base = self._counts(plan.base(), site, window, include_bots, goals) if "conversion_rate" in plan.metrics else {}
        theirs, windows = self._contributed(plan, site, window, include_bots)
        rows = {**{key: {} for key in theirs}, **rows}  # a row of either (a page with purchases but no views)
        if fill is not None:
            rows = {(k,): rows.get((k,), {}) for k in fill}
        if not plan.dimensions and not rows:
            rows = {(): {}}  # an aggregate always answers one row, of zeros when nothing happened
        values = {key: _metrics(plan, n, total.get((), {}), base.get(plan.base_key(key), {}),
                                {m: w.value(theirs.get(key, {})) for m, w in windows.items()})
                  for key, n in rows.items()}
        empty = _metrics(plan, {}, {}, {}, {m: w.value({}) for m, w in windows.items()})
        return values, empty, {k: v for w in windows.values() for k, v in w.meta.items()}

    def _contributed(self, plan: Plan, site: SiteInfo, window: UtcRange, include_bots: bool
                     ) -> tuple[dict[Key, dict[str, object]], dict[str, WindowValues]]:
        """Modules' metrics: one query per source they count over (event type, entries, split,
        visit_of), their raw numbers by row key (split ones as {split value: number}), and each
        metric over the window, which sees the split values of every source split the same way."""
        wanted = [self._theirs[m] for m in plan.metrics if m in self._theirs]
        out: dict[Key, dict[str, object]] = {}
        splits: dict[str, set[str]] = {}  # split expression -> its values over every source split by it
        for source in dict.fromkeys((m.event_type, m.entries, m.split, m.visit_of) for m in wanted):
            mine = [m for m in wanted if (m.event_type, m.entries, m.split, m.visit_of) == source]
            exprs = {n: e for m in mine for n, e in m.numbers.items()}  # metrics may share numbers
            names = list(exprs)
            contributed = clickhouse.Contributed(source[0], tuple(exprs.values()), entries=source[1],
                                                 split=source[2], visit_of=source[3])
            sql, params = clickhouse.event_query(plan, self._params(site, window, include_bots),
                                                 contributed=contributed)
            width = len(plan.dimensions)
            for row in self._store.rows(sql, params):
                numbers = out.setdefault(tuple(row[:width]), {})
                if source[2] is None:
                    numbers.update(zip(names, row[width:], strict=True))
                    continue
                splits.setdefault(source[2], set()).add(str(row[width]))
                for name, value in zip(names, row[width + 1:], strict=True):
                    numbers.setdefault(name, {})[str(row[width])] = value
        windows = {m.name: m.over(MetricContext(site.id, frozenset(splits.get(m.split or "", ())))) for m in wanted}
        return out, windows

    def _params(self, site: SiteInfo, window: UtcRange, include_bots: bool) -> dict:
        return {**window.params(), "site_id": site.id, "tz": site.timezone, "max_bot": int(include_bots),
                "pad_from": window.day_from - timedelta(days=1), "pad_to": window.day_to + timedelta(days=1),
                "start_ms": int(window.start.timestamp() * 1000), "end_ms": int(window.end.timestamp() * 1000),
                "engaged_ms": self._engaged_ms, "engagement_type": self._engagement_type}

    def _period(self, site: SiteInfo, request: QueryRequest, zone: ZoneInfo) -> Period:
        today = self._clock().astimezone(zone).date()
        first_day = None
        if request.date_range == "all":
            ms = self._store.first_event_ms(site.id)
            first_day = datetime.fromtimestamp(ms / 1000, UTC).astimezone(zone).date() if ms else None
        try:
            return resolve(request.date_range, timezone=site.timezone, today=today, first_day=first_day)
        except InvalidDateRange as exc:
            raise QueryError(str(exc)) from exc

    def _counts(self, plan: Plan, site: SiteInfo, window: UtcRange, include_bots: bool,
                goals: tuple[Goal, ...], grouped: bool = True) -> dict[Key, dict[str, int]]:
        if grouped and any(d.goal for d in plan.dimensions) and not goals:
            return {}  # no goals: no event completes one
        params = self._params(site, window, include_bots)
        build_sql = clickhouse.visit_query if plan.scope == "visit" else clickhouse.event_query
        names = clickhouse.VISIT_NUMBERS if plan.scope == "visit" else clickhouse.EVENT_NUMBERS
        sql, params = build_sql(plan, params, grouped=grouped, goals=goals)
        width = len(plan.dimensions) if grouped else 0
        out = {}
        for row in self._store.rows(sql, params):
            numbers = dict(zip(names, (int(v or 0) for v in row[width:]), strict=True))
            if width or numbers["visitors"] or numbers["events"] or numbers.get("visits"):
                key = tuple(goals[int(v) - 1].display_name if d.goal else v
                            for d, v in zip(plan.dimensions, row[:width], strict=True)) if width else ()
                out[key] = numbers
        return out

    def _row(self, plan: Plan, key: Key, metrics: list, zone: ZoneInfo,
             previous: dict[Key, list] | None, nothing_before: list) -> ResultRow:
        labels = [buckets.label(d.grain, v, zone) if d.kind == "time" else str(v)
                  for d, v in zip(plan.dimensions, key, strict=True)]
        comparison = None
        if previous is not None:
            before = previous.get(key) or nothing_before
            comparison = Comparison(dimensions=labels, metrics=before,
                                    change=[_change(m, now, then) for m, now, then in zip(plan.metrics, metrics, before,
                                                                                          strict=True)])
        return ResultRow(dimensions=labels, metrics=metrics, comparison=comparison)


def _metrics(plan: Plan, n: dict[str, int], total: dict[str, int], base: dict[str, int],
             theirs: dict[str, int | float]) -> list[int | float]:
    visits, visitors = n.get("visits", 0), n.get("visitors", 0)
    values = {
        "visitors": visitors, "visits": visits, "pageviews": n.get("pageviews", 0), "events": n.get("events", 0),
        "bounce_rate": round(100 * n.get("bounces", 0) / visits, 1) if visits else 0.0,
        "visit_duration": round(n.get("duration_ms", 0) / visits / 1000, 1) if visits else 0.0,
        "views_per_visit": round(n.get("pageviews", 0) / visits, 2) if visits else 0.0,
        "percentage": round(100 * visitors / total["visitors"], 1) if total.get("visitors") else 0.0,
        "conversion_rate": round(100 * visitors / base["visitors"], 1) if base.get("visitors") else 0.0,
    }
    values.update(theirs)
    return [values[m] for m in plan.metrics]


def _change(metric: str, now: float, then: float) -> float | None:
    if metric == "bounce_rate":
        return round(now - then, 1)
    return None if not then else round(100 * (now - then) / then, 1)


def _shift(plan: Plan, key: Key, previous_labels: list, labels: list) -> Key:
    """A previous-period row's key as the current period's: time buckets match by position."""
    if not plan.time:
        return key
    i = plan.dimensions.index(plan.time)
    pos = previous_labels.index(key[i]) if key[i] in previous_labels else -1
    shifted = labels[pos] if 0 <= pos < len(labels) else None
    return (*key[:i], shifted, *key[i + 1:])


def _ordered(plan: Plan, values: dict[Key, list]) -> list[tuple[Key, list]]:
    items = sorted(values.items(), key=lambda kv: tuple(str(v) if not isinstance(v, int) else f"{v:020d}"
                                                        for v in kv[0]))
    names = [d.name for d in plan.dimensions]
    for name, desc in reversed(plan.order_by):  # stable sorts, last key first
        if name in plan.metrics:
            i = plan.metrics.index(name)
            items.sort(key=lambda kv, i=i: kv[1][i], reverse=desc)
        else:
            i = names.index(name)
            items.sort(key=lambda kv, i=i: kv[0][i], reverse=desc)
    return items


def _echo(request: QueryRequest, plan: Plan, label: tuple[str, str]) -> dict:
    return {"site_id": request.site_id, "metrics": list(plan.metrics),
            "date_range": list(label),
            "dimensions": [d.name for d in plan.dimensions], "filters": request.filters,
            "order_by": [[n, "desc" if d else "asc"] for n, d in plan.order_by],
            "include": request.include.model_dump(), "pagination": {"limit": plan.limit, "offset": plan.offset},
            "include_bots": request.include_bots}
