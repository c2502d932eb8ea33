"""End to end: real-world user agents, IPs (through a trusted proxy, looked up in the test GeoIP
database) and referrers come back from the breakdown endpoints with the right browser, country,
source and channel; bots are stored but not counted unless asked; DNT visitors stay anonymous."""

from tests.e2e.harness import wait_for
from tests.e2e.test_collect_to_stats import stats
from tests.geoip_db import CHANGCHUN, LINKOPING, LONDON, MILTON, MUNICH

CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/131.0.0.0 Safari/537.36")
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/17.5 Mobile/15E148 Safari/604.1")
FIREFOX_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:132.0) Gecko/20100101 Firefox/132.0"
FIREFOX_WIN = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
HEADLESS = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 "
            "Safari/537.36")
SHOP = "https://shop.example"

VISITS = [  # (user agent, client IP, url, referrer, extra headers)
    (CHROME, LONDON, f"{SHOP}/", "https://www.google.com/", {}),
    (IPHONE, MUNICH, f"{SHOP}/sale?utm_source=newsletter&utm_medium=email&utm_campaign=spring", "", {}),
    (FIREFOX_MAC, MILTON, f"{SHOP}/pricing", "https://chatgpt.com/", {}),
    (CHROME, LINKOPING, f"{SHOP}/?gclid=Cj0KCQiA", "", {}),
    (CHROME, LONDON, f"{SHOP}/pricing", f"{SHOP}/", {}),  # visitor 1 navigates inside the shop
    (GOOGLEBOT, MILTON, f"{SHOP}/", "", {}),
    (HEADLESS, LINKOPING, f"{SHOP}/", "https://www.google.com/", {}),
    (FIREFOX_WIN, CHANGCHUN, f"{SHOP}/docs", "", {"DNT": "1"}),  # counted anonymously
]


def rows(client, site, prop, **params) -> list[tuple]:
    return [(r[prop], r["visitors"], r["pageviews"]) for r in stats(client, site, "breakdown", property=prop,
                                                                    **params)]


def test_breakdowns_by_browser_country_source_and_channel(geo_service):
    site = geo_service.site
    with geo_service.client() as c:
        for ua, ip, url, referrer, headers in VISITS:
            r = c.post("/collect/pageview", json={"site_id": site["site_id"], "url": url, "referrer": referrer},
                       headers={"Origin": SHOP, "User-Agent": ua, "X-Forwarded-For": ip, **headers})
            assert r.status_code == 202, r.text
        assert wait_for(lambda: stats(c, site, "aggregate")["pageviews"] == 6, timeout=30), stats(c, site, "aggregate")

        assert {k: stats(c, site, "aggregate")[k] for k in ("pageviews", "visitors")} == {"pageviews": 6,
                                                                                          "visitors": 5}
        assert stats(c, site, "aggregate", include_bots="true")["pageviews"] == 8
        assert rows(c, site, "browser") == [("Chrome", 2, 3), ("Firefox", 2, 2), ("Safari", 1, 1)]
        assert rows(c, site, "device") == [("desktop", 4, 5), ("mobile", 1, 1)]
        assert rows(c, site, "device", include_bots="true") == [("desktop", 4, 5), ("bot", 2, 2), ("mobile", 1, 1)]
        assert rows(c, site, "os") == [("Windows", 3, 4), ("iOS", 1, 1), ("macOS", 1, 1)]
        assert rows(c, site, "country") == [("GB", 1, 2), ("CN", 1, 1), ("DE", 1, 1), ("SE", 1, 1), ("US", 1, 1)]
        assert rows(c, site, "region") == [("GB-ENG", 1, 2), ("", 1, 1), ("DE-BY", 1, 1), ("SE-E", 1, 1),
                                           ("US-WA", 1, 1)]  # the anonymous visitor keeps only the country
        assert rows(c, site, "city")[0] == ("London", 1, 2)
        # Sources are the visit's (its first event's): visitor 1 came from Google and then navigated
        # inside the shop, so both pageviews are Google's (no "(direct)" row for the navigation); the
        # DNT visitor arrived without a referrer: its visit is the "(direct)" one.
        assert rows(c, site, "source") == [("Google", 2, 3), ("(direct)", 1, 1), ("ChatGPT", 1, 1),
                                           ("newsletter", 1, 1)]
        assert rows(c, site, "channel") == [("Organic Search", 1, 2), ("AI Assistants", 1, 1), ("Direct", 1, 1),
                                            ("Email", 1, 1), ("Paid Search", 1, 1)]
        channels = stats(c, site, "breakdown", property="channel")
        assert sum(r["visits"] for r in channels) == stats(c, site, "aggregate")["visits"] == 5
        assert rows(c, site, "referrer") == [("google.com", 1, 2), ("chatgpt.com", 1, 1)]
        assert rows(c, site, "utm_campaign") == [("spring", 1, 1)]
        heat = stats(c, site, "heatmap")
        assert sum(cell["pageviews"] for cell in heat) == 6
        assert all(1 <= cell["weekday"] <= 7 and 0 <= cell["hour"] <= 23 for cell in heat)
        assert sum(cell["pageviews"] for cell in stats(c, site, "heatmap", include_bots="true")) == 8
        bad = c.get("/api/v1/stats/breakdown", params={"site_id": site["site_id"], "from": "2026-01-01",
                                                         "to": "2026-01-01", "property": "planet"},
                    headers={"X-API-Key": site["secret_key"]})
        assert bad.status_code == 400 and "browser" in bad.json()["detail"]


def test_forwarded_for_from_an_untrusted_peer_is_ignored(store_settings, tmp_path):
    """With UT_TRUSTED_PROXIES empty, a client on 127.0.0.1 cannot claim to be in London: the
    visitor is the TCP peer (not in the GeoIP database, so no country), whatever the header says."""
    from tests.e2e.harness import Service
    from tests.geoip_db import build

    svc = Service(store_settings, tmp_path / "service.log")
    svc.env.update({"UT_GEOIP_DB": str(build(tmp_path / "geo" / "test-city.mmdb")), "UT_TRUSTED_PROXIES": ""})
    svc.migrate()
    site = svc.create_site(domain="shop.example", timezone="Europe/Berlin")  # the zone `stats` reads in
    svc.start()
    try:
        with svc.client() as c:
            for ip in (LONDON, MUNICH):
                r = c.post("/collect/pageview", json={"site_id": site["site_id"], "url": f"{SHOP}/"},
                           headers={"Origin": SHOP, "User-Agent": CHROME, "X-Forwarded-For": ip})
                assert r.status_code == 202, r.text
            assert wait_for(lambda: stats(c, site, "aggregate")["pageviews"] == 2, timeout=30)
            # one visitor (same peer, same UA), no country: the spoofed addresses were never used
            assert stats(c, site, "aggregate")["visitors"] == 1
            assert rows(c, site, "country") == [("", 1, 2)]
    finally:
        svc.stop()
