"""Times read back naive from SQLite still leave the API with their UTC offset (RFC 3339 date-time)."""

from datetime import UTC, datetime, timedelta, timezone

from pydantic import BaseModel

from core.http.datetimes import UtcDatetime


class _Out(BaseModel):
    at: UtcDatetime


def test_a_naive_time_is_taken_as_utc_and_sent_with_its_offset():
    assert _Out(at=datetime(2026, 5, 1, 12, 30)).model_dump_json() == '{"at":"2026-05-01T12:30:00Z"}'


def test_an_aware_time_keeps_its_own_offset():
    tokyo = datetime(2026, 5, 1, 21, 30, tzinfo=timezone(timedelta(hours=9)))
    out = _Out(at=tokyo)
    assert out.model_dump_json() == '{"at":"2026-05-01T21:30:00+09:00"}'
    assert out.at.astimezone(UTC) == datetime(2026, 5, 1, 12, 30, tzinfo=UTC)
