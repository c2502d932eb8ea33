"""Local report days to UTC bounds, within what ClickHouse's DateTime can hold."""

from datetime import UTC, date, datetime

import pytest

from core.analytics.time_range import InvalidRange, local_days_to_utc


def test_a_berlin_day_across_the_dst_change_is_23_hours():
    r = local_days_to_utc(date(2024, 3, 31), date(2024, 3, 31), "Europe/Berlin")
    assert (r.start, r.end) == (datetime(2024, 3, 30, 23, tzinfo=UTC), datetime(2024, 3, 31, 22, tzinfo=UTC))


def test_the_first_day_east_of_utc_starts_at_the_epoch_not_before_it():
    r = local_days_to_utc(date(1970, 1, 1), date(1970, 1, 1), "Asia/Tokyo")
    assert (r.start, r.end) == (datetime(1970, 1, 1, tzinfo=UTC), datetime(1970, 1, 1, 15, tzinfo=UTC))


@pytest.mark.parametrize(("a", "b"), [(date(219, 1, 1), date(219, 1, 2)), (date(2026, 1, 1), date(9999, 12, 31)),
                                      (date(1969, 12, 31), date(1970, 1, 1))])
def test_dates_outside_1970_to_2100_are_refused(a, b):
    with pytest.raises(InvalidRange, match="between 1970-01-01 and 2100-12-31"):
        local_days_to_utc(a, b, "UTC")
