"""Client-side parameter rendering for ClickHouse SQL, shared by both adapters.

Values are always escaped literals, never pasted strings, so a query constant plus a params dict
is safe whichever engine runs it.
"""

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}


def literal(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float | Decimal):
        return repr(value) if not isinstance(value, Decimal) else str(value)
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return f"toDateTime('{value:%Y-%m-%d %H:%M:%S}', 'UTC')"
    if isinstance(value, date):
        return f"toDate('{value:%Y-%m-%d}')"
    if isinstance(value, UUID):
        value = str(value)
    if isinstance(value, str):
        return "'" + "".join(_ESCAPES.get(c, c) for c in value) + "'"
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return "(" + ", ".join(literal(v) for v in items) + ")" if items else "(NULL)"
    raise TypeError(f"cannot render {type(value).__name__} as a ClickHouse literal")


def render(sql: str, params: Mapping | None) -> str:
    if not params:
        return sql

    def sub(match: re.Match) -> str:
        name = match.group(1)
        if name not in params:
            raise KeyError(f"missing SQL parameter {name!r}")
        return literal(params[name])

    return _PLACEHOLDER.sub(sub, sql)
