"""Modules' metrics in the query engine (core.query.contributions): sessions' `time_on_page` and
`scroll_depth` over engagement events, by page, by day and in an aggregate, with filters, against
a truth computed in Python, on both ClickHouse engines; and the refusals that name the reason."""

import json
import random
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.query.clickhouse import QueryStore
from core.query.plan import QueryError
from core.query.schemas import QueryRequest
from core.query.service import QueryService
from core.tenancy.service import SiteInfo
from tests.integration.core.test_query_engine import write_in_random_order
from tracking.sessions.clickhouse.query_metrics import scroll_depth, time_on_page

PAGES = ["/", "/blog/a", "/blog/b", "/pricing"]
WINDOW = ["2026-03-27", "2026-03-31"]


def _engagements(site_id: str, seed: int) -> list[dict]:
    rnd, out = random.Random(seed), []
    start = datetime(2026, 3, 26, tzinfo=UTC)
    for i in range(120):
        visitor = rnd.getrandbits(62) + 1
        ts = int((start + timedelta(minutes=rnd.randrange(7 * 24 * 60))).timestamp() * 1000)
        payload = {}
        if i % 7:
            payload["engaged_ms"] = rnd.randrange(0, 90_000)
        if i % 5:
            payload["scroll_depth"] = rnd.choice([0, 10, 25, 60, 100, 130])  # 130: capped at 100
        out.append({"site_id": site_id, "event_id": str(uuid.UUID(int=rnd.getrandbits(128))), "type": "engagement",
                    "name": "engagement", "ts_ms": ts, "received_ms": ts, "visitor_id": visitor,
                    "session_id": visitor, "pathname": rnd.choice(PAGES), "is_bot": int(i % 11 == 0),
                    "data": json.dumps(payload, separators=(",", ":"))})  # as the edge stores it
        out.append({**out[-1], "event_id": str(uuid.UUID(int=rnd.getrandbits(128))), "type": "pageview",
                    "name": "pageview", "ts_ms": ts - 1000, "data": ""})
    return out


def _truth(events: list[dict], tz: str, key) -> dict[tuple, list]:
    zone = ZoneInfo(tz)
    start = datetime(2026, 3, 27, tzinfo=zone).timestamp() * 1000
    end = datetime(2026, 4, 1, tzinfo=zone).timestamp() * 1000
    rows: dict[tuple, list] = {}
    for e in events:
        if e["type"] == "engagement" and not e["is_bot"] and start <= e["ts_ms"] < end and key(e) is not None:
            rows.setdefault(key(e), []).append(e)
    def numbers(es):
        payloads = [json.loads(e["data"]) for e in es]
        return [round(sum(p.get("engaged_ms", 0) for p in payloads) / len(es) / 1000, 1),
                round(sum(min(p.get("scroll_depth", 0), 100) for p in payloads) / len(es))]
    return {k: numbers(es) for k, es in rows.items()}


@pytest.fixture(scope="module", params=["UTC", "Europe/Berlin"])
def engaged(request, analytics_store):
    site = SiteInfo(id=f"site_m_{uuid.uuid4().hex[:10]}", domain="shop.example", allowed_origins=(),
                    timezone=request.param)
    events = _engagements(site.id, seed=5)
    write_in_random_order(analytics_store, events, seed=5)
    return site, events, QueryService(store=QueryStore(store=analytics_store), metrics=[time_on_page(), scroll_depth()])


def _run(engine, site, **body) -> dict[tuple, list]:
    answer = engine.run(site=site, request=QueryRequest(site_id=site.id, date_range=WINDOW, **body))
    return {tuple(r.dimensions): r.metrics for r in answer.results}


def test_time_on_page_and_scroll_depth_by_page_equal_the_truth(engaged):
    site, events, engine = engaged
    got = _run(engine, site, metrics=["pageviews", "time_on_page", "scroll_depth"], dimensions=["event:page"])
    truth = _truth(events, site.timezone, lambda e: (e["pathname"],))
    assert {k: v[1:] for k, v in got.items()} == truth and len(truth) == len(PAGES)
    assert all(v[0] > 0 for v in got.values())  # the engine's own numbers ride along


def test_the_aggregate_a_filter_and_days_equal_the_truth(engaged):
    site, events, engine = engaged
    zone = ZoneInfo(site.timezone)
    assert _run(engine, site, metrics=["time_on_page", "scroll_depth"]) == _truth(events, site.timezone, lambda e: ())
    blog = _run(engine, site, metrics=["time_on_page", "scroll_depth"],
                filters=[["contains", "event:page", ["/blog"]]])
    assert blog == _truth(events, site.timezone, lambda e: () if "/blog" in e["pathname"] else None)
    days = _run(engine, site, metrics=["time_on_page"], dimensions=["time:day"])
    truth = _truth(events, site.timezone,
                   lambda e: (datetime.fromtimestamp(e["ts_ms"] / 1000, zone).date().isoformat(),))
    assert days == {k: v[:1] for k, v in truth.items()}


def test_a_goal_dimension_with_a_module_metric_or_an_unknown_metric_is_refused_by_name(engaged):
    site, _, engine = engaged
    with pytest.raises(QueryError, match="'time_on_page' is counted over events of its own type"):
        _run(engine, site, metrics=["time_on_page"], dimensions=["event:goal"])
    with pytest.raises(QueryError, match="time_on_page, scroll_depth"):
        _run(engine, site, metrics=["dwell_time"])
