"""The write watermark of the events log: every row stamped before it is already visible.

The worker stamps each row with `ingested_ms` when it inserts it. A reader that chooses rows by
that stamp (the export module) must not pass an interval while an insert stamped inside it may
still land, so each worker registers its write in the real-time store *before* taking the stamp
and removes it once the write is done:

    writer: register(now) -> stamp = now() -> insert -> done
    reader: w = now() -> min(registered) -> watermark = min(w, min registered)

If the registration is seen, the watermark is at most the stamp; if it is not, it was made after
the reader's `now()`, and so was the stamp. Registrations of one worker are kept from its first
attempt until the write (retries, bisection) is over, and ignored after `lease_s` (a worker that
died mid-insert), so a crash holds exports back for at most that long. Worker clocks are assumed
within the reader's settle margin of each other.
"""

import time
import uuid
from collections.abc import Callable


class WriteWatermark:
    """`key`: one per deployment, i.e. per buffer stream (the workers that share it write one log)."""

    def __init__(self, *, client, key: str = "ut:events:writes_inflight", lease_s: float = 600.0,
                 clock: Callable[[], float] = time.time) -> None:
        self._redis = client
        self._key = key
        self._lease_ms = int(lease_s * 1000)
        self.clock = clock  # a test may move it

    def now_ms(self) -> int:
        return int(self.clock() * 1000)

    def writer(self) -> "WriterSlot":
        return WriterSlot(self, uuid.uuid4().hex)

    def current_ms(self) -> int:
        """Every row with `ingested_ms` below this is in the log (or will never be)."""
        now = self.now_ms()
        self._redis.zremrangebyscore(self._key, "-inf", now - self._lease_ms)
        oldest = self._redis.zrange(self._key, 0, 0, withscores=True)
        return min(now, int(oldest[0][1])) if oldest else now

    def _register(self, member: str, at_ms: int) -> None:
        # NX: the first attempt of a write keeps holding the watermark through its retries.
        self._redis.zadd(self._key, {member: at_ms}, nx=True)

    def _release(self, member: str) -> None:
        self._redis.zrem(self._key, member)


class WriterSlot:
    """One worker's registration: `stamp()` before each insert attempt, `done()` after the write."""

    def __init__(self, watermark: WriteWatermark, member: str) -> None:
        self._wm = watermark
        self._member = member

    def stamp(self) -> int:
        self._wm._register(self._member, self._wm.now_ms())
        return self._wm.now_ms()

    def done(self) -> None:
        self._wm._release(self._member)
