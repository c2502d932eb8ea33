"""The worker: drains the durable buffer into the events log, then tells the modules.

Order per batch: decode, drop duplicates (ledger, and the log itself for redelivered records),
write the log, remember the ids, publish on the bus, ack the buffer. A crash anywhere before the
ack means the batch comes back as redelivered and is neither written twice nor lost. While the
store is unreachable the batch is retried with back-off (it is safe in the buffer), probing the
store meanwhile so the backlog drains as soon as it answers; rows the store refuses for good are
isolated by bisection and dead-lettered with the reason. A worker that has failed for `stall_s`
reports itself stalled (`status()`, read by /ready); outages are logged once, not per retry.
"""

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import ClassVar, Protocol

import orjson
import redis

from core.analytics.port import AnalyticsUnavailable
from core.buffer.port import BufferRecord, BufferUnavailable, EventBuffer
from core.bus.bus import EventBus
from core.bus.events import CORE_EVENT_CLASSES, TrackedEvent, event_from_record
from core.ingest.dead_letters import DeadLetters
from core.ingest.dedup import DedupLedger
from core.ingest.event_log import EventLog
from core.ingest.visits import VisitLog
from core.ingest.watermark import WriteWatermark
from core.metrics import Metrics, OutageLog

log = logging.getLogger(__name__)
# Failures that are a store being away, not a bug: logged without a traceback.
_OUTAGES = (AnalyticsUnavailable, BufferUnavailable, redis.ConnectionError, redis.TimeoutError)


@dataclass(frozen=True, slots=True)
class WorkerStatus:
    ok: bool
    detail: str


class BatchProcessor(Protocol):
    """A module's hook into the worker: completes a batch of records in place before the write.
    Like an enricher, it declares the events-log columns it `writes` and `reads`."""

    writes: ClassVar[frozenset[str]]
    reads: ClassVar[frozenset[str]]

    def process(self, records: list[dict]) -> None: ...


class Worker:
    def __init__(self, *, buffer: EventBuffer, event_log: EventLog, dedup: DedupLedger, bus: EventBus,
                 dead_letters: DeadLetters, metrics: Metrics, processors: Sequence[BatchProcessor] = (),
                 event_classes: Mapping[str, type[TrackedEvent]] = CORE_EVENT_CLASSES, batch_records: int = 500,
                 poll_ms: int = 200, linger_ms: int = 0, retry_max_s: float = 30.0,
                 probe: Callable[[], object] | None = None, probe_interval_s: float = 0.5,
                 stall_s: float = 10.0, watermark: WriteWatermark | None = None,
                 visits: VisitLog | None = None) -> None:
        """`probe` (e.g. the analytics store's ping) is called every `probe_interval_s` while backing
        off after a store error: the retry starts as soon as it succeeds, not after the back-off."""
        self._buffer = buffer
        self._log = event_log
        self._dedup = dedup
        self._bus = bus
        self._event_classes = event_classes
        self._dead = dead_letters
        self._metrics = metrics
        self._processors = list(processors)
        self._batch_records = batch_records
        self._poll_ms = poll_ms
        self._linger_ms = linger_ms
        self._retry_max_s = retry_max_s
        self._probe = probe
        self._probe_interval_s = probe_interval_s
        self._stall_s = stall_s
        self._watermark = watermark
        self._visits = visits
        self._slot = watermark.writer() if watermark is not None else None
        self._stop = threading.Event()
        self._pending: list[BufferRecord] = []  # read but not acked: retried before reading more
        self._running = False
        self._failing_since: float | None = None
        self._last_error = ""
        self._outage = OutageLog(log, "worker: a store")

    def stop(self) -> None:
        self._stop.set()

    def run_forever(self) -> None:
        log.info("worker started (buffer: %s)", self._buffer.kind)
        self._running = True
        try:
            while not self._stop.is_set():
                try:
                    self.run_once()
                except Exception as exc:  # never let the loop die: the batch is kept and retried
                    self._failed(exc)
                    # Part of it may have been written before the failure: check the log next time.
                    self._pending = [replace(r, redelivered=True) for r in self._pending]
                    self._stop.wait(1.0)
        finally:
            self._running = False

    def status(self) -> WorkerStatus | None:
        """None when this worker is not running (e.g. `utrack worker` processes do the work)."""
        if not self._running:
            return None
        since = self._failing_since
        if since is None:
            return WorkerStatus(True, "ok")
        failing = time.monotonic() - since
        if failing < self._stall_s:
            return WorkerStatus(True, f"retrying for {failing:.1f}s: {self._last_error}"[:300])
        held = f"{len(self._pending)} records held" if self._pending else "nothing read"
        return WorkerStatus(False, f"stalled: no progress for {failing:.1f}s ({held}): {self._last_error}"[:300])

    def _failed(self, exc: BaseException) -> None:
        if self._failing_since is None:
            self._failing_since = time.monotonic()
        self._last_error = f"{type(exc).__name__}: {exc}"
        self._outage.failed(exc, traceback=not isinstance(exc, _OUTAGES))

    def _progressed(self) -> None:
        if self._failing_since is not None:
            self._failing_since = None
            self._outage.recovered()

    def drain(self, timeout_s: float = 10.0) -> int:
        """Process until the buffer is empty (used by tests and `utrack worker --once`)."""
        total, deadline = 0, time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            n = self.run_once(block_ms=0)
            total += n
            if n == 0 and self._buffer.backlog() == 0:
                break
        return total

    def run_once(self, block_ms: int | None = None) -> int:
        records = self._pending or self._read(self._poll_ms if block_ms is None else block_ms)
        if not records:
            self._progressed()  # the buffer answered and holds nothing for us
            return 0
        self._pending = records
        events = self._decode(records)
        fresh = self._drop_duplicates(events)
        replayed = self._already_logged([e for e, redelivered in fresh if redelivered])
        if replayed is None:
            return 0  # stopping while the store is down: leave the records in the buffer
        for e, _ in fresh:  # the log is the record: a replayed event keeps the session it was logged with
            if (e["site_id"], e["event_id"]) in replayed:
                e["session_id"] = replayed[(e["site_id"], e["event_id"])]
        for processor in self._processors:  # e.g. session assignment, before the log is written
            processor.process([e for e, _ in fresh])
        to_write = [e for e, _ in fresh if (e["site_id"], e["event_id"]) not in replayed]
        written = self._write(to_write)
        if written is None:
            return 0  # stopping while the store is down: leave the records in the buffer
        # Replayed events too: the crash that replays them may have come before their visits' refresh.
        if self._with_retry(lambda: self._refresh_visits([e for e, _ in fresh])) is None:
            return 0
        self._dedup.remember((e["site_id"], e["event_id"]) for e, _ in fresh)
        # Replayed events are published again: their first publish may not have happened.
        failures = self._bus.publish([event_from_record(e, self._event_classes) for e, _ in fresh])
        for name in failures:
            self._metrics.bus_failures.labels(name).inc()
        self._buffer.ack(records)
        self._pending = []
        self._progressed()
        self._metrics.batch_size.observe(len(events))
        return len(events)

    def _read(self, block_ms: int) -> list[BufferRecord]:
        records = self._buffer.read(self._batch_records, block_ms)
        if records and self._linger_ms and len(records) < self._batch_records:
            # Under load, waiting a moment for concurrent requests gives fewer, bigger inserts
            # (each insert costs the same whatever its size); idle, it adds only linger_ms.
            self._stop.wait(self._linger_ms / 1000)
            try:
                records += self._buffer.read(self._batch_records - len(records), 0)
            except Exception:  # keep what was read: a Redis that restarts empty would not give it back
                log.debug("buffer read failed after a partial batch; processing what was read", exc_info=True)
        return records

    def _decode(self, records: Sequence[BufferRecord]) -> list[tuple[dict, bool]]:
        events = []
        for record in records:
            try:
                events.extend((e, record.redelivered) for e in orjson.loads(record.payload))
            except (orjson.JSONDecodeError, TypeError) as exc:
                self._dead_letter("decode", str(exc), [{"raw": record.payload.decode("utf-8", "replace")}])
        return events

    def _drop_duplicates(self, events: list[tuple[dict, bool]]) -> list[tuple[dict, bool]]:
        unique: dict[tuple[str, str], tuple[dict, bool]] = {}
        for event, redelivered in events:
            unique.setdefault((event["site_id"], event["event_id"]), (event, redelivered))
        # Redelivered records skip the ledger: a dead worker may have remembered their ids without
        # publishing them. The log check decides what to write, and they are all republished.
        seen = self._dedup.seen([key for key, (_, redelivered) in unique.items() if not redelivered])
        self._metrics.duplicates.inc(len(events) - len(unique) + len(seen))
        return [v for k, v in unique.items() if k not in seen]

    def _already_logged(self, events: list[dict]) -> dict[tuple[str, str], int] | None:
        """(site_id, event_id) -> session_id of the events already in the log."""
        if not events:
            return {}
        return self._with_retry(lambda: self._log.logged_sessions(events))

    def _write(self, events: list[dict]) -> int | None:
        if not events:
            return 0
        try:
            ok = self._retry_write(events)
        finally:
            if self._slot is not None:
                self._slot.done()  # the rows are in (or still pending): no longer holds the watermark
        return None if ok is None else len(events)

    def _retry_write(self, events: list[dict]) -> bool | None:
        """Write with retries. An insert cut off by the network may have landed all the same, so a
        retry first asks the log which of the events it has (as for redelivered records)."""
        first = True

        def attempt() -> bool:
            nonlocal first
            todo = events
            if not first:
                logged = self._log.logged_sessions(events)
                todo = [e for e in events if (e["site_id"], e["event_id"]) not in logged]
            first = False
            return self._write_isolating_bad_rows(todo) if todo else True

        return self._with_retry(attempt)

    def _write_isolating_bad_rows(self, events: list[dict]) -> bool:
        started = time.perf_counter()
        # Stamped per attempt, after registering with the write watermark (core.ingest.watermark).
        stamp = self._slot.stamp() if self._slot is not None else int(time.time() * 1000)
        for e in events:
            e["ingested_ms"] = stamp
        try:
            self._log.write(events)
        except AnalyticsUnavailable:
            raise
        except Exception as exc:
            if len(events) == 1:
                self._dead_letter("events_log", f"{type(exc).__name__}: {exc}", events)
                return True
            mid = len(events) // 2
            # Each half is retried on its own: retrying the whole batch after an outage here
            # would write the halves already written a second time.
            for half in (events[:mid], events[mid:]):
                if self._retry_write(half) is None:
                    raise AnalyticsUnavailable("stopping while the store is down") from None
            return True
        self._metrics.write_seconds.observe(time.perf_counter() - started)
        self._metrics.written.inc(len(events))
        return True

    def _refresh_visits(self, events: list[dict]) -> bool:
        if self._visits is None:
            return True
        try:
            self._visits.refresh(events)
        except AnalyticsUnavailable:
            raise
        except Exception:  # a bad row must not stop ingest; the visit's next event rewrites it
            log.exception("worker: could not refresh the visits of %d events", len(events))
        return True

    def _with_retry(self, call):
        delay = 0.1
        while True:
            try:
                return call()
            except AnalyticsUnavailable as exc:
                self._failed(exc)
                if not self._back_off(delay):
                    return None
                delay = min(delay * 2, self._retry_max_s)

    def _back_off(self, delay: float) -> bool:
        """Wait up to `delay`, probing the store: True when it is time to retry, False when stopping.
        The batch's own retry is kept exponential (a big insert is costly); the probe is cheap."""
        deadline = time.monotonic() + delay
        while (remaining := deadline - time.monotonic()) > 0:
            if self._stop.wait(min(remaining, self._probe_interval_s)):
                return False
            if self._probe is not None and time.monotonic() < deadline:
                try:
                    self._probe()
                except Exception:  # still down: keep waiting
                    continue
                return True
        return True

    def _dead_letter(self, stage: str, reason: str, payload: list[dict]) -> None:
        self._dead(stage, reason, payload)
        self._metrics.dead_lettered.labels(stage).inc(len(payload))
