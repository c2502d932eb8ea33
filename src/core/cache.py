"""One in-process TTL cache for every "look it up at most every few seconds" in the service.

Bounded (a flood of unknown keys evicts the oldest entries instead of growing memory), thread-safe
(the worker, background tasks and the request loop share instances), and it remembers misses: a
loader answering None is cached like any value, so a bad key is not a database query per request.
Built on cachetools' TTLCache.
"""

import threading
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Generic, TypeVar

from cachetools import TTLCache

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
_MISSING = object()


class TtlCache(Generic[K, V]):
    def __init__(self, ttl_s: float, maxsize: int = 100_000) -> None:
        self._data: TTLCache = TTLCache(maxsize=maxsize, ttl=ttl_s)
        self._lock = threading.Lock()

    def get_or_load(self, key: K, load: Callable[[], V]) -> V:
        with self._lock:
            value = self._data.get(key, _MISSING)
        if value is _MISSING:  # loaded outside the lock: a slow store must not serialise all readers
            value = load()
            self.put(key, value)
        return value

    def get_many(self, keys: Iterable[K], load: Callable[[list[K]], Mapping[K, V]],
                 missing: V | None = None) -> dict[K, V | None]:
        """Values of `keys`; the stale or unknown ones are loaded with one `load(keys)` call, and a
        key it does not answer for is cached as `missing`."""
        wanted = list(dict.fromkeys(keys))
        with self._lock:
            found = {k: self._data.get(k, _MISSING) for k in wanted}
        stale = [k for k, v in found.items() if v is _MISSING]
        if stale:
            loaded = load(stale)
            for k in stale:
                found[k] = loaded.get(k, missing)
                self.put(k, found[k])
        return found

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._data[key] = value

    def pop(self, key: K) -> None:
        with self._lock:
            self._data.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
