"""Pick the buffer: Redis Streams when a Redis server is configured, else the local disk log.

The Redis buffer is only as durable as the server's persistence: its `appendonly` setting is
checked when the buffer is built, warned about, and refused with `UT_BUFFER_REQUIRE_AOF=true`.
"""

import logging

import redis

from core.buffer.identity import WorkerIdentity
from core.buffer.port import BufferNotDurable, EventBuffer
from core.config.settings import Settings

log = logging.getLogger(__name__)


def build_buffer(settings: Settings, client: redis.Redis) -> EventBuffer:
    if settings.redis_url:
        from core.buffer.redis_stream import RedisStreamBuffer

        identity = WorkerIdentity(settings.data_dir / "worker", settings.worker_id)
        buffer = RedisStreamBuffer(client, stream=settings.buffer_stream,
                                   claim_idle_ms=settings.buffer_claim_idle_ms, identity=identity)
        check_durability(buffer, require=settings.buffer_require_aof)
        return buffer
    from core.buffer.disk_log import DiskLogBuffer

    return DiskLogBuffer(settings.buffer_dir(), fsync=settings.buffer_fsync)


def check_durability(buffer: EventBuffer, *, require: bool) -> None:
    """Warn about a buffer that a restart of its store would empty; raise if durability is required.
    A store that cannot be reached now is not refused: /ready shows the setting once it answers."""
    try:
        durability = buffer.durability()
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        log.warning("buffer durability cannot be checked now (%s: %s)", type(exc).__name__, exc)
        return
    if durability.durable is False and require:
        raise BufferNotDurable(f"UT_BUFFER_REQUIRE_AOF=true but {durability.detail}")
    if durability.durable is not True:
        log.warning("buffer: %s", durability.detail)
