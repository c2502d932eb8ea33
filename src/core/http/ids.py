"""Path ids bounded by what their store can hold, so an id no row can have is a 422 at the door,
not a 500 from the driver (SQLite and PostgreSQL ids are signed 64-bit; ClickHouse's visitor and
session ids are UInt64). Found by schemathesis: `/goals/18446744073709551616` raised OverflowError."""

from typing import Annotated

from fastapi import Path

MAX_ROW_ID = 2**63 - 1
MAX_UINT64 = 2**64 - 1

RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="The row's id.")]
EventsId = Annotated[int, Path(ge=0, le=MAX_UINT64, description="The id as the events log holds it.")]
