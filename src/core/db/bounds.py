"""The largest values the stores hold, for the bounds of API fields that end up in them (a larger
one is refused as a 422 instead of failing in the driver as a 500): SQLite and PostgreSQL ids are
signed 64-bit, an `Integer` column on PostgreSQL 32-bit, ClickHouse's visitor and session ids UInt64."""

MAX_ROW_ID = 2**63 - 1
MAX_INT32 = 2**31 - 1
MAX_UINT64 = 2**64 - 1
