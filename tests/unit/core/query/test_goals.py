"""Goal patterns as Plausible reads them, and the goal parts of a query refused with the reason named."""

import re

import pytest

from core.query.goals import page_regex
from core.query.plan import QueryError, build
from core.query.schemas import QueryRequest


@pytest.mark.parametrize(("pattern", "path", "hit"), [
    ("/blog/*", "/blog/a", True), ("/blog/*", "/blog/a/b", True), ("/blog/*", "/blog", False),
    ("/blog/*", "/blog/", True), ("/*/b", "/blog/b", True), ("/**/b", "/x/y/b", True),
    ("/pricing", "/pricing", True), ("/pricing", "/pricing/x", False), ("/pricing", "/en/pricing", False),
    ("/blog.a", "/blog/a", False), ("/a+b(1)?|c", "/a+b(1)?|c", True), ("/a|/b", "/b", False),
    ("/ünï cödé/*", "/ünï cödé/x", True),
])
def test_page_patterns_match_the_whole_path_with_star_as_any_characters(pattern, path, hit):
    assert bool(re.fullmatch(page_regex(pattern), path)) is hit
    assert page_regex(pattern).startswith("^") and page_regex(pattern).endswith("$")


def _refused(**body) -> str:
    with pytest.raises(QueryError) as exc:
        build(QueryRequest(site_id="s", date_range="day", **body))
    return str(exc.value)


def test_goal_parts_of_a_query_are_checked():
    assert "needs goals" in _refused(metrics=["conversion_rate"])
    assert "needs goals" in _refused(metrics=["conversion_rate"], dimensions=["visit:source"])
    # nested goal filters do not define a denominator
    assert "needs goals" in _refused(metrics=["conversion_rate"],
                                     filters=[["or", [["is", "event:goal", ["A"]], ["is", "event:page", ["/"]]]]])
    assert "use conversion_rate" in _refused(metrics=["percentage"], dimensions=["event:goal"])
    assert "is_not, contains" in _refused(metrics=["visitors"], filters=[["matches", "event:goal", ["^A"]]])
    assert "bounce_rate" in _refused(metrics=["bounce_rate"], dimensions=["event:goal"])


def test_the_conversion_rate_denominator_drops_only_top_level_goals():
    plan = build(QueryRequest(site_id="s", date_range="day", metrics=["conversion_rate"],
                              dimensions=["event:goal", "time:day"],
                              filters=[["is", "event:goal", ["A"]], ["is", "visit:country", ["DE"]]]))
    base = plan.base()
    assert [d.name for d in base.dimensions] == ["time:day"] and base.scope == "event"
    assert base.filter.dimension.name == "visit:country"
    assert plan.base_key(("A", "2026-03-01")) == ("2026-03-01",)
