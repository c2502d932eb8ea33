"""A module's transactional rows, erased for the data rights (core.modules.Eraser).

`models` are the module's tables with a `site_id` column (all rows of a deleted site go);
`event_models` those that also have an `event_id` column, whose rows of a subject's events go
when a visitor, session or user is deleted, and (those with a `created_at`) when retention passes them.
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime, time

from sqlalchemy import delete

from core.erasure import Subject

_CHUNK = 1000


class RowsEraser:
    def __init__(self, *, uow, models: Sequence[type], event_models: Sequence[type] = ()) -> None:
        self._uow, self._models, self._event_models = uow, tuple(models), tuple(event_models)

    def erase_site(self, site_id: str) -> int:
        with self._uow() as session:
            return sum(session.execute(delete(m).where(m.site_id == site_id)).rowcount for m in self._models)

    def erase_before(self, site_id: str, day: date) -> int:
        """Retention: rows of `event_models` recorded before `day` (UTC), by their `created_at`."""
        cutoff = datetime.combine(day, time.min, UTC)
        with self._uow() as session:
            return sum(session.execute(delete(m).where(m.site_id == site_id, m.created_at < cutoff)).rowcount
                       for m in self._event_models if hasattr(m, "created_at"))

    def erase_subject(self, subject: Subject) -> int:
        ids = list(subject.event_ids)
        removed = 0
        with self._uow() as session:
            for m in self._event_models:
                for i in range(0, len(ids), _CHUNK):
                    removed += session.execute(delete(m).where(
                        m.site_id == subject.site_id, m.event_id.in_(ids[i:i + _CHUNK]))).rowcount
        return removed
