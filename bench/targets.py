"""What the benchmark loads: the bare FastAPI baseline and the real service on both store sets.

Each target is a context manager that starts its processes and stops them, and removes what it
created (Postgres database, Redis keys), even when the benchmark fails half way.
"""

import os
import shutil
import signal
import subprocess
import sys
import uuid
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from tests import servers
from tests.e2e.harness import Service

from core.config.settings import Settings

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
DOMAIN = "bench.example"


@dataclass
class Target:
    name: str
    port: int
    pid: int
    service: Service | None = None
    site: dict = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextmanager
def bare_target(tmp: Path):
    port = servers.free_port()
    cmd = [sys.executable, "-m", "uvicorn", "bare_app:app", "--app-dir", str(BENCH_DIR), "--port", str(port),
           "--host", "127.0.0.1", "--loop", "uvloop", "--http", "httptools", "--workers", "1",
           "--log-level", "warning", "--no-access-log"]
    with open(tmp / "bare.log", "ab") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        servers.wait_for_port(port, 30, proc)
        yield Target("bare FastAPI", port, proc.pid, site={"site_id": "site_bare", "domain": DOMAIN})
    finally:
        _stop(proc)


@contextmanager
def service_target(kind: str, tmp: Path, env: dict[str, str] | None = None):
    """kind: "embedded" (SQLite, in-process Redis, chDB, disk log) or "servers" (PG, Redis, ClickHouse);
    `env`: extra UT_* variables for the service (they override the test harness's)."""
    with ExitStack() as stack:
        if kind == "embedded":
            settings = Settings(data_dir=tmp / "data", database_url="", redis_url="", clickhouse_url="")
        else:
            settings = stack.enter_context(_server_settings(tmp))
        svc = Service(settings, tmp / f"service-{kind}.log")
        svc.env.update(env or {})
        svc.utrack("migrate")
        site = svc.create_site(domain=DOMAIN)
        if kind == "servers":
            stack.callback(_forget_redis_keys, settings, site["site_id"])
        stack.callback(svc.stop)
        svc.start()
        assert svc.proc is not None
        yield Target(f"utrack {kind}", svc.port, svc.proc.pid, service=svc, site=site)


@contextmanager
def _server_settings(tmp: Path):
    _ensure_clickhouse()
    servers.check_redis()
    with ExitStack() as stack:
        ch_proc, ch_url = servers.start_clickhouse(tmp / "clickhouse-server")
        stack.callback(_stop, ch_proc)
        pg_url, pg_name = servers.create_postgres_database()
        stack.callback(servers.drop_postgres_database, pg_name)
        yield Settings(data_dir=tmp / "data", database_url=pg_url, redis_url=servers.REDIS_URL,
                       clickhouse_url=ch_url, buffer_stream=f"ut:bench:{uuid.uuid4().hex[:12]}")


def _ensure_clickhouse() -> None:
    if shutil.which("clickhouse-server") or Path("/usr/sbin/clickhouse-server").exists():
        return
    subprocess.run([str(REPO / "scripts" / "install-clickhouse.sh")], check=True, timeout=600)


def _forget_redis_keys(settings: Settings, site_id: str) -> None:
    """The buffer stream and this site's dedup ledger (one key per event, 2-day TTL otherwise)."""
    import redis

    client = redis.Redis.from_url(settings.redis_url)
    try:
        client.delete(settings.buffer_stream)
        cursor, rounds = 0, 0
        while rounds < 1_000_000:
            cursor, keys = client.scan(cursor, match=f"core:dedup:{site_id}:*", count=5000)
            if keys:
                client.unlink(*keys)
            rounds += 1
            if cursor == 0:
                break
    finally:
        client.close()


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            proc.kill()
        proc.wait(timeout=10)


def backlog(target: Target) -> int | None:
    resp = httpx.get(f"{target.url}/ready", timeout=10)
    return resp.json().get("buffer_backlog")


def metric_lines(target: Target, prefixes: tuple[str, ...]) -> dict[str, float]:
    text = httpx.get(f"{target.url}/metrics", timeout=10).text
    out = {}
    for line in text.splitlines():
        if line.startswith(prefixes) and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            out[name] = float(value)
    return out


def pageviews(target: Target, day_from: str, day_to: str) -> int:
    params = {"site_id": target.site["site_id"], "from": day_from, "to": day_to}
    resp = httpx.get(f"{target.url}/api/v1/stats/aggregate", params=params,
                     headers={"X-API-Key": target.site["secret_key"]}, timeout=60)
    resp.raise_for_status()
    return int(resp.json()["pageviews"])
