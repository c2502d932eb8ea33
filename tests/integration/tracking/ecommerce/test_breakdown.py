"""`GET /api/v1/ecommerce/breakdown` as the query engine's numbers (issue 12): a purchase counts
under its *visit's* source, channel, device and country (its entry's: the purchase itself, on a
later page, carries no referrer), a refund on its own day under its order's visit (even one
placed before the range, or refunded by a server outside any visit). Truth computed in Python from
the seeded visits; the rows add up to the engine's total and to the overview. Both ledgers, both
ClickHouse engines, with the events log written out of order (visits change entry meanwhile)."""

import random
import uuid
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest

from core.query.clickhouse import QueryStore
from core.query.schemas import QueryRequest
from core.query.service import QueryService
from core.tenancy.service import TenancyService
from tests.integration.core.test_query_engine import write_in_random_order
from tracking.ecommerce.clickhouse import EcommerceStore
from tracking.ecommerce.service.breakdown import BREAKDOWN_PROPERTIES, RevenueBreakdown, UnknownBreakdown
from tracking.ecommerce.service.currency import CurrencyService
from tracking.ecommerce.service.query_metrics import purchase_metric
from tracking.ecommerce.service.recorder import OrderRecorder
from tracking.ecommerce.service.reports import ReportsService

from .crowd import converted
from .shop import NOON_MS, day_window, purchase, shop_event, site

D = Decimal
DAY_MS = 86_400_000
FIRST, LAST = date(2024, 5, 6), date(2024, 5, 7)  # the range: NOON's day and the next
RATES = {"EUR": D(1), "USD": D("0.9")}  # configured into EUR; JPY has none (left out, listed)
# (source, channel) of a visit's entry; later pages and the shop events carry neither
ENTRIES = (("Google", "Organic Search"), ("Newsletter", "Email"), ("", "Direct"), ("Bing", "Organic Search"))
DEVICES, COUNTRIES = ("Desktop", "Mobile"), ("DE", "US", "FR")
PROPS = {"source": 0, "channel": 1, "device": 2, "country": 3}
METRICS = ["orders", "total_revenue", "refunds"]


def _crowd(site_id: str, seed: int):
    """(shop events, every logged event, orders, refunds) of visits on the day before the range,
    in it, and after it; each order and refund as the truth sees it."""
    rng = random.Random(seed)
    shop, log, orders, refunds = [], [], [], []
    for i in range(240):
        day = rng.choice((-1, 0, 0, 1, 1, 2))  # days after NOON's; the range is days 0 and 1
        visitor, session = 10_000 * (seed + 1) + i, 50_000 * (seed + 1) + i
        start = NOON_MS + day * DAY_MS + rng.randrange(-3_600_000, 3_600_000)
        (source, channel), device, country = rng.choice(ENTRIES), rng.choice(DEVICES), rng.choice(COUNTRIES)
        bot = rng.random() < 0.1
        attrs = (source, channel, device, country)
        pages = rng.randint(1, 5)
        common = {"site_id": site_id, "visitor_id": visitor, "session_id": session, "is_bot": int(bot),
                  "device_type": device, "country": country}
        for p in range(pages):  # the entry carries the source; later pages only the device and place
            ts = start + p * 20_000
            log.append({**common, "event_id": str(uuid.uuid4()), "type": "pageview", "name": "pageview",
                        "ts_ms": ts, "received_ms": ts, "pathname": f"/p{p}",
                        **({"source": source, "channel": channel} if p == 0 else {"channel": "Direct"})})
        if i % 3 == 2:
            continue  # browsed only
        order = {"id": f"O-{seed}-{i}", "value": D(rng.randrange(100, 90_000)) / 100, "day": day,
                 "currency": rng.choice(("EUR", "EUR", "USD", "JPY")), "attrs": attrs, "bot": bot}
        orders.append(order)
        at = start + pages * 20_000  # on the thank-you page, after the visit's pages
        for k in range(2 if i % 5 == 0 else 1):  # some sent twice: the ledger counts one
            shop.append(purchase(site_id, order["id"], str(order["value"]), order["currency"], visitor=visitor,
                                 session=session, ts_ms=at + k, is_bot=int(bot), pathname="/thanks",
                                 channel="Direct", device_type=device if k == 0 else "", country=country))
        if i % 4 == 0:  # refunded by the shop's server, outside any visit, 0-2 days later
            later = rng.choice((0, 1, 2))
            amount = (order["value"] * rng.randrange(1, 100) / 100).quantize(D("0.01"))
            refunds.append({"order": order, "amount": amount, "day": day + later})
            shop.append(shop_event(site_id, "refund", {"order_id": order["id"], "refund_id": "r",
                                                       "currency": order["currency"], "value": str(amount)},
                                   visitor=9, ts_ms=at + later * DAY_MS + 60_000))
    shop.append(shop_event(site_id, "refund", {"order_id": "never-recorded", "currency": "EUR", "value": "3.50"},
                           visitor=8, ts_ms=NOON_MS + 7))  # an order from before the shop was tracked
    refunds.append({"order": {"attrs": ("", "", "", ""), "bot": False, "currency": "EUR"}, "amount": D("3.50"),
                    "day": 0})
    log += [e.to_record() for e in shop]
    return shop, log, orders, refunds


def _truth(orders, refunds, key, include_bots=False) -> dict:
    """value -> (orders, gross, refunds) in EUR, each converted and rounded once."""
    gross, taken, count = defaultdict(lambda: defaultdict(D)), defaultdict(lambda: defaultdict(D)), defaultdict(int)
    for o in orders:
        if o["day"] in (0, 1) and (include_bots or not o["bot"]):
            gross[key(o["attrs"])][o["currency"]] += o["value"]
            count[key(o["attrs"])] += 1
    for r in refunds:
        if r["day"] in (0, 1) and (include_bots or not r["order"]["bot"]):
            taken[key(r["order"]["attrs"])][r["order"]["currency"]] += r["amount"]
    return {v: (count[v], converted(gross[v], RATES), converted(taken[v], RATES)) for v in {*gross, *taken}}


@pytest.fixture
def shop(ecommerce_ch, ledger_uow):
    def make(seed: int):
        sid = TenancyService(uow=ledger_uow).create_site(domain="shop.example").site_id
        shop_events, log, orders, refunds = _crowd(sid, seed)
        store = EcommerceStore(analytics=ecommerce_ch)
        OrderRecorder(uow=ledger_uow, store=store).record(shop_events)
        write_in_random_order(ecommerce_ch, log, seed=seed)
        currency = CurrencyService(uow=ledger_uow, default_currency="EUR", configured_rates="USD=0.9")
        engine = QueryService(store=QueryStore(store=ecommerce_ch),
                              metrics=[purchase_metric(n, currency) for n in (*METRICS, "average_revenue")])
        reports = ReportsService(store=store, currency=currency, fallback_window_minutes=30)
        return site(sid), orders, refunds, engine, RevenueBreakdown(engine=engine), reports
    return make


def test_revenue_is_under_the_visits_attributes_and_adds_up_to_the_total(shop):
    s, orders, refunds, engine, revenue, reports = shop(seed=1)
    # the seed exercises what the report must get right
    assert {o["currency"] for o in orders} == {"EUR", "USD", "JPY"} and sum(o["bot"] for o in orders) > 3
    assert any(r["day"] in (0, 1) and r["order"].get("day") == -1 for r in refunds)  # an order before the range
    assert any(r["day"] == 2 and r["order"]["day"] in (0, 1) for r in refunds)  # refunded after it
    overview = reports.overview(site=s, window=day_window(FIRST, LAST))
    for include_bots in (False, True):
        for prop, i in PROPS.items():
            rows = revenue.breakdown(site=s, date_from=FIRST, date_to=LAST, prop=prop, limit=1000,
                                     include_bots=include_bots)
            truth = _truth(orders, refunds, lambda a, i=i: a[i], include_bots)
            assert {r.value or "": (r.orders, r.gross_revenue, r.refunds) for r in rows} == truth, (prop, include_bots)
            assert all(r.revenue == r.gross_revenue - r.refunds and r.currency == "EUR" for r in rows)
            assert [r.revenue for r in rows] == sorted((r.revenue for r in rows), reverse=True)
            (total,) = engine.run(site=s, request=QueryRequest(
                site_id=s.id, metrics=METRICS, date_range=[FIRST.isoformat(), LAST.isoformat()],
                include_bots=include_bots)).results
            assert sum(r.orders for r in rows) == total.metrics[0]
            assert sum(r.gross_revenue for r in rows) == D(repr(total.metrics[1]))
            assert sum(r.refunds for r in rows) == D(repr(total.metrics[2]))
            if not include_bots:  # the overview's orders and revenue, net of refunds
                assert (sum(r.orders for r in rows), sum(r.revenue for r in rows)) == (
                    overview.orders, overview.revenue), prop
    assert overview.unconverted_currencies == ["JPY"]


def test_a_filter_limit_and_the_engines_own_refunds_metric(shop):
    s, orders, refunds, engine, revenue, _ = shop(seed=2)
    top = revenue.breakdown(site=s, date_from=FIRST, date_to=LAST, prop="source", limit=2)
    every = revenue.breakdown(site=s, date_from=FIRST, date_to=LAST, prop="source", limit=100)
    assert top == every[:2] and len(every) == len({e[0] for e in ENTRIES})
    # refunds by the order's visit's country, only for visits from Google (a visit filter)
    answer = engine.run(site=s, request=QueryRequest(
        site_id=s.id, metrics=["refunds", "orders"], date_range=[FIRST.isoformat(), LAST.isoformat()],
        dimensions=["visit:country"], filters=[["is", "visit:source", ["Google"]]]))
    truth = _truth(orders, refunds, lambda a: a[3] if a[0] == "Google" else None)
    truth.pop(None, None)
    assert {r.dimensions[0]: r.metrics for r in answer.results} == {
        c: [float(t[2]), t[0]] for c, t in truth.items()}
    assert answer.meta["currency"] == "EUR" and answer.meta["unconverted_currencies"] == ["JPY"]
    # by the refund's own day: the days of the range
    days = engine.run(site=s, request=QueryRequest(
        site_id=s.id, metrics=["refunds"], date_range=[FIRST.isoformat(), LAST.isoformat()],
        dimensions=["time:day"]))
    by_day = {r.dimensions[0]: r.metrics[0] for r in days.results}
    for n, day in enumerate((FIRST, LAST)):
        taken = defaultdict(D)
        for r in refunds:
            if r["day"] == n and not r["order"]["bot"]:
                taken[r["order"]["currency"]] += r["amount"]
        assert by_day.get(day.isoformat(), 0.0) == float(converted(taken, RATES))


def test_an_unknown_property_or_a_bad_range_is_refused(shop):
    s, *_, revenue, _ = shop(seed=3)
    assert BREAKDOWN_PROPERTIES == ("source", "channel", "device", "country")
    with pytest.raises(UnknownBreakdown, match="unknown property 'colour'; one of: source, channel"):
        revenue.breakdown(site=s, date_from=FIRST, date_to=LAST, prop="colour", limit=10)
    from core.query.plan import QueryError
    with pytest.raises(QueryError, match="before"):
        revenue.breakdown(site=s, date_from=LAST, date_to=LAST - timedelta(days=1), prop="source", limit=10)
