"""ecommerce's metrics in the query engine (issue 12): `orders`, `total_revenue`, `average_revenue`
through `POST /api/v2/query`'s engine, by visit and event dimensions, with filters and a
comparison, against a truth computed in Python from the seeded shop. Orders sent twice count once,
bots are left out, a purchase counts under its *visit's* source (purchases carry no referrer), and
the reporting currency follows the ecommerce reports' rule. Both ledgers, both ClickHouse engines."""

import random
import uuid
from collections import defaultdict
from decimal import Decimal

import pytest

from core.query.clickhouse import QueryStore
from core.query.plan import QueryError
from core.query.schemas import QueryRequest
from core.query.service import QueryService
from tests.integration.core.test_query_engine import write_in_random_order
from tracking.ecommerce.clickhouse import EcommerceStore
from tracking.ecommerce.service.currency import CurrencyService
from tracking.ecommerce.service.query_metrics import purchase_metric
from tracking.ecommerce.service.recorder import OrderRecorder

from .crowd import rounded
from .shop import NOON_MS, purchase, shop_event, site

D = Decimal
DAY = "2024-05-06"  # shop.NOON's day
SOURCES = ("Google", "Newsletter", "")
COUNTRIES = ("DE", "US")
RATES = {"EUR": D(1), "USD": D("0.9")}  # configured into EUR; JPY has no rate anywhere
REVENUE = ["orders", "total_revenue", "average_revenue"]


def _crowd(site_id: str, seed: int, currencies: tuple[str, ...]) -> tuple[list, list[dict]]:
    """(shop events for the recorder, every event for the log) and the orders as the truth sees them."""
    rng = random.Random(seed)
    shop, log, orders = [], [], []
    for i in range(60):
        visitor, ts = 1_000 * (seed + 1) + i, NOON_MS + i * 1_000
        source, country, bot = rng.choice(SOURCES), rng.choice(COUNTRIES), rng.random() < 0.15
        log.append({"site_id": site_id, "event_id": str(uuid.uuid4()), "type": "pageview", "name": "pageview",
                    "ts_ms": ts, "received_ms": ts, "visitor_id": visitor, "session_id": visitor, "pathname": "/",
                    "source": source, "country": country, "is_bot": int(bot)})
        if i % 4 == 3:
            continue  # a visit without a purchase
        order = {"id": f"O-{seed}-{i}", "value": D(rng.randrange(100, 90_000)) / 100,
                 "currency": rng.choice(currencies), "source": source, "country": country, "bot": bot}
        orders.append(order)
        # The thank-you page's purchase: no referrer of its own, in the visit; sent twice for some.
        copies = 2 if i % 5 == 0 else 1
        for k in range(copies):
            shop.append(purchase(site_id, order["id"], str(order["value"]), order["currency"], visitor=visitor,
                                 session=visitor, ts_ms=ts + 500 + k, country=country, is_bot=int(bot),
                                 pathname="/thanks"))
        if i % 6 == 0:  # refunds never change these metrics
            shop.append(shop_event(site_id, "refund", {"order_id": order["id"], "currency": order["currency"],
                                                       "value": "1.00"}, visitor=9, ts_ms=ts + 900))
    log += [e.to_record() for e in shop]
    return shop, log, orders


def _truth(orders: list[dict], key, rates: dict[str, Decimal]) -> dict[tuple, list]:
    money: dict[tuple, dict[str, Decimal]] = defaultdict(lambda: defaultdict(D))
    counts: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for o in orders:
        if not o["bot"] and key(o) is not None:
            money[key(o)][o["currency"]] += o["value"]
            counts[key(o)][o["currency"]] += 1
    out = {}
    for k in money:
        total = rounded(sum((a * rates[c] for c, a in money[k].items() if c in rates), D(0)))
        convertible = sum(n for c, n in counts[k].items() if c in rates)
        out[k] = [sum(counts[k].values()), float(total), float(rounded(total / convertible)) if convertible else 0.0]
    return out


@pytest.fixture
def shop(ecommerce_ch, ledger_uow):
    """A recorded shop: the ledger and ecommerce's tables, the events log and its visits, and the engine."""
    def make(currencies: tuple[str, ...], seed: int):
        s = site(f"site_r_{uuid.uuid4().hex[:10]}")
        events, log, orders = _crowd(s.id, seed, currencies)
        OrderRecorder(uow=ledger_uow, store=EcommerceStore(analytics=ecommerce_ch)).record(events)
        write_in_random_order(ecommerce_ch, log, seed=seed)
        currency = CurrencyService(uow=ledger_uow, default_currency="EUR", configured_rates="USD=0.9")
        engine = QueryService(store=QueryStore(store=ecommerce_ch),
                              metrics=[purchase_metric(n, currency) for n in REVENUE])
        return s, orders, engine
    return make


def _run(engine, s, **body):
    answer = engine.run(site=s, request=QueryRequest(site_id=s.id, date_range=[DAY, DAY], **body))
    return {tuple(r.dimensions): r.metrics for r in answer.results}, answer


def test_revenue_by_the_visits_source_counts_each_recorded_order_once(shop):
    s, orders, engine = shop(("EUR", "USD", "JPY"), seed=1)
    got, answer = _run(engine, s, metrics=REVENUE, dimensions=["visit:source"])
    truth = _truth(orders, lambda o: (o["source"],), RATES)
    assert got == truth and len(truth) == len(SOURCES)
    assert answer.meta["currency"] == "EUR" and answer.meta["currency_source"] == "default"
    assert answer.meta["unconverted_currencies"] == ["JPY"]
    # the seed exercises what the metrics must get right
    assert sum(1 for o in orders if o["bot"]) > 3 and {o["currency"] for o in orders} == {"EUR", "USD", "JPY"}
    total, _ = _run(engine, s, metrics=REVENUE)
    assert total == _truth(orders, lambda o: (), RATES)
    assert total[()][0] == sum(1 for o in orders if not o["bot"])  # duplicates did not count twice


def test_filters_event_dimensions_and_the_comparison_apply_to_revenue(shop):
    s, orders, engine = shop(("EUR", "USD"), seed=2)
    de, _ = _run(engine, s, metrics=REVENUE, dimensions=["visit:source"], filters=[["is", "visit:country", ["DE"]]])
    assert de == _truth(orders, lambda o: (o["source"],) if o["country"] == "DE" else None, RATES)
    pages, _ = _run(engine, s, metrics=["orders", "total_revenue"], dimensions=["event:page"])
    assert pages == {("/thanks",): _truth(orders, lambda o: (), RATES)[()][:2]}
    none, _ = _run(engine, s, metrics=REVENUE, filters=[["is", "event:page", ["/cart"]]])
    assert none == {(): [0, 0.0, 0.0]}
    compared = engine.run(site=s, request=QueryRequest(site_id=s.id, date_range=[DAY, DAY], metrics=REVENUE,
                                                       include={"comparison": "previous_period"}))
    row = compared.results[0]
    assert row.comparison.metrics == [0, 0.0, 0.0] and row.comparison.change == [None, None, None]


def test_a_single_currency_shop_reports_in_its_own_currency(shop):
    s, orders, engine = shop(("USD",), seed=3)
    got, answer = _run(engine, s, metrics=["total_revenue", "average_revenue"], dimensions=["visit:country"])
    assert got == {k: v[1:] for k, v in _truth(orders, lambda o: (o["country"],), {"USD": D(1)}).items()}
    assert (answer.meta["currency"], answer.meta["currency_source"]) == ("USD", "orders")
    assert "unconverted_currencies" not in answer.meta


def test_revenue_by_goal_is_refused_with_the_reason(shop):
    s, _, engine = shop(("EUR",), seed=4)
    with pytest.raises(QueryError, match="'orders' is counted over events of its own type"):
        _run(engine, s, metrics=["orders"], dimensions=["event:goal"])
