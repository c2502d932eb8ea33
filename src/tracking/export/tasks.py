"""export's background work, next to the worker: the schedule (every `poll_s`) and retention.

Both are plain loops over the services; a failing pass is logged and the loop goes on (a
destination's own failures are recorded on it and retried with back-off by the service).
"""

import logging
import threading

from prometheus_client import CollectorRegistry, Counter, Gauge

from tracking.export.service.rights import DataRights
from tracking.export.service.runs import ExportRuns

log = logging.getLogger(__name__)


class ExportMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self._runs = Counter("ut_export_intervals", "Export intervals completed (outcome=success) or "
                             "attempts that failed (outcome=failure)", ["outcome"], registry=registry)
        self._rows = Counter("ut_export_rows", "Rows written to export destinations", registry=registry)
        self._bytes = Counter("ut_export_bytes", "Bytes written to export destinations", registry=registry)
        self._retries = Counter("ut_export_upload_retries", "Object uploads retried after an error",
                                registry=registry)
        self._lag = Gauge("ut_export_lag_seconds", "Seconds between now and the end of what a destination "
                          "has exported", ["destination"], registry=registry)

    def exported(self, destination, rows: int, bytes_: int) -> None:
        self._runs.labels("success").inc()
        self._rows.inc(rows)
        self._bytes.inc(bytes_)

    def failed(self) -> None:
        self._runs.labels("failure").inc()

    def retried(self) -> None:
        self._retries.inc()

    def lag(self, destination_id: int, seconds: float) -> None:
        self._lag.labels(str(destination_id)).set(seconds)


class ExportScheduler:
    def __init__(self, *, runs: ExportRuns, poll_s: float) -> None:
        self._runs, self._poll_s = runs, poll_s

    def run_forever(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                self._runs.run_due()
            except Exception:
                log.exception("export: schedule pass failed")
            stop.wait(self._poll_s)


class RetentionTask:
    def __init__(self, *, rights: DataRights, interval_s: float) -> None:
        self._rights, self._interval_s = rights, interval_s

    def run_forever(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                self._rights.apply_retention()
            except Exception:
                log.exception("export: retention pass failed")
            stop.wait(self._interval_s)
