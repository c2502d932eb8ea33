"""The tracker in a real browser against a fake collector: what it sends for pages and events."""

import re

from tests.integration.tracking.tracker_script.fake_site import SITE, page_html

UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def kinds(events, type_=None):
    return [(e["type"], e["name"], e["url"]) for e in events if type_ is None or e["type"] == type_]


def test_spa_navigation_counts_each_new_page_once(site):
    site.add("/", page_html("<h1>home</h1>", "data-vitals='off'"))
    site.page.goto(f"{SITE}/?utm_source=news")
    site.page.evaluate("""() => {
        history.pushState({}, '', '/pricing');
        history.replaceState({tab: 2}, '', '/pricing');   // same path and query: not a new page
        history.pushState({}, '', '/pricing#faq');        // an anchor: not a new page
        history.pushState({}, '', '/docs?page=2');
        history.back();                                   // popstate back to /pricing#faq
    }""")
    events = site.wait_for(lambda ev: len(kinds(ev, "pageview")) == 4)
    assert kinds(events, "pageview") == [
        ("pageview", "pageview", f"{SITE}/?utm_source=news"),
        ("pageview", "pageview", f"{SITE}/pricing"),
        ("pageview", "pageview", f"{SITE}/docs?page=2"),
        ("pageview", "pageview", f"{SITE}/pricing"),
    ]
    views = [e for e in events if e["type"] == "pageview"]
    # the landing page has the document's referrer (none here); SPA pages the previous page
    assert [v["referrer"] for v in views] == ["", f"{SITE}/?utm_source=news", f"{SITE}/pricing", f"{SITE}/docs?page=2"]
    # leaving a page by SPA navigation reports its engagement
    assert [e["url"] for e in events if e["type"] == "engagement"] == [
        f"{SITE}/?utm_source=news", f"{SITE}/pricing", f"{SITE}/docs?page=2"]
    for e in events:
        assert UUID4.match(e["event_id"]), e["event_id"]  # the getRandomValues fallback (no secure context)
        assert e["site_id"] == "site_test" and e["sent_at"] >= e["ts"] > 1.7e12
        assert set(e) <= {"site_id", "type", "name", "url", "referrer", "event_id", "ts", "sent_at", "props",
                          "engaged_ms", "scroll_depth"}
    assert len({e["event_id"] for e in events}) == len(events)
    # one batch for the whole burst: the queue waits a second before it sends
    assert len(site.batches) == 1 and site.batches[0]["content_type"].startswith("text/plain")


def test_hash_routing_reports_routes_as_paths(site):
    site.add("/app/", page_html("", "data-hash data-vitals='off'"))
    site.page.goto(f"{SITE}/app/?utm_campaign=spring#/cart")
    site.page.evaluate("location.hash = '#/checkout?step=2'")
    site.page.evaluate("location.hash = '#section-3'")  # not a route: the page without fragment
    events = site.wait_for(lambda ev: len(kinds(ev, "pageview")) == 3)
    assert [e["url"] for e in events if e["type"] == "pageview"] == [
        f"{SITE}/app/cart?utm_campaign=spring", f"{SITE}/app/checkout?utm_campaign=spring",
        f"{SITE}/app/?utm_campaign=spring"]


def test_excluded_paths_send_no_pageview_and_404_pages_report_themselves(site):
    attrs = "data-exclude='/admin/*, /preview' data-404 data-vitals='off'"
    site.add("/admin/users", page_html("", attrs))
    site.add("/gone", page_html("<h1>Not found</h1>", attrs), status=404)
    site.page.goto(f"{SITE}/admin/users")
    site.page.evaluate("ut.track('export_clicked'); history.pushState({}, '', '/preview');"
                       "history.pushState({}, '', '/public')")
    site.wait_for(lambda ev: any(e["url"].endswith("/public") for e in ev))
    site.hide()  # (beacons of an unloading page do not reach Playwright's routes: hide it first)
    site.page.goto(f"{SITE}/gone")
    events = site.wait_for(lambda ev: ("event", "404", f"{SITE}/gone") in kinds(ev))
    assert kinds(events) == [
        ("event", "export_clicked", f"{SITE}/admin/users"),  # custom events still go from excluded pages
        ("pageview", "pageview", f"{SITE}/public"),
        ("engagement", "engagement", f"{SITE}/public"),       # sent when the page was hidden
        ("pageview", "pageview", f"{SITE}/gone"),
        ("event", "404", f"{SITE}/gone"),
    ]


def test_outbound_links_downloads_and_forms(site):
    # the page cancels every navigation (the tracker listens before, in the capture phase)
    body = """
      <a id="out" href="https://partner.example/maps">partner</a>
      <a id="same" href="/about">same site</a>
      <a id="pdf" href="/files/cat.pdf">pdf</a>
      <a id="custom" href="/data/export.parquet">custom</a>
      <a id="attr" href="/report" download>attr</a>
      <a id="mail" href="mailto:shop@example.org">mail</a>
      <form id="signup"><input name="name"><button id="go">go</button></form>
      <script>const stay = e => e.target.closest('a') && e.preventDefault();
              addEventListener('click', stay); addEventListener('auxclick', stay);
              addEventListener('submit', e => e.preventDefault())</script>"""
    site.add("/", page_html(body, "data-downloads='pdf,parquet' data-vitals='off'"))
    site.page.goto(f"{SITE}/")
    site.page.click("#out")
    site.page.click("#out", button="middle")
    site.page.click("#pdf")
    site.page.click("#custom")
    site.page.click("#attr")
    site.page.click("#mail")
    site.page.click("#go")
    events = site.wait_for(lambda ev: len(ev) == 7)
    named = [(e["name"], e.get("props")) for e in events if e["type"] == "event"]
    assert named == [
        ("outbound_click", {"url": "https://partner.example/maps"}),
        ("outbound_click", {"url": "https://partner.example/maps"}),
        ("file_download", {"url": f"{SITE}/files/cat.pdf"}),
        ("file_download", {"url": f"{SITE}/data/export.parquet"}),
        ("file_download", {"url": f"{SITE}/report"}),
        ("form_submit", {"form": "signup"}),
    ]
    # clicks and submits leave at once (the page may be unloading), not after the batching delay
    assert len(site.batches) >= 6


def test_api_calls_before_load_are_replayed_and_before_send_rewrites_or_drops(site):
    stub = ("<script>window.ut={q:[],beforeSend:function(e){if(e.name==='debug')return null;"
            "e.url=e.url.replace(/\\?.*/,'');return e}};['track','ecommerce'].forEach(function(m){"
            "ut[m]=function(){ut.q.push([m,arguments])}});ut.track('early',{n:1})</script>")
    site.add("/", page_html("", "data-vitals='off'", head=stub))
    site.page.goto(f"{SITE}/?token=secret")
    site.page.evaluate("""() => {
        ut.track('debug');
        ut.track('signup', {plan: 'pro', seats: 3, trial: true});
        ut.ecommerce('add_to_cart', {currency: 'EUR', value: 9.5, items: [{item_id: 'A', price: 9.5, quantity: 1}]});
    }""")
    events = site.wait_for(lambda ev: len(ev) == 4)
    assert [(e["type"], e["name"], e["url"], e.get("props")) for e in events] == [
        ("pageview", "pageview", f"{SITE}/", None),
        ("event", "early", f"{SITE}/", {"n": 1}),
        ("event", "signup", f"{SITE}/", {"plan": "pro", "seats": 3, "trial": True}),
        ("ecommerce", "add_to_cart", f"{SITE}/", None),
    ]
    assert events[3]["ecommerce"] == {"currency": "EUR", "value": 9.5, "items": [{"item_id": "A", "price": 9.5,
                                                                                   "quantity": 1}]}
