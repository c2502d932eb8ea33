"""Pick the buffer: Redis Streams when a Redis server is configured, else the local disk log."""

import redis

from core.buffer.port import EventBuffer
from core.config.settings import Settings


def build_buffer(settings: Settings, client: redis.Redis) -> EventBuffer:
    if settings.redis_url:
        from core.buffer.redis_stream import RedisStreamBuffer

        return RedisStreamBuffer(client, stream=settings.buffer_stream,
                                 claim_idle_ms=settings.buffer_claim_idle_ms)
    from core.buffer.disk_log import DiskLogBuffer

    return DiskLogBuffer(settings.buffer_dir(), fsync=settings.buffer_fsync)
