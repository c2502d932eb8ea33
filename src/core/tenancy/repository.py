"""All SQL of tenancy, salts and dead letters. Flushes, never commits (the unit of work does)."""

from datetime import date, datetime

from sqlalchemy import String, cast, delete, select, update
from sqlalchemy.orm import Session

from core.db.models import ApiKey, DailySalt, DeadLetter, Goal, Organisation, OrgKey, Site, UserKey


class TenancyRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def add_site(self, site: Site, keys: list[ApiKey]) -> None:
        self._s.add(site)
        self._s.flush()
        self._s.add_all(keys)
        self._s.flush()

    def get_site(self, site_id: str) -> Site | None:
        return self._s.get(Site, site_id)

    def list_sites(self, org_id: str | None = None) -> list[Site]:
        query = select(Site).order_by(Site.created_at, Site.id)
        return list(self._s.scalars(query if org_id is None else query.where(Site.org_id == org_id)))

    def update_site(self, site_id: str, values: dict) -> Site | None:
        site = self._s.get(Site, site_id)
        if site is not None:
            for name, value in values.items():
                setattr(site, name, value)
            self._s.flush()
        return site

    def add_org(self, org: Organisation) -> None:
        self._s.add(org)
        self._s.flush()

    def get_org(self, org_id: str) -> Organisation | None:
        return self._s.get(Organisation, org_id)

    def list_orgs(self) -> list[Organisation]:
        return list(self._s.scalars(select(Organisation).order_by(Organisation.created_at, Organisation.id)))

    def key_by_hash(self, key_hash: str) -> ApiKey | None:
        return self._s.scalar(select(ApiKey).where(ApiKey.key_hash == key_hash))


class OrgKeyRepository:
    """Organisations' API keys (core.tenancy.api_keys)."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def add(self, key: OrgKey) -> OrgKey:
        self._s.add(key)
        self._s.flush()
        return key

    def by_hash(self, key_hash: str) -> OrgKey | None:
        return self._s.scalar(select(OrgKey).where(OrgKey.key_hash == key_hash))

    def by_id(self, key_id: int) -> OrgKey | None:
        return self._s.get(OrgKey, key_id)

    def get(self, org_id: str, key_id: int) -> OrgKey | None:
        return self._s.scalar(select(OrgKey).where(OrgKey.org_id == org_id, OrgKey.id == key_id))

    def list(self, org_id: str) -> list[OrgKey]:
        return list(self._s.scalars(select(OrgKey).where(OrgKey.org_id == org_id).order_by(OrgKey.id)))

    def touch(self, key_id: int, at: datetime) -> None:
        self._s.execute(update(OrgKey).where(OrgKey.id == key_id).values(last_used_at=at))


class SaltRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def get(self, day: date) -> bytes | None:
        row = self._s.get(DailySalt, day)
        return row.salt if row else None

    def add(self, day: date, salt: bytes) -> None:
        self._s.add(DailySalt(day=day, salt=salt))
        self._s.flush()

    def delete_before(self, day: date) -> int:
        return self._s.execute(delete(DailySalt).where(DailySalt.day < day)).rowcount or 0


class UserKeyRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def get(self, site_id: str) -> bytes | None:
        row = self._s.get(UserKey, site_id)
        return row.secret if row else None

    def add(self, site_id: str, secret: bytes) -> None:
        self._s.add(UserKey(site_id=site_id, secret=secret))
        self._s.flush()

    def delete(self, site_id: str) -> bool:
        return bool(self._s.execute(delete(UserKey).where(UserKey.site_id == site_id)).rowcount)


class DeadLetterRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def add(self, stage: str, reason: str, payload: list[dict]) -> None:
        self._s.add(DeadLetter(stage=stage, reason=reason[:4000], payload=payload))
        self._s.flush()

    def recent(self, limit: int = 100) -> list[DeadLetter]:
        return list(self._s.scalars(select(DeadLetter).order_by(DeadLetter.id.desc()).limit(limit)))

    def count(self) -> int:
        return len(self._s.scalars(select(DeadLetter.id)).all())


class SiteRowsRepository:
    """A whole site's rows in core's tables, for its deletion (data rights): keys, user-id secret,
    goals, dead letters that carry its events, and the site itself."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def delete_site(self, site_id: str) -> int:
        removed = 0
        for model in (ApiKey, UserKey, Goal):
            removed += self._s.execute(delete(model).where(model.site_id == site_id)).rowcount
        # Dead letters hold whole records as JSON: those naming the site go with it.
        removed += self._s.execute(delete(DeadLetter).where(
            cast(DeadLetter.payload, String).like(f'%"{site_id}"%'))).rowcount
        removed += self._s.execute(delete(Site).where(Site.id == site_id)).rowcount
        self._s.flush()
        return removed
