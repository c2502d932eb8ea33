"""All SQL of active_users (share tokens). Flushes, never commits: the unit of work does."""

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tracking.active_users.models import ShareToken


class ShareTokenRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def add(self, token: ShareToken) -> ShareToken:
        self._s.add(token)
        self._s.flush()
        self._s.refresh(token)  # created_at comes from the database
        return token

    def by_hash(self, token_hash: str) -> ShareToken | None:
        return self._s.scalar(select(ShareToken).where(ShareToken.token_hash == token_hash))

    def for_site(self, site_id: str) -> list[ShareToken]:
        return list(self._s.scalars(select(ShareToken).where(ShareToken.site_id == site_id)
                                    .order_by(ShareToken.id)))

    def delete(self, site_id: str, token_id: int) -> bool:
        result = self._s.execute(delete(ShareToken).where(ShareToken.site_id == site_id,
                                                          ShareToken.id == token_id))
        return bool(result.rowcount)
