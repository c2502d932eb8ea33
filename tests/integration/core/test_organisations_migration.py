"""Migration 0005 on both transactional stores: sites made before organisations existed move into
the default organisation, keep every column, and new sites go there unless told otherwise."""

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from bootstrap.migrate import alembic_config
from core.config.settings import Settings
from core.db.engine import build_engine, build_session_factory
from core.db.unit_of_work import UnitOfWork
from core.tenancy.service import TenancyService
from tests import servers


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.sqlite3'}"
        return
    url, name = servers.create_postgres_database()
    yield url
    servers.drop_postgres_database(name)


def test_existing_sites_move_into_the_default_organisation(database_url, tmp_path):
    cfg = alembic_config(Settings(data_dir=tmp_path, database_url=database_url))
    command.upgrade(cfg, "0004")  # core's history as it was before organisations
    engine = create_engine(database_url)
    with engine.begin() as conn:
        for i in range(3):
            conn.execute(text("INSERT INTO core_sites (id, domain, allowed_origins, timezone, dnt_policy) "
                              "VALUES (:id, :domain, '[\"https://a.example\"]', 'Europe/Paris', 'drop')"),
                         {"id": f"site_old{i}", "domain": f"old{i}.example"})
    command.upgrade(cfg, "heads")
    with engine.connect() as conn:
        orgs = conn.execute(text("SELECT id, name FROM core_organisations")).all()
        sites = conn.execute(text("SELECT id, org_id, domain, timezone, dnt_policy FROM core_sites ORDER BY id")).all()
    engine.dispose()
    assert [tuple(o) for o in orgs] == [("org_default", "default")]
    assert [tuple(s) for s in sites] == [(f"site_old{i}", "org_default", f"old{i}.example", "Europe/Paris", "drop")
                                         for i in range(3)]
    engine = build_engine(database_url)
    try:
        tenancy = TenancyService(uow=lambda: UnitOfWork(build_session_factory(engine)))
        other = tenancy.create_org(name="Acme")
        fresh = tenancy.create_site(domain="new.example")
        theirs = tenancy.create_site(domain="acme.example", org_id=other.id)
        assert fresh.org_id == "org_default" and theirs.org_id == other.id
        assert sorted(s.id for s in tenancy.list_sites("org_default")) == sorted(
            ["site_old0", "site_old1", "site_old2", fresh.site_id])
        assert [s.id for s in tenancy.list_sites(other.id)] == [theirs.site_id]
    finally:
        engine.dispose()
