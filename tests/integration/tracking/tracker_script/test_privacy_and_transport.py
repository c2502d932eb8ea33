"""The tracker in a real browser against a fake collector: consent, DNT/GPC, retries, beacons,
storage, and the lazily loaded Web Vitals chunk."""

import re

from tests.integration.tracking.tracker_script.fake_site import SITE, page_html

GPC = "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true})"
DNT = "Object.defineProperty(Navigator.prototype, 'doNotTrack', {get: () => '1'})"


def test_require_consent_holds_everything_until_analytics_is_granted(site):
    site.add("/", page_html("", "data-require-consent data-vitals='off'"))
    site.page.goto(f"{SITE}/")
    site.page.evaluate("ut.track('early')")
    site.page.wait_for_timeout(1300)  # past the batching delay
    assert site.batches == []
    site.page.evaluate("ut.consent({analytics: true, marketing: false}); ut.track('later')")
    events = site.wait_for(lambda ev: len(ev) == 3)
    assert [(e["type"], e["name"]) for e in events] == [
        ("pageview", "pageview"), ("event", "early"), ("event", "later")]
    assert all(e["consent"] == {"analytics": True, "marketing": False} for e in events)


def test_require_consent_and_a_refusal_send_nothing_at_all(site):
    site.add("/", page_html("", "data-require-consent data-vitals='off'"))
    site.page.goto(f"{SITE}/")
    site.page.evaluate("ut.consent({analytics: false, marketing: true}); ut.track('after')")
    site.page.evaluate("window.scrollTo(0, 100)")
    site.hide()
    site.page.wait_for_timeout(1300)
    assert site.batches == []


def test_without_require_consent_events_carry_the_visitors_choice(site):
    site.add("/", page_html("", "data-vitals='off'"))
    site.page.goto(f"{SITE}/")
    site.page.evaluate("ut.consent({analytics: false}); ut.track('anonymous')")
    events = site.wait_for(lambda ev: len(ev) == 2)
    assert "consent" not in events[0]  # before the banner answered: no claim either way
    assert events[1]["name"] == "anonymous" and events[1]["consent"] == {"analytics": False, "marketing": False}


def test_dnt_drop_silences_dnt_and_gpc_browsers_and_only_them(site, browser):
    site.add("/drop", page_html("", "data-dnt='drop' data-vitals='off'"))
    site.add("/server-policy", page_html("", "data-vitals='off'"))
    for script in (GPC, DNT):
        context = browser.new_context()
        context.add_init_script(script)
        page = context.new_page()
        site.page = page
        site.install()
        page.goto(f"{SITE}/drop")
        page.evaluate("ut.track('x'); ut.ecommerce('view_item', {items: []})")
        page.wait_for_timeout(1200)
        assert site.batches == [], script
        # without data-dnt="drop" the browser sends, and its DNT / Sec-GPC header lets the server decide
        page.goto(f"{SITE}/server-policy")
        site.wait_for(lambda ev: len(ev) == 1)
        site.batches.clear()
        context.close()


def test_failures_are_retried_with_backoff_and_keep_their_event_ids(site):
    site.add("/", page_html("", "data-vitals='off'"))
    site.fail_next = [503, 429]
    site.page.goto(f"{SITE}/")
    site.wait_for(lambda ev: len(ev) == 1, timeout=8)
    assert [b["status"] for b in site.batches] == [503, 429, 202]
    ids = [[e["event_id"] for e in b["events"]] for b in site.batches]
    assert ids[0] == ids[1] == ids[2]
    gaps = [later["at"] - earlier["at"] for earlier, later in zip(site.batches, site.batches[1:], strict=False)]
    assert 0.8 < gaps[0] < 2.0 and 1.8 < gaps[1] < 3.4, gaps  # 1 s, then 2 s
    assert site.batches[2]["events"][0]["sent_at"] > site.batches[0]["events"][0]["sent_at"]
    # a client error (bad event, refused origin) is not retried
    site.fail_next = [400]
    site.page.evaluate("ut.track('rejected')")
    site.page.wait_for_timeout(2600)
    assert [b["status"] for b in site.batches[3:]] == [400]


def test_a_hidden_page_hands_its_queue_to_send_beacon(site):
    site.add("/", page_html("<div style='height:4000px'></div>", "data-vitals='off'"))
    site.page.goto(f"{SITE}/")
    site.page.evaluate("window.scrollTo(0, 4000 - innerHeight)")
    site.page.wait_for_timeout(100)
    site.page.evaluate("ut.track('last words')")
    site.hide()
    events = site.wait_for(lambda ev: any(e["type"] == "engagement" for e in ev), timeout=2)
    beacon = site.batches[-1]
    assert beacon["kind"] == "ping" and beacon["content_type"].startswith("text/plain")
    assert [(e["type"], e["name"]) for e in beacon["events"]] == [
        ("pageview", "pageview"), ("event", "last words"), ("engagement", "engagement")]
    engagement = events[-1]
    assert engagement["scroll_depth"] == 100 and 0 < engagement["engaged_ms"] < 10_000
    # nothing is left behind in the browser: no cookie, no storage of any kind
    assert site.page.evaluate("[document.cookie, localStorage.length, sessionStorage.length]") == ["", 0, 0]


def test_web_vitals_come_from_a_lazily_loaded_chunk_once_per_page(site):
    site.add("/", page_html("<h1>Hello</h1><p>Some text to paint.</p><button id='b'>b</button>"))
    site.add("/quiet", page_html("<h1>Quiet</h1>", "data-vitals='off'"))
    site.page.goto(f"{SITE}/")
    site.page.click("#b")
    site.wait_for(lambda ev: {e["name"] for e in ev if e["type"] == "vitals"} >= {"TTFB", "FCP"})
    site.hide()
    events = site.wait_for(lambda ev: {e["name"] for e in ev if e["type"] == "vitals"} == {
        "TTFB", "FCP", "LCP", "CLS", "INP"})
    site.hide()  # hidden again: nothing is reported twice
    site.page.wait_for_timeout(300)
    vitals = [e for e in site.events() if e["type"] == "vitals"]
    assert sorted(e["name"] for e in vitals) == ["CLS", "FCP", "INP", "LCP", "TTFB"]
    for e in vitals:
        assert re.fullmatch(r"v1-\d{13}-\d{13}", e["metric_id"]) and e["navigation_type"] == "navigate"
        assert e["url"] == f"{SITE}/" and e["value"] >= 0
    assert len({e["metric_id"] for e in vitals}) == 5
    assert any(e["type"] == "engagement" for e in events)
    assert re.fullmatch(r"/t\.vitals\.[0-9a-f]{10}\.js", site.scripts[-1])  # by its content-hashed name
    site.page.goto(f"{SITE}/quiet")
    site.page.wait_for_timeout(300)
    assert site.scripts[-1] == "/t.js"  # data-vitals="off": no chunk
