"""The dashboard's Insights view in Chromium, on the package's seeded service (conftest.py): the
numbers on screen (funnel steps, retention cells, path counts, a journey's and a visit's event
order) against the truth computed from the seed in insights_truth.py, not from the API.
Screenshots of every panel (light), dark and 390 px go to tests/artifacts/dashboard/.
"""

import json
from datetime import datetime

import httpx
import pytest

from tests.e2e.dashboard import insights_truth as truth
from tests.e2e.dashboard_page import ARTIFACTS, key, local_days
from tests.e2e.harness import wait_for

DAYS = 28  # the page's range in these tests: ?period=28d


def steps_on_screen(page, within: str = "") -> list:
    return page.eval_on_selector_all(
        f'{within} li[data-dimension="funnel:step"]',
        "els => els.map(li => [li.dataset.value, Number(li.querySelector('[data-metric=funnel_count]').dataset.raw), "
        "Number(li.querySelector('[data-metric=funnel_conversion]').dataset.raw)])")


def screen(page) -> str:
    """What the page says, for a failing assertion's message (an error card, a stale panel)."""
    return " ".join(page.inner_text("main").split())[:2000]


def shown_eventually(read, want, timeout: float = 10.0):
    shown = None

    def same():
        nonlocal shown
        shown = read()
        return shown == want

    wait_for(same, timeout)
    return shown


def test_a_saved_and_an_ad_hoc_funnel_show_the_seeds_conversions(dash, page):
    first, last = local_days(DAYS)
    page.goto(f"{dash.url}/?view=insights&period=28d")
    page.wait_for_selector('li[data-dimension="funnel:step"]')
    page.select_option("#funnel-unit", "users")  # identified users: the truth below follows userId
    page.wait_for_url("**unit=users*")
    counts = truth.funnel(dash.events, ["page:/pricing", "event:signup"], first, last)
    assert counts[0] > counts[1] > 0
    want = [["page:/pricing", counts[0], 100], ["event:signup", counts[1], round(100 * counts[1] / counts[0], 2)]]
    assert shown_eventually(lambda: steps_on_screen(page), want) == want, screen(page)
    drop = page.get_attribute('li[data-value="event:signup"] [data-metric=funnel_dropoff]', "data-raw")
    assert drop == str(counts[0] - counts[1])

    # built here: / -> any /blog/ page -> signup (the builder starts with / and /pricing)
    page.select_option("#funnel-pick", "adhoc")
    page.fill('input[aria-label="Step 2: path pattern"]', "/blog/*")
    page.click("text=+ Add step")
    page.select_option('select[aria-label="Step 3: kind"]', "event")
    page.fill('input[aria-label="Step 3: event name"]', "signup")
    page.press('input[aria-label="Step 3: event name"]', "Enter")
    page.wait_for_url("**step=event%3Asignup*")
    counts = truth.funnel(dash.events, ["page:/", "page:/blog/*", "event:signup"], first, last)
    assert counts[2] > 0
    want = [["page:/", counts[0]], ["page:/blog/*", counts[1]], ["event:signup", counts[2]]]
    assert shown_eventually(lambda: [s[:2] for s in steps_on_screen(page)], want) == want, screen(page)
    # saving needs the key: the page shows the curl that saves what is on screen, not a button
    page.click(".save summary")
    curl = page.inner_text(".save pre")
    assert "X-API-Key: sk_…" in curl and json.loads(curl.split("-d '")[1].rstrip("'"))["steps"] == [
        {"page": "/"}, {"page": "/blog/*"}, {"event": "signup"}]
    page.screenshot(path=str(ARTIFACTS / "insights-funnels.png"), full_page=True)

    # a breakdown splits the same attempts: its groups' first steps add up to the whole
    page.select_option("#funnel-breakdown", "visit:country")
    page.wait_for_selector('.fgroup[data-dimension="visit:country"][data-value="GB"]')
    groups = page.eval_on_selector_all('.fgroup', "els => els.map(g => Number(g.querySelector("
                                       "'[data-metric=funnel_count]').dataset.raw))")
    assert len(groups) > 1 and sum(groups) == counts[0]


def test_the_filter_chips_apply_to_the_funnel(dash, page):
    first, last = local_days(DAYS)
    page.goto(f"{dash.url}/?view=insights&period=28d&unit=users&f=visit:country|is|GB")
    assert " ".join(page.inner_text(".chip").split()).startswith("Country is GB")
    gb = [e for e in dash.events if e["ip"].startswith("81.2.69.")]  # GB in tests/geoip_db.py
    counts = truth.funnel(gb, ["page:/pricing", "event:signup"], first, last)
    assert 0 < counts[0] < truth.funnel(dash.events, ["page:/pricing", "event:signup"], first, last)[0]
    want = [["page:/pricing", counts[0]], ["event:signup", counts[1]]]
    assert shown_eventually(lambda: [s[:2] for s in steps_on_screen(page)], want) == want, screen(page)
    page.click(".chip button")  # removing the chip brings every country back
    page.wait_for_url(lambda u: "f=" not in u)
    counts = truth.funnel(dash.events, ["page:/pricing", "event:signup"], first, last)
    want = [["page:/pricing", counts[0]], ["event:signup", counts[1]]]
    assert shown_eventually(lambda: [s[:2] for s in steps_on_screen(page)], want) == want, screen(page)


def test_the_ad_hoc_funnel_route_reads_for_the_owner_only_and_names_bad_input(dash):
    url = f"/api/v1/sites/{dash.site['site_id']}/funnels/analytics"
    with dash.client() as client:
        bad = client.get(url, params={"steps": "[{\"page\": \"/\"}]"}, headers=key(dash))
        assert bad.status_code == 400 and "steps" in bad.json()["detail"]
        bad = client.get(url, params={"steps": "nope"}, headers=key(dash))
        assert bad.status_code == 400 and "not JSON" in bad.json()["detail"]
        body = {"steps": [{"page": "/pricing"}, {"event": "signup"}], "window_s": 3600, "unit": "users"}
        got = client.get(url, params={**body, "steps": json.dumps(body["steps"])}, headers=key(dash))
        posted = client.post(url, json=body, headers=key(dash))
        assert got.status_code == posted.status_code == 200 and got.json() == posted.json()
        token = client.post(f"/api/v1/sites/{dash.site['site_id']}/share-tokens", json={"label": "insights"},
                            headers=key(dash)).json()["token"]
    with httpx.Client(base_url=dash.url) as share:
        assert share.post("/api/v1/share-session", json={"token": token}).status_code == 200
        assert share.get(url, params={"steps": '[{"page": "/"}, {"page": "/pricing"}]'}).status_code == 401


def test_retention_cells_are_the_seeds_weekly_returns(dash, page):
    first, last = local_days(DAYS)
    page.goto(f"{dash.url}/?view=insights&insight=retention&period=28d&cohort=signup&return=pageview&periods=4")
    page.wait_for_selector("table.heat")
    assert "identified users" in page.inner_text(".unit-note")
    today = datetime.now(truth.ZONE).date()
    want = truth.weekly_retention(dash.events, "signup", "pageview", first, last, 4, today)
    assert any(v[1] and any(s for s in v[1] if s) for v in want.values()), "the seed has no returning user"
    read = lambda: page.eval_on_selector_all(  # noqa: E731
        "table.heat tbody tr", "rows => Object.fromEntries(rows.map(r => [r.dataset.value, [Number(r.querySelector("
        "'[data-metric=cohort_size]').dataset.raw), [...r.querySelectorAll('[data-metric=retention_share]')].slice(1)"
        ".map(c => c.dataset.raw === '' ? null : Number(c.dataset.raw))]]))")
    expected = {c: [size, shares if size else [None] * 4] for c, (size, shares) in want.items()}
    assert shown_eventually(read, expected) == expected, screen(page)
    page.screenshot(path=str(ARTIFACTS / "insights-retention.png"), full_page=True)
    page.select_option("#ret-unit", "visitors")  # the unit is said plainly, and anonymous visitors never return
    page.wait_for_selector('.unit-note[data-unit="visitors"]')
    assert "changes every UTC day" in page.inner_text(".unit-note")


def test_paths_rank_the_steps_after_a_page(dash, page):
    first, last = local_days(DAYS)
    page.goto(f"{dash.url}/?view=insights&period=28d")
    page.focus("button[role=tab]:has-text('Paths')")
    page.keyboard.press("Enter")  # the panels are reached with the keyboard
    page.fill("#path-anchor", "/pricing")
    page.press("#path-anchor", "Enter")
    page.select_option("#path-depth", "2")
    page.wait_for_url("**depth=2*")
    anchors, levels = truth.paths_next(dash.events, "page:/pricing", first, last, depth=2)
    assert anchors > 0 and levels[1]
    read = lambda: [page.get_attribute("[data-metric=path_anchors]", "data-raw"), page.eval_on_selector_all(  # noqa: E731
        'li[data-dimension="path"]', "els => els.map(li => [li.dataset.value.split(' → '), "
        "Number(li.querySelector('[data-metric=path_visits]').dataset.raw)])")]
    assert shown_eventually(read, [str(anchors), levels[1]]) == [str(anchors), levels[1]], screen(page)
    page.click("button[role=tab]:has-text('1 step')")
    assert shown_eventually(read, [str(anchors), levels[0]]) == [str(anchors), levels[0]], screen(page)
    page.screenshot(path=str(ARTIFACTS / "insights-paths.png"), full_page=True)


def test_a_users_journey_and_a_visits_timeline_list_the_events_in_order(dash, page):
    first, last = local_days(DAYS)
    users = sorted({e["userId"] for e in dash.events})
    user = max(users, key=lambda u: len(truth.journey(dash.events, u, first, last)))
    visits = truth.journey(dash.events, user, first, last)
    assert len(visits) >= 2, "the seed has no user with several visits in the range"
    page.goto(f"{dash.url}/?view=insights&insight=journeys&period=28d")
    page.fill("#user-id", user)
    page.press("#user-id", "Enter")
    assert user not in page.url  # a user id never goes into the page's URL (access logs)
    read = lambda card: page.eval_on_selector_all(  # noqa: E731
        f"{card} section.visit", "vs => vs.map(v => [...v.querySelectorAll('li[data-dimension=\"journey:event\"]')]"
        ".map(li => [li.dataset.name, li.dataset.page]))")
    assert shown_eventually(lambda: read(".card:has(#user-id)"), visits) == visits, screen(page)
    page.click(".card:has(#user-id) section.visit >> nth=1 >> button")
    page.wait_for_url("**session=*")
    assert shown_eventually(lambda: read("#visit-timeline"), [visits[1]]) == [visits[1]], screen(page)
    page.screenshot(path=str(ARTIFACTS / "insights-journeys.png"), full_page=True)


@pytest.mark.parametrize("name, options, url", [
    ("insights-dark", {"color_scheme": "dark", "viewport": {"width": 1280, "height": 900}},
     "funnel=adhoc&step=page:/&step=page:/blog/*&step=event:signup"),
    ("insights-retention-dark", {"color_scheme": "dark", "viewport": {"width": 1280, "height": 900}},
     "insight=retention&cohort=signup&periods=4"),
    ("insights-390px", {"viewport": {"width": 390, "height": 844}}, "breakdown=visit:device"),
    ("insights-retention-390px", {"viewport": {"width": 390, "height": 844}, "color_scheme": "dark"},
     "insight=retention&cohort=signup&periods=4"),
    ("insights-paths-390px", {"viewport": {"width": 390, "height": 844}}, "insight=paths&anchor=page:/pricing"),
])
def test_dark_and_narrow_screens(dash, page, name, options, url):
    context = dash.browser.new_context(locale="en-US", **options)
    context.add_cookies([c for c in page.context.cookies() if c["name"] == "ut_session"])
    narrow = context.new_page()
    narrow.goto(f"{dash.url}/?view=insights&period=28d&{url}")
    narrow.wait_for_selector("table.heat td, li[data-dimension='funnel:step'], li[data-dimension='path']")
    narrow.wait_for_timeout(200)
    if "390px" in name:  # nothing wider than the screen: the heatmap scrolls inside its card
        assert narrow.evaluate("document.documentElement.scrollWidth") <= 390
    narrow.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()


