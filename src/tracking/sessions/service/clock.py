"""Time-zone helpers shared by assignment, projection and stats: local days of a site."""

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.analytics.time_range import UtcRange
from core.tenancy.service import SiteInfo


@lru_cache(maxsize=512)
def zone_named(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):  # a site's zone is checked on creation; be safe anyway
        return ZoneInfo("UTC")


def zone_of(site: SiteInfo | None) -> ZoneInfo:
    return zone_named(site.timezone if site else "UTC")


def local_date(ts_ms: int, zone: ZoneInfo) -> date:
    return datetime.fromtimestamp(ts_ms / 1000, UTC).astimezone(zone).date()


def local_span(window: UtcRange, zone: ZoneInfo) -> tuple[date, date]:
    """The first and last local day a report window covers."""
    return window.start.astimezone(zone).date(), (window.end - timedelta(microseconds=1)).astimezone(zone).date()


def window_params(window: UtcRange, site: SiteInfo) -> dict:
    """Everything the session queries filter on: UTC bounds (s and ms) and the local days.

    The day filter only prunes; a day either side is included so that sessions keyed under an
    earlier time zone of the site are still found, and the start time decides exactly."""
    local_from, local_to = local_span(window, zone_of(site))
    local_from, local_to = local_from - timedelta(days=1), local_to + timedelta(days=1)
    return {**window.params(), "site_id": site.id, "tz": zone_of(site).key, "local_from": local_from,
            "local_to": local_to, "start_ms": int(window.start.timestamp() * 1000),
            "end_ms": int(window.end.timestamp() * 1000)}
