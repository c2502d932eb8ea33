"""Tenancy on SQLite: site creation rules, key lookup, keys stored only as hashes."""

import pytest

from core.tenancy.keys import hash_key
from core.tenancy.service import TenancyError, TenancyService


@pytest.fixture
def tenancy(uow) -> TenancyService:
    return TenancyService(uow=uow)


def test_create_site_normalises_the_domain_and_sets_default_origins(tenancy):
    created = tenancy.create_site(domain="  Example.COM ", timezone="Europe/Paris")
    assert created.domain == "example.com"
    assert created.site_id.startswith("site_")
    assert created.public_key.startswith("pk_") and created.secret_key.startswith("sk_")
    assert "https://*.example.com" in created.allowed_origins

    info = tenancy.site(created.site_id)
    assert info.domain == "example.com"
    assert info.timezone == "Europe/Paris"
    assert info.allowed_origins == tuple(created.allowed_origins)


def test_explicit_allowed_origins_are_kept(tenancy):
    created = tenancy.create_site(domain="example.com", allowed_origins=["https://app.example.net"])
    assert tenancy.site(created.site_id).allowed_origins == ("https://app.example.net",)


@pytest.mark.parametrize("domain", ["", "   ", "https://example.com", "example.com/path", "exa mple.com"])
def test_invalid_domains_are_refused(tenancy, domain):
    with pytest.raises(TenancyError, match="not a domain"):
        tenancy.create_site(domain=domain)
    assert tenancy.list_sites() == []


@pytest.mark.parametrize("tz", ["Mars/Olympus", "", "../../etc/passwd"])
def test_unknown_time_zones_are_refused(tenancy, tz):
    with pytest.raises(TenancyError, match="time zone"):
        tenancy.create_site(domain="example.com", timezone=tz)
    assert tenancy.list_sites() == []


def test_key_owner_resolves_both_keys(tenancy):
    created = tenancy.create_site(domain="example.com")
    assert tenancy.key_owner(created.public_key) == (created.site_id, "public")
    assert tenancy.key_owner(created.secret_key) == (created.site_id, "secret")


def test_key_owner_is_none_for_unknown_keys(tenancy):
    created = tenancy.create_site(domain="example.com")
    assert tenancy.key_owner("sk_not-a-real-key") is None
    assert tenancy.key_owner(created.secret_key + "x") is None
    assert tenancy.key_owner("") is None


def test_keys_of_different_sites_resolve_to_their_own_site(tenancy):
    a = tenancy.create_site(domain="a.example")
    b = tenancy.create_site(domain="b.example")
    assert a.site_id != b.site_id
    assert tenancy.key_owner(a.secret_key) == (a.site_id, "secret")
    assert tenancy.key_owner(b.public_key) == (b.site_id, "public")


def test_unknown_site_is_none(tenancy):
    assert tenancy.site("site_missing") is None


def test_list_sites(tenancy):
    a = tenancy.create_site(domain="a.example")
    b = tenancy.create_site(domain="b.example")
    assert {s.id for s in tenancy.list_sites()} == {a.site_id, b.site_id}


def test_keys_are_stored_only_as_hashes(uow, sqlite_path, tenancy):
    created = tenancy.create_site(domain="example.com")
    with uow() as session:  # checkpoint the WAL so every committed byte is in the main file
        session.connection().exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    files = [p for p in sqlite_path.parent.iterdir() if p.is_file()]
    raw = b"".join(p.read_bytes() for p in files)
    assert hash_key(created.secret_key).encode() in raw  # sanity: we are reading the right bytes
    for key in (created.secret_key, created.public_key):
        assert key.encode() not in raw
        assert key[3:].encode() not in raw  # not even the random part without its prefix
