"""Reading the dashboard in a browser for its e2e tests: what is on screen (by data-metric /
data-raw and data-dimension / data-value), how the page must format a number in en-US, and the
query API answers and seed counts the screen is compared with."""

import math
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.e2e.harness import wait_for

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "dashboard"
TZ = "Europe/Berlin"
HEADLINE = ["visitors", "visits", "pageviews", "views_per_visit", "bounce_rate", "visit_duration"]
FIRST_TABS = {  # the first tab of each report card: dimension -> (metrics, the tab's own filters)
    "visit:source": (["visitors"], []), "event:page": (["visitors", "pageviews"], [["is", "event:name", ["pageview"]]]),
    "visit:country": (["visitors"], []), "visit:browser": (["visitors"], []),
    "event:goal": (["visitors", "events", "conversion_rate"], [])}



def key(svc) -> dict:
    return {"X-API-Key": svc.site["secret_key"]}


def query(svc, client, metrics, date_range, **body) -> dict:
    resp = client.post("/api/v2/query", headers=key(svc), json={
        "site_id": svc.site["site_id"], "metrics": metrics, "date_range": date_range, **body})
    assert resp.status_code == 200, resp.text
    return resp.json()


def local_days(n: int) -> tuple[date, date]:
    today = datetime.now(ZoneInfo(TZ)).date()
    return today - timedelta(days=n - 1), today


def seeded_pageviews(svc, first: date, last: date) -> int:
    """Counted from the seed, not by the service: pageviews whose local day is in [first, last]
    (the server events' by their timestamp, the shoppers' browser events were sent today)."""
    server = sum(e["eventName"] == "pageview"
                 and first <= datetime.fromisoformat(e["timestamp"]).astimezone(ZoneInfo(TZ)).date() <= last
                 for e in svc.events)
    today = datetime.now(ZoneInfo(TZ)).date()
    return server + sum(e["type"] == "pageview" for _, e in svc.shop) * (first <= today <= last)


def en_us(metric: str, value) -> str:
    """What the page must show for `value` in the en-US locale (dashboard/src/format.js)."""
    if metric in ("bounce_rate", "conversion_rate"):
        return f"{round(value, 1):,g}%"
    if metric == "visit_duration":
        s = math.floor(value + 0.5)  # JavaScript's Math.round: halves up (Python's round() halves to even)
        return f"{s}s" if s < 60 else f"{s // 60}m {s % 60:02d}s"
    if metric == "views_per_visit":
        return f"{round(value, 2):,g}"
    return f"{value:,}"


def headline_on_screen(page) -> dict:
    return page.eval_on_selector_all(
        ".metrics [data-metric]", "els => Object.fromEntries(els.map(e => [e.dataset.metric, [e.dataset.raw, "
        "e.textContent.trim()]]))")


def rows_on_screen(page, dimension) -> list:
    return page.eval_on_selector_all(
        f'li[data-dimension="{dimension}"]',
        "els => els.map(li => [li.dataset.value, "
        "[...li.querySelectorAll('[data-metric]')].map(e => Number(e.dataset.raw))])")


def settled(page, expected: dict, timeout: float = 10.0) -> dict:
    """The headline once it shows `expected` ({metric: value}), or whatever it shows at the deadline."""
    shown = {}

    def matches():
        nonlocal shown
        shown = headline_on_screen(page)
        return all(shown.get(m, [""])[0] == str(v) for m, v in expected.items())

    wait_for(matches, timeout)
    return shown


def check_headline(page, answer: dict, compare: bool = False) -> None:
    row = answer["results"][0]
    expected = {m: raw_attribute(v) for m, v in zip(HEADLINE, row["metrics"], strict=True)}
    if compare:  # a change of nothing from nothing is not shown
        changes = zip(HEADLINE, row["comparison"]["change"], row["metrics"], strict=True)
        expected.update({f"{m}_change": raw_attribute(c) for m, c, v in changes if c is not None or v})
    shown = settled(page, expected)
    for metric, value in expected.items():
        assert shown[metric][0] == value, f"{metric}: page {shown[metric]}, API {value}"
    for metric, value in zip(HEADLINE, row["metrics"], strict=True):
        assert shown[metric][1] == en_us(metric, value), f"{metric} formatted {shown[metric][1]!r}"


def raw_attribute(value) -> str:
    """How JavaScript prints a JSON number into an attribute (1.0 -> "1", 2.5 -> "2.5"; null -> "")."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


WRITE_ROUTES = [  # (method, path, body) a share link must never reach
    ("POST", "/api/v1/sites/{site}/goals", {"event_name": "hijack"}),
    ("DELETE", "/api/v1/sites/{site}/goals/1", None),
    ("PUT", "/api/v1/sessions/settings?site_id={site}", {"timeout_minutes": 5}),
    ("POST", "/api/v1/sites/{site}/share-tokens", {"label": "more"}),
    ("PUT", "/api/v1/sites/{site}/currency-rates", {"reporting_currency": "USD"}),
    ("GET", "/api/v1/sites/{site}/share-tokens", None),
]
