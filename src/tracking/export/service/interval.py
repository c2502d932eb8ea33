"""One interval of one destination, exported: part files, then `_manifest.json`, then `_SUCCESS`.

Pages of `part_rows` rows are read by keyset (write time, event id) and each becomes
`part-<n>`: the same rows always give the same files under the same keys, so a run that failed
or died half-way is simply run again and overwrites what it had written, with no duplicate and no
gap. A consumer reads an interval once `_SUCCESS` is there, and reads the files its manifest lists.
"""

import hashlib
from dataclasses import dataclass, field

import orjson

from tracking.export.clickhouse import ExportRows
from tracking.export.service.formats import SCHEMA_VERSION, encode, extension, to_rows
from tracking.export.service.layout import interval_dir
from tracking.export.service.targets import Target

_TYPES = {"parquet": "application/vnd.apache.parquet", "jsonl": "application/x-ndjson", "csv": "text/csv"}


@dataclass(frozen=True, slots=True)
class Spec:
    site_id: str
    prefix: str
    format: str
    compression: str
    interval_s: int


@dataclass
class Exported:
    rows: int = 0
    bytes: int = 0
    files: list[dict] = field(default_factory=list)


def export_interval(rows: ExportRows, target: Target, spec: Spec, start_ms: int, part_rows: int) -> Exported:
    end_ms = start_ms + spec.interval_s * 1000
    base = interval_dir(spec.prefix, spec.site_id, start_ms, spec.interval_s)
    ext = extension(spec.format, spec.compression)
    done, after = Exported(), (start_ms - 1, "")
    while True:
        page = rows.page(spec.site_id, start_ms, end_ms, after, part_rows)
        if page.num_rows == 0:
            break
        encoded = encode(to_rows(page), spec.format, spec.compression)
        key = f"{base}/part-{len(done.files)}.{ext}"
        target.put(key, encoded.body, _TYPES[spec.format])
        done.files.append({"key": key, "rows": encoded.rows, "bytes": len(encoded.body),
                           "sha256": hashlib.sha256(encoded.body).hexdigest()})
        done.rows += encoded.rows
        done.bytes += len(encoded.body)
        after = (page.column("x_ingested_ms")[-1].as_py(), page.column("x_event_id")[-1].as_py())
        if page.num_rows < part_rows:
            break
    manifest = orjson.dumps({
        "schema_version": SCHEMA_VERSION, "site_id": spec.site_id, "format": spec.format,
        "compression": spec.compression, "interval_start_ms": start_ms, "interval_end_ms": end_ms,
        "rows": done.rows, "bytes": done.bytes, "files": done.files}, option=orjson.OPT_INDENT_2)
    target.put(f"{base}/_manifest.json", manifest, "application/json")
    target.put(f"{base}/_SUCCESS", b"", "application/octet-stream")
    return done
