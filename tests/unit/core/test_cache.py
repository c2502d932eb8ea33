"""The shared TTL cache: values and misses expire, loads are batched, memory stays bounded."""

import time

from core.cache import TtlCache


def test_a_value_is_loaded_once_until_it_expires():
    cache: TtlCache[str, int] = TtlCache(ttl_s=0.05)
    calls = []
    load = lambda: calls.append(1) or len(calls)  # noqa: E731
    assert cache.get_or_load("k", load) == 1
    assert cache.get_or_load("k", load) == 1
    time.sleep(0.08)
    assert cache.get_or_load("k", load) == 2


def test_a_miss_is_remembered_like_a_value():
    cache: TtlCache[str, str | None] = TtlCache(ttl_s=60)
    calls = []
    for _ in range(3):
        assert cache.get_or_load("unknown", lambda: calls.append(1)) is None
    assert len(calls) == 1


def test_get_many_loads_only_the_stale_keys_in_one_call():
    cache: TtlCache[str, int | None] = TtlCache(ttl_s=60)
    asked = []

    def load(keys):
        asked.append(sorted(keys))
        return {k: len(k) for k in keys if k != "zz"}

    assert cache.get_many(["a", "bb"], load) == {"a": 1, "bb": 2}
    assert cache.get_many(["a", "bb", "ccc", "zz"], load) == {"a": 1, "bb": 2, "ccc": 3, "zz": None}
    assert asked == [["a", "bb"], ["ccc", "zz"]]


def test_pop_and_clear_forget():
    cache: TtlCache[str, int] = TtlCache(ttl_s=60)
    cache.put("a", 1)
    cache.pop("a")
    assert cache.get_or_load("a", lambda: 2) == 2
    cache.clear()
    assert cache.get_or_load("a", lambda: 3) == 3


def test_a_flood_of_keys_evicts_instead_of_growing():
    cache: TtlCache[int, int] = TtlCache(ttl_s=60, maxsize=100)
    for i in range(10_000):
        cache.put(i, i)
    assert len(cache._data) == 100
