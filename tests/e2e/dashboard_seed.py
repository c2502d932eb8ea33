"""Seeded visits for the dashboard's browser tests and bench: deterministic, varied on every axis
the dashboard reports (sources, UTM, pages, countries, browsers, goals, props), over today and the
days before, sent through the server API as a site's backend would (`POST /api/v1/events`)."""

import random
from datetime import UTC, datetime, timedelta

IPS = ["81.2.69.{}", "216.160.83.{}", "89.160.20.{}", "175.16.199.{}"]  # GB, US, SE, CN in tests/geoip_db.py
AGENTS = [
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1",
]
REFERRERS = ["https://www.google.com/", "https://news.ycombinator.com/item?id=1", "", "https://twitter.com/x",
             "https://www.bing.com/"]
PAGES = ["/", "/pricing", "/blog/launch", "/docs", "/about"]
CAMPAIGN = "?utm_source=newsletter&utm_medium=email&utm_campaign=spring"


def seeded_events(domain: str, *, visits: int, days: int, now: datetime, seed: int = 13) -> list[dict]:
    """`visits` visits spread over the last `days` days (today included, never in the future), each
    of 1-3 pageviews a minute apart, a quarter of them also sending a `signup` with a `plan` prop."""
    rng = random.Random(seed)
    events = []
    for v in range(visits):
        start = now - timedelta(days=rng.randrange(days), minutes=rng.randrange(60 * 20) + 10)
        start = min(start, now - timedelta(minutes=10))
        ip, agent = rng.choice(IPS).format(v % 250 + 1), rng.choice(AGENTS)
        query = CAMPAIGN if rng.random() < 0.15 else ""
        referrer = "" if query else rng.choice(REFERRERS)
        for n in range(rng.randint(1, 3)):
            page = rng.choice(PAGES)
            events.append({"userId": f"u{v}", "eventName": "pageview", "ip": ip, "userAgent": agent,
                           "url": f"https://{domain}{page}{query if n == 0 else ''}",
                           "referrer": referrer if n == 0 else "",
                           "timestamp": _iso(start + timedelta(minutes=n))})
        if rng.random() < 0.25:
            events.append({"userId": f"u{v}", "eventName": "signup", "ip": ip, "userAgent": agent,
                           "url": f"https://{domain}/pricing", "properties": {"plan": rng.choice(["free", "pro"])},
                           "timestamp": _iso(start + timedelta(minutes=4))})
    return events


def _iso(ts: datetime) -> str:
    return ts.astimezone(UTC).isoformat()


def send(client, secret_key: str, events: list[dict]) -> int:
    accepted = 0
    for i in range(0, len(events), 1000):
        resp = client.post("/api/v1/events", json=events[i:i + 1000], headers={"X-API-Key": secret_key})
        assert resp.status_code == 202, resp.text
        accepted += resp.json()["accepted"]
    return accepted


SHOPPERS = [AGENTS[0].replace("126.0", f"126.{n}") for n in range(3)]  # three browsers, three visitors
STEPS = ["view_item", "add_to_cart", "begin_checkout", "add_payment_info", "purchase"]
ITEMS = [{"item_id": "SKU-1", "item_name": "Mug", "price": "12.50", "quantity": 2},
         {"item_id": "SKU-2", "item_name": "Poster", "price": "20.00", "quantity": 1}]
VITALS = {"LCP": [1800, 2600, 4300], "CLS": [0.02, 0.12, 0.3], "INP": [120, 240, 560], "FCP": [900, 2100, 3200],
          "TTFB": [300, 1000, 2000]}


SHOP_REFERRERS = ["https://www.google.com/", "https://news.ycombinator.com/item?id=2", "https://www.google.com/"]


def shop_and_vitals(site_id: str, domain: str) -> list[tuple[str, dict]]:
    """(User-Agent, browser event) pairs for `/collect/batch`, sent now: each shopper lands on /shop
    (the first and third from Google, the second from Hacker News: their visit's source), the first
    two buy (orders O-1, O-2), the third only views an item; each of them measures every Web Vital
    on two pages, in the same visit."""
    out = []
    for n, agent in enumerate(SHOPPERS):
        # 2 s before the rest (by the client's own delay, whatever its clock): the visit's first event
        # decides its source, and events received together would tie.
        out.append((agent, {"site_id": site_id, "type": "pageview", "url": f"https://{domain}/shop",
                            "referrer": SHOP_REFERRERS[n], "ts": 1_000, "sent_at": 3_000}))
        for step in STEPS if n < 2 else STEPS[:1]:
            ecommerce = {"currency": "EUR", "items": ITEMS[n % 2:n % 2 + 1] if step != "purchase" else ITEMS[:n + 1]}
            if step == "purchase":
                ecommerce["order_id"] = f"O-{n + 1}"
            out.append((agent, {"site_id": site_id, "type": "ecommerce", "name": step,
                                "url": f"https://{domain}/shop/{step}", "ecommerce": ecommerce}))
        for page in ("/", "/pricing"):
            for metric, values in VITALS.items():
                out.append((agent, {"site_id": site_id, "type": "vitals", "name": metric, "value": values[n],
                                    "url": f"https://{domain}{page}", "metric_id": f"v{n}-{page}-{metric}"}))
    return out


def send_browser(client, domain: str, pairs: list[tuple[str, dict]]) -> int:
    accepted = 0
    for agent in dict.fromkeys(a for a, _ in pairs):
        events = [e for a, e in pairs if a == agent]
        resp = client.post("/collect/batch", json={"events": events},
                           headers={"Origin": f"https://{domain}", "User-Agent": agent})
        assert resp.status_code == 202, resp.text
        accepted += resp.json()["accepted"]
    return accepted


def returning_visits(events: list[dict], domain: str, *, now: datetime, users: int = 12) -> list[dict]:
    """Later visits of the first `users` users who signed up, for retention and journeys: each
    comes back 7 days after its signup (every third one also 15 days after), when that is before
    `now`: a pageview of /docs, then /pricing a minute later, from another address (so another
    visitor and another visit, as on another day's network)."""
    out = []
    signups = [e for e in events if e["eventName"] == "signup"][:users]
    for n, signup in enumerate(signups):
        for days in (7, 15) if n % 3 == 0 else (7,):
            start = datetime.fromisoformat(signup["timestamp"]) + timedelta(days=days, hours=1)
            if start > now - timedelta(minutes=10):
                continue
            ip = f"81.2.69.{200 + len(out) // 2}"
            for m, page in enumerate(("/docs", "/pricing")):
                out.append({"userId": signup["userId"], "eventName": "pageview", "ip": ip,
                            "userAgent": signup["userAgent"], "url": f"https://{domain}{page}", "referrer": "",
                            "timestamp": _iso(start + timedelta(minutes=m))})
    return out
