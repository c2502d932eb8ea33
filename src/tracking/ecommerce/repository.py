"""All transactional SQL of ecommerce: the order ledger and the currency settings.

Flushes, never commits (the unit of work does). Ledger inserts are `INSERT ... ON CONFLICT DO
NOTHING` (PostgreSQL and SQLite dialects): two workers recording the same order at once both
succeed, the unique key lets exactly one row in, and both read back the same winner.
"""

from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from tracking.ecommerce.models import CurrencyRate, LedgerOrder, LedgerRefund, SiteCurrency

_INSERTS = {"postgresql": pg_insert, "sqlite": sqlite_insert}


class LedgerRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def add_orders(self, rows: list[dict]) -> None:
        """Record orders not recorded yet; an order_id already in the ledger keeps its first event."""
        self._insert_new(LedgerOrder, rows, ["site_id", "order_id"])

    def orders(self, site_id: str, order_ids: Iterable[str]) -> dict[str, LedgerOrder]:
        ids = sorted(set(order_ids))
        if not ids:
            return {}
        rows = self._s.scalars(select(LedgerOrder).where(LedgerOrder.site_id == site_id,
                                                         LedgerOrder.order_id.in_(ids)))
        return {row.order_id: row for row in rows}

    def order_for_update(self, site_id: str, order_id: str) -> LedgerOrder | None:
        """The order, locked until commit (PostgreSQL) so concurrent refunds of it are serialised."""
        return self._s.scalar(select(LedgerOrder).where(LedgerOrder.site_id == site_id,
                                                        LedgerOrder.order_id == order_id).with_for_update())

    def refunds_of(self, site_id: str, order_id: str) -> list[LedgerRefund]:
        return list(self._s.scalars(select(LedgerRefund).where(
            LedgerRefund.site_id == site_id, LedgerRefund.order_id == order_id).order_by(LedgerRefund.id)))

    def refund(self, site_id: str, order_id: str, refund_key: str) -> LedgerRefund | None:
        return self._s.scalar(select(LedgerRefund).where(
            LedgerRefund.site_id == site_id, LedgerRefund.order_id == order_id,
            LedgerRefund.refund_key == refund_key))

    def add_refund(self, row: dict) -> None:
        self._insert_new(LedgerRefund, [row], ["site_id", "order_id", "refund_key"])

    def _insert_new(self, model: type, rows: list[dict], keys: list[str]) -> None:
        if not rows:
            return
        insert = _INSERTS[self._s.get_bind().dialect.name]
        self._s.execute(insert(model).values(rows).on_conflict_do_nothing(index_elements=keys))
        self._s.flush()


class CurrencyRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def reporting_currency(self, site_id: str) -> str | None:
        row = self._s.get(SiteCurrency, site_id)
        return row.reporting_currency if row else None

    def rates(self, site_id: str) -> dict[str, Decimal]:
        rows = self._s.scalars(select(CurrencyRate).where(CurrencyRate.site_id == site_id))
        return {row.currency: row.rate for row in rows}

    def choose(self, site_id: str, reporting_currency: str | None) -> None:
        """The site's reporting currency; None removes the choice."""
        row = self._s.get(SiteCurrency, site_id)
        if reporting_currency is None:
            if row is not None:
                self._s.delete(row)
        elif row is None:
            self._s.add(SiteCurrency(site_id=site_id, reporting_currency=reporting_currency))
        else:
            row.reporting_currency = reporting_currency
        self._s.flush()

    def replace(self, site_id: str, reporting_currency: str | None, rates: dict[str, Decimal]) -> None:
        """PUT semantics: the site's reporting currency (or none) and its whole set of rates."""
        self.choose(site_id, reporting_currency)
        self._s.execute(delete(CurrencyRate).where(CurrencyRate.site_id == site_id))
        self._s.add_all(CurrencyRate(site_id=site_id, currency=c, rate=r) for c, r in sorted(rates.items()))
        self._s.flush()
