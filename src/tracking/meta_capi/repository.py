"""All transactional SQL of meta_capi: pixels, the outbox, the delivery log. Flushes, never commits.

Outbox rows are claimed with a lease: claiming sets `status = sending` and pushes
`next_attempt_at` one lease ahead, so a sender that dies mid-request leaves rows that another
sender picks up when the lease runs out. On PostgreSQL `FOR UPDATE SKIP LOCKED` lets the API
process and `utrack worker` drain the same outbox without sending an event twice.
"""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from tracking.meta_capi.models import Delivery, OutboxEvent, Pixel

_INSERTS = {"postgresql": pg_insert, "sqlite": sqlite_insert}
DONE = ("delivered", "failed", "dropped")


class MetaCapiRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def pixel(self, site_id: str) -> Pixel | None:
        return self._s.get(Pixel, site_id)

    def pixels(self) -> list[Pixel]:
        return list(self._s.scalars(select(Pixel)))

    def add_pixel(self, pixel: Pixel) -> None:
        self._s.add(pixel)
        self._s.flush()

    def add_events(self, rows: list[dict]) -> None:
        """New outbox rows; an event_id already in the outbox for that pixel is left as it is."""
        if rows:
            insert = _INSERTS[self._s.get_bind().dialect.name]
            self._s.execute(insert(OutboxEvent).values(rows).on_conflict_do_nothing(
                index_elements=["site_id", "pixel_id", "event_id"]))
            self._s.flush()

    def claim_due(self, now: datetime, lease_until: datetime, limit: int) -> list[OutboxEvent]:
        query = (select(OutboxEvent).where(OutboxEvent.status.in_(("pending", "sending")),
                                           OutboxEvent.next_attempt_at <= now)
                 .order_by(OutboxEvent.id).limit(limit))
        if self._s.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = list(self._s.scalars(query))
        for row in rows:
            row.status, row.next_attempt_at = "sending", lease_until
        self._s.flush()
        return rows

    def events(self, ids: Iterable[int]) -> list[OutboxEvent]:
        return list(self._s.scalars(select(OutboxEvent).where(OutboxEvent.id.in_(list(ids)))
                                    .order_by(OutboxEvent.id)))

    def add_delivery(self, delivery: Delivery) -> None:
        self._s.add(delivery)
        self._s.flush()

    def counts(self, site_id: str) -> dict[str, int]:
        rows = self._s.execute(select(OutboxEvent.status, func.count()).where(OutboxEvent.site_id == site_id)
                               .group_by(OutboxEvent.status))
        return {status: n for status, n in rows}

    def recent_failures(self, site_id: str, limit: int) -> list[OutboxEvent]:
        return list(self._s.scalars(select(OutboxEvent).where(
            OutboxEvent.site_id == site_id, OutboxEvent.status.in_(("failed", "dropped")))
            .order_by(OutboxEvent.id.desc()).limit(limit)))

    def recent_deliveries(self, site_id: str, limit: int) -> list[Delivery]:
        return list(self._s.scalars(select(Delivery).where(Delivery.site_id == site_id)
                                    .order_by(Delivery.id.desc()).limit(limit)))

    def replay_failed(self, site_id: str, now: datetime) -> int:
        result = self._s.execute(update(OutboxEvent).where(
            OutboxEvent.site_id == site_id, OutboxEvent.status == "failed").values(
            status="pending", attempts=0, next_attempt_at=now, last_error=""))
        self._s.flush()
        return result.rowcount
