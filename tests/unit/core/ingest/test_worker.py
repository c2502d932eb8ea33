"""The worker: buffer -> dedup -> events log -> bus -> ack, with retries, bisection and replay."""

import fakeredis
import orjson
import pytest

from core.analytics.port import AnalyticsUnavailable
from core.buffer.disk_log import DiskLogBuffer
from core.bus.bus import EventBus
from core.bus.events import TrackedEvent
from core.ingest.dedup import DedupLedger
from core.ingest.worker import Worker
from core.metrics import Metrics


class FakeEventLog:
    """Records writes; write call numbers in `unavailable_at` raise AnalyticsUnavailable, and any
    batch holding a row named `poison` is refused with ValueError (as a store refuses a bad row)."""

    def __init__(self, unavailable_at: set[int] = frozenset()) -> None:
        self.rows: list[dict] = []
        self.write_calls: list[list[str]] = []
        self.unavailable_at = set(unavailable_at)

    def write(self, records) -> None:
        self.write_calls.append([r["event_id"] for r in records])
        if len(self.write_calls) in self.unavailable_at:
            raise AnalyticsUnavailable("connection refused")
        if any(r["name"] == "poison" for r in records):
            raise ValueError("cannot parse row")
        self.rows.extend(records)

    def existing_ids(self, records) -> set[str]:
        have = {r["event_id"] for r in self.rows}
        return {r["event_id"] for r in records if r["event_id"] in have}

    def logged_sessions(self, records) -> dict[tuple[str, str], int]:
        have = {(r["site_id"], r["event_id"]): dict(r).get("session_id", 0) for r in self.rows}
        return {(r["site_id"], r["event_id"]): have[(r["site_id"], r["event_id"])] for r in records
                if (r["site_id"], r["event_id"]) in have}

    def written_ids(self) -> list[str]:
        return [r["event_id"] for r in self.rows]


class FakeDeadLetters:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str, list[dict]]] = []

    def __call__(self, stage: str, reason: str, payload: list[dict]) -> None:
        self.calls.append((stage, reason, payload))


class Crash(BaseException):
    """Stands for the process dying: not an Exception, so nothing on the way catches it."""


def event(event_id: str, name: str = "click", site_id: str = "s1") -> dict:
    return {"site_id": site_id, "event_id": event_id, "type": "event", "name": name, "ts_ms": 1_000,
            "received_ms": 2_000, "visitor_id": 7, "props": {"k": "v"}}


def payload(*events: dict) -> bytes:
    return orjson.dumps(list(events))


@pytest.fixture
def redis_server() -> fakeredis.FakeServer:
    return fakeredis.FakeServer()


@pytest.fixture
def env(tmp_path, redis_server):
    """Everything a worker needs; `env.worker()` builds one (again after a simulated restart)."""

    class Env:
        log = FakeEventLog()
        dead = FakeDeadLetters()
        published: list[TrackedEvent] = []
        buffer = DiskLogBuffer(tmp_path / "buf")
        metrics = Metrics()

        def worker(self, **kwargs) -> Worker:
            bus = EventBus(backoff_s=0, dead_letters=self.dead)
            bus.subscribe("recorder", TrackedEvent, self.published.extend)
            for name, handler in kwargs.pop("subscribers", {}).items():
                bus.subscribe(name, TrackedEvent, handler)
            dedup = DedupLedger(client=fakeredis.FakeRedis(server=redis_server), ttl_s=3600)
            return Worker(buffer=self.buffer, event_log=self.log, dedup=dedup, bus=bus, dead_letters=self.dead,
                          metrics=self.metrics, poll_ms=0, **kwargs)

        def restart(self) -> None:
            self.buffer.close()
            self.buffer = DiskLogBuffer(tmp_path / "buf")

        def published_ids(self) -> list[str]:
            return [e.event_id for e in self.published]

    env = Env()
    env.published = []
    yield env
    env.buffer.close()


def test_batch_is_written_published_and_acked(env):
    env.buffer.append([payload(event("a"), event("b")), payload(event("c"))])
    assert env.worker().drain() == 3
    assert env.log.written_ids() == ["a", "b", "c"]
    assert env.log.write_calls == [["a", "b", "c"]]  # one write per batch
    assert env.published_ids() == ["a", "b", "c"]
    assert env.published[0].props == (("k", "v"),)
    assert env.buffer.backlog() == 0
    assert env.metrics.written._value.get() == 3


def test_events_are_published_only_after_the_write(env):
    seen_in_log_at_publish: list[list[str]] = []
    worker = env.worker(subscribers={"probe": lambda batch: seen_in_log_at_publish.append(env.log.written_ids())})
    env.buffer.append([payload(event("a"), event("b"))])
    worker.drain()
    assert seen_in_log_at_publish == [["a", "b"]]


def test_duplicates_within_and_across_batches_are_dropped(env):
    worker = env.worker()
    env.buffer.append([payload(event("a"), event("b"), event("a")), payload(event("b"))])
    worker.drain()
    env.buffer.append([payload(event("a"), event("c"))])  # a client retry, later
    worker.drain()
    assert env.log.written_ids() == ["a", "b", "c"]
    assert env.published_ids() == ["a", "b", "c"]
    assert env.metrics.duplicates._value.get() == 3
    assert env.buffer.backlog() == 0


def test_same_event_id_on_different_sites_is_not_a_duplicate(env):
    env.buffer.append([payload(event("a", site_id="s1"), event("a", site_id="s2"))])
    env.worker().drain()
    assert [(r["site_id"], r["event_id"]) for r in env.log.rows] == [("s1", "a"), ("s2", "a")]


def test_store_unavailable_is_retried_without_loss(env):
    env.log.unavailable_at = {1, 2}
    env.buffer.append([payload(event("a"), event("b"))])
    assert env.worker().drain() == 2
    assert len(env.log.write_calls) == 3
    assert env.log.written_ids() == ["a", "b"]
    assert env.published_ids() == ["a", "b"]
    assert env.dead.calls == []
    assert env.buffer.backlog() == 0


def test_a_bad_row_is_bisected_out_and_dead_lettered_while_the_rest_are_written(env):
    events = [event("a"), event("b"), event("c", name="poison"), event("d"), event("e")]
    env.buffer.append([payload(*events)])
    env.worker().drain()
    assert sorted(env.log.written_ids()) == ["a", "b", "d", "e"]
    assert len(env.dead.calls) == 1
    stage, reason, rows = env.dead.calls[0]
    assert stage == "events_log"
    assert reason == "ValueError: cannot parse row"
    assert [r["event_id"] for r in rows] == ["c"]
    assert env.buffer.backlog() == 0
    assert env.metrics.dead_lettered.labels("events_log")._value.get() == 1


def test_store_outage_during_bisection_does_not_write_rows_twice(env):
    # Call 1 (whole batch) meets the bad row, call 2 writes [a, b], call 3 finds the store down.
    env.log.unavailable_at = {3}
    env.buffer.append([payload(event("a"), event("b"), event("c", name="poison"), event("d"))])
    env.worker().drain()
    assert sorted(env.log.written_ids()) == ["a", "b", "d"]
    assert [r["event_id"] for _, _, rows in env.dead.calls for r in rows] == ["c"]


def test_undecodable_payload_is_dead_lettered_and_the_rest_goes_through(env):
    env.buffer.append([b"{not json", payload(event("a"))])
    env.worker().drain()
    assert env.log.written_ids() == ["a"]
    assert [(stage, rows) for stage, _, rows in env.dead.calls] == [("decode", [{"raw": "{not json"}])]
    assert env.buffer.backlog() == 0


def test_redelivered_records_already_in_the_log_are_republished_but_not_rewritten(env):
    env.buffer.append([payload(event("a"), event("b"), event("c"))])
    assert len(env.buffer.read(10, block_ms=0)) == 1  # a worker took the batch...
    env.log.rows = [event("a"), event("b")]  # ...wrote part of it (it is in the log), then died
    env.restart()

    env.worker().drain()
    assert env.log.write_calls == [["c"]]
    assert env.log.written_ids() == ["a", "b", "c"]
    assert env.published_ids() == ["a", "b", "c"]  # their first publish may never have happened
    assert env.buffer.backlog() == 0


def test_a_crash_after_the_write_but_before_the_publish_still_publishes_after_restart(env):
    def crash(_batch):
        raise Crash

    env.buffer.append([payload(event("a"), event("b"))])
    with pytest.raises(Crash):
        env.worker(subscribers={"dies": crash}).run_once(block_ms=0)
    assert env.log.written_ids() == ["a", "b"]
    env.restart()

    env.published.clear()
    env.worker().drain()
    assert env.published_ids() == ["a", "b"]
    assert env.log.written_ids() == ["a", "b"]  # and not written twice
    assert env.buffer.backlog() == 0


def test_failing_subscriber_does_not_block_the_ack(env):
    def broken(_batch):
        raise RuntimeError("handler bug")

    env.buffer.append([payload(event("a"))])
    env.worker(subscribers={"broken": broken}).drain()
    assert env.published_ids() == ["a"]
    assert [stage for stage, _, _ in env.dead.calls] == ["bus:broken"]
    assert env.metrics.bus_failures.labels("broken")._value.get() == 1
    assert env.buffer.backlog() == 0


def test_stopping_while_the_store_is_down_leaves_the_records_in_the_buffer(env):
    env.log.unavailable_at = set(range(1, 100))
    worker = env.worker()
    worker.stop()
    env.buffer.append([payload(event("a"))])
    assert worker.run_once(block_ms=0) == 0
    assert env.log.rows == []
    assert env.buffer.backlog() == 1


def test_stopping_during_bisection_keeps_the_batch_and_a_restart_writes_each_row_once(env):
    env.log.unavailable_at = set(range(2, 100))  # the bad row is met, then the store goes away
    env.buffer.append([payload(event("a"), event("b", name="poison"), event("c"))])
    worker = env.worker()
    worker.stop()
    assert worker.run_once(block_ms=0) == 0
    assert env.log.rows == [] and env.buffer.backlog() == 1

    env.log.unavailable_at = set()
    env.restart()
    env.worker().drain()
    assert sorted(env.log.written_ids()) == ["a", "c"]
    assert [r["event_id"] for _, _, rows in env.dead.calls for r in rows] == ["b"]
    assert env.buffer.backlog() == 0


def test_batch_processors_complete_records_before_they_are_written_and_published(env):
    class SessionStamp:
        def process(self, records: list[dict]) -> None:
            for r in records:
                r["session_id"] = 42

    env.buffer.append([payload(event("a"), event("a"), event("b"))])
    env.worker(processors=[SessionStamp()]).drain()
    assert [r.get("session_id") for r in env.log.rows] == [42, 42]
    assert {e.session_id for e in env.published} == {42}


def test_a_replayed_event_is_republished_with_the_session_the_log_holds(env):
    seen_by_processor = []

    class Recorder:
        def process(self, records: list[dict]) -> None:
            seen_by_processor.extend((r["event_id"], r.get("session_id", 0)) for r in records)
            for r in records:
                r.setdefault("session_id", 99)  # a processor that lost its state would say 99

    env.buffer.append([payload(event("a"), event("b"))])
    assert len(env.buffer.read(10, block_ms=0)) == 1
    env.log.rows = [{**event("a"), "session_id": 7}]  # "a" was logged with session 7, then the worker died
    env.restart()

    env.worker(processors=[Recorder()]).drain()
    assert seen_by_processor == [("a", 7), ("b", 0)]  # the processor is told what the log holds
    assert {e.event_id: e.session_id for e in env.published} == {"a": 7, "b": 99}
    assert [r["session_id"] for r in env.log.rows] == [7, 99]
