"""Prometheus metrics of the service, on a registry of its own (so tests can build many apps)."""

from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter("ut_http_requests", "HTTP requests", ["route", "status"], registry=r)
        self.accepted = Counter("ut_events_accepted", "Events accepted (202) at the edge", registry=r)
        self.rejected = Counter("ut_events_rejected", "Events rejected at the edge", ["reason"], registry=r)
        self.dropped = Counter("ut_events_dropped", "Events answered 202 but not stored, by reason (dnt)",
                               ["reason"], registry=r)
        self.written = Counter("ut_events_written", "Events written to the events log", registry=r)
        self.duplicates = Counter("ut_events_duplicates", "Duplicate events dropped by the worker", registry=r)
        self.dead_lettered = Counter("ut_dead_lettered", "Records sent to the dead-letter table",
                                     ["stage"], registry=r)
        self.bus_failures = Counter("ut_bus_failures", "Subscriber batches that failed for good",
                                    ["subscriber"], registry=r)
        self.batch_size = Histogram("ut_worker_batch_events", "Events per worker batch", registry=r,
                                    buckets=(1, 10, 50, 100, 500, 1000, 5000, 20000))
        self.write_seconds = Histogram("ut_events_write_seconds", "Latency of writing a batch to the log",
                                       registry=r)
        self.request_seconds = Histogram("ut_http_request_seconds", "HTTP request latency", ["route"],
                                         registry=r, buckets=(.001, .0025, .005, .01, .025, .05, .1, .5, 1))
        self.backlog = Gauge("ut_buffer_backlog", "Records waiting in the durable buffer", registry=r)

    def track_backlog(self, read: Callable[[], int]) -> None:
        self.backlog.set_function(read)
