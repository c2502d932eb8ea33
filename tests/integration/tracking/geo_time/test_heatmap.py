"""`/api/v1/stats/heatmap` as the query engine's numbers (issue 12): pageviews and their visitors by
weekday and hour in the visitor's own time zone, in the site's when the visitor's is unknown, bots
left out unless asked; the engine's `event:local_weekday|hour` dimensions with a filter. Truth
computed in Python with zoneinfo over a week across Berlin's DST change; both ClickHouse engines."""

import random
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.query.clickhouse import QueryStore
from core.query.schemas import QueryRequest
from core.query.service import QueryService
from core.tenancy.service import SiteInfo
from tests.integration.core.test_query_engine import write_in_random_order
from tracking.geo_time.service.heatmap import HeatmapService

FIRST, LAST = date(2026, 3, 26), date(2026, 4, 1)  # Berlin goes to summer time on the 29th
ZONES = ("", "", "America/New_York", "Asia/Tokyo", "Europe/Berlin")  # "": unknown, the site's zone


@pytest.fixture(scope="module")
def crowd(analytics_store):
    site = SiteInfo(f"site_h_{uuid.uuid4().hex[:10]}", "shop.example", (), "Europe/Berlin")
    rng, events = random.Random(7), []
    start = datetime(2026, 3, 25, tzinfo=UTC)
    for i in range(500):
        visitor, zone = rng.getrandbits(62) + 1, rng.choice(ZONES)
        ts = start + timedelta(minutes=rng.randrange(9 * 24 * 60))
        local = ts.astimezone(ZoneInfo(zone)) if zone else None
        for k, kind in enumerate(("pageview", "pageview", "event")[:rng.randint(1, 3)]):
            at = int((ts + timedelta(seconds=20 * k)).timestamp() * 1000)
            events.append({"site_id": site.id, "event_id": str(uuid.uuid4()), "type": kind,
                           "name": "pageview" if kind == "pageview" else "signup", "ts_ms": at, "received_ms": at,
                           "visitor_id": visitor, "session_id": visitor, "pathname": "/", "is_bot": int(i % 9 == 0),
                           "timezone": zone, "local_hour": local.hour if local else 0,
                           "local_weekday": local.isoweekday() if local else 0})
    write_in_random_order(analytics_store, events, seed=7)
    engine = QueryService(store=QueryStore(store=analytics_store))
    return site, events, engine


def truth(site: SiteInfo, events: list[dict], include_bots: bool) -> dict[tuple[int, int], tuple[int, int]]:
    zone = ZoneInfo(site.timezone)
    start = datetime.combine(FIRST, datetime.min.time(), zone).timestamp() * 1000
    end = datetime.combine(LAST + timedelta(days=1), datetime.min.time(), zone).timestamp() * 1000
    views, people = defaultdict(int), defaultdict(set)
    for e in events:
        if e["type"] == "pageview" and start <= e["ts_ms"] < end and (include_bots or not e["is_bot"]):
            local = datetime.fromtimestamp(e["ts_ms"] / 1000, ZoneInfo(e["timezone"] or site.timezone))
            cell = (local.isoweekday(), local.hour)
            views[cell] += 1
            people[cell].add(e["visitor_id"])
    return {cell: (views[cell], len(people[cell])) for cell in views}


def test_cells_are_in_the_visitors_own_time_and_bots_only_when_asked(crowd):
    site, events, engine = crowd
    heat = HeatmapService(engine=engine)
    for include_bots in (False, True):
        cells = heat.heatmap(site=site, date_from=FIRST, date_to=LAST, include_bots=include_bots)
        assert {(c.weekday, c.hour): (c.pageviews, c.visitors) for c in cells} == truth(site, events, include_bots)
        assert [(c.weekday, c.hour) for c in cells] == sorted((c.weekday, c.hour) for c in cells)
    assert len(cells) > 100 and any(e["timezone"] == "" for e in events)  # the seed covers the week's hours


def test_local_time_dimensions_filter_and_combine_in_the_engine(crowd):
    site, events, engine = crowd
    answer = engine.run(site=site, request=QueryRequest(
        site_id=site.id, metrics=["pageviews"], date_range=[FIRST.isoformat(), LAST.isoformat()],
        dimensions=["event:local_hour"], filters=[["is", "event:local_weekday", ["7"]],
                                                  ["is", "event:name", ["pageview"]]]))
    sunday = defaultdict(int)
    for (weekday, hour), (views, _) in truth(site, events, include_bots=False).items():
        if weekday == 7:
            sunday[str(hour)] += views
    assert {r.dimensions[0]: r.metrics[0] for r in answer.results} == sunday
