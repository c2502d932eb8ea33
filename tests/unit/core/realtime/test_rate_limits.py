"""The rate limits' own rules, on the in-process store and on a Redis that cannot be reached."""

import pytest
import redis

from core.config.settings import Settings
from core.realtime.rate_limits import API, COLLECT_IP, SITE_EVENTS, RateLimited, build_rate_limits


class Outage:
    def __init__(self) -> None:
        self.failures, self.recoveries = [], 0

    def failed(self, exc: BaseException) -> None:
        self.failures.append(type(exc).__name__)

    def recovered(self) -> None:
        self.recoveries += 1


def _limits(**settings):
    s = Settings(**{"rate_limit_api": "", "rate_limit_collect_ip": "", "rate_limit_site_events": "", **settings})
    outage = Outage()
    return build_rate_limits(s, redis.Redis.from_url(s.redis_url or "redis://127.0.0.1:1"), outage), outage


def test_every_window_of_a_limit_is_checked_and_the_strictest_refuses():
    limits, _ = _limits(rate_limit_api="2/second;3/hour")
    limits.hit(API, "k")
    limits.hit(API, "k")
    with pytest.raises(RateLimited) as refused:
        limits.hit(API, "k")
    assert refused.value.headers["RateLimit-Limit"] == "2"
    assert refused.value.headers["RateLimit-Policy"] == "2;w=1"
    assert refused.value.name == API


def test_a_batch_counts_its_events_per_site_it_names_and_the_ip_once():
    limits, _ = _limits(rate_limit_collect_ip="2/hour", rate_limit_site_events="5/hour")
    limits.collect("203.0.113.7", [{"site_id": "a"}] * 3 + [{"site_id": "b"}, "junk", {"site_id": 7}])
    with pytest.raises(RateLimited) as refused:  # site a: 3 + 3 > 5
        limits.collect("198.51.100.1", [{"site_id": "a"}] * 3)
    assert refused.value.name == SITE_EVENTS
    limits.collect("198.51.100.1", [{"site_id": "b"}] * 4)  # site b: 1 + 4
    limits.collect("203.0.113.7", [])  # the first IP's second request ...
    with pytest.raises(RateLimited) as refused:  # ... and its third
        limits.collect("203.0.113.7", [])
    assert refused.value.name == COLLECT_IP


def test_the_ip_is_kept_only_as_an_hmac_under_the_secret_key():
    one, _ = _limits(secret_key="one")
    two, _ = _limits(secret_key="two")
    assert "203.0.113.7" not in one.ip_identity("203.0.113.7")
    assert one.ip_identity("203.0.113.7") == one.ip_identity("203.0.113.7") != two.ip_identity("203.0.113.7")


def test_an_empty_limit_is_off_and_touches_no_store():
    limits, outage = _limits(redis_url="redis://127.0.0.1:1/0")
    assert not any(limits.enabled(name) for name in (API, COLLECT_IP, SITE_EVENTS))
    limits.collect("203.0.113.7", [{"site_id": "a"}] * 1000)
    assert outage.failures == []


def test_an_unreachable_store_lets_requests_through_and_reports_the_outage():
    limits, outage = _limits(redis_url="redis://127.0.0.1:1/0", rate_limit_collect_ip="1/hour")
    for _ in range(3):
        limits.collect("203.0.113.7", [])
    assert outage.failures == ["ConnectionError"] * 3


def test_the_in_process_store_starts_its_purge_thread_at_most_once_a_second(monkeypatch):
    import threading
    import time

    from limits.storage import MemoryStorage

    from core.realtime.rate_limits import _PacedMemoryStorage

    starts = []
    start = threading.Thread.start
    monkeypatch.setattr(threading.Thread, "start", lambda self: (starts.append(self), start(self))[1])

    def thread_starts(storage) -> int:
        starts.clear()
        for i in range(50):
            storage.incr(f"ip{i}", 60)
            time.sleep(0.012)  # longer than the library timer's 10 ms life
        return len(starts)

    assert thread_starts(MemoryStorage()) >= 25  # the library's own store: a thread for most hits
    storage = _PacedMemoryStorage()
    assert thread_starts(storage) <= 1  # ours: at most one a second (the 50 hits take ~0.6 s)
    storage.incr("short", 1)
    time.sleep(1.05)
    assert storage.get("short") == 0  # an expired count is ignored on read, purged or not
