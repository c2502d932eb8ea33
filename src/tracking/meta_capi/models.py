"""Transactional tables of meta_capi: pixel settings, the delivery outbox, the request log.

Secrets never sit in clear: `token_enc` and the outbox's `payload_enc`/`pii_enc` are AES-GCM
ciphertexts (see cipher.py). `pii_enc` (hashed user_data, the visitor's ip/UA, fbc/fbp) is set to
NULL once the event is delivered, failed or dropped, so it lives exactly as long as delivery
needs it; `payload_enc` (name, url, custom_data) stays so failed events can be replayed.
"""

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base

STATUSES = ("pending", "sending", "delivered", "failed", "dropped")


class Pixel(Base):
    """One Meta pixel per site (the Conversions API dataset the site's events go to)."""

    __tablename__ = "meta_capi_pixels"

    site_id: Mapped[str] = mapped_column(String(32), ForeignKey("core_sites.id", ondelete="CASCADE"),
                                         primary_key=True)
    pixel_id: Mapped[str] = mapped_column(String(32))
    token_enc: Mapped[str] = mapped_column(Text, default="")
    token_last4: Mapped[str] = mapped_column(String(4), default="")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    test_event_code: Mapped[str] = mapped_column(String(64), default="")
    graph_version: Mapped[str] = mapped_column(String(16), default="v21.0")
    event_mapping: Mapped[str] = mapped_column(Text, default="{}")  # JSON: our name -> Meta name
    ldu: Mapped[bool] = mapped_column(Boolean, default=False)
    ldu_country: Mapped[int] = mapped_column(Integer, default=0)
    ldu_state: Mapped[int] = mapped_column(Integer, default=0)
    disabled_reason: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(),
                                                 onupdate=func.now())


class OutboxEvent(Base):
    """One event to forward. `(site_id, pixel_id, event_id)` is unique: a retried request adds nothing."""

    __tablename__ = "meta_capi_outbox"
    __table_args__ = (UniqueConstraint("site_id", "pixel_id", "event_id"),
                      Index("ix_meta_capi_outbox_due", "status", "next_attempt_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_id: Mapped[str] = mapped_column(String(32))
    pixel_id: Mapped[str] = mapped_column(String(32))
    event_id: Mapped[str] = mapped_column(String(64))
    event_name: Mapped[str] = mapped_column(String(200))
    event_time: Mapped[int] = mapped_column(Integer)  # seconds since epoch
    payload_enc: Mapped[str] = mapped_column(Text)  # the event without user data (kept for replay)
    pii_enc: Mapped[str | None] = mapped_column(Text, nullable=True)  # user_data, ip, UA: wiped when done
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str] = mapped_column(Text, default="")
    fbtrace_id: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(),
                                                 onupdate=func.now())


class Delivery(Base):
    """One Graph API request: how many events went, what Meta answered."""

    __tablename__ = "meta_capi_deliveries"
    __table_args__ = (Index("ix_meta_capi_deliveries_site", "site_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_id: Mapped[str] = mapped_column(String(32))
    pixel_id: Mapped[str] = mapped_column(String(32))
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    events: Mapped[int] = mapped_column(Integer)
    events_received: Mapped[int] = mapped_column(Integer, default=0)
    http_status: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    fbtrace_id: Mapped[str] = mapped_column(String(64), default="")
