"""Answers of the query engine in the real-time store (Redis, or the in-process one).

`query:v1:<site_id>:<sha256>` -> the answer's JSON. The hash covers the normalised request (the
parsed body with every default filled in, keys sorted), the site's time zone and goals, and
today's date in the site's zone, so `7d` asked tomorrow is another key and a changed goal is a
miss at once. The TTL is the only invalidation: short (`UT_QUERY_CACHE_OPEN_TTL_S`) when the range
includes today, where new events arrive all the time, longer (`UT_QUERY_CACHE_CLOSED_TTL_S`) for
a range that ended, which only late events (clock skew, a worker backlog, server imports) still
change. A cached answer therefore never hides data older than its TTL. A store error is a miss:
the engine answers from ClickHouse, and the cache is left alone for `PAUSE_S` so that a Redis
outage (whose client retries for seconds) does not slow every query down.
"""

import hashlib
import logging
import time
from collections.abc import Callable

import orjson
import redis
from prometheus_client import Counter

PREFIX = "query:v1:"
PAUSE_S = 10.0
log = logging.getLogger(__name__)


class QueryCache:
    def __init__(self, *, client: redis.Redis, open_ttl_s: int, closed_ttl_s: int,
                 counter: Counter | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self._r = client
        self._ttl = {True: open_ttl_s, False: closed_ttl_s}  # 0 = not cached
        self._counter = counter  # labelled by result: hit | miss
        self._clock = clock
        self._paused_until = 0.0

    def key(self, site_id: str, normalised: object) -> str:
        digest = hashlib.sha256(orjson.dumps(normalised, option=orjson.OPT_SORT_KEYS)).hexdigest()
        return f"{PREFIX}{site_id}:{digest}"

    def get(self, key: str, *, open_range: bool) -> bytes | None:
        if self._ttl[open_range] <= 0:
            return None
        found = None
        if self._clock() >= self._paused_until:
            try:
                found = self._r.get(key)
            except redis.RedisError as exc:
                self._failed(exc)
        if self._counter is not None:
            self._counter.labels("hit" if found is not None else "miss").inc()
        return found

    def put(self, key: str, answer: bytes, *, open_range: bool) -> None:
        ttl = self._ttl[open_range]
        if ttl <= 0 or self._clock() < self._paused_until:
            return
        try:
            self._r.set(key, answer, ex=ttl)
        except redis.RedisError as exc:
            self._failed(exc)

    def _failed(self, exc: redis.RedisError) -> None:
        log.warning("query cache unavailable, answering uncached for %.0f s: %s", PAUSE_S, exc)
        self._paused_until = self._clock() + PAUSE_S
