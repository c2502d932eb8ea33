"""The durable buffer between the 202 answer and the events log.

`append` returns only once the records would survive a crash of this process. `read` hands out
records oldest first; `redelivered` marks records that may already have been written by a
worker that died before acking, so the worker checks the log before writing them again.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class BufferRecord:
    id: str
    payload: bytes
    redelivered: bool = False


class EventBuffer(Protocol):
    kind: str

    def append(self, payloads: Sequence[bytes]) -> None: ...

    def read(self, max_records: int, block_ms: int) -> list[BufferRecord]: ...

    def ack(self, records: Sequence[BufferRecord]) -> None: ...

    def backlog(self) -> int: ...

    def close(self) -> None: ...
