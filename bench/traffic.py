"""Realistic browser traffic for the in-process benchmarks: visits of a few events each, interleaved.

What makes it realistic is what the edge's caches see: a visitor keeps one IP and one user agent
for the whole visit, user agents follow a long tail (a few browser builds are most of the traffic,
~400 distinct strings in all, 2 % bots), the first event of a visit carries the external referrer
(search, social, AI assistants, newsletters with UTM, ads with click ids) and later ones the site's
own previous page. Types are the tracker's: pageviews, an `engagement` report per page left, and
custom events with props; every event has the tracker's `event_id`, `ts` and `sent_at`. A few
URLs carry an e-mail address or a phone number, so redaction does real work now and then.

`visits(n, site_id, domain)` is deterministic for a seed: the same events in every run.
"""

import random
import time
import uuid
from dataclasses import dataclass

_UA_TEMPLATES = (  # (weight, template): {v} a build number, varied per string
    (30, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/13{m}.0.0.{v} "
         "Safari/537.36"),
    (18, "Mozilla/5.0 (iPhone; CPU iPhone OS 17_{m} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
         "Version/17.{m} Mobile/15E148 Safari/604.1"),
    (14, "Mozilla/5.0 (Linux; Android 14; SM-S91{m}B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/12{m}.0.{v}.82 "
         "Mobile Safari/537.36"),
    (10, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
         "Version/18.{m} Safari/605.1.15"),
    (8, "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:13{m}.0) Gecko/20100101 Firefox/13{m}.0"),
    (6, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/13{m}.0.0.0 "
        "Safari/537.36 Edg/13{m}.0.{v}.0"),
    (4, "Mozilla/5.0 (iPad; CPU OS 17_{m} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.{m} "
        "Mobile/15E148 Safari/604.1"),
    (4, "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/12{m}.0.0.{v} Safari/537.36"),
    (2, "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/12{m}.0.{v}.0 Mobile Safari/537.36 Instagram 3{m}0.0.0.{v} Android"),
    (1, "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"),
    (1, "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/12{m}.0.0.0 "
        "Safari/537.36"),
)
_EXTERNAL = (  # (weight, referrer, landing query)
    (30, "", ""), (22, "https://www.google.com/", ""), (6, "https://www.google.de/", ""),
    (4, "https://www.bing.com/search?q=analytics", ""), (3, "https://duckduckgo.com/", ""),
    (5, "https://l.facebook.com/l.php?u=https%3A%2F%2Fshop", "fbclid=IwAR2x{v}"),
    (3, "https://t.co/{v}", ""), (3, "https://chatgpt.com/", "utm_source=chatgpt.com"),
    (2, "https://www.reddit.com/r/shops/comments/{v}/", ""), (2, "https://news.ycombinator.com/item?id={v}", ""),
    (4, "", "utm_source=newsletter&utm_medium=email&utm_campaign=spring_{m}"),
    (3, "https://www.google.com/", "gclid=Cj0KCQ{v}&utm_source=google&utm_medium=cpc&utm_campaign=brand"),
    (3, "https://blog.example.org/post-{m}", ""), (2, "https://www.linkedin.com/", "utm_source=linkedin"),
)
_PAGES = ["/", "/pricing", "/about", "/contact", "/cart", "/checkout"] + [
    f"/products/{kind}-{i}" for kind in ("shoe", "shirt", "bag", "watch") for i in range(60)] + [
    f"/blog/{i}-how-to-choose" for i in range(40)]
_NAMES = ("signup", "add_to_cart", "newsletter_subscribe", "download", "outbound_click")
_PII_QUERIES = ("email=jane.doe{v}@example.com", "phone=%2B49%2030%20123456{m}", "ref=partner{v}")


@dataclass(frozen=True, slots=True)
class Event:
    body: dict  # what the tracker sends
    ip: str
    user_agent: str


def _user_agents(rng: random.Random) -> list[tuple[str, float]]:
    """~400 distinct strings; weights fall off along each template's list (a long tail)."""
    out = []
    for weight, template in _UA_TEMPLATES:
        variants = sorted({template.format(m=rng.randint(0, 9), v=rng.randint(1, 9999)) for _ in range(40)})
        out += [(ua, weight / (rank + 1)) for rank, ua in enumerate(variants)]
    return out


def _ip(rng: random.Random) -> str:
    while True:
        a = rng.randint(1, 223)
        if a not in (10, 100, 127, 169, 172, 192):
            return f"{a}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def _pick(rng: random.Random, weighted):
    return rng.choices(weighted, weights=[w for w, *_ in weighted])[0]


def visits(n: int, site_id: str, domain: str, *, seed: int = 16, now_ms: int | None = None) -> list[Event]:
    """`n` events of visits of 1-8 pages starting in the 10 minutes before `now_ms` (default: an
    hour ago), interleaved as they arrive (sorted by time)."""
    rng = random.Random(seed)
    now_ms = now_ms or int(time.time() * 1000) - 3_600_000
    uas = _user_agents(rng)
    ua_pick = ([u for u, _ in uas], [w for _, w in uas])
    timed: list[tuple[int, Event]] = []
    while len(timed) < n:
        ip, ua = _ip(rng), rng.choices(*ua_pick)[0]
        t = now_ms - rng.randint(0, 600_000)
        _, referrer, query = _pick(rng, _EXTERNAL)
        fill = {"m": rng.randint(0, 9), "v": rng.randint(1, 99_999)}
        referrer, query = referrer.format(**fill), query.format(**fill)
        user_id = f"user-{rng.randint(1, 5000)}" if rng.random() < 0.05 else ""
        for page_no in range(rng.randint(1, 8)):
            path = rng.choice(_PAGES) if rng.random() < 0.7 else _PAGES[rng.randint(0, 5)]
            q = query if page_no == 0 else ""
            if rng.random() < 0.01:
                q = "&".join(filter(None, (q, rng.choice(_PII_QUERIES).format(**fill))))
            url = f"https://{domain}{path}" + (f"?{q}" if q else "")
            base = {"site_id": site_id, "url": url, "event_id": str(uuid.UUID(int=rng.getrandbits(128))),
                    **({"user_id": user_id} if user_id else {})}
            sent = t + rng.randint(0, 400)
            timed.append((t, Event({**base, "type": "pageview", "name": "pageview", "referrer": referrer,
                                    "ts": t, "sent_at": sent}, ip, ua)))
            if rng.random() < 0.25:
                t += rng.randint(1_000, 20_000)
                timed.append((t, Event({**base, "type": "event", "name": rng.choice(_NAMES), "ts": t,
                                        "event_id": str(uuid.UUID(int=rng.getrandbits(128))), "sent_at": t + 5,
                                        "props": {"plan": rng.choice(("free", "pro", "team")),
                                                  "value": rng.randint(1, 500)}}, ip, ua)))
            t += rng.randint(5_000, 120_000)
            if rng.random() < 0.6:  # the page was left with the tracker still running
                timed.append((t, Event({**base, "type": "engagement", "name": "engagement", "ts": t,
                                        "event_id": str(uuid.UUID(int=rng.getrandbits(128))), "sent_at": t,
                                        "engaged_ms": rng.randint(500, 90_000),
                                        "scroll_depth": rng.randint(0, 100)}, ip, ua)))
            referrer = url
    timed.sort(key=lambda pair: pair[0])
    return [e for _, e in timed[:n]]
