"""Share tokens on a real Postgres (rolled back per test): hashed, per site, revocable."""

import pytest
from sqlalchemy import text

from core.db.unit_of_work import UnitOfWork
from core.tenancy.keys import hash_key
from core.tenancy.service import TenancyService
from tracking.active_users.service.tokens import ShareTokenService


@pytest.fixture
def uow(pg_session_factory):
    return lambda: UnitOfWork(pg_session_factory)


def test_a_token_reads_its_site_only_and_is_stored_hashed(uow, pg_session_factory):
    tenancy = TenancyService(uow=uow)
    site_a = tenancy.create_site(domain="a.example").site_id
    site_b = tenancy.create_site(domain="b.example").site_id
    tokens = ShareTokenService(uow=uow)
    info, token = tokens.create(site_id=site_a, label="office TV")

    assert token.startswith("st_") and info.prefix == token[:7] and info.created_at.tzinfo is not None
    assert tokens.site_of(token) == site_a
    assert tokens.site_of(token + "x") is None and tokens.site_of("sk_" + token[3:]) is None
    assert [(i.id, i.label) for i in tokens.list(site_id=site_a)] == [(info.id, "office TV")]
    assert tokens.list(site_id=site_b) == []
    with pg_session_factory() as session:
        stored = session.execute(text("SELECT token_hash FROM active_users_share_tokens WHERE site_id = :site"),
                                 {"site": site_a}).scalars().all()
    assert stored == [hash_key(token)]


def test_revoking_is_per_site_and_takes_effect_on_this_process_at_once(uow):
    tenancy = TenancyService(uow=uow)
    site_a = tenancy.create_site(domain="a.example").site_id
    site_b = tenancy.create_site(domain="b.example").site_id
    tokens = ShareTokenService(uow=uow)
    info, token = tokens.create(site_id=site_a)
    assert tokens.site_of(token) == site_a  # cached now

    assert tokens.revoke(site_id=site_b, token_id=info.id) is False  # another site's owner cannot
    assert tokens.revoke(site_id=site_a, token_id=info.id) is True
    assert tokens.site_of(token) is None and tokens.list(site_id=site_a) == []
