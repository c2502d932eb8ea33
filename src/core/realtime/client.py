"""The real-time store: redis-py against a real Redis, or an in-process Redis when no URL is set.

The in-process one (fakeredis) speaks the same API, so every module's cache code is one code
path; it holds only data that may be lost with the process (presence, caches, dedup hints).
"""

import redis

from core.config.settings import Settings


def build_redis(settings: Settings) -> redis.Redis:
    if settings.redis_url:
        return redis.Redis.from_url(settings.redis_url, socket_timeout=5, health_check_interval=30)
    import fakeredis

    return fakeredis.FakeRedis(server=fakeredis.FakeServer())
