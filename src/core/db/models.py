"""Core's transactional tables: tenancy (organisations, sites, keys), daily salts, user-id keys, dead
letters and goals."""

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base

DEFAULT_ORG_ID = "org_default"  # where sites created before organisations existed live (migration 0005)


class Organisation(Base):
    """Owns sites and the API keys that reach them (core.tenancy.api_keys)."""

    __tablename__ = "core_organisations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Site(Base):
    __tablename__ = "core_sites"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("core_organisations.id"), index=True,
                                        server_default=DEFAULT_ORG_ID)
    domain: Mapped[str] = mapped_column(String(253), index=True)
    allowed_origins: Mapped[list] = mapped_column(JSON, default=list)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # How `DNT: 1` / `Sec-GPC: 1` are honoured: ignore | count_anonymously | drop (core.privacy.policy).
    dnt_policy: Mapped[str] = mapped_column(String(32), default="count_anonymously",
                                            server_default="count_anonymously")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ApiKey(Base):
    __tablename__ = "core_api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("core_sites.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # "public" | "secret"
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class OrgKey(Base):
    """An organisation's API key (`uk_…`): scopes, optionally bound to some of its sites, stored as
    SHA-256 like the site keys. Revoking keeps the row (the list shows when) but the key stops."""

    __tablename__ = "core_org_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("core_organisations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    scopes: Mapped[list] = mapped_column(JSON)
    site_ids: Mapped[list | None] = mapped_column(JSON, nullable=True)  # None: every site of the organisation
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class DailySalt(Base):
    __tablename__ = "core_daily_salts"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    salt: Mapped[bytes] = mapped_column(LargeBinary(32))


class UserKey(Base):
    """A site's secret for user-id pseudonyms (core.tenancy.pseudonyms); deleting it unlinks them all."""

    __tablename__ = "core_user_keys"

    site_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    secret: Mapped[bytes] = mapped_column(LargeBinary(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class DeadLetter(Base):
    __tablename__ = "core_dead_letters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    stage: Mapped[str] = mapped_column(String(128), index=True)
    reason: Mapped[str] = mapped_column(Text)
    payload: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Goal(Base):
    """A conversion the query engine counts (`event:goal`, `conversion_rate`): a custom event by
    name, or pageviews whose path matches a pattern with `*` wildcards (core.query.goals)."""

    __tablename__ = "core_goals"
    __table_args__ = (UniqueConstraint("site_id", "display_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("core_sites.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # "event" | "page"
    target: Mapped[str] = mapped_column(String(1000))  # the event name or the path pattern
    display_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
