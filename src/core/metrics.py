"""Prometheus metrics of the service, on a registry of its own (so tests can build many apps),
and the rate-limited outage log operators read next to them."""

import logging
import math
import threading
import time
from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

_http_log = logging.getLogger("core.http")


class OutageLog:
    """Rate-limited logging of a store outage: one line when it starts, a reminder at most every
    `repeat_s` while it lasts, one line when it ends (with how many calls failed). A traceback
    per failed request would bury the log (issue 11: 11 MB in a 30 s Redis outage)."""

    def __init__(self, logger: logging.Logger, what: str, repeat_s: float = 60.0) -> None:
        self._log = logger
        self._what = what
        self._repeat_s = repeat_s
        self._lock = threading.Lock()
        self._since: float | None = None
        self._last_line = 0.0
        self._failures = 0

    def failed(self, exc: BaseException, *, traceback: bool = False) -> None:
        with self._lock:
            now = time.monotonic()
            self._failures += 1
            if self._since is None:
                self._since = self._last_line = now
                self._log.error("%s unavailable: %s: %s", self._what, type(exc).__name__, exc,
                                exc_info=exc if traceback else None)
            elif now - self._last_line >= self._repeat_s:
                self._last_line = now
                self._log.error("%s still unavailable after %.0fs (%d failures): %s: %s", self._what,
                                now - self._since, self._failures, type(exc).__name__, exc)

    def recovered(self) -> None:
        if self._since is None:  # the hot path: no lock while all is well
            return
        with self._lock:
            if self._since is not None:
                self._log.warning("%s available again after %.1fs (%d failures)", self._what,
                                  time.monotonic() - self._since, self._failures)
                self._since, self._failures = None, 0


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
        self.oldest_unacked = Gauge("ut_buffer_oldest_unacked_age_seconds",
                                    "Age of the oldest buffer record not acked yet (0 when none; "
                                    "NaN when the buffer cannot be read)", registry=r)
        self.unavailable = Counter("ut_http_store_unavailable", "Requests answered 503 because a store "
                                   "was unavailable", ["store"], registry=r)
        self._outages: dict[str, OutageLog] = {}
        self.rate_limited = Counter("ut_http_rate_limited", "Requests answered 429, by the limit they exceeded "
                                    "(UT_RATE_LIMIT_*)", ["limit"], registry=r)
        for limit in ("api_key", "collect_ip", "site_events"):
            self.rate_limited.labels(limit)
        self.shed = Counter("ut_http_stats_shed", "Read/admin API requests answered 503 by load shedding, by "
                            "reason (busy: no free slot in UT_STATS_QUEUE_S; timeout: no answer in "
                            "UT_STATS_TIMEOUT_S; query_timeout: the engine stopped a query at "
                            "UT_STATS_TIMEOUT_S)", ["reason"], registry=r)
        for reason in ("busy", "timeout"):
            self.shed.labels(reason)
        # The rate limits' store failing lets requests through (core.realtime.rate_limits): said once.
        self.rate_limit_outage = OutageLog(_http_log, "rate limit store (requests are not limited)")
        self.worker_stalled = Gauge("ut_worker_stalled", "1 while the worker in this process makes no "
                                    "progress (store errors for UT_WORKER_STALL_S)", registry=r)

    def outage(self, store: str) -> OutageLog:
        """The outage log of one store, as seen by the HTTP layer (one line per outage)."""
        found = self._outages.get(store)
        if found is None:
            found = self._outages.setdefault(store, OutageLog(_http_log, f"{store} (collect answers 503)"))
        return found

    def outages_over(self) -> None:
        """Called after a request a store served: closes any outage log that is open."""
        for outage in list(self._outages.values()):
            outage.recovered()

    def track_backlog(self, read: Callable[[], int]) -> None:
        def safe() -> float:
            try:
                return read()
            except Exception:  # the buffer's store is away: NaN, and the scrape still answers
                return math.nan

        self.backlog.set_function(safe)

    _query_cache_lock = threading.Lock()

    def query_cache_counter(self) -> Counter:
        """Lookups of the Stats API v2 answer cache (core.query.cache) by result, `hit` or `miss`;
        made on first use, once, so core.metrics stays as it is for everything else."""
        with self._query_cache_lock:
            if "_query_cache" not in self.__dict__:
                counter = Counter("ut_query_cache_lookups", "Stats API v2 answer cache lookups, by result",
                                  ["result"], registry=self.registry)
                for result in ("hit", "miss"):
                    counter.labels(result)
                self._query_cache = counter
        return self._query_cache
