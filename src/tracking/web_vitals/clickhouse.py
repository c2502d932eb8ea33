"""All ClickHouse SQL of web_vitals: the measurements table and the engine's entries over it.

One row per report of a metric instance. The web-vitals library reports an instance again when
its value changes (CLS and INP grow, LCP moves to a larger element), with the same `metric_id`:
the ReplacingMergeTree keeps the latest (by event time `ts_ms`) per (site, name, metric_id), and
every query takes `argMax(value, ts_ms)` per instance itself, so results are exact before any
merge has run, and a batch the bus redelivers changes nothing.

Percentiles are numpy's default method ("linear", Hyndman & Fan type 7): ClickHouse hands the
sorted values over (`vital_values`) and service.percentile interpolates with numpy's own formula;
`quantileExactInclusive` would match too, but ClickHouse 18.16 lacks it, and `quantileExact`
picks a different element.
"""

from collections.abc import Sequence

import orjson

from core.analytics.migrations import Migration
from core.analytics.port import AnalyticsStore
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
# The query engine's Web Vitals metrics (service.VitalStat): each metric instance once, by its
# latest report, for the engine to join to the events log by that report's event id
# (core.query.contributions `entries`); the engine keeps those whose latest report lies in the
# window, so an instance reported again after midnight belongs to the next day only. Rows a day
# either side of the window are read (the engine's padded days). Columns are named so they cannot
# clash with the events log's.
VITAL_ENTRIES = """SELECT argMax(event_id, ts_ms) AS event_id, any(name) AS wv_name, argMax(value, ts_ms) AS wv_value
    FROM web_vitals_measurements WHERE site_id = %(site_id)s AND day BETWEEN %(pad_from)s AND %(pad_to)s
    GROUP BY name, metric_id"""


def vital_values(metric: str) -> str:
    """The sorted latest values of one metric's instances (a fixed metric name, not a value)."""
    if metric not in THRESHOLDS:
        raise ValueError(f"unknown Web Vitals metric {metric!r}")
    return f"arraySort(groupArrayIf(wv_value, wv_name = '{metric}'))"


class VitalsStore:
    def __init__(self, *, analytics: AnalyticsStore) -> None:
        self._ch = analytics

    def add(self, events: Sequence[TrackedEvent]) -> None:
        self._ch.insert("web_vitals_measurements", _COLUMNS, [_row(e) for e in events])


def _row(e: TrackedEvent) -> dict:
    data = orjson.loads(e.data)
    return {"site_id": e.site_id, "name": e.name, "metric_id": data.get("metric_id") or e.event_id,
            "ts_ms": e.ts_ms, "event_id": e.event_id, "value": float(data["value"]),
            "navigation_type": data.get("navigation_type", ""), "pathname": e.pathname or "/",
            "device_type": e.device_type, "country": e.country}
