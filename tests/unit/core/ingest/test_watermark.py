"""The events log's write watermark: a write in flight holds it at the write's registration, the
rows carry a stamp at or after it, and a crashed writer stops holding it after the lease."""

import threading
import time

import fakeredis

from core.buffer.disk_log import DiskLogBuffer
from core.ingest.watermark import WriteWatermark
from tests.unit.core.ingest.test_worker import FakeEventLog, event, payload
from tests.unit.core.ingest.test_worker_faults import DownLog, _worker


class Clock:
    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def test_a_write_in_flight_holds_the_watermark_until_it_is_done():
    clock = Clock(1000.0)
    wm = WriteWatermark(client=fakeredis.FakeRedis(), key="t:w", lease_s=60, clock=clock)
    assert wm.current_ms() == 1_000_000
    slot = wm.writer()
    stamp = slot.stamp()
    clock.t = 1005.0
    assert wm.current_ms() == 1_000_000 <= stamp  # registered before the stamp was taken
    assert slot.stamp() == 1_005_000 and wm.current_ms() == 1_000_000  # a retry keeps the first hold
    slot.done()
    assert wm.current_ms() == 1_005_000


def test_a_dead_writer_stops_holding_the_watermark_after_the_lease():
    clock = Clock(1000.0)
    wm = WriteWatermark(client=fakeredis.FakeRedis(), key="t:w", lease_s=60, clock=clock)
    wm.writer().stamp()  # never done: the process died mid-insert
    clock.t = 1059.0
    assert wm.current_ms() == 1_000_000
    clock.t = 1061.0
    assert wm.current_ms() == 1_061_000


class WatchingLog(FakeEventLog):
    """Records, at each write, the stamps and what the watermark says while the insert runs."""

    def __init__(self, wm: WriteWatermark) -> None:
        super().__init__()
        self.wm, self.seen = wm, []

    def write(self, records) -> None:
        self.seen.append(({r["ingested_ms"] for r in records}, self.wm.current_ms()))
        super().write(records)


def test_the_worker_stamps_rows_after_registering_and_releases_after_the_write(tmp_path):
    clock = Clock(2000.0)
    wm = WriteWatermark(client=fakeredis.FakeRedis(), key="t:w", clock=clock)
    log = WatchingLog(wm)
    buffer = DiskLogBuffer(tmp_path)
    buffer.append([payload(*[event(f"e{i}") for i in range(3)])])
    worker = _worker(buffer, log, watermark=wm)
    assert worker.drain(timeout_s=5) == 3
    ((stamps, during),) = log.seen
    assert stamps == {2_000_000} and during <= 2_000_000  # never past a row still being written
    assert [r["ingested_ms"] for r in log.rows] == [2_000_000] * 3
    clock.t = 2001.0
    assert wm.current_ms() == 2_001_000  # released
    buffer.close()


def test_a_write_retried_through_an_outage_is_restamped_and_held_from_its_first_attempt(tmp_path):
    clock = Clock(3000.0)
    wm = WriteWatermark(client=fakeredis.FakeRedis(), key="t:w", clock=clock)
    log = DownLog()
    buffer = DiskLogBuffer(tmp_path)
    buffer.append([payload(event("e1"))])
    worker = _worker(buffer, log, watermark=wm, retry_max_s=0.05)
    thread = threading.Thread(target=worker.run_forever, daemon=True)
    thread.start()
    try:
        while not log.write_calls:
            time.sleep(0.01)
        clock.t = 3010.0
        assert wm.current_ms() == 3_000_000  # still held by the first attempt
        log.up.set()
        while not log.rows:
            time.sleep(0.01)
    finally:
        worker.stop()
        thread.join(5)
    assert log.rows[0]["ingested_ms"] == 3_010_000  # the attempt that landed stamped it
    assert wm.current_ms() == 3_010_000  # and released the hold
    buffer.close()
