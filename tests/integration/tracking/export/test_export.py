"""Export end to end against a real S3 server (moto over HTTP) and a local directory, on both
ClickHouse engines: every event exactly once in each format and in the backup bucket, a run that
dies mid-upload and is run again, late events, credentials nowhere to be seen."""

import csv
import gzip
import io
import json
import re
import time
import uuid

import pyarrow.parquet as pq
import pytest

from core.crypto import Cipher
from core.ingest.event_log import EventLog
from core.tenancy.service import TenancyService
from tests.integration.tracking.export.conftest import ACCESS_KEY, SECRET, SECRET_KEY
from tracking.export.clickhouse import ExportRows
from tracking.export.service.destinations import Destinations, InvalidDestination
from tracking.export.service.runs import ExportRuns
from tracking.export.service.targets import LocalTarget, S3Target

HOUR = 3_600_000


def seed(store, site_id: str, n: int, first_ingested_ms: int, spread_ms: int, ts_ms: int | None = None) -> dict:
    """n events written over [first, first + spread); returns the truth by event id."""
    truth = {}
    rows = []
    for i in range(n):
        eid = str(uuid.uuid4())
        ingested = first_ingested_ms + (i * spread_ms) // n
        rec = {"site_id": site_id, "event_id": eid, "type": "pageview" if i % 3 else "event",
               "name": "pageview" if i % 3 else "sign_up", "ts_ms": ts_ms if ts_ms is not None else ingested - 5000,
               "received_ms": ingested - 1000, "ingested_ms": ingested, "visitor_id": 10_000 + i % 37,
               "session_id": 20_000 + i % 53, "user_id": f"user-{i}@mail.example", "pathname": f"/p/{i % 11}",
               "url": f"https://x.example/p/{i % 11}?a=1,b=\"2\"", "props": {"plan": f"pro,{i % 4}", "n": str(i)},
               "click_ids": ["gclid"] if i % 5 == 0 else [], "country": "DE"}
        rows.append(rec)
        truth[eid] = rec
    EventLog(store=store).write(rows)
    return truth


def s3_objects(s3, bucket: str) -> dict[str, bytes]:
    keys = [o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
            for o in page.get("Contents", [])]
    return {k: s3.get_object(Bucket=bucket, Key=k)["Body"].read() for k in keys}


def local_objects(root) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def read_rows(objects: dict[str, bytes]) -> list[dict]:
    """Every row of every part file listed by a manifest whose interval has _SUCCESS."""
    out = []
    for key, body in objects.items():
        if not key.endswith("_manifest.json"):
            continue
        base = key.rsplit("/", 1)[0]
        assert base + "/_SUCCESS" in objects, f"{base} has a manifest but no _SUCCESS"
        manifest = json.loads(body)
        for f in manifest["files"]:
            data = objects[f["key"]]
            assert len(data) == f["bytes"]
            out.extend(_decode(f["key"], data))
        assert sum(f["rows"] for f in manifest["files"]) == manifest["rows"]
    return out


def _decode(key: str, data: bytes) -> list[dict]:
    if key.endswith(".gz"):
        data = gzip.decompress(data)
    if ".parquet" in key:
        rows = pq.read_table(io.BytesIO(data)).to_pylist()
        for r in rows:
            r["props"] = dict(r["props"])
        return rows
    if ".jsonl" in key:
        return [json.loads(line) for line in data.decode().splitlines()]
    rows = list(csv.DictReader(io.StringIO(data.decode(), newline="")))
    for r in rows:
        r["props"] = json.loads(r["props"])
        r["ts_ms"] = int(r["ts_ms"])
    return rows


def check_once(rows: list[dict], truth: dict) -> None:
    ids = [r["event_id"] for r in rows]
    assert len(ids) == len(set(ids)), "an event was exported twice"
    assert set(ids) == set(truth), f"missing {len(set(truth) - set(ids))}, extra {len(set(ids) - set(truth))}"
    for r in rows:
        t = truth[r["event_id"]]
        assert (r["ts_ms"], r["props"], r["pathname"]) == (t["ts_ms"], t["props"], t["pathname"])
        assert "user_id" not in r


@pytest.mark.parametrize("fmt,compression", [("parquet", "zstd"), ("jsonl", "gzip"), ("csv", "none")])
def test_every_event_exactly_once_in_the_bucket_the_backup_bucket_and_a_directory(
        export, analytics_store, s3, s3_url, bucket, fmt, compression):
    start = export.destinations.create(export.site_id, kind="local", path="probe").cursor_ms  # aligned "now"
    truth = seed(analytics_store, export.site_id, 500, start, 3 * HOUR)
    main, backup = bucket(), bucket()
    dests = [export.destinations.create(export.site_id, kind="s3", endpoint_url=s3_url, bucket=b, prefix="raw/ut",
                                        access_key=ACCESS_KEY, secret_key=SECRET_KEY, format=fmt,
                                        compression=compression, backup=b == backup) for b in (main, backup)]
    dests.append(export.destinations.create(export.site_id, kind="local", path="acme", format=fmt,
                                            compression=compression))
    export.watermark.ms = start + 2 * HOUR + 1  # two hours are complete, the third is still being written
    for d in dests:
        outcome = export.runs.run(d.id)
        assert (outcome.intervals, outcome.error) == (2, "")
    export.watermark.ms = start + 3 * HOUR
    for d in dests:
        assert export.runs.run(d.id).intervals == 1
        assert export.runs.run(d.id).intervals == 0  # nothing more is due
    for objects in (s3_objects(s3, main), s3_objects(s3, backup), local_objects(export.local_root / "acme")):
        check_once(read_rows(objects), truth)
        hours = sorted(k.rsplit("/", 1)[0] for k in objects if k.endswith("_SUCCESS"))
        assert len(hours) == 3 and all(f"site={export.site_id}/dt=" in h for h in hours)
    assert any(k.startswith("raw/ut/site=") and "/part-1." in k for k in s3_objects(s3, main))
    status = export.runs.status(export.site_id, dests[0].id)
    assert sum(r["rows"] for r in status["recent_runs"]) == 500
    assert status["destination"].last_success_at is not None and status["destination"].last_error == ""


class DiesAfter:
    """A target that uploads `n` objects, then fails every call (a run killed mid-upload)."""

    def __init__(self, target, n: int) -> None:
        self.target, self.left = target, n

    def put(self, key, body, content_type):
        if self.left <= 0:
            raise ConnectionResetError("connection reset by peer")
        self.left -= 1
        self.target.put(key, body, content_type)

    def close(self):
        self.target.close()


@pytest.mark.parametrize("kind", ["s3", "local"])
def test_a_run_killed_mid_upload_and_run_again_leaves_no_duplicate_and_no_gap(
        export, analytics_store, s3, s3_url, bucket, kind):
    start = export.destinations.create(export.site_id, kind="local", path="probe").cursor_ms
    truth = seed(analytics_store, export.site_id, 500, start, 2 * HOUR)
    name = bucket()
    d = export.destinations.create(export.site_id, kind=kind, endpoint_url=s3_url, bucket=name, path="crash",
                                   access_key=ACCESS_KEY, secret_key=SECRET_KEY, format="parquet")
    real = export.runs._target_factory

    def dying(dest, access, secret):
        return DiesAfter(real(dest, access, secret), 3)  # hour 1: part-0 and part-1 land, then it dies

    export.runs._target_factory = dying
    export.watermark.ms = start + 2 * HOUR
    outcome = export.runs.run(d.id)
    assert outcome.intervals == 0 and "ConnectionResetError" in outcome.error
    status = export.runs.status(export.site_id, d.id)
    assert status["destination"].failures == 1 and status["retry_at"] is not None
    assert export.runs.run_due() == 0  # backing off
    export.runs._target_factory = real
    assert export.runs.run(d.id).intervals == 2  # a manual run ignores the back-off
    objects = s3_objects(s3, name) if kind == "s3" else local_objects(export.local_root / "crash")
    check_once(read_rows(objects), truth)
    assert not [k for k in objects if k.endswith(".tmp")]
    assert export.runs.status(export.site_id, d.id)["destination"].failures == 0


def test_late_events_appear_in_a_later_run(export, analytics_store, tmp_path):
    start = export.destinations.create(export.site_id, kind="local", path="probe").cursor_ms
    truth = seed(analytics_store, export.site_id, 100, start, HOUR)
    d = export.destinations.create(export.site_id, kind="local", path="late", format="jsonl")
    export.watermark.ms = start + HOUR
    assert export.runs.run(d.id).rows == 100
    # Events that happened in the first hour but reach the log an hour later (an offline client).
    late = seed(analytics_store, export.site_id, 30, start + HOUR + 10, HOUR // 2, ts_ms=start + 60_000)
    export.watermark.ms = start + 2 * HOUR
    outcome = export.runs.run(d.id)
    assert (outcome.intervals, outcome.rows) == (1, 30)
    check_once(read_rows(local_objects(export.local_root / "late")), truth | late)


def test_backfill_exports_past_intervals_once_and_resumes(export, analytics_store):
    now_start = export.destinations.create(export.site_id, kind="local", path="probe").cursor_ms
    past = now_start - 6 * HOUR
    truth = seed(analytics_store, export.site_id, 120, past, 6 * HOUR)
    d = export.destinations.create(export.site_id, kind="local", path="backfill", format="csv")
    seen = []
    first = export.runs.backfill(d.id, past, past + 3 * HOUR, progress=lambda i, n: seen.append((i, n)))
    assert first.intervals == 3 and seen[-1] == (3, 3)
    again = export.runs.backfill(d.id, past, now_start)  # resumes: the first three are not redone
    assert again.intervals == 3
    check_once(read_rows(local_objects(export.local_root / "backfill")), truth)


def test_targets_write_whole_objects(tmp_path, s3, s3_url, bucket):
    name = bucket()
    S3Target(endpoint_url=s3_url, region="", bucket=name, access_key=ACCESS_KEY, secret_key=SECRET_KEY).put(
        "a/b.txt", b"x", "text/plain")
    LocalTarget(str(tmp_path)).put("a/b.txt", b"x", "text/plain")
    assert s3_objects(s3, name) == {"a/b.txt": b"x"} == local_objects(tmp_path)


def test_retention_deletes_the_days_older_than_the_site_keeps(export, analytics_store):
    from core.ingest.erasure import CoreData
    from tracking.export.service.rights import DataRights

    now_ms = int(export.clock[0] * 1000)
    day = 86_400_000
    old = seed(analytics_store, export.site_id, 40, now_ms - 40 * day, 1000, ts_ms=now_ms - 40 * day)
    recent = seed(analytics_store, export.site_id, 25, now_ms - 2 * day, 1000, ts_ms=now_ms - 2 * day)
    rights = DataRights(uow=export.uow, clock=lambda: export.clock[0], core_data=CoreData(
        store=analytics_store, redis=None, tenancy=None, buffer=None, watermark=None))
    assert rights.apply_retention() == {}  # no retention set: nothing goes (the default is 0, forever)
    rights.set_retention(export.site_id, 30)
    assert rights.apply_retention() == {export.site_id: 40}
    left = None
    for _ in range(100):
        left = {r[0] for r in analytics_store.query("SELECT toString(event_id) FROM events WHERE site_id = %(s)s",
                                                    {"s": export.site_id})}
        if left == set(recent):
            break
        time.sleep(0.1)
    assert left == set(recent) and not left & set(old)
    assert [d.scope for d in rights.deletions(export.site_id)] == ["retention"]
    # A site without its own setting follows UT_EXPORT_RETENTION_DAYS when that is set.
    other = TenancyService(uow=export.uow).create_site(domain="default-retention.example").site_id
    seed(analytics_store, other, 5, now_ms - 40 * day, 1000, ts_ms=now_ms - 40 * day)
    by_default = DataRights(uow=export.uow, clock=lambda: export.clock[0], default_retention_days=30,
                            sites=TenancyService(uow=export.uow).list_sites, core_data=CoreData(
                                store=analytics_store, redis=None, tenancy=None, buffer=None, watermark=None))
    assert by_default.apply_retention() == {other: 5}


def test_an_endpoint_into_the_operators_network_is_refused_when_saved_and_before_each_run(
        export, analytics_store, s3, s3_url, bucket):
    """SSRF: with UT_EXPORT_ENDPOINT_HOSTS empty only public endpoints may be named; moto_server on
    127.0.0.1 stands for a service inside the operator's network."""
    refusing = Destinations(uow=export.uow, cipher=Cipher(SECRET, b"utrack export v1"), clock=lambda: export.clock[0])
    for url, why in ((s3_url, "non-public address (127.0.0.1)"), ("http://169.254.169.254/latest/", "169.254.169.254"),
                     ("http://localhost:6379", "non-public address")):
        with pytest.raises(InvalidDestination, match=re.escape(why)):
            refusing.create(export.site_id, kind="s3", endpoint_url=url, bucket="b", access_key=ACCESS_KEY,
                            secret_key=SECRET_KEY)
    # Saved while the operator allowed the host; before a run the host is checked again.
    name = bucket()
    d = export.destinations.create(export.site_id, kind="s3", endpoint_url=s3_url, bucket=name,
                                   access_key=ACCESS_KEY, secret_key=SECRET_KEY, format="jsonl", compression="none")
    truth = seed(analytics_store, export.site_id, 20, d.cursor_ms, HOUR // 2)
    export.watermark.ms = d.cursor_ms + HOUR
    runs = ExportRuns(uow=export.uow, destinations=refusing, rows=ExportRows(store=analytics_store),
                      watermark=export.watermark, local_root=export.local_root, settle_s=0,
                      clock=lambda: export.clock[0])
    refused = runs.run(d.id)
    assert refused.intervals == 0 and "UT_EXPORT_ENDPOINT_HOSTS" in refused.error
    assert s3_objects(s3, name) == {}  # not one request reached it
    assert "UT_EXPORT_ENDPOINT_HOSTS" in export.runs.status(export.site_id, d.id)["destination"].last_error
    assert export.runs.run(d.id).intervals == 1  # allowed again: exported, once
    check_once(read_rows(s3_objects(s3, name)), truth)
