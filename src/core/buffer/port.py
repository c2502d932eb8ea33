"""The durable buffer between the 202 answer and the events log.

`append` returns only once the records would survive a crash of this process. `read` hands out
records oldest first; `redelivered` marks records that may already have been written by a
worker that died before acking, so the worker checks the log before writing them again.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


class BufferUnavailable(RuntimeError):
    """The buffer's store cannot take the append (Redis down, disk full): nothing was accepted,
    the caller answers 503 with Retry-After."""


class BufferNotDurable(RuntimeError):
    """The buffer's store would lose accepted events on a restart and durability is required."""


@dataclass(frozen=True, slots=True)
class Durability:
    """What a restart of the buffer's store would lose: `durable` is None when it cannot be told."""

    durable: bool | None
    detail: str


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

    def forget_acked(self) -> None:
        """Remove acked records from storage now (a data-rights deletion must not leave them)."""
        ...

    def backlog(self) -> int: ...

    def oldest_age_s(self) -> float:
        """Age of the oldest record not acked yet (read or not), 0.0 when there is none."""
        ...

    def durability(self) -> Durability: ...

    def close(self) -> None: ...
