"""Real servers for the tests: a ClickHouse server started here, PostgreSQL and Redis preinstalled.

A missing server is an error, never a skip: these tests are the proof that the adapters work.
"""

import shutil
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest

PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REDIS_URL = "redis://127.0.0.1:6379/0"

_CH_CONFIG = """<yandex>
  <logger><level>warning</level><log>{dir}/server.log</log><errorlog>{dir}/error.log</errorlog></logger>
  <tcp_port>{tcp}</tcp_port>
  <http_port>{http}</http_port>
  <listen_host>127.0.0.1</listen_host>
  <path>{dir}/data/</path>
  <tmp_path>{dir}/tmp/</tmp_path>
  <user_files_path>{dir}/user_files/</user_files_path>
  <format_schema_path>{dir}/format_schemas/</format_schema_path>
  <mark_cache_size>53687091</mark_cache_size>
  <users_config>users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
</yandex>
"""
_CH_USERS = """<yandex>
  <profiles><default></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip></networks>
    <profile>default</profile><quota>default</quota></default></users>
  <quotas><default></default></quotas>
</yandex>
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on port {port} after {timeout}s")


def clickhouse_binary() -> str:
    found = shutil.which("clickhouse-server") or (
        "/usr/sbin/clickhouse-server" if Path("/usr/sbin/clickhouse-server").exists() else None)
    if not found:
        pytest.fail("clickhouse-server is not installed: run `make test` (it installs it) "
                    "or scripts/install-clickhouse.sh", pytrace=False)
    return found


def start_clickhouse(directory: Path) -> tuple[subprocess.Popen, str]:
    binary = clickhouse_binary()
    directory.mkdir(parents=True, exist_ok=True)
    tcp, http = free_port(), free_port()
    (directory / "config.xml").write_text(_CH_CONFIG.format(dir=directory, tcp=tcp, http=http))
    (directory / "users.xml").write_text(_CH_USERS)
    proc = subprocess.Popen([binary, f"--config-file={directory / 'config.xml'}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=directory)
    wait_for_port(tcp, 30, proc)
    return proc, f"clickhouse://127.0.0.1:{tcp}/default"


def create_postgres_database() -> tuple[str, str]:
    """A fresh, empty database for this test session: (url, name)."""
    from sqlalchemy import create_engine, text

    name = f"ut_test_{uuid.uuid4().hex[:10]}"
    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        pytest.fail(f"PostgreSQL at 127.0.0.1:5432 is not reachable ({exc}); "
                    "run scripts/ensure-services.sh", pytrace=False)
    finally:
        engine.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name, name


def drop_postgres_database(name: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def check_redis() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except Exception as exc:
        pytest.fail(f"Redis at 127.0.0.1:6379 is not reachable ({exc}); run scripts/ensure-services.sh",
                    pytrace=False)
