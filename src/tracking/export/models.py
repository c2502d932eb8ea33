"""Transactional tables of export: destinations, one row per exported interval, deletion audit, retention.

A destination's credentials never sit in clear: `access_key_enc` and `secret_key_enc` are AES-GCM
ciphertexts (core.crypto, key from UT_SECRET_KEY). `cursor_ms` is the start of the next interval
the schedule exports; `export_runs` has one row per (destination, interval) that was exported,
which is what makes a backfill resumable.
"""

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base


class Destination(Base):
    __tablename__ = "export_destinations"
    __table_args__ = (Index("ix_export_destinations_site", "site_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_id: Mapped[str] = mapped_column(String(32), ForeignKey("core_sites.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100), default="")
    kind: Mapped[str] = mapped_column(String(8))  # s3 | local
    endpoint_url: Mapped[str] = mapped_column(Text, default="")
    region: Mapped[str] = mapped_column(String(64), default="")
    bucket: Mapped[str] = mapped_column(String(255), default="")
    prefix: Mapped[str] = mapped_column(Text, default="")
    path: Mapped[str] = mapped_column(Text, default="")  # local directory
    access_key_enc: Mapped[str] = mapped_column(Text, default="")
    secret_key_enc: Mapped[str] = mapped_column(Text, default="")
    format: Mapped[str] = mapped_column(String(8), default="parquet")  # jsonl | csv | parquet
    compression: Mapped[str] = mapped_column(String(8), default="zstd")  # none | gzip | zstd | snappy
    interval_s: Mapped[int] = mapped_column(Integer, default=3600)
    backup: Mapped[bool] = mapped_column(Boolean, default=False)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    cursor_ms: Mapped[int] = mapped_column(BigInteger)
    failures: Mapped[int] = mapped_column(Integer, default=0)  # consecutive failed runs
    next_attempt_ms: Mapped[int] = mapped_column(BigInteger, default=0)
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    last_error_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Run(Base):
    """One exported interval of a destination (the latest export of it, when it was exported again)."""

    __tablename__ = "export_runs"
    __table_args__ = (UniqueConstraint("destination_id", "interval_start_ms"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    destination_id: Mapped[int] = mapped_column(Integer, ForeignKey("export_destinations.id", ondelete="CASCADE"))
    interval_start_ms: Mapped[int] = mapped_column(BigInteger)
    interval_end_ms: Mapped[int] = mapped_column(BigInteger)
    rows: Mapped[int] = mapped_column(BigInteger, default=0)
    bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    files: Mapped[int] = mapped_column(Integer, default=0)
    seconds: Mapped[float] = mapped_column(default=0.0)
    finished_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Deletion(Base):
    """Audit of a data-rights deletion: what (scope, subject), when, and by which key. A user id is
    kept only as its pseudonym, never in clear."""

    __tablename__ = "export_deletions"
    __table_args__ = (Index("ix_export_deletions_site", "site_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_id: Mapped[str] = mapped_column(String(32))  # no foreign key: outlives the site it deleted
    scope: Mapped[str] = mapped_column(String(16))  # site | visitor | session | user | retention
    subject: Mapped[str] = mapped_column(String(128), default="")
    requested_by: Mapped[str] = mapped_column(String(64), default="")  # API key prefix, or "cli"
    removed: Mapped[int] = mapped_column(BigInteger, default=0)
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Retention(Base):
    __tablename__ = "export_retention"

    site_id: Mapped[str] = mapped_column(String(32), ForeignKey("core_sites.id", ondelete="CASCADE"),
                                         primary_key=True)
    days: Mapped[int] = mapped_column(Integer)
