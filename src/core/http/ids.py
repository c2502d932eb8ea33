"""Path ids bounded by what their store can hold (core.db.bounds), so an id no row can have is a
422 at the door, not a 500 from the driver. Found by schemathesis: `/goals/18446744073709551616`
raised OverflowError."""

from typing import Annotated

from fastapi import Path

from core.db.bounds import MAX_ROW_ID, MAX_UINT64

RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="The row's id.")]
EventsId = Annotated[int, Path(ge=0, le=MAX_UINT64, description="The id as the events log holds it.")]
