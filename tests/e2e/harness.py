"""Runs the real service as a subprocess (`utrack serve`), the way a user does, for e2e tests."""

import atexit
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

from core.config.settings import Settings
from tests.servers import free_port, wait_for_port

UTRACK = str(Path(sys.executable).with_name("utrack"))


def settings_env(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("UT_")}
    env.update({
        "UT_DATA_DIR": str(settings.data_dir),
        "UT_DATABASE_URL": settings.database_url,
        "UT_REDIS_URL": settings.redis_url,
        "UT_CLICKHOUSE_URL": settings.clickhouse_url,
        "UT_BUFFER_STREAM": settings.buffer_stream,
        "UT_BUFFER_CLAIM_IDLE_MS": str(settings.buffer_claim_idle_ms),
        "UT_WORKER_POLL_MS": "50",
        "UT_LOG_LEVEL": "warning",
        # Tests poll reports for events they just sent: an open range is not cached (the cache has
        # tests of its own in tests/integration/core/test_query_cache.py).
        "UT_QUERY_CACHE_OPEN_TTL_S": "0",
        # The suite runs on the development secret key, which `utrack serve`/`worker` refuse elsewhere.
        "UT_ENV": "development",
        # Tests and benchmarks send synthetic load from one IP to one site: far past what the default
        # limits allow a real visitor or site. Still on (the checks run), out of reach; the limits
        # have tests of their own (tests/integration/core/test_rate_limits.py).
        "UT_RATE_LIMIT_API": "100000000/minute",
        "UT_RATE_LIMIT_COLLECT_IP": "100000000/minute",
        "UT_RATE_LIMIT_SITE_EVENTS": "1000000000/minute",
    })
    return env


# `utrack migrate` once per test session and store set (a process start and every migration take
# seconds, and nearly every e2e test needs a migrated service): server stores are shared by the
# session, so migrating them once is enough; an embedded data dir is copied from one migrated once.
_MIGRATED: dict[tuple[str, str], Path | None] = {}


def _template_dir() -> Path:
    path = Path(tempfile.mkdtemp(prefix="ut-e2e-migrated-"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


class Service:
    def __init__(self, settings: Settings, log_path: Path) -> None:
        self.env = settings_env(settings)
        self.log_path = log_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def utrack(self, *args: str) -> str:
        out = subprocess.run([UTRACK, *args], env=self.env, capture_output=True, text=True, timeout=120)
        if out.returncode != 0:
            raise RuntimeError(f"utrack {' '.join(args)} failed: {out.stderr[-2000:]}")
        return out.stdout

    def migrate(self) -> None:
        """What `utrack migrate` leaves, at most one real run per session and store set."""
        key = (self.env["UT_DATABASE_URL"], self.env["UT_CLICKHOUSE_URL"])
        embedded = not any(key) and not self.env["UT_REDIS_URL"]
        data = Path(self.env["UT_DATA_DIR"])
        if key in _MIGRATED and embedded and not data.exists():
            shutil.copytree(_MIGRATED[key], data, symlinks=True)  # chDB links its tables relatively
            return
        if key in _MIGRATED and all(key):
            return
        self.utrack("migrate")
        if embedded:
            template = _template_dir() / "data"
            shutil.copytree(data, template, symlinks=True)
            _MIGRATED[key] = template
        elif all(key):
            _MIGRATED[key] = None

    def create_site(self, domain: str = "shop.example", timezone: str = "UTC") -> dict:
        """A site as `utrack sites create` prints it, made in this process through the same core
        service: a CLI process per site costs seconds, and the CLI has tests of its own."""
        from dataclasses import asdict

        from core.db.engine import build_engine, build_session_factory
        from core.db.unit_of_work import UnitOfWork
        from core.tenancy.service import TenancyService

        url = Settings(data_dir=Path(self.env["UT_DATA_DIR"]),
                       database_url=self.env["UT_DATABASE_URL"]).resolved_database_url()
        engine = build_engine(url)
        try:
            factory = build_session_factory(engine)
            created = TenancyService(uow=lambda: UnitOfWork(factory)).create_site(domain=domain, timezone=timezone)
        finally:
            engine.dispose()
        return asdict(created)

    def start(self) -> "Service":
        log = open(self.log_path, "ab")  # noqa: SIM115 - handed to the child process
        self.proc = subprocess.Popen([UTRACK, "serve", "--port", str(self.port)], env=self.env,
                                     stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        wait_for_port(self.port, 60, self.proc)
        return self

    def kill(self) -> None:
        """SIGKILL: no shutdown hook runs, nothing is flushed."""
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=10)

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextmanager
def two_api_processes(settings: Settings, tmp_path: Path, env: dict[str, str] | None = None):
    """Two `utrack serve` processes of one deployment (server stores) and a site: the first runs the
    worker, the second does not (one worker drains the shared stream). Yields (first, second, site)."""
    first, second = Service(settings, tmp_path / "first.log"), Service(settings, tmp_path / "second.log")
    first.migrate()
    site = first.create_site(domain="shop.example")
    second.env["UT_WORKER_ENABLED"] = "false"
    for service in (first, second):
        service.env.update(env or {})
    try:
        yield first.start(), second.start(), site
    finally:
        second.stop()
        first.stop()


def wait_for(predicate, timeout: float = 20.0, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    return last


_COUNT_SCRIPT = """
import json, sys
from core.analytics.factory import build_analytics_store
from core.config.settings import Settings
store = build_analytics_store(Settings())
rows = store.query(sys.argv[1], {"site_id": sys.argv[2]})
print(json.dumps([[str(v) for v in r] for r in rows]))
store.close()
"""


def query_events_log(service: Service, sql: str, site_id: str) -> list[list[str]]:
    """Query the analytics store from a separate process (chDB allows one owner per data dir,
    so the service must be stopped first in embedded mode)."""
    out = subprocess.run([sys.executable, "-c", _COUNT_SCRIPT, sql, site_id], env=service.env,
                         capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout)
