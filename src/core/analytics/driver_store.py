"""ClickHouse server adapter over the native protocol (clickhouse-driver), columnar inserts.

Rows are always sent as data, never inlined in INSERT text (old servers hang on that). Network
failures surface as `AnalyticsUnavailable` so the worker retries instead of dead-lettering.
"""

import logging
import threading
from collections.abc import Mapping, Sequence
from urllib.parse import unquote, urlsplit

from clickhouse_driver import Client
from clickhouse_driver.errors import ErrorCodes, NetworkError, ServerException, SocketTimeoutError

from core.analytics.port import AnalyticsTimeout, AnalyticsUnavailable
from core.analytics.sql_params import render

_NETWORK_ERRORS = (NetworkError, SocketTimeoutError, ConnectionError, EOFError, OSError)


class DriverStore:
    kind = "clickhouse"

    def __init__(self, url: str) -> None:
        # The driver logs every failed connect as a warning with a full traceback (one per retry
        # during an outage); callers raise AnalyticsUnavailable and log outages once themselves.
        logging.getLogger("clickhouse_driver.connection").setLevel(logging.ERROR)
        parts = urlsplit(url)
        self._kwargs = {
            "host": parts.hostname or "127.0.0.1",
            "port": parts.port or 9000,
            "database": parts.path.lstrip("/") or "default",
            "user": unquote(parts.username or "default"),
            "password": unquote(parts.password or ""),
            "connect_timeout": 5,
            "send_receive_timeout": 60,
        }
        self._local = threading.local()  # a Client is not thread-safe: one per thread

    def _client(self) -> Client:
        client = getattr(self._local, "client", None)
        if client is None:
            client = self._local.client = Client(**self._kwargs)
        return client

    def _run(self, *args, **kwargs):
        try:
            return self._client().execute(*args, **kwargs)
        except _NETWORK_ERRORS as exc:
            self._client().disconnect()
            raise AnalyticsUnavailable(str(exc)) from exc

    def execute(self, sql: str, params: Mapping | None = None) -> None:
        self._run(render(sql, params))

    def query(self, sql: str, params: Mapping | None = None, *, timeout_s: float | None = None) -> list[tuple]:
        if not timeout_s:
            return [tuple(row) for row in self._run(render(sql, params))]
        try:  # the server stops the query itself; seconds, as 18.16 takes them
            rows = self._run(render(sql, params), settings={"max_execution_time": max(1, round(timeout_s))})
        except ServerException as exc:
            if exc.code == ErrorCodes.TIMEOUT_EXCEEDED:
                raise AnalyticsTimeout(f"the query ran longer than {timeout_s:g} s") from exc
            raise
        return [tuple(row) for row in rows]

    def query_arrow(self, sql: str, params: Mapping | None = None):
        import pyarrow as pa

        data, types = self._run(render(sql, params), columnar=True, with_column_types=True)
        columns = data or [[] for _ in types]
        arrow = _arrow_types(pa)
        return pa.table({name: pa.array(col, type=arrow.get(t)) for (name, t), col in zip(types, columns, strict=True)})

    def stream_arrow(self, sql: str, params: Mapping | None = None, batch_rows: int = 100_000):
        import pyarrow as pa

        try:
            rows = self._client().execute_iter(render(sql, params), with_column_types=True,
                                               settings={"max_block_size": batch_rows})
            types = next(rows)
            arrow = _arrow_types(pa)
            schema = pa.schema([(name, arrow.get(t, pa.string())) for name, t in types])
            chunk: list[tuple] = []
            for row in rows:
                chunk.append(row)
                if len(chunk) == batch_rows:
                    yield _batch(pa, schema, chunk)
                    chunk = []
            if chunk:
                yield _batch(pa, schema, chunk)
        except _NETWORK_ERRORS as exc:
            self._client().disconnect()
            raise AnalyticsUnavailable(str(exc)) from exc

    def insert(self, table: str, columns: Sequence[str], rows: Sequence[Mapping]) -> None:
        if not rows:
            return
        data = [[r[c] for r in rows] for c in columns]
        self._run(f"INSERT INTO {table} ({', '.join(columns)}) VALUES", data, columnar=True)

    def ping(self) -> None:
        self.query("SELECT 1")

    def close(self) -> None:
        client = getattr(self._local, "client", None)
        if client is not None:
            client.disconnect()


def _arrow_types(pa) -> dict:
    ints = {f"{u}Int{n}": getattr(pa, f"{u.lower()}int{n}")() for u in ("", "U") for n in (8, 16, 32, 64)}
    return {"String": pa.string(), "Float64": pa.float64(), "Array(String)": pa.list_(pa.string()), **ints}


def _batch(pa, schema, rows: list[tuple]):
    columns = list(zip(*rows, strict=True))
    return pa.record_batch([pa.array(col, type=f.type) for col, f in zip(columns, schema, strict=True)],
                           schema=schema)
