"""Date ranges resolved in local days, and requests refused with the bad part named."""

from datetime import date

import pytest

from core.query.dates import InvalidDateRange, local_days, previous_period
from core.query.plan import QueryError, build
from core.query.schemas import QueryRequest

TODAY = date(2026, 3, 29)


@pytest.mark.parametrize(("value", "expected"), [
    ("day", (TODAY, TODAY)), ("7d", (date(2026, 3, 23), TODAY)), ("28d", (date(2026, 3, 2), TODAY)),
    ("30d", (date(2026, 2, 28), TODAY)), ("month", (date(2026, 3, 1), date(2026, 3, 31))),
    ("6mo", (date(2025, 10, 1), date(2026, 3, 31))), ("12mo", (date(2025, 4, 1), date(2026, 3, 31))),
    ("year", (date(2026, 1, 1), date(2026, 12, 31))), ("all", (date(2025, 12, 24), TODAY)),
    (["2026-02-01", "2026-02-03"], (date(2026, 2, 1), date(2026, 2, 3))),
])
def test_date_ranges(value, expected):
    assert local_days(value, today=TODAY, first_day=date(2025, 12, 24)) == expected


def test_all_without_events_is_today_and_previous_period_is_as_long():
    assert local_days("all", today=TODAY, first_day=None) == (TODAY, TODAY)
    assert previous_period(date(2026, 3, 1), date(2026, 3, 31)) == (date(2026, 1, 29), date(2026, 2, 28))
    for bad in ("week", ["2026-01-01"], ["2026-01-01", "soon"], ["1969-12-31", "2026-01-01"]):
        with pytest.raises(InvalidDateRange):
            local_days(bad, today=TODAY, first_day=None)


@pytest.mark.parametrize(("body", "named"), [
    ({"metrics": []}, "name at least one"),
    ({"metrics": ["revenue"]}, "unknown 'revenue'; one of visitors"),
    ({"metrics": ["visits"], "dimensions": ["visit:nope"]}, "one of event:page"),
    ({"metrics": ["bounce_rate"], "dimensions": ["visit:channel", "event:page"]}, "'bounce_rate' is per visit"),
    ({"metrics": ["visit_duration"], "dimensions": ["event:page"]}, "'visit_duration' is per visit"),
    ({"metrics": ["percentage"]}, "needs a dimension"),
    ({"metrics": ["visits"], "filters": [["is", "time:day", ["x"]]]}, "filtered by date_range"),
    ({"metrics": ["visits"], "filters": [["is", "visit:channel", []]]}, "one or more values"),
    ({"metrics": ["visits"], "filters": [["or", []]]}, "non-empty list"),
    ({"metrics": ["visits"], "filters": [["like", "event:page", ["/"]]]}, "unknown operator 'like'"),
    ({"metrics": ["visits"], "order_by": [["pageviews", "desc"]]}, "not a metric or dimension"),
    ({"metrics": ["visits"], "pagination": {"limit": 0}}, "pagination.limit"),
    ({"metrics": ["visits"], "include": {"comparison": "year_over_year"}}, "previous_period"),
])
def test_bad_requests_name_the_bad_part(body, named):
    with pytest.raises(QueryError, match=None) as exc:
        build(QueryRequest(site_id="s", date_range="day", **body))
    assert named in str(exc.value)


def test_scope_and_default_order():
    plan = build(QueryRequest(site_id="s", date_range="day", metrics=["visits"], dimensions=["time:day"],
                              filters=[["is_not", "event:page", ["/"]]]))
    assert plan.scope == "visit" and plan.order_by == (("time:day", False),)
    assert plan.filter.negated and plan.filter.op == "is"
    assert build(QueryRequest(site_id="s", date_range="day", metrics=["events"],
                              dimensions=["event:props:plan"])).dimensions[0].prop_key == "plan"
