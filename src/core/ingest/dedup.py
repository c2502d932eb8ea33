"""Remembers recently written event ids in the real-time store, so client retries count once.

This is the fast path; the events log itself is the slow, certain check for records the
buffer redelivers after a crash (see worker).

Ids are kept in one set per site and time bucket (`core:dedup:<site>:b<n>`, a bucket is a
quarter of the TTL), so a batch costs a few commands per site (SMISMEMBER on the buckets the TTL
spans, SADD and EXPIREAT on the current one) instead of one command per event: the in-process
Redis of the embedded mode spends ~50 µs on each command, and one key per event also cost Redis
~60 bytes of key overhead each. An id stays remembered at least `ttl_s`, at most 1.25 × `ttl_s`.
Buckets are named by their width: a new `UT_DEDUP_TTL_S` (or this layout replacing the one key
per event of before) starts with an empty ledger, so a retry across the change may count twice.
"""

import math
import time
from collections import defaultdict
from collections.abc import Callable, Iterable

import redis

_PREFIX = "core:dedup:"


class DedupLedger:
    def __init__(self, *, client: redis.Redis, ttl_s: int, clock: Callable[[], float] = time.time) -> None:
        self._r = client
        self._ttl = ttl_s
        self._bucket_s = max(ttl_s / 4, 0.001)
        self._clock = clock

    def _bucket(self, now: float) -> int:
        return math.floor(now / self._bucket_s)

    def seen(self, keys: list[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which (site_id, event_id) pairs were written before."""
        if not keys:
            return set()
        current = self._bucket(self._clock())
        buckets = range(current - math.ceil(self._ttl / self._bucket_s), current + 1)
        by_site = _by_site(keys)
        pipe = self._r.pipeline(transaction=False)
        asked = []
        for site_id, ids in by_site.items():
            for bucket in buckets:
                pipe.smismember(_key(site_id, bucket), ids)
                asked.append((site_id, ids))
        found = set()
        for (site_id, ids), hits in zip(asked, pipe.execute(), strict=True):
            found.update((site_id, i) for i, hit in zip(ids, hits, strict=True) if hit)
        return found

    def remember(self, keys: Iterable[tuple[str, str]]) -> None:
        now = self._clock()
        bucket = self._bucket(now)
        # The bucket's last id must live ttl_s: it expires ttl_s after the bucket ends.
        expires_at_ms = math.ceil(((bucket + 1) * self._bucket_s + self._ttl) * 1000)
        pipe = self._r.pipeline(transaction=False)
        for site_id, ids in _by_site(keys).items():
            pipe.sadd(_key(site_id, bucket), *ids)
            pipe.pexpireat(_key(site_id, bucket), expires_at_ms)
        pipe.execute()


def _key(site_id: str, bucket: int) -> str:
    return f"{_PREFIX}{site_id}:b{bucket}"


def _by_site(keys: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    by_site: dict[str, list[str]] = defaultdict(list)
    for site_id, event_id in keys:
        by_site[site_id].append(event_id)
    return by_site
