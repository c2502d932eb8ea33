"""What every insight query shares: its date range in the site's zone, its filters, its parameters."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from core.analytics.time_range import InvalidRange, local_days_to_utc
from core.query import clickhouse as engine
from core.query.dates import InvalidDateRange, local_days
from core.query.plan import Filter, Logic, QueryError, dimension, leaves, parse_filter
from core.tenancy.service import SiteInfo
from tracking.insights.clickhouse import TECHNICAL_TYPES, InsightsStore, filter_condition


class InsightsError(ValueError):
    """A request that cannot be answered as asked (answered 400 with this message)."""


class NotFound(LookupError):
    pass


@dataclass(frozen=True, slots=True)
class Window:
    first: date  # local days, inclusive
    last: date
    start_ms: int  # UTC bounds of those days
    end_ms: int

    def echo(self) -> list[str]:
        return [self.first.isoformat(), self.last.isoformat()]


class Windows:
    def __init__(self, *, store: InsightsStore, clock: Callable[[], datetime]) -> None:
        self._store = store
        self.clock = clock

    def now_ms(self) -> int:
        return int(self.clock().timestamp() * 1000)

    def resolve(self, site: SiteInfo, date_range: Any) -> Window:
        zone = ZoneInfo(site.timezone)
        today = self.clock().astimezone(zone).date()
        first_day = None
        if date_range == "all":
            rows = self._store.rows(engine.FIRST_EVENT, {"site_id": site.id})
            ms = int(rows[0][0] or 0) if rows else 0
            first_day = datetime.fromtimestamp(ms / 1000, UTC).astimezone(zone).date() if ms else None
        try:
            first, last = local_days(date_range, today=today, first_day=first_day)
            utc = local_days_to_utc(first, last, site.timezone)
        except (InvalidDateRange, InvalidRange) as exc:
            raise InsightsError(f"date_range: {exc}".replace("date_range: date_range:", "date_range:")) from exc
        return Window(first, last, _ms(utc.start), _ms(utc.end))


def parse_filters(filters: list) -> Filter | None:
    if not isinstance(filters, list):
        raise InsightsError("filters: expected a list of query-engine filters")
    try:
        tree = [parse_filter(f, 0) for f in filters]
    except QueryError as exc:
        raise InsightsError(str(exc)) from exc
    node = None if not tree else tree[0] if len(tree) == 1 else Logic("and", tuple(tree))
    if any(leaf.dimension.goal for leaf in leaves(node)):
        raise InsightsError("filters: event:goal is not available in insights; filter on event:name or event:page")
    return node


def parse_dimension(name: str):
    try:
        d = dimension(name)
    except QueryError as exc:
        raise InsightsError(f"breakdown: {exc}") from exc
    if d.kind == "time" or d.goal:
        raise InsightsError(f"breakdown: {name!r} is not available here; use an event:* or visit:* dimension")
    return d


def params(site: SiteInfo, from_ms: int, to_ms: int, include_bots: bool = False) -> dict:
    """The parameters of every insights query (and of the engine's visit fragment)."""
    day_from = datetime.fromtimestamp(from_ms / 1000, UTC).date()
    day_to = datetime.fromtimestamp(max(from_ms, to_ms - 1) / 1000, UTC).date()
    return {"site_id": site.id, "day_from": day_from, "day_to": day_to, "from_ms": from_ms, "to_ms": to_ms,
            "max_bot": int(include_bots), "technical": TECHNICAL_TYPES,
            "pad_from": day_from - timedelta(days=1), "pad_to": day_to + timedelta(days=1),
            "start_ms": from_ms, "end_ms": to_ms, "engaged_ms": 0, "engagement_type": "engagement",
            "tz": site.timezone}  # the zone local-time dimensions fall back to


def where(q: engine.Sql, node: Filter | None) -> str:
    return filter_condition(q, node)


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)
