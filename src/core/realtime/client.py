"""The real-time store: redis-py against a real Redis, or an in-process Redis when no URL is set.

The in-process one (fakeredis) speaks the same API, so every module's cache code is one code
path; it holds only data that may be lost with the process (presence, caches, dedup hints).
Timeouts are short (`UT_STORE_TIMEOUT_S`): a hung Redis (accepting connections, never answering)
must free the threads waiting on it soon. The worker's blocking read (UT_WORKER_POLL_MS) stays below it.
"""

import redis

from core.config.settings import Settings


def build_redis(settings: Settings) -> redis.Redis:
    if settings.redis_url:
        timeout = settings.store_timeout_s
        return redis.Redis.from_url(settings.redis_url, socket_timeout=timeout, socket_connect_timeout=timeout,
                                    health_check_interval=30)
    import fakeredis

    return fakeredis.FakeRedis(server=fakeredis.FakeServer())
