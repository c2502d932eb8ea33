"""All ClickHouse SQL of web_vitals: the measurements table and the percentile report over it.

One row per report of a metric instance. The web-vitals library reports an instance again when
its value changes (CLS and INP grow, LCP moves to a larger element), with the same `metric_id`:
the ReplacingMergeTree keeps the latest (by event time `ts_ms`) per (site, name, metric_id), and
every query takes `argMax(value, ts_ms)` per instance itself, so results are exact before any
merge has run, and a batch the bus redelivers changes nothing.

Percentiles are numpy's default method ("linear", Hyndman & Fan type 7), computed in SQL from
the sorted values with numpy's own interpolation formula: `quantileExactInclusive` would match
too, but ClickHouse 18.16 lacks it, and `quantileExact` picks a different element.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

import orjson

from core.analytics.migrations import Migration
from core.analytics.port import AnalyticsStore
from core.analytics.time_range import UtcRange
from core.bus.events import TrackedEvent
from tracking.web_vitals.schemas import THRESHOLDS

CREATE_MEASUREMENTS = """
CREATE TABLE IF NOT EXISTS web_vitals_measurements (
    site_id String,
    name String,
    metric_id String,
    ts_ms UInt64,
    ts DateTime('UTC') MATERIALIZED toDateTime(intDiv(ts_ms, 1000), 'UTC'),
    day Date MATERIALIZED toDate(ts),
    event_id UUID,
    value Float64,
    navigation_type String,
    pathname String,
    device_type String,
    country String
) ENGINE = ReplacingMergeTree(ts_ms)
PARTITION BY toYYYYMM(day)
ORDER BY (site_id, name, metric_id)
"""

MIGRATIONS = (Migration(1, (CREATE_MEASUREMENTS,)),)

_COLUMNS = ("site_id", "name", "metric_id", "ts_ms", "event_id", "value", "navigation_type", "pathname",
            "device_type", "country")
GROUP_COLUMNS = {"page": "pathname", "device": "device_type", "country": "country"}


def _by_metric(kind: str) -> str:
    branches = ", ".join(f"name = '{m}', %({kind}_{m})s" for m in THRESHOLDS)
    return f"multiIf({branches}, nan)"


# 1. the latest value of each metric instance; rows a day either side of the window are read so
#    an instance whose reports straddle midnight is judged by its last report, in one window only.
# 2. per group and metric: count, ratings, sorted values and numpy's virtual indexes (n - 1) * q.
# 3. numpy's _lerp(a, b, t) between the neighbours of each index: a + (b - a) * t, or
#    b - (b - a) * (1 - t) when t >= 0.5. ClickHouse 18.16 lambdas cannot see outer columns, so
#    the sorted values are passed to them as an argument ([xs, xs, xs]).
_REPORT = f"""
SELECT grp, name, n, good, poor,
       arrayMap((a, b, t) -> if(t >= 0.5, b - (b - a) * (1 - t), a + (b - a) * t),
                arrayMap((h, x) -> x[toUInt64(h) + 1], hs, [xs, xs, xs]),
                arrayMap((h, x) -> x[least(toUInt64(h) + 2, length(x))], hs, [xs, xs, xs]),
                arrayMap(h -> h - floor(h), hs)) AS percentiles
FROM (
    SELECT grp, name, count() AS n,
           countIf(value <= {_by_metric("good")}) AS good,
           countIf(value > {_by_metric("poor")}) AS poor,
           arraySort(groupArray(value)) AS xs,
           [(n - 1) * 0.5, (n - 1) * 0.75, (n - 1) * 0.95] AS hs
    FROM (
        SELECT name, metric_id, argMax(value, ts_ms) AS value, argMax({{group}}, ts_ms) AS grp,
               max(ts_ms) AS last_ms
        FROM web_vitals_measurements
        WHERE site_id = %(site_id)s AND day BETWEEN %(scan_from)s AND %(scan_to)s
        GROUP BY name, metric_id
    )
    WHERE last_ms >= %(start_ms)s AND last_ms < %(end_ms)s
    GROUP BY grp, name
)
"""
REPORTS = {by: _REPORT.replace("{group}", column) for by, column in GROUP_COLUMNS.items()}

# The query engine's `<metric>_p75` (service.VitalP75): each metric instance once, by its latest
# report (as the report above judges it), for the engine to join to the events log by that
# report's event id (core.query.contributions `entries`); the engine keeps those whose latest
# report lies in the window. Columns are named so they cannot clash with the events log's.
VITAL_ENTRIES = """SELECT argMax(event_id, ts_ms) AS event_id, any(name) AS wv_name, argMax(value, ts_ms) AS wv_value
    FROM web_vitals_measurements WHERE site_id = %(site_id)s AND day BETWEEN %(pad_from)s AND %(pad_to)s
    GROUP BY name, metric_id"""


def vital_values(metric: str) -> str:
    """The sorted latest values of one metric's instances (a fixed metric name, not a value)."""
    if metric not in THRESHOLDS:
        raise ValueError(f"unknown Web Vitals metric {metric!r}")
    return f"arraySort(groupArrayIf(wv_value, wv_name = '{metric}'))"


@dataclass(frozen=True, slots=True)
class MetricRow:
    group: str
    name: str
    count: int
    good: int
    poor: int
    percentiles: tuple[float, float, float]  # p50, p75, p95


class VitalsStore:
    def __init__(self, *, analytics: AnalyticsStore) -> None:
        self._ch = analytics

    def add(self, events: Sequence[TrackedEvent]) -> None:
        self._ch.insert("web_vitals_measurements", _COLUMNS, [_row(e) for e in events])

    def metrics(self, *, site_id: str, window: UtcRange, by: str) -> list[MetricRow]:
        params = {"site_id": site_id, "scan_from": window.day_from - timedelta(days=1),
                  "scan_to": window.day_to + timedelta(days=1),
                  "start_ms": int(window.start.timestamp() * 1000), "end_ms": int(window.end.timestamp() * 1000)}
        for name, t in THRESHOLDS.items():
            params[f"good_{name}"], params[f"poor_{name}"] = t.good, t.poor
        rows = self._ch.query(REPORTS[by], params)
        return [MetricRow(g, name, int(n), int(good), int(poor), tuple(float(p) for p in ps))
                for g, name, n, good, poor, ps in rows]


def _row(e: TrackedEvent) -> dict:
    data = orjson.loads(e.data)
    return {"site_id": e.site_id, "name": e.name, "metric_id": data.get("metric_id") or e.event_id,
            "ts_ms": e.ts_ms, "event_id": e.event_id, "value": float(data["value"]),
            "navigation_type": data.get("navigation_type", ""), "pathname": e.pathname or "/",
            "device_type": e.device_type, "country": e.country}
