"""All transactional SQL of export: destinations, exported intervals, deletion audit, retention.
Flushes, never commits (the unit of work does)."""

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tracking.export.models import Deletion, Destination, Retention, Run


class ExportRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def destination(self, site_id: str, destination_id: int) -> Destination | None:
        d = self._s.get(Destination, destination_id)
        return d if d is not None and d.site_id == site_id else None

    def destination_by_id(self, destination_id: int) -> Destination | None:
        return self._s.get(Destination, destination_id)

    def destinations(self, site_id: str | None = None) -> list[Destination]:
        query = select(Destination).order_by(Destination.id)
        if site_id is not None:
            query = query.where(Destination.site_id == site_id)
        return list(self._s.scalars(query))

    def add(self, row: Destination | Deletion) -> None:
        self._s.add(row)
        self._s.flush()

    def remove(self, destination: Destination) -> None:
        self._s.execute(delete(Run).where(Run.destination_id == destination.id))
        self._s.delete(destination)
        self._s.flush()

    def record_run(self, destination_id: int, start_ms: int, end_ms: int, *, rows: int, bytes_: int, files: int,
                   seconds: float, at: datetime) -> None:
        run = self._s.scalar(select(Run).where(Run.destination_id == destination_id,
                                               Run.interval_start_ms == start_ms))
        if run is None:
            run = Run(destination_id=destination_id, interval_start_ms=start_ms)
            self._s.add(run)
        run.interval_end_ms, run.rows, run.bytes, run.files = end_ms, rows, bytes_, files
        run.seconds, run.finished_at = seconds, at
        self._s.flush()

    def exported_starts(self, destination_id: int, from_ms: int, to_ms: int) -> set[int]:
        return set(self._s.scalars(select(Run.interval_start_ms).where(
            Run.destination_id == destination_id, Run.interval_start_ms >= from_ms, Run.interval_start_ms < to_ms)))

    def recent_runs(self, destination_id: int, limit: int) -> list[Run]:
        return list(self._s.scalars(select(Run).where(Run.destination_id == destination_id)
                                    .order_by(Run.finished_at.desc(), Run.id.desc()).limit(limit)))

    def deletions(self, site_id: str, limit: int) -> list[Deletion]:
        return list(self._s.scalars(select(Deletion).where(Deletion.site_id == site_id)
                                    .order_by(Deletion.id.desc()).limit(limit)))

    def retention(self, site_id: str) -> int | None:
        row = self._s.get(Retention, site_id)
        return None if row is None else row.days

    def retentions(self) -> dict[str, int]:
        return {r.site_id: r.days for r in self._s.scalars(select(Retention))}

    def set_retention(self, site_id: str, days: int) -> None:
        row = self._s.get(Retention, site_id)
        if row is None:
            self._s.add(Retention(site_id=site_id, days=days))
        else:
            row.days = days
        self._s.flush()

    def erase_site(self, site_id: str) -> int:
        """Everything of the site but its deletion audit (which must outlive it)."""
        removed = 0
        for d in self.destinations(site_id):
            self.remove(d)
            removed += 1
        removed += self._s.execute(delete(Retention).where(Retention.site_id == site_id)).rowcount
        self._s.flush()
        return removed
