"""Keeps what can never be written, with the reason, in the transactional store."""

import logging
from collections.abc import Callable

from core.db.unit_of_work import UnitOfWork
from core.tenancy.repository import DeadLetterRepository

log = logging.getLogger(__name__)


class DeadLetters:
    def __init__(self, *, uow: Callable[[], UnitOfWork]) -> None:
        self._uow = uow

    def __call__(self, stage: str, reason: str, payload: list[dict]) -> None:
        log.error("dead-lettering %d record(s) at %s: %s", len(payload), stage, reason)
        with self._uow() as session:
            DeadLetterRepository(session).add(stage, reason, payload)

    def count(self) -> int:
        with self._uow() as session:
            return DeadLetterRepository(session).count()
