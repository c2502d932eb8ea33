"""The events log schema, declared once: each `TrackedEvent` field says how it is stored.

A field made with `column(...)` carries its ClickHouse type, default, who writes it (core's edge,
a module's enricher, or a worker batch processor), whether it is a breakdown dimension of the
events log, and whether it is precise geo that an anonymous event must not keep. The events
table DDL and its migrations, the insert columns and defaults, the edge's anonymisation and the
breakdown whitelist are all derived from these declarations (`EVENT_COLUMNS`), so adding a column
is one new field on `TrackedEvent` (see the README's "How to add an enricher that writes a column").
"""

from dataclasses import MISSING, Field, dataclass, field, fields
from typing import Any, Literal

Writer = Literal["edge", "enricher", "worker"]
_KEY = "column"
# Props travel as one mapping and are stored as two parallel arrays (the schema avoids Map types,
# which ClickHouse 18.16 lacks).
KEY_VALUE = "KeyValue"


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    ch_type: str
    default: Any
    writer: Writer
    dimension: bool = False  # groupable in the events-log breakdowns
    precise_geo: bool = False  # finer than the country: blanked on anonymous events
    since: int = 1  # events-log migration version that added it (later ones are ALTER TABLE ADD COLUMN)

    def storage(self) -> tuple[tuple[str, str], ...]:
        """(column name, ClickHouse type) pairs this field is stored in."""
        if self.ch_type == KEY_VALUE:
            return (("prop_keys", "Array(String)"), ("prop_values", "Array(String)"))
        return ((self.name, self.ch_type),)


def column(ch_type: str, *, writer: Writer, default: Any = MISSING, dimension: bool = False,
           precise_geo: bool = False, since: int = 1) -> Any:
    """A dataclass field that is also a column of the events log (use on `TrackedEvent` only)."""
    spec = {"ch_type": ch_type, "writer": writer, "dimension": dimension, "precise_geo": precise_geo,
            "since": since}
    if default is MISSING:
        return field(metadata={_KEY: spec})
    return field(default=default, metadata={_KEY: spec})


def columns_of(cls: type) -> tuple[Column, ...]:
    return tuple(_column(f) for f in fields(cls) if _KEY in f.metadata)


def _column(f: Field) -> Column:
    default = f.default if f.default is not MISSING else _ZERO.get(f.metadata[_KEY]["ch_type"], "")
    return Column(name=f.name, default=default, **f.metadata[_KEY])


# What a required field (one without a Python default) holds when a record lacks it.
_ZERO = {"Int64": 0, "UInt64": 0, "UInt8": 0}
