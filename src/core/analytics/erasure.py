"""Deleting rows for the data rights, the same on every engine: `ALTER TABLE … DELETE WHERE`.

A `Subject` is what one deletion is about, resolved from the events log by the caller (the export
module): the events, and the visitor and session ids they carry. Each owner deletes from its own
tables with `delete_rows`, naming which of those id columns each table has. Mutations are accepted
at once and applied in the background (chDB and ClickHouse servers since 18.16 alike); the count
returned is of the rows found when the mutation was issued.
"""

from collections.abc import Sequence
from datetime import date

from core.analytics.port import AnalyticsStore
from core.erasure import Subject

_CHUNK = 5_000  # ids per statement, so a user with many events never makes one giant query


def delete_site_rows(store: AnalyticsStore, table: str, site_id: str) -> int:
    return _delete(store, table, "site_id = %(site)s", {"site": site_id})


def delete_where(store: AnalyticsStore, table: str, where: str, params: dict) -> int:
    """A mutation with the owner's own condition (a SQL constant with %(name)s parameters)."""
    return _delete(store, table, where, params)


def delete_rows(store: AnalyticsStore, table: str, subject: Subject, columns: Sequence[str]) -> int:
    """Rows of `subject.site_id` whose `event_id`, `visitor_id` or `session_id` (those of `columns`
    the table has) is one of the subject's."""
    wanted = {"event_id": subject.event_ids, "visitor_id": subject.visitor_ids, "session_id": subject.session_ids}
    removed = 0
    for column in columns:
        ids = sorted(wanted[column])
        for i in range(0, len(ids), _CHUNK):
            removed += _delete(store, table, f"site_id = %(site)s AND {column} IN %(ids)s",
                               {"site": subject.site_id, "ids": ids[i:i + _CHUNK]})
    return removed


def _delete(store: AnalyticsStore, table: str, where: str, params: dict) -> int:
    found = int(store.query(f"SELECT count() FROM {table} WHERE {where}", params)[0][0])
    if found:
        store.execute(f"ALTER TABLE {table} DELETE WHERE {where}", params)
    return found


class TablesEraser:
    """A module's ClickHouse tables, erased for the data rights (core.modules.Eraser): `tables`
    maps each table to the subject id columns it has (`event_id`, `visitor_id`, `session_id`)."""

    def __init__(self, *, store: AnalyticsStore, tables: dict[str, tuple[str, ...]]) -> None:
        self._store, self._tables = store, tables

    def erase_site(self, site_id: str) -> int:
        return sum(delete_site_rows(self._store, table, site_id) for table in self._tables)

    def erase_subject(self, subject: Subject) -> int:
        return sum(delete_rows(self._store, table, subject, columns) for table, columns in self._tables.items())

    def erase_before(self, site_id: str, day: date) -> int:
        """Every module table has the events log's UTC `day` column: retention cuts them alike."""
        params = {"site": site_id, "day": day}
        return sum(delete_where(self._store, table, "site_id = %(site)s AND day < %(day)s", params)
                   for table in self._tables)
