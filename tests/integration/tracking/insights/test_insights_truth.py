"""Every funnel mode, retention period, path and journey answer equals the truth computed by
enumeration from the seeded crowd (crowd.py), on both ClickHouse engines."""

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from core.ingest.event_log import EventLog
from core.tenancy.service import SiteInfo
from tests.integration.tracking.insights import crowd
from tracking.insights.clickhouse import InsightsStore
from tracking.insights.schemas import FunnelQuery, Step
from tracking.insights.service.funnels import FunnelService
from tracking.insights.service.journeys import JourneyService
from tracking.insights.service.paths import PathsService
from tracking.insights.service.retention import RetentionService
from tracking.insights.service.window import InsightsError, Windows

DATES = [crowd.FIRST_DAY.isoformat(), crowd.LAST_DAY.isoformat()]
STEPS = [{"page": "/"}, {"page": "/pricing"}, {"event": "signup"}, {"event": "purchase"}]


class _Pseudonyms:
    """The crowd's stored user ids are sha256 prefixes of the names (the edge's HMAC is tested apart)."""

    def existing(self, site_id: str, user_id: str) -> str | None:
        return hashlib.sha256(user_id.encode()).hexdigest()[:32]


@pytest.fixture(scope="module")
def seeded(analytics_store):
    site_id = f"ins_{analytics_store.kind}_{datetime.now(UTC).microsecond}"
    rows = crowd.build(site_id)
    # the site's zone matters: some events fall on another local day than their UTC day
    assert any(crowd.local_day(r["ts_ms"]) != datetime.fromtimestamp(r["ts_ms"] / 1000, UTC).date() for r in rows)
    assert len({r["ts_ms"] for r in rows}) < len(rows)  # and some share their millisecond
    log = EventLog(store=analytics_store)
    for i in range(3):  # several inserts, shuffled rows: out of order arrival
        log.write(rows[i::3])
    store = InsightsStore(store=analytics_store)
    windows = Windows(store=store, clock=lambda: datetime(2026, 6, 1, tzinfo=UTC))
    site = SiteInfo(site_id, "shop.example", (), crowd.TZ)
    return {"site": site, "rows": rows, "funnels": FunnelService(uow=None, store=store, windows=windows),
            "retention": RetentionService(store=store, windows=windows),
            "paths": PathsService(store=store, windows=windows),
            "journeys": JourneyService(store=store, windows=windows, pseudonyms=_Pseudonyms())}


def _bounds():
    """The date range's UTC bounds: local midnights, 23 hours apart on the day summer time starts."""
    start = crowd._ms(datetime.combine(crowd.FIRST_DAY, datetime.min.time(), crowd.ZONE))
    end = crowd._ms(datetime.combine(crowd.LAST_DAY + timedelta(days=1), datetime.min.time(), crowd.ZONE))
    assert (end - start) == (8 * 24 - 1) * 3_600_000  # the range spans the DST change
    return start, end


def _answer(group):
    return [(s.count, s.median_s_from_first, s.average_s_from_first, s.median_s_from_previous,
             s.average_s_from_previous) for s in group.steps]


@pytest.mark.parametrize("order", ["ordered", "strict", "any"])
@pytest.mark.parametrize("entry", ["first", "every"])
@pytest.mark.parametrize("unit", ["visitors", "users"])
def test_funnel_modes_equal_the_enumerated_truth(seeded, order, entry, unit):
    window_s = 3 * 86_400 if unit == "users" else 3_600
    start, end = _bounds()
    q = FunnelQuery(steps=[Step(**s) for s in STEPS], window_s=window_s, order=order, date_range=DATES,
                    unit=unit, entry=entry)
    got = seeded["funnels"].analyse(seeded["site"], q)
    truth = crowd.funnel_truth(seeded["rows"], STEPS, order=order, window_ms=window_s * 1000, entry=entry,
                               unit=unit, start_ms=start, end_ms=end)
    assert len(got.results) == 1
    assert _answer(got.results[0]) == truth[None]
    deep = 1 if order == "strict" else 2  # the crowd does exercise the funnel, past its second step
    assert truth[None][0][0] > 10 and truth[None][deep][0] > 0
    first, second = got.results[0].steps[0], got.results[0].steps[1]
    assert second.conversion_from_first == round(100 * second.count / first.count, 2)
    assert second.dropoff == first.count - second.count


def test_funnel_breakdown_and_filters(seeded):
    start, end = _bounds()
    steps = [{"page": "/"}, {"event": "signup", "props": {"plan": "pro"}}]
    q = FunnelQuery(steps=[Step(**s) for s in steps], date_range=DATES, breakdown="visit:country")
    got = {g.value: _answer(g) for g in seeded["funnels"].analyse(seeded["site"], q).results}
    truth = crowd.funnel_truth(seeded["rows"], steps, order="ordered", window_ms=86_400_000, entry="first",
                               unit="visitors", start_ms=start, end_ms=end, group=lambda e: e["country"])
    assert got == truth and len(got) == 3
    q = FunnelQuery(steps=[Step(**s) for s in steps], date_range=DATES,
                    filters=[["is", "visit:country", ["DE"]]])
    only_de = [r for r in seeded["rows"] if r["country"] == "DE"]
    truth = crowd.funnel_truth(only_de, steps, order="ordered", window_ms=86_400_000, entry="first",
                               unit="visitors", start_ms=start, end_ms=end)
    assert _answer(seeded["funnels"].analyse(seeded["site"], q).results[0]) == truth[None]
    with pytest.raises(InsightsError, match="breakdown"):
        seeded["funnels"].analyse(seeded["site"], FunnelQuery(steps=q.steps, breakdown="time:day"))


@pytest.mark.parametrize("period,periods", [("day", 6), ("week", 2), ("week_sunday", 2), ("month", 1)])
@pytest.mark.parametrize("recurring", [False, True])
def test_retention_equals_the_truth_in_the_sites_zone(seeded, period, periods, recurring):
    week_start = "sunday" if period == "week_sunday" else "monday"
    got = seeded["retention"].analyse(seeded["site"], cohort_event="signup_started", return_event="pageview",
                                      period=period.removesuffix("_sunday"), periods=periods, date_range=DATES,
                                      unit="users", recurring=recurring, filters=[], week_start=week_start)
    truth = crowd.retention_truth(seeded["rows"], cohort=lambda e: e["type"] == "event" and
                                  e["name"] == "signup_started", back=lambda e: e["type"] == "pageview",
                                  period=period, periods=periods, unit="users", recurring=recurring,
                                  first_day=crowd.FIRST_DAY, last_day=crowd.LAST_DAY)
    assert [(c.size, c.returned) for c in got.cohorts] == [(s, r) for _, (s, r) in sorted(truth.items())]
    assert sum(c.size for c in got.cohorts) > 5
    if period.startswith("week"):  # Mondays (ISO), or Sundays
        assert {datetime.fromisoformat(c.cohort).weekday() for c in got.cohorts} == {0 if week_start == "monday"
                                                                                    else 6}


@pytest.mark.parametrize("direction", ["next", "previous"])
def test_paths_equal_the_truth(seeded, direction):
    start, end = _bounds()
    got = seeded["paths"].analyse(seeded["site"], event=None, page="/pricing", direction=direction, depth=5,
                                  limit=100, date_range=DATES, filters=[])
    anchors, levels = crowd.paths_truth(seeded["rows"], {"page": "/pricing"}, direction=direction, depth=5,
                                        start_ms=start, end_ms=end)
    assert got.anchors == anchors > 10
    for level, counter in zip(got.levels, levels, strict=True):
        assert {tuple(n.steps): n.count for n in level} == dict(counter)


def test_a_journey_lists_exactly_the_users_events(seeded):
    rows = seeded["rows"]
    for name in ("user-3", "user-17"):
        stored = hashlib.sha256(name.encode()).hexdigest()[:32]
        mine = sorted((r for r in rows if r["user_id"] == stored), key=lambda r: (r["ts_ms"], r["event_id"]))
        got = seeded["journeys"].for_user(seeded["site"], name, DATES)
        assert [e.event_id for v in got.visits for e in v.events] == [r["event_id"] for r in mine]
        assert got.events == len(mine) and {v.session_id for v in got.visits} == {str(r["session_id"]) for r in mine}
    visit = rows[0]["session_id"]
    got = seeded["journeys"].for_visit(seeded["site"], visit, DATES)
    assert sorted(e.event_id for v in got.visits for e in v.events) == sorted(
        r["event_id"] for r in rows if r["session_id"] == visit)


def test_page_patterns_match_whole_paths(seeded):
    start, end = _bounds()
    steps = [{"page": "/blog/*"}, {"page": "*"}, {"event": "signup"}]  # any blog page, then any page
    q = FunnelQuery(steps=[Step(**s) for s in steps], date_range=DATES)
    truth = crowd.funnel_truth(seeded["rows"], steps, order="ordered", window_ms=86_400_000, entry="first",
                               unit="visitors", start_ms=start, end_ms=end)
    assert _answer(seeded["funnels"].analyse(seeded["site"], q).results[0]) == truth[None]
    assert truth[None][2][0] > 0
