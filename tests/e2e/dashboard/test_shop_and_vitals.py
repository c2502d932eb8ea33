"""The e-commerce and Web Vitals cards in Chromium, on the package's seeded service (conftest.py):
their figures are the query engine's (`orders`, `total_revenue`, `average_revenue`; `*_p75` with
`*_count`, `*_good`, `*_poor` for the shares), so with a filter chip and the comparison on they show
what `POST /api/v2/query` answers for the same body, and what only the ecommerce report routes know
(the conversion rate, the checkout funnel, top products) is the routes' answer, marked "not
filtered" while a filter is on.
The seed's own numbers are checked too: two orders (25.00 and 45.00 EUR), one from a Google visit.
"""

from tests.e2e.dashboard_page import key, query, raw_attribute
from tests.e2e.harness import wait_for

SHOP = ["total_revenue", "orders", "average_revenue"]
VITALS = ["lcp", "inp", "cls", "fcp", "ttfb"]
P75 = [f"{m}_p75" for m in VITALS]
VITAL_METRICS = [f"{m}_{s}" for m in VITALS for s in ("p75", "count", "good", "poor")]  # commerce.js's order
TABS = [("event:page", "Pages"), ("visit:device", "Devices"), ("visit:country", "Countries")]
GOOGLE = [["is", "visit:source", ["Google"]]]


def figures(page, within: str) -> dict:
    return page.eval_on_selector_all(f"{within} [data-metric]", "els => Object.fromEntries(els.map(e => "
                                     "[e.dataset.metric, e.dataset.raw]))")


def vitals_rows(page, dimension: str) -> list:
    return page.eval_on_selector_all(
        f'.vitals [data-dimension="{dimension}"]', "rows => rows.map(r => [r.dataset.value, "
        "[...r.querySelectorAll('[data-metric]')].map(e => Number(e.dataset.raw))])")


def expected(answer: dict, metrics: list[str], shown: list[str]) -> dict:
    """The page's data-raw attributes for the engine's one row: the `shown` values, and their
    changes when compared (a change of nothing from nothing is not shown)."""
    row = answer["results"][0]
    values = dict(zip(metrics, row["metrics"], strict=True))
    out = {m: raw_attribute(values[m]) for m in shown}
    if row["comparison"]:
        changes = dict(zip(metrics, row["comparison"]["change"], strict=True))
        out.update({f"{m}_change": raw_attribute(changes[m]) for m in shown if changes[m] is not None or values[m]})
    return out


def p75s(metrics: list) -> list:
    return [v for name, v in zip(VITAL_METRICS, metrics, strict=True) if name.endswith("_p75")]


def check_cards(dash, page, client, filters: list, compare: bool) -> None:
    body = {"filters": filters, "include": {"comparison": "previous_period"} if compare else {}}
    shop = query(dash, client, SHOP, "7d", **body)
    want = expected(shop, SHOP, SHOP)
    assert wait_for(lambda: {k: v for k, v in figures(page, ".stats.shop").items()
                             if k != "ecommerce_conversion_rate"} == want, 5), (figures(page, ".stats.shop"), want)
    total = query(dash, client, VITAL_METRICS, "7d", **body)
    want = expected(total, VITAL_METRICS, P75)
    assert wait_for(lambda: figures(page, ".vtotal") == want, 5), (figures(page, ".vtotal"), want)
    card = page.locator("section.card", has_text="Web Vitals")
    for dimension, label in TABS:
        card.locator("button[role=tab]", has_text=label).click()
        rows = query(dash, client, VITAL_METRICS, "7d", filters=filters, dimensions=[dimension],
                     order_by=[["lcp_count", "desc"]], pagination={"limit": 8, "offset": 0})["results"]
        want = [[r["dimensions"][0], p75s(r["metrics"])] for r in rows]
        assert want and wait_for(lambda d=dimension, w=want: vitals_rows(page, d) == w, 5), \
            (dimension, vitals_rows(page, dimension), want)
    card.locator("button[role=tab]", has_text="Pages").click()


def test_the_cards_show_the_engine_and_the_reports(dash, page):
    page.goto(f"{dash.url}/?period=7d")
    page.wait_for_selector(".stats.shop [data-metric=orders]")
    with dash.client() as client:
        check_cards(dash, page, client, [], compare=False)
        shown = figures(page, ".stats.shop")
        assert (shown["orders"], shown["total_revenue"], shown["average_revenue"]) == ("2", "70", "35")  # the seed
        first, last = query(dash, client, ["visitors"], "7d")["query"]["date_range"]
        days = {"site_id": dash.site["site_id"], "from": first, "to": last}
        overview = client.get("/api/v1/ecommerce/overview", params=days, headers=key(dash)).json()
        funnel = client.get("/api/v1/ecommerce/funnel", params=days, headers=key(dash)).json()
        vitals = client.get("/api/v1/vitals", params={**days, "by": "page", "limit": 100}, headers=key(dash)).json()
    assert shown["ecommerce_conversion_rate"] == raw_attribute(overview["conversion_rate"])
    steps = page.eval_on_selector_all(
        'li[data-dimension="ecommerce:funnel_step"]',
        "els => els.map(li => [li.dataset.value, Number(li.querySelector('[data-metric=visitors]').dataset.raw)])")
    assert steps == [[s["name"], s["visitors"]] for s in funnel["steps"]]
    assert [s[1] for s in steps] == [3, 2, 2, 2, 2]
    # the engine's p75 per page is the vitals report's, and so is each cell's rating
    by_page = {g["group"]: [g["metrics"][m.upper()]["p75"] for m in VITALS] for g in vitals["groups"]}
    assert dict(vitals_rows(page, "event:page")) == by_page
    ratings = page.eval_on_selector_all(
        '.vitals [data-dimension="event:page"]',
        "rows => rows.map(r => [r.dataset.value, [...r.querySelectorAll('[data-rating]')].map(e => e.dataset.rating)])")
    assert dict(ratings) == {g["group"]: [g["metrics"][m.upper()]["rating"] for m in VITALS] for g in vitals["groups"]}
    assert page.locator(".vitals .shares").count() == 3 * 5  # the whole selection's and each page's
    assert page.locator("[data-unfiltered]").count() == 0  # nothing to say without a filter


def test_with_a_filter_chip_and_the_comparison_the_cards_follow_the_engine(dash, page):
    page.goto(f"{dash.url}/?period=7d&compare=1")
    page.click('li[data-dimension="visit:source"][data-value="Google"] button.row')
    page.wait_for_url("**f=visit%3Asource%7Cis%7CGoogle*")
    with dash.client() as client:
        check_cards(dash, page, client, GOOGLE, compare=True)
        whole = query(dash, client, SHOP + P75, "7d")["results"][0]["metrics"]
    shown = {**figures(page, ".stats.shop"), **figures(page, ".vtotal")}
    # one of the two orders came from a Google visit (the first shopper's 2 x 12.50)
    assert (shown["orders"], shown["total_revenue"]) == ("1", "25")
    assert [shown[m] for m in SHOP + P75] != [raw_attribute(v) for v in whole]
    marked = page.eval_on_selector_all("[data-unfiltered]", "els => els.map(e => e.dataset.unfiltered)")
    assert sorted(marked) == ["checkout_funnel", "conversion", "products"]
    # a vitals row filters the page like any report row
    page.click('.vitals [data-dimension="event:page"][data-value="/pricing"] button')
    page.wait_for_url("**f=event%3Apage%7Cis%7C%2Fpricing*")
    with dash.client() as client:
        check_cards(dash, page, client, [*GOOGLE, ["is", "event:page", ["/pricing"]]], compare=True)
