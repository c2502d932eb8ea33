"""The built-in dashboard end to end: the real service (`utrack serve`, embedded stores) with
seeded visits, driven in Debian's Chromium. Every number on screen is read by its data-metric /
data-raw and compared with what `POST /api/v2/query` answers for the same body, and the seeded
pageviews with a count made here from the seed itself.

One service and one seed (conftest.py) for the whole package; the tests run in file order and share it:
sign-in and the cookie, headline numbers and report rows, filtering by a click and removing the
chip, the date picker and the comparison, the live count moving within 2 s of a pageview (SSE, no
reload), screenshots (light, dark, 390 px, realtime, saved to tests/artifacts/dashboard/), a share
link that reads but cannot write, and sign-out. Reading the screen is in dashboard_page.py.
"""

import json
import re
import time

from tests.e2e.dashboard_page import (
    ARTIFACTS,
    FIRST_TABS,
    HEADLINE,
    WRITE_ROUTES,
    check_headline,
    headline_on_screen,
    key,
    local_days,
    query,
    rows_on_screen,
    seeded_pageviews,
)
from tests.e2e.dashboard_seed import send
from tests.e2e.harness import wait_for


def test_signed_out_the_dashboard_queries_answer_401(dash):
    with dash.client() as client:
        body = {"site_id": dash.site["site_id"], "metrics": ["visitors"], "date_range": "7d"}
        assert client.post("/api/v2/query", json=body).status_code == 401
        assert client.get("/presence/stream", params={"site_id": dash.site["site_id"]}).status_code == 401
        assert client.get("/api/v1/dashboard/session").status_code == 401
        forged = {"ut_session": "eyJzaXRlIjoiYSJ9.bm90LWEtc2lnbmF0dXJl"}
        assert client.post("/api/v2/query", json=body, cookies=forged).status_code == 401
        page = client.get("/")
        assert page.status_code == 200
        assert "script-src 'self'" in page.headers["content-security-policy"]


def test_docs_and_redoc_are_served_from_the_package(dash):
    with dash.client() as client:
        for path in ("/docs", "/redoc"):
            html = client.get(path)
            assert html.status_code == 200 and "script-src 'self'" in html.headers["content-security-policy"]
            for asset in re.findall(r'"(/dashboard/[\w.-]+)"', html.text):
                served = client.get(asset, headers={"Accept-Encoding": "gzip"})
                assert served.status_code == 200 and "immutable" in served.headers["cache-control"], asset
        assert client.get("/dashboard/nothing.js").status_code == 404
    page = dash.page
    outside = []
    page.on("request", lambda r: None if r.url.startswith((dash.url, "blob:", "data:")) else outside.append(r.url))
    page.goto(f"{dash.url}/docs")
    page.wait_for_selector(".opblock-tag", timeout=15_000)  # Swagger UI rendered the schema
    page.goto(f"{dash.url}/redoc")
    page.wait_for_selector("h1:has-text('Universal Tracking')", timeout=15_000)
    # ReDoc's footer names its logo on cdn.redoc.ly; the page's CSP (img-src 'self') blocks it.
    assert [u for u in outside if "cdn.redoc.ly/redoc/logo" not in u] == []


def test_sign_in_shows_exactly_what_the_query_api_answers(dash):
    page = dash.page
    dash.console.clear()  # the docs pages before: ReDoc's blocked logo
    page.goto(f"{dash.url}/")
    page.fill("#key", dash.site["secret_key"])
    page.click("button.primary")
    page.wait_for_selector('.metrics [data-metric="visitors"]:not([data-raw=""])')
    cookie = next(c for c in dash.context.cookies() if c["name"] == "ut_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["expires"] > time.time() + 3600
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    assert dash.site["secret_key"] not in page.url
    with dash.client() as client:
        answer = query(dash, client, HEADLINE, "7d")
        check_headline(page, answer)
        first, last = local_days(7)
        assert answer["results"][0]["metrics"][2] == seeded_pageviews(dash, first, last)
        for dimension, (metrics, filters) in FIRST_TABS.items():
            expected = query(dash, client, metrics, "7d", dimensions=[dimension], order_by=[[metrics[0], "desc"]],
                             filters=filters, pagination={"limit": 10, "offset": 0})["results"]
            assert expected, f"the seed has no {dimension} rows"
            want = [[r["dimensions"][0], r["metrics"]] for r in expected]
            assert wait_for(lambda d=dimension, w=want: rows_on_screen(page, d) == w, 5), \
                f"{dimension}: page {rows_on_screen(page, dimension)}, API {want}"
    page.wait_for_timeout(300)  # the graph's canvas has painted
    page.screenshot(path=str(ARTIFACTS / "main-light.png"), full_page=True)
    # only the signed-out probe's 401 before the sign-in: no script error, no CSP violation
    assert [m for m in dash.console if "401" not in m] == []


def test_a_click_on_a_source_filters_the_page_and_removing_the_chip_restores_it(dash):
    page = dash.page
    with dash.client() as client:
        everything = query(dash, client, HEADLINE, "7d")
        top = rows_on_screen(page, "visit:source")[0][0]
        page.click(f'li[data-dimension="visit:source"][data-value="{top}"] button.row')
        page.wait_for_url(f"**f=visit%3Asource%7Cis%7C{top}*")
        filtered = query(dash, client, HEADLINE, "7d", filters=[["is", "visit:source", [top]]])
        assert filtered["results"][0]["metrics"] != everything["results"][0]["metrics"]
        check_headline(page, filtered)
        assert wait_for(lambda: [r[0] for r in rows_on_screen(page, "visit:source")] == [top], 5)
        page.click(".chip button")
        check_headline(page, everything)
        assert "f=" not in page.url


# The Properties tab opened and a key typed in the same task, before the next frame (when Preact
# runs the new field's effects): the worst case of typing right after the tab opens. An effect that
# reset the field on mount emptied it here every time (ui.js Field).
TYPE_IN_THE_FIRST_FRAME = """async () => {
  const card = [...document.querySelectorAll('section.card')].find(c => c.textContent.includes('Goals and events'));
  [...card.querySelectorAll('button[role=tab]')].find(b => b.textContent.includes('Properties')).click();
  await new Promise(r => setTimeout(r, 0));
  const input = card.querySelector('input[name=key]');
  input.value = 'plan';
  input.dispatchEvent(new Event('input', { bubbles: true }));
  await new Promise(r => requestAnimationFrame(() => setTimeout(r, 50)));
  return input.value;
}"""


def test_custom_event_props_and_the_goals_list(dash):
    page = dash.page
    card = page.locator("section.card", has_text="Goals and events")
    assert page.evaluate(TYPE_IN_THE_FIRST_FRAME) == "plan"
    card.locator("input[name=key]").press("Enter")
    with dash.client() as client:
        expected = query(dash, client, ["visitors", "events"], "7d", dimensions=["event:props:plan"],
                         filters=[["is_not", "event:name", ["pageview"]]],  # custom events' props only
                         order_by=[["visitors", "desc"]], pagination={"limit": 10, "offset": 0})["results"]
        want = [[r["dimensions"][0], r["metrics"]] for r in expected]
        assert {w[0] for w in want} == {"free", "pro"}  # every seeded signup has a plan
        assert wait_for(lambda: rows_on_screen(page, "event:props:plan") == want, 5), \
            (rows_on_screen(page, "event:props:plan"), want)
    card.locator("button[role=tab]", has_text="Goals").click()
    with dash.client() as client:  # the saved funnel, for the page's days (the owner's cookie reads it)
        first, last = query(dash, client, ["visitors"], "7d")["query"]["date_range"]
        answer = client.get(f"/api/v1/sites/{dash.site['site_id']}/funnels/{dash.funnel_id}/analytics",
                            params={"date_range": f"{first},{last}", "filters": "[]"}, headers=key(dash)).json()
    want = [[s["label"], s["count"], s["conversion_from_first"]] for s in answer["results"][0]["steps"]]
    steps = lambda: page.eval_on_selector_all(  # noqa: E731
        'li[data-dimension="funnel:step"]', "els => els.map(li => [li.dataset.value, "
        "Number(li.querySelector('[data-metric=funnel_count]').dataset.raw), "
        "Number(li.querySelector('[data-metric=funnel_conversion]').dataset.raw)])")
    assert wait_for(lambda: steps() == want, 5), (steps(), want)
    assert want[0][1] > want[1][1] > 0
    # the owner's cookie reads the goals list (GET), as the key does
    listed = page.evaluate(f"fetch('/api/v1/sites/{dash.site['site_id']}/goals').then(r => r.json())")
    assert [g["event_name"] for g in listed] == ["signup"]


def test_the_keyboard_reaches_a_row_and_enter_filters(dash):
    page = dash.page
    with dash.client() as client:
        country = rows_on_screen(page, "visit:country")[0][0]
        page.focus(f'li[data-dimension="visit:country"][data-value="{country}"] button.row')
        page.keyboard.press("Enter")
        page.wait_for_url(f"**f=visit%3Acountry%7Cis%7C{country}*")
        check_headline(page, query(dash, client, HEADLINE, "7d", filters=[["is", "visit:country", [country]]]))
        page.focus(".chip button")
        page.keyboard.press("Enter")
        check_headline(page, query(dash, client, HEADLINE, "7d"))


def test_a_custom_range_in_the_url_reproduces_the_view(dash):
    page = dash.page
    first, last = local_days(40)[0].isoformat(), local_days(10)[0].isoformat()
    with dash.client() as client:
        source = query(dash, client, ["visitors"], [first, last], dimensions=["visit:source"])["results"][0]
        value = source["dimensions"][0]
        page.goto(f"{dash.url}/?period=custom&from={first}&to={last}&f=visit:source|is|{value}")
        assert page.input_value("#period") == "custom"
        check_headline(page, query(dash, client, HEADLINE, [first, last], filters=[["is", "visit:source", [value]]]))
        assert page.locator(".chip").inner_text().startswith("Source is")
        page.goto(f"{dash.url}/?period=7d")
        check_headline(page, query(dash, client, HEADLINE, "7d"))


def test_the_date_picker_and_the_comparison_change_the_numbers(dash):
    page = dash.page
    with dash.client() as client:
        page.select_option("#period", "28d")
        check_headline(page, query(dash, client, HEADLINE, "28d"))
        first, last = local_days(28)
        assert headline_on_screen(page)["pageviews"][0] == str(seeded_pageviews(dash, first, last))
        page.check("#compare")
        page.wait_for_url("**compare=1*")
        check_headline(page, query(dash, client, HEADLINE, "28d", include={"comparison": "previous_period"}),
                       compare=True)
        # the graph's numbers (its screen-reader table) are the engine's series, the previous period by position
        series = {}
        for key_, range_ in (("now", "28d"), ("before", query(dash, client, ["visitors"], "28d", include={
                "comparison": "previous_period"})["meta"]["comparison_date_range"])):
            answer = query(dash, client, ["visitors"], range_, dimensions=["time:day"], include={"time_labels": True})
            by_label = {r["dimensions"][0]: r["metrics"][0] for r in answer["results"]}
            series[key_] = [(label, by_label.get(label, 0)) for label in answer["meta"]["time_labels"]]
        want = [[label, str(v), str(series["before"][i][1])] for i, (label, v) in enumerate(series["now"])]
        graph = lambda: page.eval_on_selector_all(  # noqa: E731
            'table.sr tr[data-dimension="time:day"]',
            "rows => rows.map(r => [r.dataset.value, "
            "...[...r.querySelectorAll('[data-metric]')].map(e => e.dataset.raw)])")
        assert wait_for(lambda: graph() == want, 5), (graph(), want)
        assert sum(v for _, v in series["now"]) > 0
        yesterday = local_days(2)[0].isoformat()
        page.select_option("#period", "yesterday")
        check_headline(page, query(dash, client, HEADLINE, [yesterday, yesterday],
                                   include={"comparison": "previous_period"}), compare=True)
        # the days the page asks e-commerce, vitals and the graph's previous period for are the engine's
        for period, engine_range in (("today", "day"), ("yesterday", [yesterday, yesterday]), ("7d", "7d"),
                                     ("28d", "28d"), ("30d", "30d"), ("month", "month"), ("12mo", "12mo")):
            page.select_option("#period", period)
            answer = query(dash, client, ["visitors"], engine_range, include={"comparison": "previous_period"})
            shown = page.eval_on_selector(".days", "e => [[e.dataset.from, e.dataset.to], "
                                                   "[e.dataset.previousFrom, e.dataset.previousTo]]")
            assert shown == [answer["query"]["date_range"], answer["meta"]["comparison_date_range"]], period
        page.select_option("#period", "7d")
        page.uncheck("#compare")
        check_headline(page, query(dash, client, HEADLINE, "7d"))


def test_a_pageview_moves_the_live_count_within_two_seconds_without_a_reload(dash):
    page = dash.page
    page.evaluate("window.__same_document = true")
    live = '.metrics [data-metric="live_visitors"]'
    page.wait_for_selector(f'{live}:not([data-raw=""])')
    before = int(page.get_attribute(live, "data-raw"))
    with dash.client() as client:
        sent = time.monotonic()
        send(client, dash.site["secret_key"], [{
            "userId": "live-visitor", "eventName": "pageview", "ip": "81.2.69.251",
            "userAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                         "Version/17.5 Safari/605.1.15", "url": "https://demo.example/live-now"}])
        page.wait_for_selector(f'{live}[data-raw="{before + 1}"]', timeout=2000)
        elapsed = time.monotonic() - sent
    (ARTIFACTS / "live-latency.txt").write_text(f"pageview sent -> live count on screen: {elapsed * 1000:.0f} ms\n")
    assert elapsed < 2.0
    assert page.evaluate("window.__same_document") is True  # no reload happened
    page.click("nav.views button:has-text('Realtime')")
    page.wait_for_selector('li[data-dimension="live:event"] >> text=/live-now')
    assert page.get_attribute('.live-head [data-metric="live_visitors"]', "data-raw") == str(before + 1)
    page.screenshot(path=str(ARTIFACTS / "realtime.png"), full_page=True)
    page.click("nav.views button:has-text('Dashboard')")


def test_dark_and_narrow_screens(dash):
    for name, options in (("main-dark", {"color_scheme": "dark", "viewport": {"width": 1280, "height": 900}}),
                          ("main-390px", {"viewport": {"width": 390, "height": 844}})):
        context = dash.browser.new_context(locale="en-US", **options)
        context.add_cookies([c for c in dash.context.cookies() if c["name"] == "ut_session"])
        page = context.new_page()
        page.goto(f"{dash.url}/?period=7d")
        page.wait_for_selector('li[data-dimension="visit:country"]')
        page.wait_for_selector('.metrics [data-metric="live_visitors"]:not([data-raw=""])')
        page.wait_for_timeout(300)
        if name == "main-390px":  # nothing wider than the screen: no sideways scrolling
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        context.close()


def test_a_share_link_reads_the_dashboard_and_cannot_write(dash):
    with dash.client() as client:
        resp = client.post(f"/api/v1/sites/{dash.site['site_id']}/share-tokens", json={"label": "wall"},
                           headers=key(dash))
        token = resp.json()["token"]
        answer = query(dash, client, HEADLINE, "7d")
    context = dash.browser.new_context(locale="en-US")
    page = context.new_page()
    page.goto(f"{dash.url}/share#{token}")
    page.wait_for_selector(".tag:has-text('read-only')")
    check_headline(page, answer)
    assert page.locator("text=Sign out").count() == 0
    share = next(c for c in context.cookies() if c["name"] == "ut_share")
    assert share["httpOnly"] and share["sameSite"] == "Strict"
    statuses = page.evaluate("""async ([routes, site]) => {
        const out = [];
        for (const [method, path, body] of routes) {
          const r = await fetch(path.replace('{site}', site), {method, headers: {'Content-Type': 'application/json'},
                                body: body ? JSON.stringify(body) : undefined});
          out.push([method, path, r.status]);
        }
        return out;
      }""", [WRITE_ROUTES, dash.site["site_id"]])
    for method, path, status in statuses:
        assert status == 401, f"{method} {path} answered {status} to a share link"
    page.click("nav.views button:has-text('Realtime')")  # the live streams read with the share cookie too
    page.wait_for_selector('.live-head [data-metric="live_visitors"]:not([data-raw=""])')
    page.wait_for_selector('li[data-dimension="live:event"]')
    with dash.client() as client:
        goals = client.get(f"/api/v1/sites/{dash.site['site_id']}/goals", headers=key(dash)).json()
        assert [g["event_name"] for g in goals] == ["signup"]
    context.close()


def test_an_empty_range_shows_the_sites_own_snippet(dash):
    page = dash.page
    page.goto(f"{dash.url}/?period=custom&from=2020-01-01&to=2020-01-31")
    page.wait_for_selector(".empty pre:has-text('data-site')")
    snippet = page.inner_text(".empty pre")
    assert f'data-site="{dash.site["site_id"]}"' in snippet and f"{dash.url}/t.js" in snippet
    assert headline_on_screen(page)["visitors"][0] == "0"
    page.goto(f"{dash.url}/?period=7d")
    page.wait_for_selector('.metrics [data-metric="visitors"]:not([data-raw=""])')


def test_sign_out_clears_the_session_and_the_queries_answer_401(dash):
    page = dash.page
    assert [m for m in dash.console if "401" not in m] == []  # no script error in any test before
    page.click("text=Sign out")
    page.wait_for_selector("#key")
    assert not [c for c in dash.context.cookies() if c["name"] == "ut_session"]
    status = page.evaluate("""async (site) => (await fetch('/api/v2/query', {method: 'POST',
        headers: {'Content-Type': 'application/json'},
        body: JSON.stringify({site_id: site, metrics: ['visitors'], date_range: '7d'})})).status""",
                           dash.site["site_id"])
    assert status == 401
    page.reload()
    page.wait_for_selector("#key")
    assert json.loads(page.evaluate("JSON.stringify(document.cookie)")) == ""
