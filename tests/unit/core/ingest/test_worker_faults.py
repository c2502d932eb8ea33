"""The worker around store faults: it reports a stall, probes the store while backing off, and logs
an outage once instead of once per retry."""

import logging
import threading
import time

import fakeredis
import redis

from core.analytics.port import AnalyticsUnavailable
from core.buffer.disk_log import DiskLogBuffer
from core.bus.bus import EventBus
from core.ingest.dedup import DedupLedger
from core.ingest.worker import Worker
from core.metrics import Metrics
from tests.unit.core.ingest.test_worker import FakeDeadLetters, FakeEventLog, event, payload


class DownLog(FakeEventLog):
    """Unavailable until `up` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.up = threading.Event()

    def write(self, records) -> None:
        self.write_calls.append([r["event_id"] for r in records])
        if not self.up.is_set():
            raise AnalyticsUnavailable("connection refused")
        self.rows.extend(records)


class FailingBuffer:
    kind = "redis"

    def read(self, max_records, block_ms):
        raise redis.ConnectionError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    def backlog(self) -> int:
        return 0


def _worker(buffer, log, **kwargs) -> Worker:
    dedup = DedupLedger(client=fakeredis.FakeRedis(server=fakeredis.FakeServer()), ttl_s=60)
    return Worker(buffer=buffer, event_log=log, dedup=dedup, bus=EventBus(backoff_s=0, dead_letters=FakeDeadLetters()),
                  dead_letters=FakeDeadLetters(), metrics=Metrics(), poll_ms=20, **kwargs)


def _run(worker: Worker) -> threading.Thread:
    thread = threading.Thread(target=worker.run_forever, daemon=True)
    thread.start()
    return thread


def _until(predicate, timeout: float = 5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.01)
    return predicate()


def test_a_worker_that_cannot_read_reports_a_stall_and_logs_the_outage_once(caplog):
    worker = _worker(FailingBuffer(), FakeEventLog(), stall_s=0.3)
    assert worker.status() is None  # not running: nothing to report
    thread = _run(worker)
    try:
        assert _until(lambda: worker.status() is not None)
        assert worker.status().ok  # failing, but not for stall_s yet
        stalled = _until(lambda: not worker.status().ok and worker.status())
        assert stalled and "ConnectionError" in stalled.detail and "no progress for" in stalled.detail
        time.sleep(1.2)  # at least one more failed read
    finally:
        worker.stop()
        thread.join(5)
    lines = [r for r in caplog.records if r.name == "core.ingest.worker" and r.levelno >= logging.ERROR]
    assert len(lines) == 1 and lines[0].exc_info is None  # a store outage, not a bug: no traceback
    assert worker.status() is None


def test_probing_during_back_off_retries_as_soon_as_the_store_answers(tmp_path):
    log = DownLog()
    buffer = DiskLogBuffer(tmp_path / "buf")
    probed = []

    def probe() -> None:
        probed.append(time.monotonic())
        if not log.up.is_set():
            raise AnalyticsUnavailable("still down")

    # A back-off of up to 60 s: without the probe the write would wait for it.
    worker = _worker(buffer, log, retry_max_s=60, probe=probe, probe_interval_s=0.2, stall_s=0.5)
    buffer.append([payload(event("a"), event("b"))])
    thread = _run(worker)
    try:
        time.sleep(3.5)  # back-off grows past 1.6 s: the next plain retry would be ~3 s away
        assert not worker.status().ok and buffer.backlog() == 1
        log.up.set()
        up_at = time.monotonic()
        assert _until(lambda: buffer.backlog() == 0, timeout=5)
        recovered_after = time.monotonic() - up_at
    finally:
        worker.stop()
        thread.join(5)
        buffer.close()
    assert recovered_after < 0.6, recovered_after
    assert log.written_ids() == ["a", "b"]
    assert len(probed) >= 5
    assert worker.status() is None


def test_the_stall_clears_once_a_batch_goes_through(tmp_path):
    log = DownLog()
    buffer = DiskLogBuffer(tmp_path / "buf")
    worker = _worker(buffer, log, probe_interval_s=0.05, stall_s=0.2)
    buffer.append([payload(event("a"))])
    thread = _run(worker)
    try:
        assert _until(lambda: not worker.status().ok)
        log.up.set()
        assert _until(lambda: worker.status().ok and worker.status().detail == "ok")
    finally:
        worker.stop()
        thread.join(5)
        buffer.close()


class LandedThenCut(FakeEventLog):
    """The first insert reaches the store, then the connection breaks before the answer."""

    def write(self, records) -> None:
        self.write_calls.append([r["event_id"] for r in records])
        self.rows.extend(records)
        if len(self.write_calls) == 1:
            raise AnalyticsUnavailable("connection reset by peer")


def test_an_insert_that_landed_before_the_connection_broke_is_not_written_again(tmp_path):
    log = LandedThenCut()
    buffer = DiskLogBuffer(tmp_path / "buf")
    buffer.append([payload(event("a"), event("b"))])
    try:
        assert _worker(buffer, log, probe_interval_s=0.01).drain() == 2
    finally:
        buffer.close()
    assert log.written_ids() == ["a", "b"]
    assert log.write_calls == [["a", "b"]]  # the retry found both in the log


class SecondReadFails:
    """Hands out one record, then the store goes away (a Redis that will come back empty)."""

    kind = "redis"

    def __init__(self) -> None:
        self.reads, self.acked = 0, []

    def read(self, max_records, block_ms):
        from core.buffer.port import BufferRecord

        self.reads += 1
        if self.reads == 1:
            return [BufferRecord("1-0", payload(event("a")))]
        raise redis.ConnectionError("Connection closed by server.")

    def ack(self, records) -> None:
        self.acked.extend(r.id for r in records)


def test_records_read_before_a_failing_linger_read_are_processed_not_forgotten():
    log, buffer = FakeEventLog(), SecondReadFails()
    worker = _worker(buffer, log, linger_ms=1)
    assert worker.run_once() == 1
    assert log.written_ids() == ["a"] and buffer.acked == ["1-0"]
