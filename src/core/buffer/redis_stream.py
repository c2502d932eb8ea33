"""The shared durable buffer: a Redis Stream with a consumer group.

Every API replica appends, any number of workers drain it. Entries a worker read but never acked
(it died) are reclaimed by another worker after `claim_idle_ms` and handed out as `redelivered`.
"""

import os
import socket
import time
from collections.abc import Sequence

import redis

from core.buffer.port import BufferRecord

_GROUP = "workers"


class RedisStreamBuffer:
    kind = "redis"

    def __init__(self, client: redis.Redis, *, stream: str, claim_idle_ms: int,
                 consumer: str | None = None) -> None:
        self._r = client
        self._stream = stream
        self._claim_idle_ms = claim_idle_ms
        self._consumer = consumer or f"{socket.gethostname()}-{os.getpid()}"
        self._next_claim = 0.0
        self._group_ready = False

    def _ensure_group(self) -> None:
        if self._group_ready:
            return
        try:
            self._r.xgroup_create(self._stream, _GROUP, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        self._group_ready = True

    def append(self, payloads: Sequence[bytes]) -> None:
        pipe = self._r.pipeline(transaction=False)
        for p in payloads:
            pipe.xadd(self._stream, {b"d": p})
        pipe.execute()

    def read(self, max_records: int, block_ms: int) -> list[BufferRecord]:
        self._ensure_group()
        if time.monotonic() >= self._next_claim:
            self._next_claim = time.monotonic() + max(self._claim_idle_ms / 4000, 0.2)
            claimed = self._r.xautoclaim(self._stream, _GROUP, self._consumer, self._claim_idle_ms,
                                         start_id="0-0", count=max_records)
            records = [_record(i, f, True) for i, f in claimed[1] if f]
            if records:
                return records
        reply = self._r.xreadgroup(_GROUP, self._consumer, {self._stream: ">"},
                                   count=max_records, block=block_ms or None)
        return [_record(i, f, False) for _, entries in reply or [] for i, f in entries if f]

    def ack(self, records: Sequence[BufferRecord]) -> None:
        if not records:
            return
        ids = [r.id for r in records]
        pipe = self._r.pipeline(transaction=False)
        pipe.xack(self._stream, _GROUP, *ids)
        pipe.xdel(self._stream, *ids)
        pipe.execute()

    def backlog(self) -> int:
        return int(self._r.xlen(self._stream))

    def close(self) -> None:
        pass


def _record(entry_id: bytes | str, fields: dict, redelivered: bool) -> BufferRecord:
    entry_id = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
    return BufferRecord(entry_id, fields[b"d"], redelivered)
