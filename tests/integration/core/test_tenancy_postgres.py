"""Tenancy, daily salts and dead letters on a real Postgres, each test rolled back."""

from datetime import date

import pytest
from sqlalchemy import text

from core.db.unit_of_work import UnitOfWork
from core.ingest.dead_letters import DeadLetters
from core.tenancy.keys import hash_key
from core.tenancy.salts import DailySalts
from core.tenancy.service import TenancyError, TenancyService


@pytest.fixture
def uow(pg_session_factory):
    return lambda: UnitOfWork(pg_session_factory)


def _rows(pg_session_factory, sql: str, **params) -> list[tuple]:
    with pg_session_factory() as session:
        return [tuple(r) for r in session.execute(text(sql), params)]


def test_created_site_is_found_by_id_and_by_its_keys(uow):
    tenancy = TenancyService(uow=uow)
    created = tenancy.create_site(domain=" Shop.Example ", timezone="Europe/Berlin")

    assert created.domain == "shop.example" and created.site_id.startswith("site_")
    assert created.public_key.startswith("pk_") and created.secret_key.startswith("sk_")
    info = TenancyService(uow=uow).site(created.site_id)  # a fresh service: nothing cached
    assert (info.id, info.domain, info.timezone) == (created.site_id, "shop.example", "Europe/Berlin")
    assert info.allowed_origins == ("https://shop.example", "http://shop.example",
                                    "https://*.shop.example", "http://*.shop.example")
    assert created.site_id in [s.id for s in tenancy.list_sites()]
    assert tenancy.key_owner(created.public_key) == (created.site_id, "public")
    assert tenancy.key_owner(created.secret_key) == (created.site_id, "secret")
    assert tenancy.key_owner("sk_not-a-key") is None
    assert tenancy.site("site_missing") is None


def test_custom_origins_are_kept_and_bad_input_is_refused(uow):
    tenancy = TenancyService(uow=uow)
    created = tenancy.create_site(domain="a.example", allowed_origins=["https://app.other.example"])
    assert tenancy.site(created.site_id).allowed_origins == ("https://app.other.example",)
    with pytest.raises(TenancyError):
        tenancy.create_site(domain="a.example", timezone="Mars/Olympus")
    with pytest.raises(TenancyError):
        tenancy.create_site(domain="a.example/path")


def test_raw_keys_are_never_stored(uow, pg_session_factory):
    created = TenancyService(uow=uow).create_site(domain="keys.example")
    rows = _rows(pg_session_factory, "SELECT kind, key_hash, prefix, site_id, id::text, created_at::text "
                 "FROM core_api_keys WHERE site_id = :s ORDER BY kind", s=created.site_id)
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("public", hash_key(created.public_key), created.public_key[:7]),
        ("secret", hash_key(created.secret_key), created.secret_key[:7])]
    stored = " ".join(str(v) for r in rows for v in r)
    assert created.secret_key not in stored and created.public_key not in stored


def test_salts_rotate_daily_and_keep_only_today_and_yesterday(uow, pg_session_factory):
    today = [date(2001, 5, 1)]
    salts = DailySalts(uow=uow, today=lambda: today[0])
    first = salts.salt_for()
    assert len(first) == 32 and salts.salt_for() == first
    visitor = salts.visitor_id("site_x", "203.0.113.9", "UA/1.0")
    assert visitor == salts.visitor_id("site_x", "203.0.113.9", "UA/1.0")
    assert visitor != salts.visitor_id("site_y", "203.0.113.9", "UA/1.0")
    assert DailySalts(uow=uow, today=lambda: today[0]).salt_for() == first  # another process reuses it

    today[0] = date(2001, 5, 2)
    second = salts.salt_for()
    assert second != first and salts.visitor_id("site_x", "203.0.113.9", "UA/1.0") != visitor
    assert salts.salt_for(date(2001, 5, 1)) == first  # yesterday's is kept for late events

    today[0] = date(2001, 5, 3)
    salts.salt_for()
    days = _rows(pg_session_factory, "SELECT day FROM core_daily_salts WHERE day BETWEEN :a AND :b ORDER BY day",
                 a=date(2001, 5, 1), b=date(2001, 5, 3))
    assert days == [(date(2001, 5, 2),), (date(2001, 5, 3),)]  # 1 May is destroyed


def test_dead_letters_keep_the_payload_as_json(uow, pg_session_factory):
    dead = DeadLetters(uow=uow)
    before = dead.count()
    payload = [{"event_id": "e1", "props": {"note": "it's\n\"ü\" 🎉"}, "n": 2**40}, {"raw": ""}]
    dead("events_log", "TypeError: " + "x" * 5000, payload)
    assert dead.count() == before + 1
    rows = _rows(pg_session_factory, "SELECT stage, reason, payload FROM core_dead_letters ORDER BY id DESC LIMIT 1")
    stage, reason, stored = rows[0]
    assert (stage, stored) == ("events_log", payload)
    assert reason.startswith("TypeError: x") and len(reason) == 4000  # bounded


def test_the_dnt_policy_is_stored_per_site_with_the_migrated_default(uow, pg_session_factory):
    tenancy = TenancyService(uow=uow)
    dropping = tenancy.create_site(domain="drop.example", dnt_policy="drop")
    assert tenancy.site(dropping.site_id).dnt_policy == "drop"
    # a row written without the column (as before revision 0002) gets the server default
    with pg_session_factory() as session:
        session.execute(text("INSERT INTO core_sites (id, domain, allowed_origins, timezone) "
                             "VALUES ('site_legacy', 'old.example', '[]', 'UTC')"))
        session.commit()
    assert tenancy.site("site_legacy").dnt_policy == "count_anonymously"
