"""All Postgres/SQLite SQL of insights. Flushes, never commits (the unit of work does)."""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tracking.insights.models import Funnel


class NameTaken(ValueError):
    """Another funnel of the site has this name (a concurrent create won the unique constraint)."""


class FunnelRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def add(self, site_id: str, name: str, definition: dict) -> Funnel:
        row = Funnel(site_id=site_id, name=name, definition=definition)
        self._s.add(row)
        try:
            self._s.flush()
        except IntegrityError as exc:
            raise NameTaken(name) from exc
        return row

    def get(self, site_id: str, funnel_id: int) -> Funnel | None:
        row = self._s.get(Funnel, funnel_id)
        return row if row is not None and row.site_id == site_id else None

    def by_name(self, site_id: str, name: str) -> Funnel | None:
        return self._s.scalar(select(Funnel).where(Funnel.site_id == site_id, Funnel.name == name))

    def for_site(self, site_id: str) -> list[Funnel]:
        return list(self._s.scalars(select(Funnel).where(Funnel.site_id == site_id).order_by(Funnel.id)))

    def delete(self, row: Funnel) -> None:
        self._s.delete(row)
        self._s.flush()
