"""Transactional tables of ecommerce: the order ledger (exactly-once orders and refunds) and the
per-site currency settings.

The ledger's unique keys are the whole point: `(site_id, order_id)` makes a purchase count once
however often it is sent, `(site_id, order_id, refund_key)` does the same for each refund. Amounts
are stored as exact decimal text, because SQLite (the embedded store) has no decimal type and
SQLAlchemy would hand it floats.
"""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import DateTime, ForeignKey, Integer, SmallInteger, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from core.db.base import Base


class DecimalText(TypeDecorator):
    """A Decimal kept as its exact text (VARCHAR(40)), identical on PostgreSQL and SQLite."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect) -> str | None:
        return None if value is None else str(Decimal(value))

    def process_result_value(self, value: str | None, dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


class LedgerOrder(Base):
    """One recorded purchase per (site, order_id): the event that was counted, and its amounts."""

    __tablename__ = "ecommerce_orders"
    __table_args__ = (UniqueConstraint("site_id", "order_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_id: Mapped[str] = mapped_column(String(32))
    order_id: Mapped[str] = mapped_column(String(200))
    event_id: Mapped[str] = mapped_column(String(36))
    currency: Mapped[str] = mapped_column(String(3))
    value: Mapped[Decimal] = mapped_column(DecimalText)
    # Retired: no longer written (reports attribute an order to its visit through the query engine).
    source: Mapped[str] = mapped_column(Text, default="")
    channel: Mapped[str] = mapped_column(Text, default="")
    device_type: Mapped[str] = mapped_column(Text, default="")
    country: Mapped[str] = mapped_column(Text, default="")
    # 1 when device_intel flagged the purchase event as a bot's: its refunds are left out with it.
    is_bot: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class LedgerRefund(Base):
    """One recorded refund per (site, order, refund_id or refund event id), with its final amount."""

    __tablename__ = "ecommerce_refunds"
    __table_args__ = (UniqueConstraint("site_id", "order_id", "refund_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_id: Mapped[str] = mapped_column(String(32))
    order_id: Mapped[str] = mapped_column(String(200))
    refund_key: Mapped[str] = mapped_column(String(200))
    event_id: Mapped[str] = mapped_column(String(36))
    currency: Mapped[str] = mapped_column(String(3))
    amount: Mapped[Decimal] = mapped_column(DecimalText)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class SiteCurrency(Base):
    """The currency a site chose to report its revenue in (`utrack sites create --currency`, or
    `PUT .../currency-rates`). Absent: no choice, so a range whose orders are all in one currency
    reports in it, and one with several in the configured default."""

    __tablename__ = "ecommerce_site_currencies"

    site_id: Mapped[str] = mapped_column(ForeignKey("core_sites.id", ondelete="CASCADE"), primary_key=True)
    reporting_currency: Mapped[str] = mapped_column(String(3))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(),
                                                 onupdate=func.now())


class CurrencyRate(Base):
    """What one unit of `currency` is worth in the site's reporting currency."""

    __tablename__ = "ecommerce_currency_rates"

    site_id: Mapped[str] = mapped_column(ForeignKey("core_sites.id", ondelete="CASCADE"), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    rate: Mapped[Decimal] = mapped_column(DecimalText)
