"""Goals in the Stats API v2 engine (`event:goal`, `conversion_rate`, goal filters) against a truth
computed in Python from the seeded crowd of test_query_engine, on both ClickHouse engines, in UTC
and Europe/Berlin. The truth matches pages with `fnmatch` (not the engine's regex), so the wildcard
rule is checked from two independent implementations.
"""

import uuid
from fnmatch import fnmatchcase

import pytest

from core.query.clickhouse import QueryStore
from core.query.goals import Goal
from core.query.plan import QueryError
from core.query.schemas import QueryRequest
from core.query.service import QueryService
from core.tenancy.service import SiteInfo
from tests.integration.core.test_query_engine import (
    FROM,
    TO,
    Truth,
    _crowd,
    _event_value,
    _visit_metric,
    write_in_random_order,
)

GOALS = (Goal(1, "event", "signup", "Signup"), Goal(2, "page", "/blog/*", "Blog"),
         Goal(3, "page", "/pricing", "Visit /pricing"), Goal(4, "page", "/*/b", "Any b"),
         Goal(5, "page", "/blog.a", "Dot is literal"), Goal(6, "event", "download", "Download"))
WINDOW = [FROM.isoformat(), TO.isoformat()]


def completes(e: dict, g: Goal) -> bool:
    if g.kind == "event":
        return e["type"] == "event" and e["name"] == g.target
    return e["type"] == "pageview" and fnmatchcase(e["pathname"], g.target)


@pytest.fixture(scope="module", params=["UTC", "Europe/Berlin"])
def crowd(request, analytics_store):
    site = SiteInfo(id=f"site_g_{uuid.uuid4().hex[:10]}", domain="shop.example", allowed_origins=(),
                    timezone=request.param)
    events = _crowd(site.id, site.timezone, seed=34)
    write_in_random_order(analytics_store, events, seed=34)
    engine = QueryService(store=QueryStore(store=analytics_store), goals=lambda site_id: GOALS)
    return site, Truth(events, site.timezone, FROM, TO), engine


def _run(engine, site, **body) -> dict[tuple, list]:
    answer = engine.run(site=site, request=QueryRequest(site_id=site.id, date_range=WINDOW, **body))
    return {tuple(r.dimensions): r.metrics for r in answer.results}


def _rate(converted: set, base: set) -> float:
    return round(100 * len(converted) / len(base), 1) if base else 0.0


def test_by_goal_each_event_counts_under_every_goal_it_completes(crowd):
    site, truth, engine = crowd
    got = _run(engine, site, metrics=["visitors", "visits", "events", "pageviews", "conversion_rate"],
               dimensions=["event:goal"])
    everyone = {e["visitor_id"] for e in truth.events}
    want = {}
    for g in GOALS:
        es = [e for e in truth.events if completes(e, g)]
        if es:
            visitors = {e["visitor_id"] for e in es}
            want[(g.display_name,)] = [len(visitors), len({e["session_id"] for e in es}), len(es),
                                       sum(e["type"] == "pageview" for e in es), _rate(visitors, everyone)]
    assert got == want
    assert {("Blog",), ("Any b",), ("Signup",)} <= set(got)  # `*` spans segments: /blog/b is "Any b"
    assert ("Dot is literal",) not in got  # `.` is not a regex wildcard: /blog/a is no "/blog.a"


def test_goals_by_day_under_a_visit_filter(crowd):
    site, truth, engine = crowd
    got = _run(engine, site, metrics=["visitors", "events", "conversion_rate"], dimensions=["event:goal", "time:day"],
               filters=[["is", "visit:channel", ["Organic Search", "Direct"]]])
    kept = [e for e in truth.events if (v := truth.by_session.get((e["visitor_id"], e["session_id"])))
            and v["attrs"]["visit:channel"] in ("Organic Search", "Direct")]
    want = {}
    for g in GOALS:
        for e in kept:
            if completes(e, g):
                want.setdefault((g.display_name, _event_value(e, "time:day", truth.zone)), []).append(e)
    day_visitors: dict[str, set] = {}
    for e in kept:
        day_visitors.setdefault(_event_value(e, "time:day", truth.zone), set()).add(e["visitor_id"])
    assert got == {k: [len({e["visitor_id"] for e in es}), len(es),
                       _rate({e["visitor_id"] for e in es}, day_visitors[k[1]])] for k, es in want.items()}
    assert got


@pytest.mark.parametrize("names", [["Signup"], ["Signup", "Blog"], ["Visit /pricing"]])
def test_conversion_rate_of_visits_by_channel(crowd, names):
    site, truth, engine = crowd
    metrics = ["visitors", "visits", "bounce_rate", "conversion_rate"]
    got = _run(engine, site, metrics=metrics, dimensions=["visit:channel"], filters=[["is", "event:goal", names]])
    goals = [g for g in GOALS if g.display_name in names]
    rows: dict[tuple, list] = {}
    for v in truth.visits:
        rows.setdefault((v["attrs"]["visit:channel"],), []).append(v)
    want = {}
    for key, vs in rows.items():
        converted = [v for v in vs if any(completes(e, g) for e in v["events"] for g in goals)]
        if converted:
            want[key] = [*(_visit_metric(m, converted, {0}) for m in metrics[:3]),
                         _rate({v["visitor"] for v in converted}, {v["visitor"] for v in vs})]
    assert got == want
    assert got


def test_negated_and_contains_goal_filters(crowd):
    site, truth, engine = crowd
    got = _run(engine, site, metrics=["visitors", "visits"], filters=[["is_not", "event:goal", ["Signup"]]])
    none = [v for v in truth.visits if not any(completes(e, GOALS[0]) for e in v["events"])]
    assert got == {(): [len({v["visitor"] for v in none}), len(none)]}
    got = _run(engine, site, metrics=["visitors", "events"], dimensions=["event:page"],
               filters=[["contains", "event:goal", ["Blo"]]])  # "Blog" only
    want: dict[tuple, list] = {}
    for e in truth.events:
        if completes(e, GOALS[1]):
            want.setdefault((e["pathname"],), []).append(e)
    assert got == {k: [len({e["visitor_id"] for e in es}), len(es)] for k, es in want.items()}
    assert set(got) == {("/blog/a",), ("/blog/b",)}


def test_unknown_goal_name_and_no_goals_at_all(crowd):
    site, _, engine = crowd
    with pytest.raises(QueryError, match=r"no goal named 'Sigup'.*Signup"):
        _run(engine, site, metrics=["visitors"], filters=[["is", "event:goal", ["Sigup"]]])
    bare = QueryService(store=engine._store)
    assert _run(bare, site, metrics=["visitors", "conversion_rate"], dimensions=["event:goal"]) == {}
