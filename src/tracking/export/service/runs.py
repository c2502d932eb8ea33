"""The export schedule: which intervals of a destination are due, running them, their status.

An interval [start, end) is due once the events log's write watermark (core.ingest.watermark),
less `settle_s`, has passed `end`: every row written in it is then in the log. Each destination's
`cursor_ms` is the next interval to export; a run exports due intervals in order and moves the
cursor after each one that completed (`_SUCCESS` written). A failure stops the run, is recorded
(`last_error`, scrubbed of credentials) and waits `backoff_base_s` doubling per consecutive
failure; the next run starts again at the cursor and rewrites the same keys. Backfill exports
any past intervals that have no run recorded, so it resumes where it stopped.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tracking.export.clickhouse import ExportRows
from tracking.export.models import Destination
from tracking.export.repository import ExportRepository
from tracking.export.service.destinations import Destinations, UnknownDestination
from tracking.export.service.interval import Spec, export_interval
from tracking.export.service.layout import floor_ms
from tracking.export.service.targets import LocalTarget, RetryingTarget, S3Target, Target, scrub

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RunOutcome:
    intervals: int
    rows: int
    bytes: int
    error: str


class ExportRuns:
    def __init__(self, *, uow, destinations: Destinations, rows: ExportRows, watermark, metrics=None,
                 local_root: Path, settle_s: float = 60.0, part_rows: int = 1_000_000, upload_attempts: int = 3,
                 backoff_base_s: float = 30.0, backoff_max_s: float = 3600.0, upload_backoff_s: float = 0.5,
                 clock: Callable[[], float] = time.time, target_factory: Callable[..., Target] | None = None) -> None:
        self._uow, self._destinations, self._rows, self._watermark = uow, destinations, rows, watermark
        self._metrics = metrics
        self._local_root = Path(local_root)
        self._settle_ms = int(settle_s * 1000)
        self._part_rows, self._attempts, self._upload_backoff_s = part_rows, upload_attempts, upload_backoff_s
        self._backoff = (backoff_base_s, backoff_max_s)
        self._clock = clock
        self._target_factory = target_factory or self._target

    def due_before_ms(self) -> int:
        """Intervals ending at or before this are complete in the log."""
        return self._watermark.current_ms() - self._settle_ms

    def run_due(self) -> int:
        """Every enabled destination not waiting after a failure; returns intervals exported."""
        now_ms = int(self._clock() * 1000)
        with self._uow() as session:
            ids = [d.id for d in ExportRepository(session).destinations()
                   if d.enabled and d.next_attempt_ms <= now_ms]
        total = 0
        for destination_id in ids:
            try:
                total += self.run(destination_id).intervals
            except UnknownDestination:  # removed meanwhile
                continue
        return total

    def run(self, destination_id: int, *, max_intervals: int | None = None) -> RunOutcome:
        """Export the destination's due intervals from its cursor (manual runs ignore the back-off)."""
        due_ms = self.due_before_ms()
        d = self._load(destination_id)
        intervals = rows = bytes_ = 0
        target = None
        try:
            start = d.cursor_ms
            while start + d.interval_s * 1000 <= due_ms and (max_intervals is None or intervals < max_intervals):
                target = target or self._retrying(d)
                done = self._export(d, target, start)
                intervals, rows, bytes_ = intervals + 1, rows + done[0], bytes_ + done[1]
                start += d.interval_s * 1000
                self._advance(d.id, start)
        except Exception as exc:
            return RunOutcome(intervals, rows, bytes_, self._failed(d, exc))
        finally:
            if target is not None:
                target.close()
            self._lag(d.id)
        return RunOutcome(intervals, rows, bytes_, "")

    def backfill(self, destination_id: int, from_ms: int, to_ms: int,
                 progress: Callable[[int, int], None] | None = None) -> RunOutcome:
        """Export every interval in [from, to) (aligned down) with no run recorded; `progress(done,
        total)` after each. Stops at the first failure (run it again to resume)."""
        d = self._load(destination_id)
        step = d.interval_s * 1000
        end = min(to_ms, self.due_before_ms())
        starts = list(range(floor_ms(from_ms, d.interval_s), end - step + 1, step))
        with self._uow() as session:
            done_before = ExportRepository(session).exported_starts(d.id, starts[0], end) if starts else set()
        todo = [s for s in starts if s not in done_before]
        target = None
        rows = bytes_ = i = 0
        try:
            for i, start in enumerate(todo):
                target = target or self._retrying(d)
                r, b = self._export(d, target, start)
                rows, bytes_ = rows + r, bytes_ + b
                if progress:
                    progress(i + 1, len(todo))
        except Exception as exc:
            return RunOutcome(i, rows, bytes_, self._failed(d, exc))
        finally:
            if target is not None:
                target.close()
        return RunOutcome(len(todo), rows, bytes_, "")

    def status(self, site_id: str, destination_id: int, recent: int = 10) -> dict:
        view = self._destinations.get(site_id, destination_id)
        with self._uow() as session:
            runs = ExportRepository(session).recent_runs(destination_id, recent)
            recent_runs = [{"interval_start": _iso(r.interval_start_ms), "interval_end": _iso(r.interval_end_ms),
                            "rows": r.rows, "bytes": r.bytes, "files": r.files, "seconds": round(r.seconds, 3),
                            "finished_at": r.finished_at} for r in runs]
        now_ms = int(self._clock() * 1000)
        return {"destination": view, "exported_until": _iso(view.cursor_ms),
                "lag_s": max(0.0, (now_ms - view.cursor_ms) / 1000), "recent_runs": recent_runs,
                "retry_at": _iso(view.next_attempt_ms) if view.failures else None}

    # -- internals ------------------------------------------------------------------------------

    def _load(self, destination_id: int) -> Destination:
        with self._uow() as session:
            d = ExportRepository(session).destination_by_id(destination_id)
            if d is None:
                raise UnknownDestination(destination_id)
            session.expunge(d)
            return d

    def _export(self, d: Destination, target: Target, start: int) -> tuple[int, int]:
        began = time.perf_counter()
        spec = Spec(d.site_id, d.prefix, d.format, d.compression, d.interval_s)
        done = export_interval(self._rows, target, spec, start, self._part_rows)
        seconds = time.perf_counter() - began
        with self._uow() as session:
            ExportRepository(session).record_run(d.id, start, start + d.interval_s * 1000, rows=done.rows,
                                                 bytes_=done.bytes, files=len(done.files), seconds=seconds,
                                                 at=datetime.now(UTC))
        if self._metrics is not None:
            self._metrics.exported(d, done.rows, done.bytes)
        return done.rows, done.bytes

    def _advance(self, destination_id: int, cursor_ms: int) -> None:
        with self._uow() as session:
            d = ExportRepository(session).destination_by_id(destination_id)
            if d is not None:
                d.cursor_ms = max(d.cursor_ms, cursor_ms)
                d.failures, d.next_attempt_ms, d.last_success_at = 0, 0, datetime.now(UTC)

    def _failed(self, d: Destination, exc: BaseException) -> str:
        access, secret = self._destinations.credentials(d)
        message = scrub(f"{type(exc).__name__}: {exc}", (access, secret))[:1000]
        log.warning("export: destination %s of site %s failed: %s", d.id, d.site_id, message)
        with self._uow() as session:
            row = ExportRepository(session).destination_by_id(d.id)
            if row is not None:
                row.failures += 1
                delay = min(self._backoff[0] * 2 ** (row.failures - 1), self._backoff[1])
                row.next_attempt_ms = int((self._clock() + delay) * 1000)
                row.last_error, row.last_error_at = message, datetime.now(UTC)
        if self._metrics is not None:
            self._metrics.failed()
        return message

    def _lag(self, destination_id: int) -> None:
        if self._metrics is None:
            return
        with self._uow() as session:
            d = ExportRepository(session).destination_by_id(destination_id)
            if d is not None:
                self._metrics.lag(d.id, max(0.0, self._clock() - d.cursor_ms / 1000))

    def _retrying(self, d: Destination) -> RetryingTarget:
        if d.kind == "s3":
            self._destinations.check_endpoint(d.endpoint_url)  # a refusal fails the run, shown in its status
        access, secret = self._destinations.credentials(d)
        retrying = RetryingTarget(self._target_factory(d, access, secret), attempts=self._attempts,
                                  secrets=(access, secret), base_s=self._upload_backoff_s)
        if self._metrics is not None:
            retrying.on_retry = self._metrics.retried
        return retrying

    def _target(self, d: Destination, access: str, secret: str) -> Target:
        if d.kind == "s3":
            return S3Target(endpoint_url=d.endpoint_url, region=d.region, bucket=d.bucket, access_key=access,
                            secret_key=secret)
        return LocalTarget(str(self._local_root / d.path))


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat().replace("+00:00", "Z")
