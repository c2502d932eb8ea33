"""The shared durable buffer: a Redis Stream with a consumer group.

Every API replica appends, any number of workers drain it. A worker starts by reading its own
pending entries (its name is stable across restarts, see core.buffer.identity), so a restarted
worker finishes what it held at once; entries of a worker that never comes back are reclaimed by
another after `claim_idle_ms`. Both are handed out as `redelivered`.

Acked entries are deleted, so every entry in the stream is unacked: the first one's id gives
the age of the oldest. A Redis that restarts empty (no persistence, a failover) loses the group
with the stream: reads answer NOGROUP, and the group is recreated (with the stream) at once.
"""

import logging
import os
import socket
import time
from collections.abc import Sequence

import redis

from core.buffer.identity import WorkerIdentity
from core.buffer.port import BufferRecord, BufferUnavailable, Durability

log = logging.getLogger(__name__)

_GROUP = "workers"
_DURABILITY_TTL_S = 30.0
_OUTAGE = (redis.ConnectionError, redis.TimeoutError, redis.exceptions.ReadOnlyError)


class RedisStreamBuffer:
    kind = "redis"

    def __init__(self, client: redis.Redis, *, stream: str, claim_idle_ms: int,
                 consumer: str | None = None, identity: WorkerIdentity | None = None) -> None:
        """`consumer` names this reader in the group; else `identity` does, on the first read
        (processes that only append never take a worker slot); else host and pid do."""
        self._r = client
        self._stream = stream
        self._claim_idle_ms = claim_idle_ms
        self._identity = identity
        self._consumer = consumer or (None if identity else f"{socket.gethostname()}-{os.getpid()}")
        self._next_claim = 0.0
        self._group_ready = False
        self._own_cursor: str | None = "0"  # reading our own pending entries from here; None = done
        self._suspect_upto: tuple[int, int] | None = None
        self._durability: tuple[float, Durability] | None = None

    @property
    def consumer(self) -> str:
        if self._consumer is None:
            self._consumer = self._identity.name()
        return self._consumer

    def _ensure_group(self) -> None:
        if self._group_ready:
            return
        try:
            self._r.xgroup_create(self._stream, _GROUP, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        self._group_ready = True

    def _recreate_group(self) -> None:
        """The group is gone (Redis restarted empty, or was flushed). Whatever the stream holds now
        may have been processed under the old group: mark it redelivered, so the worker checks the
        events log before writing it. Our own pending entries are read again from the start."""
        self._group_ready = False
        self._ensure_group()
        last = self._r.xrevrange(self._stream, count=1)
        self._suspect_upto = _id_key(last[0][0]) if last else None
        self._own_cursor = "0"
        log.warning("buffer: the consumer group of stream %s was gone (Redis restarted empty?); "
                    "recreated it", self._stream)

    def append(self, payloads: Sequence[bytes]) -> None:
        pipe = self._r.pipeline(transaction=False)
        for p in payloads:
            pipe.xadd(self._stream, {b"d": p})
        try:
            pipe.execute()
        except _OUTAGE as exc:
            raise BufferUnavailable(f"redis buffer: {type(exc).__name__}: {exc}") from exc

    def read(self, max_records: int, block_ms: int) -> list[BufferRecord]:
        try:
            return self._read(max_records, block_ms)
        except _OUTAGE:
            # A read whose answer we never got (a hung or restarting Redis) may still have been
            # served: its entries now sit in our pending list, and `>` never returns them again.
            # Read our own pending entries first next time (as redelivered: checked against the log).
            self._own_cursor = "0"
            raise
        except redis.ResponseError as exc:
            if "NOGROUP" not in str(exc):
                raise
        self._recreate_group()
        return self._read(max_records, block_ms)

    def _read(self, max_records: int, block_ms: int) -> list[BufferRecord]:
        self._ensure_group()
        if self._own_cursor is not None:
            records = self._read_own_pending(max_records)
            if records:
                return records
        if time.monotonic() >= self._next_claim:
            self._next_claim = time.monotonic() + max(self._claim_idle_ms / 4000, 0.2)
            claimed = self._r.xautoclaim(self._stream, _GROUP, self.consumer, self._claim_idle_ms,
                                         start_id="0-0", count=max_records)
            records = [self._record(i, f, True) for i, f in claimed[1] if f]
            if records:
                return records
        reply = self._r.xreadgroup(_GROUP, self.consumer, {self._stream: ">"},
                                   count=max_records, block=block_ms or None)
        return [self._record(i, f, False) for _, entries in reply or [] for i, f in entries if f]

    def _read_own_pending(self, max_records: int) -> list[BufferRecord]:
        """Entries delivered to this consumer name and never acked: a previous life of this worker
        died holding them. Id `0` reads the consumer's PEL instead of new entries."""
        while self._own_cursor is not None:
            reply = self._r.xreadgroup(_GROUP, self.consumer, {self._stream: self._own_cursor},
                                       count=max_records)
            entries = reply[0][1] if reply else []
            if not entries:
                self._own_cursor = None
                break
            self._own_cursor = _str(entries[-1][0])
            gone = [i for i, f in entries if not f]  # deleted while pending: nothing left to hand out
            if gone:
                self._r.xack(self._stream, _GROUP, *gone)
            records = [self._record(i, f, True) for i, f in entries if f]
            if records:
                return records
        return []

    def _record(self, entry_id: bytes | str, fields: dict, redelivered: bool) -> BufferRecord:
        entry_id = _str(entry_id)
        if not redelivered and self._suspect_upto is not None:
            redelivered = _id_key(entry_id) <= self._suspect_upto
        return BufferRecord(entry_id, fields[b"d"], redelivered)

    def ack(self, records: Sequence[BufferRecord]) -> None:
        if not records:
            return
        ids = [r.id for r in records]
        pipe = self._r.pipeline(transaction=False)
        pipe.xack(self._stream, _GROUP, *ids)
        pipe.xdel(self._stream, *ids)
        pipe.execute()

    def forget_acked(self) -> None:
        """Nothing to do: acked entries are deleted from the stream with the ack (XDEL)."""

    def backlog(self) -> int:
        return int(self._r.xlen(self._stream))

    def oldest_age_s(self) -> float:
        pipe = self._r.pipeline(transaction=False)
        pipe.time()  # the server's clock made the entry ids: no skew with ours
        pipe.xrange(self._stream, count=1)
        (now_s, now_us), first = pipe.execute()
        if not first:
            return 0.0
        return max(0.0, now_s + now_us / 1e6 - _id_key(first[0][0])[0] / 1000)

    def durability(self) -> Durability:
        """From the server's `appendonly`/`appendfsync`, cached for a while (a failover may change it)."""
        now = time.monotonic()
        if self._durability is None or now - self._durability[0] > _DURABILITY_TTL_S:
            self._durability = (now, _durability(self._r))
        return self._durability[1]

    def close(self) -> None:
        if self._identity is not None:
            self._identity.close()


def _durability(client: redis.Redis) -> Durability:
    try:
        config = client.config_get("append*")
    except redis.ResponseError as exc:  # CONFIG renamed or disabled (managed Redis)
        return Durability(None, f"unknown: CONFIG GET refused ({exc}); the Redis buffer needs appendonly yes")
    appendonly, fsync = config.get("appendonly", "?"), config.get("appendfsync", "?")
    setting = f"appendonly={appendonly} appendfsync={fsync}"
    if appendonly != "yes":
        return Durability(False, f"{setting}: a Redis restart loses every event still in the buffer")
    loses = {"always": "no accepted event", "everysec": "at most the last second of accepted events"}
    return Durability(True, f"{setting}: a Redis restart loses {loses.get(fsync, 'what the OS had not flushed')}")


def _str(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _id_key(entry_id: bytes | str) -> tuple[int, int]:
    ms, _, seq = _str(entry_id).partition("-")
    return int(ms), int(seq or 0)
