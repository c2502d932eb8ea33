"""Shared fixtures: real servers (started lazily, once per session) and settings per store set."""

import uuid

import pytest

from core.config.settings import Settings
from tests import servers


@pytest.fixture(scope="session")
def clickhouse_url(tmp_path_factory):
    proc, url = servers.start_clickhouse(tmp_path_factory.mktemp("clickhouse-server"))
    yield url
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="session")
def postgres_url():
    """A fresh database with every migration applied (`alembic upgrade head`)."""
    from alembic import command

    from bootstrap.migrate import alembic_config

    url, name = servers.create_postgres_database()
    command.upgrade(alembic_config(Settings(database_url=url)), "heads")
    yield url
    servers.drop_postgres_database(name)


@pytest.fixture(scope="session")
def redis_url():
    servers.check_redis()
    return servers.REDIS_URL


@pytest.fixture
def pg_session_factory(postgres_url):
    """Sessions inside one outer transaction that is rolled back after the test."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    engine = create_engine(postgres_url)
    conn = engine.connect()
    outer = conn.begin()
    yield lambda: Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
    outer.rollback()
    conn.close()
    engine.dispose()


@pytest.fixture
def own_redis(tmp_path):
    """A redis-server of the test's own on a free port (no persistence), for tests that stop,
    freeze or restart it: the shared server on 6379 is never touched. SIGKILL ends it even frozen."""
    from tests.faults import OwnRedis

    server = OwnRedis(tmp_path / "redis").start()
    yield server
    server.kill()


@pytest.fixture
def redis_client(redis_url):
    """A real Redis client (db 0); each test deletes the keys it made (use `unique` in their names)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


@pytest.fixture
def unique() -> str:
    return uuid.uuid4().hex[:12]


@pytest.fixture
def embedded_settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url="", redis_url="", clickhouse_url="")


@pytest.fixture
def server_settings(tmp_path, postgres_url, redis_url, clickhouse_url, unique) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=postgres_url, redis_url=redis_url,
                    clickhouse_url=clickhouse_url, buffer_stream=f"ut:test:{unique}",
                    buffer_claim_idle_ms=1000)
