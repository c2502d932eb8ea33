"""Goals kept per site on each transactional store (SQLite, PostgreSQL): defaults, refusals, scope."""

import pytest

from core.query.goals import MAX_GOALS, Goal, GoalError, GoalNotFound, GoalService
from core.tenancy.service import TenancyService


@pytest.fixture
def sites(transactional_uow):
    _, uow = transactional_uow
    tenancy = TenancyService(uow=uow)
    return GoalService(uow=uow), tenancy.create_site(domain="a.example"), tenancy.create_site(domain="b.example")


def test_create_list_delete_with_default_names(sites):
    goals, a, b = sites
    signup = goals.create(a.site_id, event_name=" signup ")
    blog = goals.create(a.site_id, page_path="/blog/*", display_name="Blog")
    page = goals.create(a.site_id, page_path="/pricing")
    assert (signup.kind, signup.target, signup.display_name) == ("event", "signup", "signup")
    assert goals.for_site(a.site_id) == (signup, blog, Goal(page.id, "page", "/pricing", "Visit /pricing"))
    assert goals.for_site(b.site_id) == ()
    with pytest.raises(GoalNotFound):
        goals.delete(b.site_id, blog.id)  # another site's goal is not found, not deleted
    goals.delete(a.site_id, blog.id)
    assert goals.for_site(a.site_id) == (signup, page)
    with pytest.raises(GoalNotFound):
        goals.delete(a.site_id, blog.id)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({}, "exactly one"), ({"event_name": "a", "page_path": "/a"}, "exactly one"),
    ({"event_name": "  "}, "event_name"), ({"event_name": "x" * 201}, "event_name"),
    ({"event_name": "pageview"}, "page_path goal"), ({"page_path": "blog/*"}, "starting with '/'"),
    ({"page_path": "/a", "display_name": "x" * 201}, "display_name"),
])
def test_bad_goals_are_refused(sites, kwargs, message):
    goals, a, _ = sites
    with pytest.raises(GoalError, match=message):
        goals.create(a.site_id, **kwargs)


def test_duplicates_names_and_the_limit(sites):
    goals, a, b = sites
    first = goals.create(a.site_id, event_name="signup", display_name="Signed up")
    with pytest.raises(GoalError, match=f"exists already \\(id {first.id}"):
        goals.create(a.site_id, event_name="signup")
    with pytest.raises(GoalError, match="is taken"):
        goals.create(a.site_id, page_path="/thanks", display_name="Signed up")
    goals.create(b.site_id, event_name="signup", display_name="Signed up")  # names are per site
    for i in range(MAX_GOALS - 1):
        goals.create(a.site_id, page_path=f"/p{i}")
    with pytest.raises(GoalError, match=f"at most {MAX_GOALS}"):
        goals.create(a.site_id, page_path="/one-more")
