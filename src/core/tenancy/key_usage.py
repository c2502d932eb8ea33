"""`last_used_at` of organisation keys, written off the request path and at most once a minute.

A key used a thousand times a second must not cost a thousand UPDATEs, and the request that uses it
(the hot `POST /api/v1/events` among them) must never wait for one. `touch` is a dictionary check;
when a key's minute is up it hands one write to a single background thread. Each process keeps its
own minute, so N API processes write at most N times a minute per key. A failed write is logged
(the key id only) and forgotten: the next minute writes again.
"""

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from core.db.unit_of_work import UnitOfWork
from core.tenancy.repository import OrgKeyRepository

log = logging.getLogger(__name__)


class KeyUsage:
    def __init__(self, *, uow: Callable[[], UnitOfWork], every_s: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._uow, self._every_s, self._clock = uow, every_s, clock
        self._due: dict[int, float] = {}
        self._lock = threading.Lock()
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ut-key-usage")

    def touch(self, key_id: int) -> None:
        now = self._clock()
        with self._lock:
            if self._due.get(key_id, 0.0) > now:
                return
            self._due[key_id] = now + self._every_s
        self._writer.submit(self._write, key_id, datetime.now(UTC))

    def flush(self) -> None:
        """Waits for the writes handed over so far (tests, shutdown)."""
        self._writer.submit(lambda: None).result()

    def close(self) -> None:
        self._writer.shutdown(wait=False, cancel_futures=True)

    def _write(self, key_id: int, at: datetime) -> None:
        try:
            with self._uow() as session:
                OrgKeyRepository(session).touch(key_id, at)
        except Exception as exc:  # the store is down: try again next minute
            log.warning("could not record the use of API key id %d: %s", key_id, type(exc).__name__)
