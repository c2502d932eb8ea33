"""Remembers recently written event ids in the real-time store, so client retries count once.

This is the fast path; the events log itself is the slow, certain check for records the
buffer redelivers after a crash (see worker).
"""

from collections.abc import Iterable

import redis

_PREFIX = "core:dedup:"


class DedupLedger:
    def __init__(self, *, client: redis.Redis, ttl_s: int) -> None:
        self._r = client
        self._ttl = ttl_s

    def seen(self, keys: list[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which (site_id, event_id) pairs were written before."""
        if not keys:
            return set()
        pipe = self._r.pipeline(transaction=False)
        for site_id, event_id in keys:
            pipe.exists(f"{_PREFIX}{site_id}:{event_id}")
        return {k for k, hit in zip(keys, pipe.execute(), strict=True) if hit}

    def remember(self, keys: Iterable[tuple[str, str]]) -> None:
        pipe = self._r.pipeline(transaction=False)
        for site_id, event_id in keys:
            pipe.set(f"{_PREFIX}{site_id}:{event_id}", b"1", ex=self._ttl)
        pipe.execute()
