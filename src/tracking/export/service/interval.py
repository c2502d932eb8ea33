"""One interval of one destination, exported: part files, then `_manifest.json`, then `_SUCCESS`.

The interval is read once, sorted by (write time, event id), and cut every `part_rows` rows into
`part-<n>`: the same rows always give the same files under the same keys, so a run that failed or
died half-way is simply run again and overwrites what it had written, with no duplicate and no
gap. Parts are encoded while the read goes on and spooled to a temporary file, then uploaded once
the read is over: on the embedded engine the read holds the engine (chDB serves one query at a
time), and an upload to a slow bucket must not hold it too. A consumer reads an interval once
`_SUCCESS` is there, and reads the files its manifest lists.
"""

import hashlib
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import orjson
import pyarrow as pa

from tracking.export.clickhouse import ExportRows
from tracking.export.service.formats import SCHEMA_VERSION, encode, extension, to_rows
from tracking.export.service.layout import interval_dir
from tracking.export.service.targets import Target

_BATCH_ROWS = 100_000  # read in batches of this many rows, cut into parts of `part_rows`
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
    done = Exported()

    spooled: list[tuple[str, Path]] = []

    def flush(batches: list) -> None:  # one at a time, in order (a single encoder thread)
        encoded = encode(to_rows(pa.Table.from_batches(batches)), spec.format, spec.compression)
        key = f"{base}/part-{len(done.files)}.{ext}"
        path = Path(spool) / f"part-{len(done.files)}"
        path.write_bytes(encoded.body)
        spooled.append((key, path))
        done.files.append({"key": key, "rows": encoded.rows, "bytes": len(encoded.body),
                           "sha256": hashlib.sha256(encoded.body).hexdigest()})
        done.rows += encoded.rows
        done.bytes += len(encoded.body)

    with tempfile.TemporaryDirectory(prefix="ut-export-") as spool:
        pending, held = [], 0
        encoder, flushes = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ut-export-encode"), []
        stream = rows.interval(spec.site_id, start_ms, end_ms, batch_rows=min(part_rows, _BATCH_ROWS))
        try:
            for batch in stream:
                while batch.num_rows:  # cut exactly at part_rows, so parts depend on the rows alone
                    take = min(batch.num_rows, part_rows - held)
                    pending.append(batch.slice(0, take))
                    held += take
                    batch = batch.slice(take)
                    if held == part_rows:  # encoded in a thread while the read goes on
                        if flushes:
                            flushes[-1].result()  # at most one part waiting: memory stays bounded
                        flushes.append(encoder.submit(flush, pending))
                        pending, held = [], 0
            if held:
                flushes.append(encoder.submit(flush, pending))
            for f in flushes:
                f.result()
        finally:
            stream.close()
            encoder.shutdown(wait=True)
        for key, path in spooled:
            target.put(key, path.read_bytes(), _TYPES[spec.format])
    manifest = orjson.dumps({
        "schema_version": SCHEMA_VERSION, "site_id": spec.site_id, "format": spec.format,
        "compression": spec.compression, "interval_start_ms": start_ms, "interval_end_ms": end_ms,
        "rows": done.rows, "bytes": done.bytes, "files": done.files}, option=orjson.OPT_INDENT_2)
    target.put(f"{base}/_manifest.json", manifest, "application/json")
    target.put(f"{base}/_SUCCESS", b"", "application/octet-stream")
    return done
