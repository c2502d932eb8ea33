"""meta_capi fixtures: a migrated transactional store (SQLite, PostgreSQL), the fake Graph API, and
the module's real objects wired as its container wires them."""

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from prometheus_client import CollectorRegistry
from sqlalchemy import text

from core.tenancy.service import TenancyService
from tests.integration.tracking.meta_capi.fake_graph import FakeGraph
from tracking.meta_capi.service.cipher import Cipher
from tracking.meta_capi.service.graph import GraphClient
from tracking.meta_capi.service.settings import DeliveryReport, MetaCapiSettings
from tracking.meta_capi.service.sink import OutboxSink
from tracking.meta_capi.tasks import MetaCapiSender, SenderMetrics

SECRET = "test-server-secret-0123456789"
TOKEN = "EAAB-super-secret-token-1234567890-WXYZ"


@pytest.fixture
def store(transactional_uow):
    """(uow factory, concurrency): PostgreSQL runs in one rolled-back connection, so one sender thread.

    The PostgreSQL database is shared with the e2e tests, whose outbox rows are committed (and sealed
    under their own secret key); the sender claims every due row, so other sites' rows are parked
    for the test, inside its transaction (rolled back with it, never touching what they committed)."""
    kind, uow = transactional_uow
    if kind == "postgres":
        with uow() as session:
            session.execute(text("UPDATE meta_capi_outbox SET next_attempt_at = :later WHERE status = 'pending'"),
                            {"later": datetime(2999, 1, 1, tzinfo=UTC)})
    return uow, (1 if kind == "postgres" else 4)


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
