"""A real process killed mid-upload: `utrack exports backfill` (server stores, a real S3 server) is
SIGKILLed while it uploads part files; run again, it resumes, and the bucket holds every event
exactly once, with no leftover of the killed run."""

import json
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from bootstrap.migrate import migrate_all
from core.analytics.driver_store import DriverStore
from core.crypto import Cipher
from core.db.engine import build_engine, build_session_factory
from core.db.unit_of_work import UnitOfWork
from core.tenancy.service import TenancyService
from tests.e2e.harness import settings_env
from tests.integration.tracking.export.conftest import ACCESS_KEY, SECRET_KEY
from tests.integration.tracking.export.test_export import HOUR, check_once, read_rows, s3_objects, seed
from tracking.export.service.destinations import Destinations
from tracking.export.service.endpoints import EndpointPolicy

UTRACK = str(Path(sys.executable).with_name("utrack"))


def test_a_backfill_killed_mid_upload_resumes_with_no_duplicate_and_no_gap(server_settings, s3, s3_url, bucket):
    migrate_all(server_settings)
    engine = build_engine(server_settings.database_url)
    uow = (lambda factory: lambda: UnitOfWork(factory))(build_session_factory(engine))
    site = TenancyService(uow=uow).create_site(domain=f"{uuid.uuid4().hex[:8]}.example").site_id
    now_ms = int(time.time() * 1000)
    start = now_ms - now_ms % HOUR - 5 * HOUR
    store = DriverStore(server_settings.clickhouse_url)
    truth = seed(store, site, 900, start, 3 * HOUR)
    store.close()
    name = bucket()
    destinations = Destinations(uow=uow, cipher=Cipher(server_settings.secret_key, b"utrack export v1"),
                                clock=time.time, endpoints=EndpointPolicy("127.0.0.1"))  # moto_server's address
    dest = destinations.create(site, kind="s3", endpoint_url=s3_url, bucket=name, access_key=ACCESS_KEY,
                               secret_key=SECRET_KEY, format="jsonl", compression="none")
    env = {**settings_env(server_settings), "UT_EXPORT_PART_ROWS": "5", "UT_EXPORT_SETTLE_S": "0",
           "UT_EXPORT_ENDPOINT_HOSTS": "127.0.0.1"}
    args = [UTRACK, "exports", "backfill", site, str(dest.id), "--from", _iso(start), "--to", _iso(start + 3 * HOUR)]
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # kill it once the second hour's parts are being uploaded
        keys = _keys(s3, name)
        if sum(k.endswith("/_SUCCESS") for k in keys) >= 1 and sum("/part-" in k for k in keys) > 65:
            break
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    killed = s3_objects(s3, name)
    done = sum(k.endswith("/_SUCCESS") for k in killed)
    assert proc.returncode == -signal.SIGKILL and 1 <= done < 3, (proc.returncode, done)
    again = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert f'"intervals": {3 - done}' in again.stdout  # resumed: the finished hours were not redone
    objects = s3_objects(s3, name)
    check_once(read_rows(objects), truth)
    listed = {f["key"] for k, body in objects.items() if k.endswith("_manifest.json")
              for f in json.loads(body)["files"]}
    assert {k for k in objects if "/part-" in k} == listed  # no part of the killed run left outside a manifest
    engine.dispose()


def _keys(s3, bucket: str) -> list[str]:
    return [o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
            for o in page.get("Contents", [])]


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
