"""active_users' transactional table: read-only share tokens for the real-time endpoints."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base


class ShareToken(Base):
    """A token that lets a dashboard read one site's presence and live feed (never its stats).
    Stored as a SHA-256 hash only, like API keys: it carries 192 random bits."""

    __tablename__ = "active_users_share_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("core_sites.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
