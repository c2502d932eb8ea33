"""Ids and counts bounded by what their store can hold, so a value no row can have is a 422 at the
door, not a 500 from the driver: SQLite and PostgreSQL ids are signed 64-bit, ClickHouse's visitor
and session ids UInt64, an `Integer` column on PostgreSQL 32-bit. Found by schemathesis:
`/goals/18446744073709551616` raised OverflowError."""

from typing import Annotated

from fastapi import Path

MAX_ROW_ID = 2**63 - 1
MAX_INT32 = 2**31 - 1  # an `Integer` column on PostgreSQL
MAX_UINT64 = 2**64 - 1

RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="The row's id.")]
EventsId = Annotated[int, Path(ge=0, le=MAX_UINT64, description="The id as the events log holds it.")]
