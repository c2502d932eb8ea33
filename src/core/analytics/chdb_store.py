"""Embedded analytics store: the full ClickHouse engine in process (chDB), data in a local folder.

Only one process may open a chDB data directory, so the embedded mode runs the API and the worker
in one process. A lock serialises calls into the engine from the API threads and the worker.
"""

import threading
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

import orjson

from core.analytics.port import AnalyticsTimeout
from core.analytics.sql_params import render

_TIMEOUT_EXCEEDED = "(TIMEOUT_EXCEEDED)"  # ClickHouse error 159, as chDB words it


class ChdbStore:
    kind = "chdb"

    def __init__(self, path: Path) -> None:
        self._path = Path(path)
        self._session = None
        self._lock = threading.RLock()

    def _open(self):
        if self._session is None:
            from chdb import session  # heavy import, done on first use only

            self._path.mkdir(parents=True, exist_ok=True)
            self._session = session.Session(str(self._path))
        return self._session

    def execute(self, sql: str, params: Mapping | None = None) -> None:
        with self._lock:
            self._open().query(render(sql, params))

    def query(self, sql: str, params: Mapping | None = None, *, timeout_s: float | None = None) -> list[tuple]:
        text = render(sql, params)
        if timeout_s:
            text += f"\nSETTINGS max_execution_time = {timeout_s:g}"
        with self._lock:
            try:
                table = self._open().query(text, "ArrowTable")
            except RuntimeError as exc:  # chDB's ChdbError is a RuntimeError
                if _TIMEOUT_EXCEEDED not in str(exc):
                    raise
                self._discard_interrupted_output()
                raise AnalyticsTimeout(f"the query ran longer than {timeout_s:g} s") from exc
        columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
        return list(zip(*columns, strict=True)) if columns else []

    def _discard_interrupted_output(self) -> None:
        """chDB (4.x) hands what an interrupted query had written to the *next* query of the session,
        as a garbled answer (seen: 'Invalid flatbuffers message', a UTF-8 error): here, under the lock,
        a probe takes it, so the worker's or another reader's next query gets its own answer."""
        for _ in range(3):
            try:
                if self._open().query("SELECT 'chdb-clean'", "CSV").bytes() == b'"chdb-clean"\n':
                    return
            except (RuntimeError, UnicodeDecodeError, OSError):
                continue

    def query_arrow(self, sql: str, params: Mapping | None = None):
        with self._lock:
            return self._open().query(render(sql, params), "ArrowTable")

    def stream_arrow(self, sql: str, params: Mapping | None = None, batch_rows: int = 100_000):
        with self._lock:  # a second query would end the stream: hold the engine until it is read
            stream = self._open().send_query(render(sql, params), "Arrow")
            try:
                yield from stream.record_batch(rows_per_batch=batch_rows)
            finally:
                stream.close()

    def insert(self, table: str, columns: Sequence[str], rows: Sequence[Mapping]) -> None:
        if not rows:
            return
        body = b"\n".join(orjson.dumps({c: r[c] for c in columns}, default=_json_value,
                                        option=orjson.OPT_PASSTHROUGH_DATETIME) for r in rows)
        sql = f"INSERT INTO {table} ({', '.join(columns)}) FORMAT JSONEachRow\n"
        with self._lock:
            self._open().query(sql + body.decode())

    def ping(self) -> None:
        self.query("SELECT 1")

    def close(self) -> None:
        with self._lock:
            if self._session is not None:
                self._session.close()
                self._session = None


def _json_value(value: object) -> str:
    """DateTime columns want 'YYYY-MM-DD hh:mm:ss' (UTC); dates ISO; decimals as exact text."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
