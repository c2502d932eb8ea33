"""The dashboard's browser tests share one seeded service (embedded stores) and one Chromium for
the whole package: starting them is most of the time these tests take."""

from datetime import UTC, date, datetime

import pytest
from playwright.sync_api import sync_playwright

from core.config.settings import Settings
from tests.browser import launch
from tests.e2e.dashboard_page import ARTIFACTS, TZ, key, local_days, query, seeded_pageviews
from tests.e2e.dashboard_seed import returning_visits, seeded_events, send, send_browser, shop_and_vitals
from tests.e2e.harness import Service, wait_for


@pytest.fixture(scope="package")
def dash(tmp_path_factory):
    from tests.geoip_db import build

    root = tmp_path_factory.mktemp("dashboard")
    svc = Service(Settings(data_dir=root / "data", database_url="", redis_url="", clickhouse_url=""),
                  root / "service.log")
    svc.env["UT_GEOIP_DB"] = str(build(root / "geo" / "test-city.mmdb"))
    # Answers of open ranges are cached 10 s: the page and this test would each see a different
    # moment once the live pageview arrives. Uncached, both read the store as it is.
    svc.env["UT_QUERY_CACHE_OPEN_TTL_S"] = "0"
    svc.migrate()
    svc.site = svc.create_site(domain="demo.example", timezone=TZ)
    svc.start()
    now = datetime.now(UTC)
    svc.events = seeded_events("demo.example", visits=160, days=40, now=now)
    svc.events += returning_visits(svc.events, "demo.example", now=now)
    with svc.client() as client:
        assert send(client, svc.site["secret_key"], svc.events) == len(svc.events)
        resp = client.post(f"/api/v1/sites/{svc.site['site_id']}/goals", json={"event_name": "signup"},
                           headers=key(svc))
        assert resp.status_code == 201, resp.text
        resp = client.post(f"/api/v1/sites/{svc.site['site_id']}/funnels", headers=key(svc), json={
            "name": "Pricing to signup", "steps": [{"page": "/pricing"}, {"event": "signup"}]})
        assert resp.status_code == 201, resp.text
        svc.funnel_id = resp.json()["id"]
        svc.shop = shop_and_vitals(svc.site["site_id"], "demo.example")
        assert send_browser(client, "demo.example", svc.shop) == len(svc.shop)
        pageviews = seeded_pageviews(svc, date.min, date.max)
        stored = wait_for(lambda: query(svc, client, ["pageviews"], "all")["results"][0]["metrics"][0] == pageviews)
        assert stored, "the seeded pageviews never all arrived"
        orders = wait_for(lambda: client.get("/api/v1/ecommerce/overview", headers=key(svc), params={
            "site_id": svc.site["site_id"], "from": local_days(1)[0], "to": local_days(1)[1]}).json()["orders"] == 2)
        assert orders, "the seeded orders never arrived"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        svc.browser = launch(playwright)
        svc.context = svc.browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
        svc.page = svc.context.new_page()
        svc.console = []
        svc.page.on("console", lambda m: svc.console.append(m.text) if m.type == "error" else None)
        svc.page.on("pageerror", lambda e: svc.console.append(str(e)))
        yield svc
        svc.browser.close()
    svc.stop()


@pytest.fixture(scope="module")
def page(dash):
    """A signed-in page of the module's own (test_browser.py ends with a sign-out; its page is dash.page)."""
    context = dash.browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    resp = context.request.post(f"{dash.url}/api/v1/dashboard/session", data={"key": dash.site["secret_key"]})
    assert resp.ok, resp.text()
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    assert errors == []  # no script error, no CSP violation, no failed request in the whole module
    context.close()
