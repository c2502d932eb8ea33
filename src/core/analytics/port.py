"""The analytics store port: what core and modules need from ClickHouse, whichever engine runs it.

Queries are written once with `%(name)s` placeholders; `render()` escapes the values so the same
SQL text runs on the embedded chDB engine and on a ClickHouse server. Rows go in as dicts and
come back as tuples of Python values.
"""

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import pyarrow


class AnalyticsUnavailable(RuntimeError):
    """The store cannot be reached; the data is fine and the call should be retried."""


class AnalyticsTimeout(RuntimeError):
    """A read ran past the time it was given and the engine stopped it (ClickHouse's
    `max_execution_time`): the query's work ends there, it does not go on in the background."""


class AnalyticsStore(Protocol):
    kind: str

    def execute(self, sql: str, params: Mapping | None = None) -> None: ...

    def query(self, sql: str, params: Mapping | None = None, *, timeout_s: float | None = None) -> list[tuple]:
        """The answer's rows. With `timeout_s`, the engine stops the query at that age and
        `AnalyticsTimeout` is raised (the stats API's reads: UT_STATS_TIMEOUT_S)."""
        ...

    def insert(self, table: str, columns: Sequence[str], rows: Sequence[Mapping]) -> None: ...

    def stream_arrow(self, sql: str, params: Mapping | None = None,
                     batch_rows: int = 100_000) -> Iterator["pyarrow.RecordBatch"]:
        """The answer as Arrow record batches in the query's order (bulk reads: the export), the
        same column types as `query_arrow`. The embedded engine serves nothing else until the
        iterator is exhausted or closed (one query at a time in its process)."""
        ...

    def query_arrow(self, sql: str, params: Mapping | None = None) -> "pyarrow.Table":
        """The answer as an Arrow table (bulk reads: the export). Column types supported on every
        engine: String, (U)Int8-64, Float64, Array(String)."""
        ...

    def ping(self) -> None: ...

    def close(self) -> None: ...
