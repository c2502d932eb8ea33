"""The Stats API v2 engine against a truth computed independently in Python, on both ClickHouse
engines, in UTC and in Europe/Berlin across the spring DST change (2026-03-29).

The crowd: visitors from several channels with multi-page visits whose later events carry no
source (and "Direct" as their own channel, as internal navigations do), engagement events,
custom events with props, a visit without a pageview, and bots.
"""

import random
import re
import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.ingest.event_log import EventLog
from core.ingest.visits import VisitLog
from core.query.clickhouse import QueryStore
from core.query.plan import QueryError
from core.query.schemas import QueryRequest
from core.query.service import QueryService
from core.tenancy.service import SiteInfo

FROM, TO = date(2026, 3, 27), date(2026, 3, 31)
SOURCES = [("Google", "Organic Search", ""), ("Facebook", "Organic Social", ""),
           ("newsletter", "Email", "spring"), ("", "Direct", "")]
PAGES = ["/", "/blog/a", "/blog/b", "/pricing", "/docs"]
COUNTED = ("pageview", "event")


def _crowd(site_id: str, tz: str, seed: int) -> list[dict]:
    rnd, zone, out = random.Random(seed), ZoneInfo(tz), []
    for v in range(60):
        visitor, bot = rnd.getrandbits(63), int(v % 13 == 0)
        country, device = rnd.choice(["DE", "FR", "US"]), rnd.choice(["desktop", "mobile"])
        for _ in range(rnd.randint(1, 3)):
            day = FROM + timedelta(days=rnd.randint(-2, 6))  # some before and after the window
            start = datetime(day.year, day.month, day.day, rnd.randint(0, 22), rnd.randint(0, 59), tzinfo=zone)
            if day == date(2026, 3, 29) and start.hour == 2:
                start = start.replace(hour=3)  # a time that does not exist in Berlin
            ts = int(start.astimezone(UTC).timestamp() * 1000)
            session = rnd.getrandbits(63) or 1
            source, channel, campaign = rnd.choice(SOURCES)
            kinds = ["pageview"] * rnd.randint(0 if v % 17 == 0 else 1, 4)
            kinds += rnd.sample(["engagement", "signup", "download"], rnd.randint(0, 2))
            rnd.shuffle(kinds)
            for i, kind in enumerate(kinds):
                first = i == 0
                props = {"plan": rnd.choice(["pro", "free"])} if kind == "signup" else {}
                out.append({
                    "site_id": site_id, "event_id": str(uuid.UUID(int=rnd.getrandbits(128))),
                    "type": kind if kind in ("pageview", "engagement") else "event",
                    "name": kind, "ts_ms": ts + i * rnd.randint(1, 5) * 60_000, "received_ms": ts,
                    "visitor_id": visitor, "session_id": session, "hostname": "shop.example",
                    "pathname": rnd.choice(PAGES), "source": source if first else "",
                    "channel": channel if first else "Direct", "utm_campaign": campaign if first else "",
                    "country": country, "device_type": device, "browser": "Firefox", "is_bot": bot,
                    "props": props, "data": '{"engaged_ms":1200}' if kind == "engagement" else "",
                })
    return out


def write_in_random_order(store, events: list[dict], seed: int, batches: int = 7) -> None:
    """As the worker does, in batches that arrive out of order: the log write, then the refresh
    of the visits each batch touched. Later batches hold events earlier than a visit's start, so
    visits change entry (and sometimes UTC day) after they were first written."""
    shuffled = random.Random(seed).sample(events, len(events))
    log, visits = EventLog(store=store), VisitLog(store=store)
    for i in range(batches):
        batch = shuffled[i::batches]
        log.write(batch)
        visits.refresh(batch)


class Truth:
    """Visits and events as the README defines them, computed without ClickHouse."""

    def __init__(self, events: list[dict], tz: str, first: date, last: date, include_bots: bool = False,
                 window: tuple[datetime, datetime] | None = None) -> None:
        """The local days [first, last], or `window` ([start, end) instants) when given."""
        self.zone = ZoneInfo(tz)
        start = datetime(first.year, first.month, first.day, tzinfo=self.zone).timestamp() * 1000
        end = datetime.combine(last + timedelta(days=1), datetime.min.time(), self.zone).timestamp() * 1000
        if window is not None:
            start, end = (w.timestamp() * 1000 for w in window)
        sessions: dict = {}
        for e in events:
            sessions.setdefault((e["visitor_id"], e["session_id"]), []).append(e)
        self.visits = []
        self.attrs_of: dict[tuple, dict] = {}  # every visit's attributes, counted in the window or not
        for evs in sessions.values():
            evs = sorted(evs, key=lambda e: (e["ts_ms"], e["event_id"]))
            views = [e for e in evs if e["type"] == "pageview"]
            if not views:
                continue
            attrs = {f"visit:{k}": evs[0][c] for k, c in (("source", "source"), ("channel", "channel"),
                                                        ("utm_campaign", "utm_campaign"), ("country", "country"),
                                                        ("device", "device_type"))}
            attrs["visit:entry_page"], attrs["visit:exit_page"] = views[0]["pathname"], views[-1]["pathname"]
            self.attrs_of[(evs[0]["visitor_id"], evs[0]["session_id"])] = attrs
            if max(e["is_bot"] for e in evs) and not include_bots:
                continue
            if not start <= evs[0]["ts_ms"] < end:
                continue
            attrs = dict(attrs)
            local = datetime.fromtimestamp(evs[0]["ts_ms"] / 1000, self.zone)
            attrs["time:day"] = local.date().isoformat()
            attrs["time:hour"] = local.replace(minute=0, second=0, microsecond=0).isoformat()
            self.visits.append({"attrs": attrs, "events": evs, "visitor": evs[0]["visitor_id"],
                                "views": len(views), "n_events": sum(e["type"] in COUNTED for e in evs),
                                "bounce": len(views) == 1 and not any(e["type"] == "engagement" for e in evs),
                                "duration": evs[-1]["ts_ms"] - evs[0]["ts_ms"]})
        self.by_session = {(v["visitor"], v["events"][0]["session_id"]): v for v in self.visits}
        self.events = [e for e in events if start <= e["ts_ms"] < end and e["type"] in COUNTED
                       and (include_bots or not e["is_bot"])]

    def answer(self, metrics, dimensions, filters) -> dict[tuple, list]:
        scope = "event" if any(d.startswith("event:") for d in dimensions) else "visit"
        rows: dict[tuple, list] = {}
        if scope == "visit":
            for v in self.visits:
                if all(self._visit_ok(v, f) for f in filters):
                    rows.setdefault(tuple(v["attrs"][d] for d in dimensions), []).append(v)
            total = {x["visitor"] for vs in rows.values() for x in vs}
            return {k: [_visit_metric(m, vs, total) for m in metrics] for k, vs in rows.items()}
        for e in self.events:
            if all(self._event_ok(e, f) for f in filters):
                rows.setdefault(tuple(self._value(e, d) for d in dimensions), []).append(e)
        total = {e["visitor_id"] for es in rows.values() for e in es}
        return {k: [_event_metric(m, es, total) for m in metrics] for k, es in rows.items()}

    def _value(self, e, d):
        """An event's value of a dimension; of a visit dimension, its visit's ('' outside one)."""
        if d.startswith("visit:"):
            return self.attrs_of.get((e["visitor_id"], e["session_id"]), {}).get(d, "")
        return _event_value(e, d, self.zone)

    def _visit_ok(self, v, f) -> bool:
        op = f[0]
        if op in ("and", "or", "not"):
            results = [self._visit_ok(v, c) for c in (f[1] if op != "not" else [f[1]])]
            return all(results) if op == "and" else any(results) if op == "or" else not results[0]
        if f[1].startswith("event:"):
            hit = any(_match(op.removesuffix("_not"), _event_value(e, f[1]), f[2])
                      for e in v["events"] if e["type"] in COUNTED)
            return hit != op.endswith("_not")
        return _match(op.removesuffix("_not"), v["attrs"][f[1]], f[2]) != op.endswith("_not")

    def _event_ok(self, e, f) -> bool:
        op = f[0]
        if op in ("and", "or", "not"):
            results = [self._event_ok(e, c) for c in (f[1] if op != "not" else [f[1]])]
            return all(results) if op == "and" else any(results) if op == "or" else not results[0]
        if f[1].startswith("visit:"):
            v = self.by_session.get((e["visitor_id"], e["session_id"]))
            return v is not None and _match(op.removesuffix("_not"), v["attrs"][f[1]], f[2]) != op.endswith("_not")
        return _match(op.removesuffix("_not"), _event_value(e, f[1]), f[2]) != op.endswith("_not")


def _event_value(e, d, zone=None):
    if d == "time:day":
        return datetime.fromtimestamp(e["ts_ms"] / 1000, zone).date().isoformat()
    if d.startswith("event:props:"):
        return e["props"].get(d.removeprefix("event:props:"), "")
    return e[{"event:page": "pathname", "event:name": "name", "event:hostname": "hostname"}[d]]


def _match(op, value, values):
    return (value in values if op == "is" else any(v in value for v in values) if op == "contains"
            else any(re.search(v, value) for v in values))


def _visit_metric(m, vs, total):
    n = len(vs)
    return {"visitors": len({v["visitor"] for v in vs}), "visits": n, "pageviews": sum(v["views"] for v in vs),
            "events": sum(v["n_events"] for v in vs),
            "bounce_rate": round(100 * sum(v["bounce"] for v in vs) / n, 1),
            "visit_duration": round(sum(v["duration"] for v in vs) / n / 1000, 1),
            "views_per_visit": round(sum(v["views"] for v in vs) / n, 2),
            "percentage": round(100 * len({v["visitor"] for v in vs}) / len(total), 1)}[m]


def _event_metric(m, es, total):
    return {"visitors": len({e["visitor_id"] for e in es}), "visits": len({e["session_id"] for e in es}),
            "pageviews": sum(e["type"] == "pageview" for e in es), "events": len(es),
            "percentage": round(100 * len({e["visitor_id"] for e in es}) / len(total), 1)}[m]


VISIT_METRICS = ["visitors", "visits", "pageviews", "views_per_visit", "bounce_rate", "visit_duration", "events"]
EVENT_METRICS = ["visitors", "visits", "pageviews", "events"]
CASES = [
    ([], VISIT_METRICS, []),
    (["visit:channel"], [*VISIT_METRICS, "percentage"], []),
    (["visit:source"], VISIT_METRICS, []),
    (["visit:entry_page"], VISIT_METRICS, []),
    (["visit:exit_page"], VISIT_METRICS, [["is", "visit:country", ["DE", "FR"]]]),
    (["visit:device"], VISIT_METRICS, [["contains", "event:page", ["/blog"]]]),
    (["visit:country"], VISIT_METRICS, [["is_not", "event:name", ["signup"]]]),
    (["time:day"], VISIT_METRICS, [["or", [["is", "visit:channel", ["Email"]], ["is", "event:name", ["download"]]]]]),
    (["time:hour"], ["visitors", "visits", "bounce_rate"], []),
    (["visit:utm_campaign"], VISIT_METRICS, [["not", ["matches", "visit:entry_page", ["^/blog"]]]]),
    ([], VISIT_METRICS, [["is", "event:props:plan", ["pro"]]]),
    (["event:page"], [*EVENT_METRICS, "percentage"], []),
    (["event:name"], EVENT_METRICS, [["is", "visit:channel", ["Organic Search", "Email"]]]),
    (["event:props:plan"], EVENT_METRICS, [["is", "event:name", ["signup"]]]),
    (["event:page", "time:day"], EVENT_METRICS, [["contains_not", "event:page", ["blog"]]]),
    (["event:hostname"], EVENT_METRICS, [["matches_not", "visit:source", ["^Goo"]]]),
    # both kinds: each event under its visit's attributes
    (["event:page", "visit:channel"], [*EVENT_METRICS, "percentage"], []),
    (["visit:entry_page", "event:name"], EVENT_METRICS, [["is", "visit:country", ["DE"]]]),
    (["event:props:plan", "visit:source", "time:day"], EVENT_METRICS, [["contains", "event:page", ["/"]]]),
]


@pytest.fixture(scope="module", params=["UTC", "Europe/Berlin"])
def crowd(request, analytics_store):
    site = SiteInfo(id=f"site_q_{uuid.uuid4().hex[:10]}", domain="shop.example", allowed_origins=(),
                    timezone=request.param)
    events = _crowd(site.id, site.timezone, seed=12)
    write_in_random_order(analytics_store, events, seed=12)
    return site, events, QueryService(store=QueryStore(store=analytics_store))


def _run(engine, site, **body):
    answer = engine.run(site=site, request=QueryRequest(site_id=site.id, **body))
    return {tuple(r.dimensions): r.metrics for r in answer.results}, answer


@pytest.mark.parametrize(("dimensions", "metrics", "filters"), CASES)
def test_every_metric_equals_the_python_truth(crowd, dimensions, metrics, filters):
    site, events, engine = crowd
    got, _ = _run(engine, site, metrics=metrics, dimensions=dimensions, filters=filters,
                  date_range=[FROM.isoformat(), TO.isoformat()])
    assert got == Truth(events, site.timezone, FROM, TO).answer(metrics, dimensions, filters)
    assert got  # the case has data


@pytest.mark.parametrize(("dimensions", "metrics"), [
    ([], VISIT_METRICS), (["visit:channel"], ["visitors", "visits", "bounce_rate"]),
    (["event:page"], ["visitors", "pageviews", "events"]), (["time:hour"], ["visitors", "visits"])])
def test_a_datetime_range_counts_from_its_first_to_its_last_second(crowd, dimensions, metrics):
    """ISO datetimes: with an offset, or without one in the site's time zone; `to` is inclusive
    to the second. Hours are labelled from the local hour the range starts in."""
    site, events, engine = crowd
    zone = ZoneInfo(site.timezone)
    start = datetime(2026, 3, 28, 10, 30, tzinfo=UTC)
    last = datetime(2026, 3, 30, 12, 0, 0, tzinfo=zone)
    got, answer = _run(engine, site, metrics=metrics, dimensions=dimensions,
                       date_range=["2026-03-28T10:30:00Z", "2026-03-30T12:00:00"])
    truth = Truth(events, site.timezone, FROM, TO, window=(start, last + timedelta(seconds=1)))
    expected = truth.answer(metrics, dimensions, [])
    if dimensions == ["time:hour"]:  # the truth labels hours by the visit start's local hour
        assert sum(m[1] for m in got.values()) == sum(m[1] for m in expected.values())
    else:
        assert got == expected
    assert got and answer.query["date_range"] == ["2026-03-28T10:30:00Z", "2026-03-30T12:00:00"]


def test_bad_datetime_ranges_are_refused_with_the_reason(crowd):
    site, _, engine = crowd
    for bad, reason in ((["2026-03-30T12:00:00Z", "2026-03-28T10:30:00Z"], "before"),
                        (["2026-03-28T10:30:00Z", "2026-03-30"], "datetime is expected"),
                        (["0219-01-01T00:00:00Z", "2026-03-30T00:00:00Z"], "between"),
                        (["2026-03-28T25:00:00Z", "2026-03-30T00:00:00Z"], "ISO 8601")):
        with pytest.raises(QueryError, match=reason):
            _run(engine, site, metrics=["visitors"], date_range=bad)


def test_the_visits_of_all_channels_sum_to_the_sites_visits(crowd):
    site, _, engine = crowd
    window = [FROM.isoformat(), TO.isoformat()]
    by_channel, _ = _run(engine, site, metrics=["visits", "visitors"], dimensions=["visit:channel"], date_range=window)
    (total,), _ = _run(engine, site, metrics=["visits", "visitors"], date_range=window)
    site_visits = _run(engine, site, metrics=["visits"], date_range=window)[0][()][0]
    assert sum(m[0] for m in by_channel.values()) == site_visits
    assert "Direct" in {k[0] for k in by_channel}


def test_bots_count_only_when_asked(crowd):
    site, events, engine = crowd
    window = [FROM.isoformat(), TO.isoformat()]
    got, _ = _run(engine, site, metrics=VISIT_METRICS, date_range=window, include_bots=True)
    assert got == Truth(events, site.timezone, FROM, TO, include_bots=True).answer(VISIT_METRICS, [], [])
    assert got != _run(engine, site, metrics=VISIT_METRICS, date_range=window)[0]


def test_time_labels_zero_fill_ordering_pagination_and_comparison(crowd):
    site, events, engine = crowd
    got, answer = _run(engine, site, metrics=["visitors", "visits"], dimensions=["time:day"],
                       date_range=["2026-03-20", "2026-04-05"], include={"time_labels": True, "total_rows": True})
    assert answer.meta["time_labels"] == [(date(2026, 3, 20) + timedelta(days=i)).isoformat() for i in range(17)]
    assert [r.dimensions[0] for r in answer.results] == answer.meta["time_labels"]
    assert got[("2026-03-20",)] == [0, 0] and answer.meta["total_rows"] == 17
    truth = Truth(events, site.timezone, FROM, TO).answer(["visits"], ["visit:entry_page"], [])
    ranked = sorted(truth.items(), key=lambda kv: (-kv[1][0], kv[0]))
    _, page = _run(engine, site, metrics=["visits"], dimensions=["visit:entry_page"],
                   date_range=[FROM.isoformat(), TO.isoformat()], order_by=[["visits", "desc"]],
                   pagination={"limit": 2, "offset": 1}, include={"total_rows": True, "comparison": "previous_period"})
    assert [(tuple(r.dimensions), r.metrics) for r in page.results] == ranked[1:3]
    assert page.meta["total_rows"] == len(ranked)
    before = Truth(events, site.timezone, FROM - timedelta(days=5), FROM - timedelta(days=1)).answer(
        ["visits"], ["visit:entry_page"], [])
    for row in page.results:
        assert row.comparison.metrics == before.get(tuple(row.dimensions), [0])
    assert page.meta["comparison_date_range"] == ["2026-03-22", "2026-03-26"]


def test_an_aggregate_over_a_range_without_events_is_one_row_of_zeros(crowd):
    site, _, engine = crowd
    got, _ = _run(engine, site, metrics=["visitors", "visits", "pageviews", "events"],
                  date_range=["2020-01-01", "2020-01-31"])
    assert got == {(): [0, 0, 0, 0]}
    by_page, _ = _run(engine, site, metrics=["visitors"], dimensions=["event:page"], date_range=["2020-01-01",
                                                                                                "2020-01-31"])
    assert by_page == {}  # a breakdown of nothing has no rows
