"""Timers for bench/ingest_stages.py: process-CPU stage clocks, timed wrappers around the worker's
stores and bus subscribers, and one HTTP request through an ASGI app in process."""

import time
from collections import Counter
from contextlib import contextmanager

from core.bus.bus import EventBus
from core.ingest.event_types import event_classes
from core.ingest.worker import Worker


class Clock:
    """Process CPU seconds per named stage (insertion order kept); `calls` counts timed calls."""

    def __init__(self, events: int) -> None:
        self.events = events
        self.cpu: dict[str, float] = {}
        self.calls: Counter = Counter()

    @contextmanager
    def stage(self, name: str):
        started = time.process_time()
        try:
            yield
        finally:
            self.cpu[name] = self.cpu.get(name, 0.0) + time.process_time() - started
            self.calls[name] += 1

    def timed(self, fn, name: str):
        def call(*args, **kwargs):
            with self.stage(name):
                return fn(*args, **kwargs)
        return call

    def per_event_us(self) -> dict[str, float]:
        return {name: seconds / self.events * 1e6 for name, seconds in self.cpu.items()}


class Timed:
    """`obj` with the named methods timed: Timed(buffer, clock, read="label")."""

    def __init__(self, obj, clock: Clock, **labels: str) -> None:
        self._obj, self._clock, self._labels = obj, clock, labels

    def __getattr__(self, name: str):
        attr = getattr(self._obj, name)
        label = self._labels.get(name)
        return self._clock.timed(attr, label) if label else attr


class _TimedWatermark:
    def __init__(self, watermark, clock: Clock) -> None:
        self._wm, self._clock = watermark, clock

    def writer(self):
        label = "worker: write watermark (register, release)"
        return Timed(self._wm.writer(), self._clock, stamp=label, done=label)


INSERT = "worker: events-log insert (rows + ClickHouse)"


def timed_worker(core, clock: Clock) -> Worker:
    """The container's worker, built from the same parts, each store call and subscriber timed."""
    settings = core.settings()
    bus = EventBus(max_attempts=settings.bus_max_attempts, dead_letters=core.dead_letters())
    for sub in core.bus().subscribers:
        bus.subscribe(sub.name, sub.event_type, clock.timed(sub.handler, f"worker: bus handler {sub.name}"))
    processors = [Timed(p, clock, process=f"worker: {_PROCESSORS.get(type(p).__name__, type(p).__name__)}")
                  for p in core.batch_processors()]
    return Worker(
        buffer=Timed(core.buffer(), clock, read="worker: buffer read", ack="worker: buffer ack"),
        event_log=Timed(core.event_log(), clock, write=INSERT, logged_sessions="worker: events-log lookups"),
        dedup=Timed(core.dedup(), clock, seen="worker: dedup check (ledger)", remember="worker: dedup remember"),
        bus=bus, dead_letters=core.dead_letters(), metrics=core.metrics(), processors=processors,
        event_classes=event_classes(core.event_types()), batch_records=settings.worker_batch_records,
        poll_ms=0, linger_ms=0, watermark=_TimedWatermark(core.write_watermark(), clock),
        visits=Timed(core.visit_log(), clock, refresh="worker: visits refresh (ClickHouse query + insert)"))


_PROCESSORS = {"SessionAssigner": "session assignment (sessions)"}


async def asgi_post(app, path: str, body: bytes, headers: dict[str, str], client_ip: str) -> int:
    """POST `body` to `path` of the ASGI `app` as a client at `client_ip`; returns the status."""
    scope = {"type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"}, "http_version": "1.1",
             "method": "POST", "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
             "root_path": "", "client": (client_ip, 50_000), "server": ("127.0.0.1", 8000), "state": {},
             "headers": [(k.encode(), v.encode()) for k, v in
                         {**headers, "host": "127.0.0.1:8000", "content-length": str(len(body))}.items()]}
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    status = []

    async def receive():
        return messages.pop() if messages else {"type": "http.disconnect"}

    async def send(message):
        if message["type"] == "http.response.start":
            status.append(message["status"])

    await app(scope, receive, send)
    return status[0]
