"""The tracker end to end: the demo shop in headless Chromium, the real collector (`utrack serve`)
on localhost, and the numbers read back from the stats API and the events log.

One visitor accepts the consent banner (the shop uses data-require-consent), browses with an
SPA navigation and a back button, scrolls, subscribes, clicks an outbound link and a download,
buys (the thank-you page is reloaded: the order counts once), opens an excluded page and a 404.
The collector answers the first batch with 503, so the tracker's retry is part of the run. Two
more visitors send nothing: one with Global Privacy Control (data-dnt="drop"), one who declines.
Run on the embedded store set only: the store adapters have their own tests on both sets.
"""

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright.sync_api import sync_playwright

from tests.browser import ARTIFACTS, launch
from tests.e2e.harness import Service, query_events_log, wait_for
from tests.servers import free_port, wait_for_port

SHOP = Path(__file__).resolve().parents[2] / "examples" / "shop"
TZ = "Europe/Berlin"


def stats(client, site, path, **params):
    today = datetime.now(ZoneInfo(TZ)).date().isoformat()
    resp = client.get(path, params={"site_id": site["site_id"], "from": today, "to": today, **params},
                      headers={"X-API-Key": site["secret_key"]})
    assert resp.status_code == 200, resp.text
    return resp.json()


def settle(page) -> None:
    """Before leaving a page: it has painted and the vitals chunk has arrived (a slow machine must
    not turn 'each metric once per page load' into a race)."""
    page.wait_for_function("performance.getEntriesByName('first-contentful-paint').length > 0"
                           " && performance.getEntriesByType('resource').some(e => e.name.includes('/t.vitals.'))")
    page.wait_for_timeout(100)


def shop_visit(page, shop: str, collector: str) -> dict:
    """The consenting visitor's journey; returns what the browser itself observed."""
    seen = {"t.js": None, "failed_first": False}
    page.route(f"{collector}/collect/batch", lambda route: (
        seen.update(failed_first=True),
        route.fulfill(status=503, body="busy", headers={"Access-Control-Allow-Origin": shop})), times=1)
    with page.expect_response(f"{collector}/t.js") as script:
        page.goto(f"{shop}/")
    seen["t.js"] = script.value.all_headers()
    page.wait_for_timeout(1200)  # longer than the batching delay: nothing may leave before consent
    seen["sent_before_consent"] = seen["failed_first"]
    page.screenshot(path=str(ARTIFACTS / "tracker-demo-shop.png"))  # with the consent banner
    with page.expect_response(lambda r: r.url.endswith("/collect/batch") and r.status == 202, timeout=10_000):
        page.click("#accept-all")  # held events go; the 503 is retried after a second
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_timeout(300)
    page.click("#about-link")      # SPA: pushState
    page.wait_for_timeout(300)
    page.go_back()                 # SPA: popstate
    page.wait_for_timeout(300)
    page.click("#newsletter")
    with page.expect_popup() as popup:
        page.click("#partner")     # outbound, target=_blank (the host resolves nowhere)
    popup.value.close()
    with page.expect_download():
        page.click("#price-list")
    settle(page)
    page.click("#product-link")
    page.wait_for_load_state()
    page.click("#add-to-cart")
    settle(page)
    page.click("#view-cart")
    page.wait_for_load_state()
    # INP needs an interaction that stays on the page: a click or real key presses (fill() is neither)
    page.click("#coupon")
    page.locator("#coupon").press_sequentially("SPRING")
    settle(page)
    page.click("#checkout")
    page.wait_for_load_state()
    page.click("#buyer-name")
    page.locator("#buyer-name").press_sequentially("Ada Lovelace")
    page.fill("#buyer-email", "ada@example.org")
    settle(page)
    page.click("#pay")
    page.wait_for_url("**/thank-you.html?order=*")
    settle(page)
    page.reload()                  # the purchase is sent again, with the same order_id
    settle(page)
    page.goto(f"{shop}/preview.html")   # data-exclude
    page.wait_for_timeout(300)
    page.goto(f"{shop}/missing/trail")  # 404.html with status 404, data-404
    settle(page)
    page.goto("about:blank")            # the last page is hidden: its engagement and vitals leave
    page.wait_for_timeout(500)
    return seen


def silent_visit(browser, shop: str, button: str, init_script: str = "") -> int:
    """A visitor who must send nothing; returns the requests the page made to the collect API."""
    context = browser.new_context()
    if init_script:
        context.add_init_script(init_script)
    page = context.new_page()
    requests = []
    page.on("request", lambda r: "/collect/" in r.url and requests.append(r.url))
    page.goto(f"{shop}/")
    page.click(button)
    page.wait_for_timeout(1100)  # longer than the tracker's batching delay
    page.click("#product-link")
    page.wait_for_load_state()
    page.click("#add-to-cart")
    page.wait_for_timeout(1100)
    page.goto("about:blank")
    context.close()
    return len(requests)


PAGE_LOADS = {"/": 1, "/product.html": 1, "/cart.html": 1, "/checkout.html": 1, "/thank-you.html": 2,
              "/missing/trail": 1}
PAGEVIEWS = {**PAGE_LOADS, "/": 2, "/about": 1}  # + the SPA pageviews
INTERACTED = ("/", "/product.html", "/cart.html", "/checkout.html")  # pages with clicks or typing: INP
EXPECTED_LOG = {
    **{("pageview", "pageview", path): n for path, n in PAGEVIEWS.items()},
    **{("engagement", "engagement", path): n for path, n in PAGEVIEWS.items()},  # one per page left
    **{("vitals", metric, path): n for path, n in PAGE_LOADS.items() for metric in ("TTFB", "FCP", "LCP", "CLS")},
    **{("vitals", "INP", path): 1 for path in INTERACTED},
    ("event", "newsletter_signup", "/"): 1, ("event", "outbound_click", "/"): 1,
    ("event", "file_download", "/"): 1, ("event", "form_submit", "/checkout.html"): 1,
    ("event", "404", "/missing/trail"): 1,
    ("ecommerce", "view_item", "/product.html"): 1, ("ecommerce", "add_to_cart", "/product.html"): 1,
    ("ecommerce", "view_cart", "/cart.html"): 1, ("ecommerce", "begin_checkout", "/checkout.html"): 1,
    ("ecommerce", "add_payment_info", "/checkout.html"): 1, ("ecommerce", "purchase", "/thank-you.html"): 2,
}
GPC = "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true})"


def test_the_demo_shop_is_counted_exactly(embedded_settings, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    service = Service(embedded_settings, tmp_path / "service.log")
    shop_port = free_port()
    shop = f"http://127.0.0.1:{shop_port}"
    site = json.loads(service.utrack("sites", "create", "--domain", "localhost", "--timezone", TZ, "--origin", shop))
    service.start()  # migrates first
    server = subprocess.Popen([sys.executable, str(SHOP / "serve.py"), "--collector", service.url,
                               "--site", site["site_id"], "--port", str(shop_port)], stdout=subprocess.DEVNULL)
    try:
        wait_for_port(shop_port, 10, server)
        with sync_playwright() as p:
            browser = launch(p)
            page = browser.new_context().new_page()
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            seen = shop_visit(page, shop, service.url)
            silent = {"gpc": silent_visit(browser, shop, "#accept-all", GPC),
                      "declined": silent_visit(browser, shop, "#decline")}
            browser.close()
        assert errors == []
        # the browser got the tracker gzipped, short-cached, readable cross-origin, within budget
        assert seen["t.js"]["content-encoding"] == "gzip" and int(seen["t.js"]["content-length"]) <= 2048
        assert seen["t.js"]["cache-control"] == "public, max-age=300"
        assert seen["t.js"]["access-control-allow-origin"] == "*"
        assert seen["sent_before_consent"] is False and seen["failed_first"] is True  # then retried
        assert silent == {"gpc": 0, "declined": 0}

        with service.client() as c:
            assert wait_for(lambda: c.get("/ready").json()["buffer_backlog"] == 0, timeout=30)
            check_stats(c, site)
    finally:
        server.terminate()
        service.stop()
    check_events_log(service, site)


def check_stats(c, site) -> None:
    # page_analytics + sessions: one visitor, one visit of 9 pageviews (SPA ones included)
    aggregate = stats(c, site, "/api/v1/stats/aggregate")
    assert {k: aggregate[k] for k in ("pageviews", "visitors", "visits", "bounce_rate", "views_per_visit")} == \
        {"pageviews": 9, "visitors": 1, "visits": 1, "bounce_rate": 0.0, "views_per_visit": 9.0}
    top = stats(c, site, "/api/v1/stats/top-pages", limit=20)
    assert [(t["pathname"], t["pageviews"]) for t in top] == sorted(PAGEVIEWS.items(), key=lambda i: (-i[1], i[0]))
    # device_intel: the desktop Chrome user agent, not a bot (the visitor is counted)
    browsers = stats(c, site, "/api/v1/stats/breakdown", property="browser")
    assert [(b["browser"], b["visitors"], b["pageviews"]) for b in browsers] == [("Chrome", 1, 9)]
    # sessions: time on page and scroll depth from the engagement events
    engagement = {e["pathname"]: e for e in stats(c, site, "/api/v1/stats/engagement", limit=20)}
    assert {path: e["engagements"] for path, e in engagement.items()} == PAGEVIEWS
    assert engagement["/"]["scroll_milestones"]["100"] == 100.0  # scrolled to the bottom
    assert all(e["avg_time_on_page"] > 0 for e in engagement.values())
    # ecommerce: the purchase sent twice (reload) is one order; the funnel is complete
    overview = stats(c, site, "/api/v1/ecommerce/overview")
    assert (overview["orders"], overview["revenue"], overview["tax"], overview["purchasing_visitors"]) == \
        (1, "99.8000", "15.9300", 1)
    funnel = stats(c, site, "/api/v1/ecommerce/funnel")
    assert [(s["name"], s["visitors"]) for s in funnel["steps"]] == [
        ("view_item", 1), ("add_to_cart", 1), ("begin_checkout", 1), ("add_payment_info", 1), ("purchase", 1)]
    products = stats(c, site, "/api/v1/ecommerce/products")
    assert [(p["item_id"], p["views"], p["add_to_carts"], p["purchases"], p["quantity"], p["revenue"])
            for p in products] == [("SKU-TRAIL-42", 1, 1, 1, 2, "99.8000")]
    # web_vitals: each metric once per page load (INP where the visitor interacted)
    vitals = {g["group"]: g["metrics"] for g in stats(c, site, "/api/v1/vitals", by="page")["groups"]}
    assert {path: {m: v["count"] for m, v in metrics.items()} for path, metrics in vitals.items()} == {
        path: {"TTFB": n, "FCP": n, "LCP": n, "CLS": n, **({"INP": 1} if path in INTERACTED else {})}
        for path, n in PAGE_LOADS.items()}


def check_events_log(service, site) -> None:
    """Every event the tracker sent is in the log exactly once, with the visitor's consent; the
    excluded page, the GPC visitor and the visitor who declined sent nothing."""
    rows = query_events_log(service, "SELECT type, name, pathname, count(), uniqExact(event_id), "
                            "sum(consent_marketing), countIf(position(url, 'order=') > 0) FROM events "
                            "WHERE site_id = %(site_id)s GROUP BY type, name, pathname", site["site_id"])
    assert {(t, n, p): int(count) for t, n, p, count, *_ in rows} == EXPECTED_LOG
    for t, n, p, count, unique, marketing, with_order in rows:
        assert unique == count, (t, n, p)           # no duplicate event_id, retries included
        assert marketing == count, (t, n, p)        # "Accept all": marketing consent on every event
        assert with_order == "0", (t, n, p)         # beforeSend took the order number out of URLs
