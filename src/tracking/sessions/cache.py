"""The open sessions in the real-time store: one key per (site, visitor) holding its recent spans.

`sessions:v:<site_id>:<visitor_id>` -> JSON list of [session_id, start_ms, last_ms, local_day,
campaign], with a TTL refreshed on every write. A batch reads all its visitors in one round trip
and writes them back in one MULTI/EXEC under WATCH: when another worker touched one of them in
between, EXEC fails and the batch is computed again from the fresh values (optimistic locking,
no lock held while computing).
"""

import random
import time
from collections.abc import Callable, Sequence

import orjson
import redis

Key = tuple[str, int]  # (site_id, visitor_id)
Stored = list[list]  # the JSON-able spans of one visitor
Updates = dict[Key, tuple[Stored, int]]  # new spans and their TTL in seconds

PREFIX = "sessions:v:"
MAX_ATTEMPTS = 50


class SessionStateConflict(RuntimeError):
    """Other workers kept changing the same visitors; the worker retries the batch later."""


class SessionStateCache:
    def __init__(self, *, client: redis.Redis) -> None:
        self._r = client
        self.conflicts = 0  # batches recomputed because another worker got there first

    def transact(self, keys: Sequence[Key], compute: Callable[[dict[Key, Stored]], Updates]) -> None:
        names = [_name(k) for k in keys]
        with self._r.pipeline(transaction=True) as pipe:
            for attempt in range(MAX_ATTEMPTS):
                try:
                    pipe.watch(*names)
                    values = pipe.mget(names)
                    updates = compute({k: orjson.loads(v) for k, v in zip(keys, values, strict=True) if v})
                    pipe.multi()
                    for key, (spans, ttl_s) in updates.items():
                        pipe.set(_name(key), orjson.dumps(spans), ex=ttl_s)
                    pipe.execute()
                    return
                except redis.WatchError:
                    self.conflicts += 1
                    pipe.reset()
                    time.sleep(random.uniform(0, 0.002 * (attempt + 1)))  # noqa: S311 - jitter only
        raise SessionStateConflict(f"session state kept changing under {MAX_ATTEMPTS} attempts")

    def read(self, key: Key) -> Stored:
        """The stored spans of one visitor (for tests and diagnostics)."""
        value = self._r.get(_name(key))
        return orjson.loads(value) if value else []

    def ttl_s(self, key: Key) -> int:
        return int(self._r.ttl(_name(key)))


def _name(key: Key) -> str:
    return f"{PREFIX}{key[0]}:{key[1]}"
