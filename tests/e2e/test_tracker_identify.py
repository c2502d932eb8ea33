"""`ut.identify()` in the real tracker (headless Chromium, embedded stores): the call queued by the
stub before t.js loaded applies to the page's later events, the pageview sent before it carries no
user, and the events log holds the site's keyed pseudonym of the id, never the id itself."""

import functools
import http.server
import json
import re
import threading

from playwright.sync_api import sync_playwright

from tests.browser import launch
from tests.e2e.harness import Service, query_events_log, wait_for
from tests.servers import free_port

USER = "cust-identify-5521"


def test_identify_attaches_a_pseudonym_to_the_pages_later_events(embedded_settings, tmp_path):
    port = free_port()
    page_url = f"http://127.0.0.1:{port}/account.html"
    service = Service(embedded_settings, tmp_path / "service.log")
    site = json.loads(service.utrack("sites", "create", "--domain", "localhost", "--origin", f"http://127.0.0.1:{port}"))
    service.start()
    html = (f'<html><body><script>window.ut=window.ut||{{q:[]}};["track","identify"].forEach(function(m){{'
            f'ut[m]=ut[m]||function(){{ut.q.push([m,arguments])}}}})</script>'
            f'<script>ut.identify("{USER}");ut.track("signup")</script>'
            f'<script src="{service.url}/t.js" data-site="{site["site_id"]}" data-vitals="off"></script>'
            '</body></html>')
    (tmp_path / "www").mkdir()
    (tmp_path / "www" / "account.html").write_text(html)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path / "www"))
    handler.log_message = lambda *a: None
    pages = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=pages.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as p:
            browser = launch(p)
            page = browser.new_context().new_page()
            with page.expect_response(lambda r: r.url.endswith("/collect/batch") and r.status == 202):
                page.goto(page_url)
            page.evaluate("ut.track('later')")
            with page.expect_response(lambda r: r.url.endswith("/collect/batch") and r.status == 202):
                page.evaluate("ut._b()")  # send the queue now
            browser.close()
        with service.client() as c:
            assert wait_for(lambda: c.get("/ready").json()["buffer_backlog"] == 0, timeout=30)
    finally:
        pages.shutdown()
        service.stop()
    rows = query_events_log(service, "SELECT name, user_id FROM events WHERE site_id = %(site_id)s "
                            "AND type != 'engagement' ORDER BY ts_ms, name", site["site_id"])
    users = dict(rows)
    assert set(users) == {"pageview", "signup", "later"}
    assert users["pageview"] == ""  # sent as the page loaded, before the queued identify ran
    assert users["signup"] == users["later"] and re.fullmatch(r"[0-9a-f]{32}", users["later"])
    assert USER not in service.logs()
