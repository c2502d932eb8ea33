"""export fixtures: a real S3-compatible server (moto_server over HTTP on a free port), boto3 to
read it back, a migrated transactional store, and the module's real objects wired as its
container wires them, around a write watermark the test moves."""

import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest

from core.crypto import Cipher
from core.tenancy.service import TenancyService
from tests import servers
from tracking.export.clickhouse import ExportRows
from tracking.export.service.destinations import Destinations
from tracking.export.service.endpoints import EndpointPolicy
from tracking.export.service.runs import ExportRuns

SECRET = "test-server-secret-0123456789"
ACCESS_KEY = "AKIDEXPORTTEST0000001"
SECRET_KEY = "s3cr3t/Export+Key-do-not-leak-0123456789"


@pytest.fixture(scope="session")
def s3_url(tmp_path_factory):
    port = servers.free_port()
    with open(tmp_path_factory.mktemp("moto") / "moto.log", "wb") as log:
        proc = subprocess.Popen([str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1",
                                 "-p", str(port)], stdout=log, stderr=subprocess.STDOUT)
        servers.wait_for_port(port, 30, proc)
        yield f"http://127.0.0.1:{port}"
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def s3(s3_url):
    # The test's reader has credentials of its own (moto accepts any), so a leak is the service's.
    client = boto3.client("s3", endpoint_url=s3_url, region_name="us-east-1", aws_access_key_id="AKIDREADER",
                          aws_secret_access_key="reader-secret")
    yield client
    client.close()


@pytest.fixture
def bucket(s3):
    """A new bucket per call."""
    def make() -> str:
        name = f"ut-{uuid.uuid4().hex[:16]}"
        s3.create_bucket(Bucket=name)
        return name
    return make


class Watermark:
    """The events log's write watermark, moved by the test (the real one is tested on its own)."""

    def __init__(self, ms: int) -> None:
        self.ms = ms

    def current_ms(self) -> int:
        return self.ms


@dataclass
class Export:
    uow: object
    site_id: str
    destinations: Destinations
    runs: ExportRuns
    watermark: Watermark
    local_root: Path
    clock: list


@pytest.fixture
def sqlite_uow(tmp_path, migrated_sqlite):
    """The export tests' transactional store: a migrated SQLite copy (PostgreSQL runs in the API test)."""
    import shutil

    from core.db.engine import build_engine, build_session_factory
    from core.db.unit_of_work import UnitOfWork

    path = tmp_path / "store.sqlite3"
    shutil.copy(migrated_sqlite, path)
    engine = build_engine(f"sqlite:///{path}")
    factory = build_session_factory(engine)
    yield lambda: UnitOfWork(factory)
    engine.dispose()


@pytest.fixture
def export(sqlite_uow, analytics_store, tmp_path) -> Export:
    uow = sqlite_uow
    site = TenancyService(uow=uow).create_site(domain=f"{uuid.uuid4().hex[:8]}.example")
    now = [1_790_000_000.0]  # a fixed "now" (2026-09-21), moved by the tests
    clock = lambda: now[0]  # noqa: E731
    destinations = Destinations(uow=uow, cipher=Cipher(SECRET, b"utrack export v1"), clock=clock,
                                endpoints=EndpointPolicy("127.0.0.1"))  # moto_server's address
    watermark = Watermark(int(now[0] * 1000))
    runs = ExportRuns(uow=uow, destinations=destinations, rows=ExportRows(store=analytics_store),
                      watermark=watermark, local_root=tmp_path / "exports", settle_s=0, part_rows=150,
                      upload_attempts=2, upload_backoff_s=0.01, backoff_base_s=5, clock=clock)
    return Export(uow, site.site_id, destinations, runs, watermark, tmp_path / "exports", now)


def wait(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("timed out")
