"""Organisation API keys on both transactional stores: shown once and stored hashed, scopes and
site lists checked, expiry, rotation and revocation effective at once, last_used_at written at most
once a minute and never by the caller's thread; site keys resolve to their organisation."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from core.db.models import OrgKey
from core.tenancy.api_keys import ApiKeys, UnknownKey
from core.tenancy.key_usage import KeyUsage
from core.tenancy.keys import hash_key
from core.tenancy.scopes import ORG_KEY, SCOPES, SITE_PUBLIC, SITE_SECRET, ScopeError
from core.tenancy.service import TenancyError, TenancyService


class Clock:
    def __init__(self) -> None:
        self.mono, self.now = 1000.0, datetime(2026, 12, 2, 8, 0, tzinfo=UTC)


class Serialised:
    """The PostgreSQL fixture shares one connection: the usage writer's thread and the test's take
    turns on it (in service every unit of work has a pooled connection of its own)."""

    lock = threading.RLock()

    def __init__(self, uow) -> None:
        self._uow = uow

    def __enter__(self):
        self.lock.acquire()
        return self._uow.__enter__()

    def __exit__(self, *exc):
        try:
            return self._uow.__exit__(*exc)
        finally:
            self.lock.release()


@pytest.fixture
def world(transactional_uow):
    _, shared = transactional_uow
    uow = lambda: Serialised(shared())  # noqa: E731
    clock = Clock()
    tenancy = TenancyService(uow=uow)
    usage = KeyUsage(uow=uow, clock=lambda: clock.mono)
    keys = ApiKeys(uow=uow, tenancy=tenancy, usage=usage, now=lambda: clock.now)
    org = tenancy.create_org(name="Acme")
    sites = [tenancy.create_site(domain=f"s{i}.acme.example", org_id=org.id) for i in range(2)]
    yield tenancy, keys, usage, uow, clock, org, sites
    usage.close()


def test_a_key_is_shown_once_stored_hashed_and_resolves_to_its_powers(world):
    tenancy, keys, _, uow, _, org, sites = world
    info, text_ = keys.create(org.id, name=" ci ", scopes=["stats:read", "ingest", "stats:read"],
                              site_ids=[sites[1].site_id])
    assert text_.startswith("uk_") and len(text_) > 30 and info.prefix == text_[:8]
    assert (info.name, info.scopes, info.site_ids) == ("ci", ["ingest", "stats:read"], [sites[1].site_id])
    with uow() as session:
        stored = session.get(OrgKey, info.id)
        assert stored.key_hash == hash_key(text_) and text_ not in repr(vars(stored))
    p = keys.resolve(text_)
    assert (p.kind, p.org_id, p.scopes, p.site_ids) == (ORG_KEY, org.id, frozenset({"ingest", "stats:read"}),
                                                          frozenset({sites[1].site_id}))
    assert p.reaches(sites[1].site_id, org.id) and not p.reaches(sites[0].site_id, org.id)
    assert p.only_site() == sites[1].site_id
    assert keys.resolve(text_ + "x") is None and keys.resolve("uk_nope") is None and keys.resolve("") is None
    assert [k.id for k in keys.list(org.id)] == [info.id]
    assert keys.list(tenancy.create_org(name="Other").id) == []


def test_site_keys_resolve_to_their_site_and_organisation(world):
    _, keys, _, _, _, org, sites = world
    secret, public = keys.resolve(sites[0].secret_key), keys.resolve(sites[0].public_key)
    assert (secret.kind, secret.org_id, secret.scopes, secret.site_ids) == (
        SITE_SECRET, org.id, frozenset(SCOPES), frozenset({sites[0].site_id}))
    assert (public.kind, public.scopes, public.site_ids) == (SITE_PUBLIC, frozenset(), frozenset({sites[0].site_id}))


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"scopes": ["stats:write"]}, "unknown scope 'stats:write'"),
    ({"scopes": []}, "at least one scope"),
    ({"name": ""}, "name of 1 to 200"),
    ({"site_ids": []}, "at least one site"),
    ({"site_ids": ["site_missing"]}, "unknown site 'site_missing'"),
    ({"expires_at": datetime(2026, 12, 1, tzinfo=UTC)}, "in the past"),
])
def test_bad_keys_are_refused_and_nothing_is_stored(world, kwargs, message):
    _, keys, _, _, _, org, _ = world
    with pytest.raises((TenancyError, ScopeError), match=message):
        keys.create(org.id, **{"name": "k", "scopes": ["ingest"], **kwargs})
    assert keys.list(org.id) == []


def test_another_organisations_site_cannot_be_bound(world):
    tenancy, keys, _, _, _, org, _ = world
    theirs = tenancy.create_site(domain="other.example")  # the default organisation's
    with pytest.raises(TenancyError, match="unknown site"):
        keys.create(org.id, name="k", scopes=["ingest"], site_ids=[theirs.site_id])


def test_expiry_rotation_and_revocation(world):
    _, keys, _, _, clock, org, _ = world
    info, first = keys.create(org.id, name="k", scopes=["org:admin"], expires_at=clock.now + timedelta(hours=1))
    assert keys.resolve(first).expires_at == clock.now + timedelta(hours=1)
    rotated, second = keys.rotate(org.id, info.id)
    assert (rotated.id, rotated.name, rotated.scopes) == (info.id, "k", ["org:admin"]) and second != first
    assert keys.resolve(first) is None and keys.resolve(second) is not None
    clock.now += timedelta(hours=1)
    assert keys.resolve(second) is None  # expired: checked on every call, cache or not
    clock.now -= timedelta(minutes=1)
    assert keys.revoke(org.id, info.id).revoked_at == clock.now
    assert keys.resolve(second) is None
    with pytest.raises(UnknownKey):
        keys.rotate(org.id, info.id)
    with pytest.raises(UnknownKey):
        keys.revoke("org_other", info.id)
    assert keys.list(org.id)[0].revoked_at is not None  # the list still shows it, revoked


def test_last_used_is_written_at_most_once_a_minute_off_the_callers_thread(world):
    _, keys, usage, uow, clock, org, _ = world
    info, key = keys.create(org.id, name="k", scopes=["ingest"])
    writers = []
    real_write = usage._write
    usage._write = lambda *a: (writers.append(threading.current_thread().name), real_write(*a))
    for _ in range(50):
        keys.resolve(key)
    usage.flush()
    assert len(writers) == 1 and writers[0].startswith("ut-key-usage")
    first = keys.list(org.id)[0].last_used_at
    assert first is not None and abs((first - datetime.now(UTC)).total_seconds()) < 60
    clock.mono += 59
    keys.resolve(key)
    usage.flush()
    assert len(writers) == 1
    clock.mono += 1
    keys.resolve(key)
    usage.flush()
    assert len(writers) == 2
    with uow() as session:
        assert session.execute(text("SELECT COUNT(*) FROM core_org_keys WHERE last_used_at IS NOT NULL")).scalar() == 1
