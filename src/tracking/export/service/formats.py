"""The exported row (schema version 1) and its three encodings: Parquet, JSON Lines, CSV.

One Arrow table per part file, built from the events log's columns without a Python loop for
Parquet (props become a map from the log's two parallel arrays, zero-copy). JSON Lines and CSV go
row by row; both may be gzipped. CSV is RFC 4180: a header line, CRLF line ends, a field with a
comma, quote or line break quoted and its quotes doubled; props, click_ids are JSON text there.
"""

import csv
import gzip
import io
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

SCHEMA_VERSION = 1
# (name, Parquet/Arrow type): the order of every format's columns.
ROW_SCHEMA = pa.schema([
    ("event_id", pa.string()), ("site_id", pa.string()), ("type", pa.string()), ("name", pa.string()),
    ("ts", pa.timestamp("ms", tz="UTC")), ("ts_ms", pa.int64()), ("received_ms", pa.int64()),
    ("ingested_ms", pa.int64()), ("visitor_id", pa.uint64()), ("session_id", pa.uint64()),
    ("url", pa.string()), ("hostname", pa.string()), ("pathname", pa.string()), ("referrer", pa.string()),
    ("referrer_domain", pa.string()), ("props", pa.map_(pa.string(), pa.string())),
    ("browser", pa.string()), ("browser_version", pa.string()), ("os", pa.string()), ("os_version", pa.string()),
    ("device_type", pa.string()), ("is_bot", pa.uint8()), ("country", pa.string()), ("region", pa.string()),
    ("city", pa.string()), ("timezone", pa.string()), ("local_hour", pa.uint8()), ("local_weekday", pa.uint8()),
    ("source", pa.string()), ("channel", pa.string()), ("utm_source", pa.string()), ("utm_medium", pa.string()),
    ("utm_campaign", pa.string()), ("utm_term", pa.string()), ("utm_content", pa.string()),
    ("click_ids", pa.list_(pa.string())), ("consent_marketing", pa.uint8()), ("data", pa.string()),
])
FORMATS = {"parquet": ("parquet", ("zstd", "snappy", "none")), "jsonl": ("jsonl", ("gzip", "none")),
           "csv": ("csv", ("gzip", "none"))}


@dataclass(frozen=True, slots=True)
class Encoded:
    body: bytes
    rows: int


def extension(fmt: str, compression: str) -> str:
    ext = FORMATS[fmt][0]
    return ext + ".gz" if compression == "gzip" else ext


def to_rows(page: pa.Table) -> pa.Table:
    """The log's page (`x_` columns, see clickhouse.py) as a table of ROW_SCHEMA."""
    cols = {name[2:]: page.column(name).combine_chunks() for name in page.column_names}
    keys, values = cols.pop("prop_keys"), cols.pop("prop_values")
    cols["props"] = pa.MapArray.from_arrays(keys.offsets, keys.flatten(), values.flatten())
    cols["ts"] = pc.cast(cols["ts_ms"], pa.timestamp("ms", tz="UTC"))
    return pa.table([cols[f.name].cast(f.type) for f in ROW_SCHEMA], schema=ROW_SCHEMA)


def encode(table: pa.Table, fmt: str, compression: str) -> Encoded:
    if fmt == "parquet":
        sink = io.BytesIO()
        pq.write_table(table, sink, compression=None if compression == "none" else compression)
        return Encoded(sink.getvalue(), table.num_rows)
    body = _jsonl(table) if fmt == "jsonl" else _csv(table)
    if compression == "gzip":
        body = gzip.compress(body, compresslevel=6, mtime=0)  # mtime 0: the same rows, the same bytes
    return Encoded(body, table.num_rows)


def _records(table: pa.Table) -> list[dict]:
    rows = table.drop_columns(["ts"]).to_pylist()
    for row in rows:
        row["props"] = dict(row["props"] or ())
    return rows


def _iso(ms: int) -> str:
    seconds, millis = divmod(ms, 1000)
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S") + f".{millis:03d}Z"


def _jsonl(table: pa.Table) -> bytes:
    out = []
    for row in _records(table):
        ordered = {f.name: (_iso(row["ts_ms"]) if f.name == "ts" else row[f.name]) for f in ROW_SCHEMA}
        out.append(orjson.dumps(ordered))
    return b"\n".join(out) + (b"\n" if out else b"")


def _csv(table: pa.Table) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(ROW_SCHEMA.names)
    for row in _records(table):
        writer.writerow([_iso(row["ts_ms"]) if f.name == "ts" else _cell(row[f.name]) for f in ROW_SCHEMA])
    return buf.getvalue().encode()


def _cell(value) -> object:
    if isinstance(value, dict | list):
        return orjson.dumps(value).decode()
    return value
