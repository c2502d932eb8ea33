"""Session numbers from the ClickHouse summary on both engines, against the hand-computed fixture."""

from datetime import date

import pytest

from core.analytics.time_range import local_days_to_utc
from core.ingest.event_log import EventLog
from core.tenancy.service import SiteInfo
from tests.integration.tracking.sessions.fixture import SESSIONS, at, day_of_sessions, event
from tracking.sessions.clickhouse.stores import EngagementStore, SessionStore
from tracking.sessions.service.engagement import EngagementService
from tracking.sessions.service.projection import SessionProjection
from tracking.sessions.service.stats import SessionStatsService

MAY_6 = local_days_to_utc(date(2024, 5, 6), date(2024, 5, 6), "Europe/Berlin")


@pytest.fixture
def setup(sessions_ch, unique):
    site = SiteInfo(f"site_{unique}", "shop.example", (), "Europe/Berlin")
    store = SessionStore(analytics=sessions_ch)
    projection = SessionProjection(sessions=store, engagement=EngagementStore(analytics=sessions_ch),
                                   site_lookup={site.id: site}.get)
    return site, store, projection


def test_aggregate_matches_the_hand_computed_fixture_and_survives_redelivery(setup, sessions_ch):
    site, store, projection = setup
    events = day_of_sessions(site)
    projection.add_events(events[:4])
    projection.add_events(events[4:])  # a session's events arriving in two batches merge into one
    projection.add_events([event(SiteInfo("site_other", "x", (), "UTC"), "A", "pageview", at(10), "/a")])
    stats = SessionStatsService(store=store, engaged_ms=0)
    expected = {"visits": 4, "bounce_rate": 25.0, "visit_duration": 397.5, "views_per_visit": 1.75}
    assert stats.aggregate(site=site, window=MAY_6) == expected

    projection.add_events(events)  # the bus redelivers everything
    assert stats.aggregate(site=site, window=MAY_6) == expected
    sessions_ch.execute("OPTIMIZE TABLE sessions_summary FINAL")
    assert stats.aggregate(site=site, window=MAY_6) == expected
    rows = sessions_ch.query("SELECT session_id FROM sessions_summary WHERE site_id = %(s)s ORDER BY session_id",
                             {"s": site.id})
    assert [r[0] for r in rows] == sorted(SESSIONS.values())  # one row per session after merging

    # On request the bot's one-pageview visit F counts too: 5 visits, 2 bounces.
    assert stats.aggregate(site=site, window=MAY_6, include_bots=True) == {
        "visits": 5, "bounce_rate": 40.0, "visit_duration": 318.0, "views_per_visit": 1.6}
    # A stricter engagement rule: C's 15 s no longer count, so C bounces too.
    strict = SessionStatsService(store=store, engaged_ms=20_000)
    assert strict.aggregate(site=site, window=MAY_6)["bounce_rate"] == 50.0
    may_7 = local_days_to_utc(date(2024, 5, 7), date(2024, 5, 7), "Europe/Berlin")
    assert stats.aggregate(site=site, window=may_7) == {"visits": 1, "bounce_rate": 100.0, "visit_duration": 0.0,
                                                        "views_per_visit": 1.0}
    # Had the site been on UTC, G would be on 6 May: the start time decides, not the stored local day.
    utc_day = local_days_to_utc(date(2024, 5, 6), date(2024, 5, 6), "UTC")
    assert stats.aggregate(site=SiteInfo(site.id, "", (), "UTC"), window=utc_day)["visits"] == 5


def test_entry_and_exit_page_breakdowns(setup):
    site, store, projection = setup
    projection.add_events(day_of_sessions(site))
    stats = SessionStatsService(store=store, engaged_ms=0)
    entry = stats.breakdown(site=site, window=MAY_6, prop="entry_page", limit=10)
    assert [(r["entry_page"], r["visitors"], r["visits"], r["bounce_rate"]) for r in entry] == [
        ("/a", 2, 2, 50.0), ("/b", 1, 1, 0.0), ("/c", 1, 1, 0.0)]
    assert entry[1]["visit_duration"] == 1200.0 and entry[1]["views_per_visit"] == 3.0
    exits = stats.breakdown(site=site, window=MAY_6, prop="exit_page", limit=2)
    assert [(r["exit_page"], r["visitors"], r["visits"]) for r in exits] == [("/a", 2, 2), ("/b", 1, 1)]


def test_session_attributes_come_from_the_right_events(setup, sessions_ch):
    site, _, projection = setup
    projection.add_events(day_of_sessions(site))
    rows = sessions_ch.query("""
        SELECT session_id, argMinIfMerge(source), argMinIfMerge(utm_campaign), argMinMerge(country),
               argMinMerge(device_type), uniqExactMerge(events), toString(day)
        FROM sessions_summary WHERE site_id = %(s)s AND session_id IN (11, 31, 61)
        GROUP BY day, session_id ORDER BY session_id""", {"s": site.id})
    assert rows == [(11, "Newsletter", "may", "DE", "desktop", 3, "2024-05-06"),
                    (31, "", "", "FR", "mobile", 3, "2024-05-06"),
                    (61, "", "", "", "", 1, "2024-05-07")]  # keyed by its day in Berlin


def test_timeseries_buckets_in_berlin_with_empty_ones_filled(setup, sessions_ch):
    site, store, projection = setup
    events = day_of_sessions(site)
    projection.add_events(events)
    EventLog(store=sessions_ch).write([e.to_record() for e in events])
    stats = SessionStatsService(store=store, engaged_ms=0)
    metrics = ["pageviews", "visitors", "visits", "bounce_rate", "visit_duration"]

    hourly = stats.timeseries(site=site, window=MAY_6, interval="hour", metrics=metrics)
    assert len(hourly.results) == 24 and hourly.timezone == "Europe/Berlin"
    by_label = {p.bucket: p.model_dump(exclude_none=True) for p in hourly.results}
    assert by_label["2024-05-06T12:00:00+02:00"] == {
        "bucket": "2024-05-06T12:00:00+02:00", "pageviews": 2, "visitors": 1, "visits": 1, "bounce_rate": 0.0,
        "visit_duration": 360.0}
    assert by_label["2024-05-06T13:00:00+02:00"]["bounce_rate"] == 100.0
    assert by_label["2024-05-06T15:00:00+02:00"]["pageviews"] == 3  # D's 13:00-13:20 UTC
    assert by_label["2024-05-06T16:00:00+02:00"]["pageviews"] == 0  # the bot's pageview is left out
    assert by_label["2024-05-06T00:00:00+02:00"] == {"bucket": "2024-05-06T00:00:00+02:00", "pageviews": 0,
                                                     "visitors": 0, "visits": 0, "bounce_rate": 0.0,
                                                     "visit_duration": 0.0}
    assert sum(p.pageviews for p in hourly.results) == 7 and sum(p.visits for p in hourly.results) == 4
    with_bots = stats.timeseries(site=site, window=MAY_6, interval="hour", metrics=["pageviews"], include_bots=True)
    assert {p.bucket: p.pageviews for p in with_bots.results}["2024-05-06T16:00:00+02:00"] == 1

    three_days = local_days_to_utc(date(2024, 5, 6), date(2024, 5, 8), "Europe/Berlin")
    daily = stats.timeseries(site=site, window=three_days, interval="day", metrics=["pageviews", "visitors", "visits"])
    assert [p.model_dump(exclude_none=True) for p in daily.results] == [
        {"bucket": "2024-05-06", "pageviews": 7, "visitors": 3, "visits": 4},
        {"bucket": "2024-05-07", "pageviews": 1, "visitors": 1, "visits": 1},  # G, 00:30 in Berlin
        {"bucket": "2024-05-08", "pageviews": 0, "visitors": 0, "visits": 0}]
    weekly = stats.timeseries(site=site, window=three_days, interval="week", metrics=["visits"])
    assert [(p.bucket, p.visits) for p in weekly.results] == [("2024-05-06", 5)]
    monthly = stats.timeseries(site=site, window=three_days, interval="month", metrics=["views_per_visit"])
    assert [(p.bucket, p.views_per_visit) for p in monthly.results] == [("2024-05-01", 1.6)]


def test_engagement_per_page_counts_each_event_once(sessions_ch, unique):
    site = SiteInfo(f"site_{unique}", "shop.example", (), "UTC")
    store = EngagementStore(analytics=sessions_ch)
    projection = SessionProjection(sessions=SessionStore(analytics=sessions_ch), engagement=store,
                                   site_lookup={site.id: site}.get)

    def engaged(path: str, ms: int, depth: int, visitor: str):
        return event(site, visitor, "engagement", at(9), path, data=f'{{"engaged_ms": {ms}, "scroll_depth": {depth}}}')

    batch = [engaged("/a", 10_000, 30, "A"), engaged("/a", 20_000, 80, "B"), engaged("/b", 5_000, 100, "A")]
    projection.add_engagements(batch)
    projection.add_engagements(batch[:2])  # redelivered
    pages = EngagementService(store=store).by_page(site=site, window=local_days_to_utc(
        date(2024, 5, 6), date(2024, 5, 6), "UTC"), limit=10)
    assert [p.model_dump() for p in pages] == [
        {"pathname": "/a", "engagements": 2, "visitors": 2, "avg_time_on_page": 15.0, "avg_scroll_depth": 55.0,
         "scroll_milestones": {"25": 100.0, "50": 50.0, "75": 50.0, "100": 0.0}},
        {"pathname": "/b", "engagements": 1, "visitors": 1, "avg_time_on_page": 5.0, "avg_scroll_depth": 100.0,
         "scroll_milestones": {"25": 100.0, "50": 100.0, "75": 100.0, "100": 100.0}}]
