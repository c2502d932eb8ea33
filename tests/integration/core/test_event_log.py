"""The events log on both engines, and on a server whose own time zone is behind UTC."""

import uuid
from datetime import UTC, date, datetime

from core.ingest.event_log import EventLog


def _ms(*args) -> int:
    return int(datetime(*args, tzinfo=UTC).timestamp() * 1000)


def _record(site_id: str, ts_ms: int, **extra) -> dict:
    return {"site_id": site_id, "event_id": str(uuid.uuid4()), "type": "pageview", "name": "pageview",
            "ts_ms": ts_ms, "received_ms": ts_ms + 5, "visitor_id": 2**64 - 3, "url": "https://a.example/p?q='1'",
            "hostname": "a.example", "pathname": "/p", "referrer": "", "referrer_domain": "",
            "props": {"plan": "pro", "qty": 2}, **extra}


def test_write_stores_every_column_and_derives_utc_time_and_day(analytics_store_any_tz, unique):
    log, site = EventLog(store=analytics_store_any_tz), f"site_{unique}"
    late = _record(site, _ms(2024, 3, 9, 23, 30, 15, 250_000), user_id="u-1", props={"note": "é'\n", "n": 1})
    log.write([late])

    rows = analytics_store_any_tz.query(
        """SELECT toString(event_id), ts_ms, toUnixTimestamp(ts), day, visitor_id, user_id, session_id, is_bot,
                  prop_keys, prop_values, url FROM events WHERE site_id = %(site)s""", {"site": site})
    assert rows == [(late["event_id"], late["ts_ms"], late["ts_ms"] // 1000, date(2024, 3, 9), 2**64 - 3, "u-1",
                     0, 0, ["note", "n"], ["é'\n", "1"], "https://a.example/p?q='1'")]


def test_existing_ids_returns_exactly_the_ids_in_the_log(analytics_store_any_tz, unique):
    log, site = EventLog(store=analytics_store_any_tz), f"site_{unique}"
    written = [_record(site, _ms(2024, 3, 9, 23, 59, 59, 999_000)),  # last ms of a UTC day
               _record(site, _ms(2024, 3, 10)),  # first ms of the next one
               _record(site, _ms(2024, 3, 12, 12))]
    log.write(written)
    unwritten = [_record(site, _ms(2024, 3, 10, 8)), _record(f"other_{unique}", _ms(2024, 3, 10, 8))]

    assert log.existing_ids(written + unwritten) == {r["event_id"] for r in written}
    for one in written:  # a single-day batch is the common redelivery
        assert log.existing_ids([one]) == {one["event_id"]}
    assert log.existing_ids(unwritten) == set()
    assert log.existing_ids([]) == set()


def test_existing_ids_ignores_the_same_id_of_another_site(analytics_store_any_tz, unique):
    log = EventLog(store=analytics_store_any_tz)
    mine = _record(f"site_{unique}", _ms(2024, 6, 1, 12))
    log.write([mine])
    theirs = {**mine, "site_id": f"other_{unique}", "event_id": str(uuid.uuid4())}
    assert log.existing_ids([theirs]) == set()


def test_a_column_declared_later_is_added_to_an_existing_log_and_written(analytics_store, unique):
    """The README's worked example: one new TrackedEvent field reaches the real table on both engines."""
    from dataclasses import dataclass

    from core.analytics.migrations import migrate
    from core.bus.columns import column, columns_of
    from core.bus.events import TrackedEvent
    from core.ingest.event_log import migrations_for

    @dataclass(frozen=True, slots=True)
    class WithDepth(TrackedEvent):
        path_depth: int = column("UInt8", writer="enricher", default=0, since=2)

    owner = f"test_{unique}"  # its own ledger entry: version 1 is a no-op on the existing table
    example = [c for c in columns_of(WithDepth) if c.since <= 2]  # the real log's later columns exist already
    assert migrate(analytics_store, owner, migrations_for(example)) == [1, 2]
    assert migrate(analytics_store, owner, migrations_for(example)) == []
    site = f"site_{unique}"
    record = {**_record(site, _ms(2024, 3, 9, 12)), "path_depth": 3}
    analytics_store.insert("events", ("site_id", "event_id", "ts_ms", "path_depth"), [record])
    assert analytics_store.query("SELECT path_depth FROM events WHERE site_id = %(s)s", {"s": site}) == [(3,)]
