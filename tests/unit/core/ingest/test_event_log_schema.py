"""The events log is derived from TrackedEvent's column declarations: one place to add a column."""

import re
from dataclasses import dataclass, fields

from core.bus.columns import column, columns_of
from core.bus.events import EVENT_COLUMNS, TrackedEvent
from core.ingest.event_log import COLUMNS, MIGRATIONS, _row, migrations_for
from core.ingest.visits import MIGRATIONS as VISIT_MIGRATIONS

# The columns of the table as it was written by hand before the spec existed (issue 10).
HAND_WRITTEN = {
    "site_id String", "event_id UUID", "type String", "name String", "ts_ms Int64", "received_ms Int64",
    "visitor_id UInt64", "session_id UInt64", "user_id String", "url String", "hostname String",
    "pathname String", "referrer String", "referrer_domain String", "prop_keys Array(String)",
    "prop_values Array(String)", "browser String", "browser_version String", "os String", "os_version String",
    "device_type String", "is_bot UInt8", "country String", "region String", "city String", "timezone String",
    "local_hour UInt8", "local_weekday UInt8", "source String", "channel String", "utm_source String",
    "utm_medium String", "utm_campaign String", "utm_term String", "utm_content String",
    "click_ids Array(String)", "consent_marketing UInt8", "data String",
    "ts DateTime('UTC') MATERIALIZED toDateTime(intDiv(ts_ms, 1000), 'UTC')", "day Date MATERIALIZED toDate(ts)",
}


def test_the_derived_ddl_has_exactly_the_hand_written_columns():
    (create,) = MIGRATIONS[0].statements
    body = create[create.index("(") + 1:create.rindex(") ENGINE")]
    assert {line.strip().rstrip(",") for line in body.strip().splitlines()} == HAND_WRITTEN
    # Later columns are migrations of their own: 4 adds the worker's write time (export).
    # Version 3 is the visits table derived from the log (core.ingest.visits), not a column.
    assert [m for m in MIGRATIONS if m.version == 3] == list(VISIT_MIGRATIONS)
    assert [(m.version, m.statements) for m in MIGRATIONS[1:] if m.version != 3] == [
        (4, ("ALTER TABLE events ADD COLUMN ingested_ms Int64",))]


def test_every_event_field_is_a_column_and_every_column_is_inserted():
    assert {c.name for c in EVENT_COLUMNS} == {f.name for f in fields(TrackedEvent)}
    assert set(COLUMNS) == {re.split(r"\s", c)[0] for c in HAND_WRITTEN} - {"ts", "day"} | {"ingested_ms"}


def test_a_sparse_record_gets_every_default():
    row = _row({"site_id": "s", "event_id": "e", "type": "pageview", "name": "pageview", "ts_ms": 1,
                "received_ms": 1, "visitor_id": 1, "props": {"plan": 3}})
    assert row.keys() == set(COLUMNS)
    assert (row["prop_keys"], row["prop_values"], row["click_ids"], row["is_bot"], row["city"]) == \
        (["plan"], ["3"], [], 0, "")


def test_a_column_added_later_becomes_an_alter_migration_of_its_own():
    @dataclass(frozen=True, slots=True)
    class WithDepth(TrackedEvent):
        path_depth: int = column("UInt8", writer="enricher", default=0, since=2)

    migrations = migrations_for([c for c in columns_of(WithDepth) if c.since <= 2])  # not the real log's later ones
    assert [m.version for m in migrations] == [1, 2]
    assert "path_depth" not in migrations[0].statements[0]
    assert migrations[1].statements == ("ALTER TABLE events ADD COLUMN path_depth UInt8",)
