"""Signing in with an organisation key, in Chromium on the package's seeded service (conftest.py):
a key of the whole organisation lists its two sites (never another organisation's), the switcher
puts the site in the URL and the numbers on screen are `/api/v2/query`'s for that site; a key
bound to one site sees that one only. The keys are made in the test process through core's
ApiKeys, as `utrack keys create` makes them."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.config.settings import Settings
from tests.e2e.dashboard_page import HEADLINE, TZ, check_headline, rows_on_screen
from tests.e2e.dashboard_seed import seeded_events, send
from tests.e2e.harness import wait_for


@pytest.fixture(scope="module")
def org(dash):
    from core.db.engine import build_engine, build_session_factory
    from core.db.models import DEFAULT_ORG_ID
    from core.db.unit_of_work import UnitOfWork
    from core.tenancy.api_keys import ApiKeys
    from core.tenancy.key_usage import KeyUsage
    from core.tenancy.service import TenancyService

    second = dash.create_site(domain="second.example", timezone=TZ)  # the default organisation, as demo.example
    engine = build_engine(Settings(data_dir=Path(dash.env["UT_DATA_DIR"]),
                                   database_url=dash.env["UT_DATABASE_URL"]).resolved_database_url())
    factory = build_session_factory(engine)
    uow = lambda: UnitOfWork(factory)  # noqa: E731
    tenancy = TenancyService(uow=uow)
    keys = ApiKeys(uow=uow, tenancy=tenancy, usage=KeyUsage(uow=uow))
    other = tenancy.create_site(domain="other-org.example", org_id=tenancy.create_org(name="Other").id)
    whole = keys.create(DEFAULT_ORG_ID, name="dashboard", scopes=["stats:read"])[1]
    bound = keys.create(DEFAULT_ORG_ID, name="second only", scopes=["stats:read"], site_ids=[second["site_id"]])[1]
    events = seeded_events("second.example", visits=40, days=7, now=datetime.now(UTC), seed=2)
    with dash.client() as client:
        assert send(client, second["secret_key"], events) == len(events)
        views = sum(e["eventName"] == "pageview" for e in events)
        assert wait_for(lambda: site_query(dash, client, second, ["pageviews"], "all")["results"][0]["metrics"][0]
                        == views), "the second site's pageviews never all arrived"
    yield {"second": second, "other": other.site_id, "whole": whole, "bound": bound}
    engine.dispose()


def site_query(dash, client, site: dict, metrics: list, date_range, **body) -> dict:
    resp = client.post("/api/v2/query", headers={"X-API-Key": site["secret_key"]}, json={
        "site_id": site["site_id"], "metrics": metrics, "date_range": date_range, **body})
    assert resp.status_code == 200, resp.text
    return resp.json()


def signed_in(dash, key: str):
    context = dash.browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    page.goto(f"{dash.url}/")
    page.fill("#key", key)
    page.click("button.primary")
    page.wait_for_selector('.metrics [data-metric="visitors"]:not([data-raw=""])')
    return context, page


def cookie_reads(page, site_id: str) -> int:
    return page.evaluate("""async (site) => (await fetch('/api/v2/query', {method: 'POST',
        headers: {'Content-Type': 'application/json'},
        body: JSON.stringify({site_id: site, metrics: ['visitors'], date_range: '7d'})})).status""", site_id)


def test_an_organisation_key_lists_its_sites_and_the_switcher_changes_the_site(dash, org):
    context, page = signed_in(dash, org["whole"])
    second = org["second"]
    options = page.eval_on_selector_all("#site option", "os => os.map(o => [o.value, o.textContent])")
    assert options == [[dash.site["site_id"], "demo.example"], [second["site_id"], "second.example"]]
    cookie = next(c for c in context.cookies() if c["name"] == "ut_session")
    assert org["whole"] not in cookie["value"] and cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    with dash.client() as client:
        check_headline(page, site_query(dash, client, dash.site, HEADLINE, "7d"))  # the first site by domain
        page.select_option("#site", second["site_id"])
        page.wait_for_url(f"**site={second['site_id']}*")
        answer = site_query(dash, client, second, HEADLINE, "7d")
        check_headline(page, answer)
        sources = site_query(dash, client, second, ["visitors"], "7d", dimensions=["visit:source"],
                             order_by=[["visitors", "desc"]], pagination={"limit": 10, "offset": 0})["results"]
        want = [[r["dimensions"][0], r["metrics"]] for r in sources]
        assert want and wait_for(lambda: rows_on_screen(page, "visit:source") == want, 5)
        page.reload()  # the URL keeps the site
        check_headline(page, answer)
        assert page.input_value("#site") == second["site_id"]
    assert cookie_reads(page, second["site_id"]) == cookie_reads(page, dash.site["site_id"]) == 200
    assert cookie_reads(page, org["other"]) == 403  # another organisation's site: not listed, not read
    context.close()


def test_a_key_bound_to_one_site_sees_only_that_one(dash, org):
    context, page = signed_in(dash, org["bound"])
    second = org["second"]
    assert page.locator("#site").count() == 0  # one site: no switcher
    assert page.inner_text(".brand") == "second.example"
    with dash.client() as client:
        check_headline(page, site_query(dash, client, second, HEADLINE, "7d"))
    page.goto(f"{dash.url}/?site={dash.site['site_id']}")  # naming another site in the URL shows its own
    page.wait_for_selector('.metrics [data-metric="visitors"]:not([data-raw=""])')
    assert page.inner_text(".brand") == "second.example"
    assert cookie_reads(page, dash.site["site_id"]) == 403 and cookie_reads(page, second["site_id"]) == 200
    context.close()
