"""Daily-rotating salts for visitor hashes: a new one at 00:00 UTC, only today's and yesterday's kept.

Yesterday's is kept so that events received just after midnight but timestamped before it can
still be hashed consistently; anything older is destroyed, which makes yesterday's visitors
impossible to link to today's.
"""

import hashlib
import secrets
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.exc import IntegrityError

from core.db.unit_of_work import UnitOfWork
from core.tenancy.repository import SaltRepository


class DailySalts:
    def __init__(self, *, uow: Callable[[], UnitOfWork],
                 today: Callable[[], date] = lambda: datetime.now(UTC).date()) -> None:
        self._uow = uow
        self._today = today
        self._cache: dict[date, bytes] = {}
        self._lock = threading.Lock()

    @property
    def uow(self) -> Callable[[], UnitOfWork]:
        return self._uow

    def salt_for(self, day: date | None = None) -> bytes:
        day = day or self._today()
        salt = self._cache.get(day)
        if salt is None:
            with self._lock:
                salt = self._cache.get(day) or self._load_or_create(day)
                self._cache = {d: s for d, s in self._cache.items() if d >= day - timedelta(days=1)}
                self._cache[day] = salt
        return salt

    def visitor_id(self, site_id: str, ip: str, user_agent: str) -> int:
        digest = hashlib.blake2b(
            b"\x00".join((site_id.encode(), ip.encode(), user_agent.encode())),
            key=self.salt_for(), digest_size=8).digest()
        return int.from_bytes(digest, "big")

    def _load_or_create(self, day: date) -> bytes:
        with self._uow() as session:
            repo = SaltRepository(session)
            repo.delete_before(day - timedelta(days=1))
            existing = repo.get(day)
            if existing:
                return existing
        try:
            salt = secrets.token_bytes(32)
            with self._uow() as session:
                SaltRepository(session).add(day, salt)
            return salt
        except IntegrityError:  # another process created it first: use theirs
            with self._uow() as session:
                return SaltRepository(session).get(day) or b""
