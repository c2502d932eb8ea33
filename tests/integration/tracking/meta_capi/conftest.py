"""meta_capi fixtures: a migrated transactional store (SQLite, PostgreSQL), the fake Graph API, and
the module's real objects wired as its container wires them."""

import shutil
from dataclasses import dataclass

import pytest
from prometheus_client import CollectorRegistry

from core.db.engine import build_engine, build_session_factory
from core.db.unit_of_work import UnitOfWork
from core.tenancy.service import TenancyService
from tests.integration.tracking.meta_capi.fake_graph import FakeGraph
from tracking.meta_capi.service.cipher import Cipher
from tracking.meta_capi.service.graph import GraphClient
from tracking.meta_capi.service.settings import DeliveryReport, MetaCapiSettings
from tracking.meta_capi.service.sink import OutboxSink
from tracking.meta_capi.tasks import MetaCapiSender, SenderMetrics

SECRET = "test-server-secret-0123456789"
TOKEN = "EAAB-super-secret-token-1234567890-WXYZ"


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory):
    from alembic import command

    from bootstrap.migrate import alembic_config
    from core.config.settings import Settings

    settings = Settings(data_dir=tmp_path_factory.mktemp("meta-template"))
    command.upgrade(alembic_config(settings), "heads")
    return settings.data_dir / "utrack.sqlite3"


@pytest.fixture(params=["sqlite", "postgres"])
def store(request, tmp_path, migrated_sqlite):
    """(uow factory, concurrency): PostgreSQL runs in one rolled-back connection, so one sender thread."""
    if request.param == "postgres":
        factory = request.getfixturevalue("pg_session_factory")
        yield (lambda: UnitOfWork(factory)), 1
        return
    path = tmp_path / "meta.sqlite3"
    shutil.copy(migrated_sqlite, path)
    engine = build_engine(f"sqlite:///{path}")
    yield (lambda: UnitOfWork(build_session_factory(engine))), 4
    engine.dispose()


@pytest.fixture
def graph():
    fake = FakeGraph()
    yield fake
    fake.close()


@dataclass
class Capi:
    uow: object
    site_id: str
    settings: MetaCapiSettings
    sink: OutboxSink
    sender: MetaCapiSender
    report: DeliveryReport
    metrics: SenderMetrics
    cipher: Cipher


@pytest.fixture
def capi(store, graph) -> Capi:
    uow, concurrency = store
    site = TenancyService(uow=uow).create_site(domain="shop.example")
    cipher = Cipher(SECRET)
    settings = MetaCapiSettings(uow=uow, cipher=cipher)
    metrics = SenderMetrics(CollectorRegistry())
    client = GraphClient(base_url=graph.url, timeout_s=1.0)
    sender = MetaCapiSender(uow=uow, settings=settings, cipher=cipher, graph=client, metrics=metrics,
                            concurrency=concurrency, max_attempts=3, backoff_base_s=0.001, backoff_max_s=0.001)
    yield Capi(uow, site.site_id, settings, OutboxSink(uow=uow, settings=settings, cipher=cipher), sender,
               DeliveryReport(uow=uow, settings=settings), metrics, cipher)
    client.close()
