"""The sessions module's transactional table: a per-site override of the inactivity timeout."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, func
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base


class SessionSiteSettings(Base):
    __tablename__ = "sessions_site_settings"

    site_id: Mapped[str] = mapped_column(ForeignKey("core_sites.id", ondelete="CASCADE"), primary_key=True)
    timeout_min: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(),
                                                 onupdate=func.now())
