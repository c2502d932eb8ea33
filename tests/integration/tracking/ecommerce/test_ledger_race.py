"""Two workers recording copies of one order, or two full refunds of it, at the same moment on
PostgreSQL: the unique key lets one purchase in, the row lock stops a second full refund."""

import threading
import time
from decimal import Decimal

import pytest
from sqlalchemy import create_engine

from core.db.engine import build_session_factory
from core.db.unit_of_work import UnitOfWork
from tracking.ecommerce.clickhouse import EcommerceStore
from tracking.ecommerce.repository import LedgerRepository
from tracking.ecommerce.service.currency import CurrencyService
from tracking.ecommerce.service.recorder import OrderRecorder
from tracking.ecommerce.service.reports import ReportsService

from .shop import NOON_MS, day_window, purchase, shop_event, site


@pytest.fixture
def racing(ecommerce_ch, postgres_url, monkeypatch):
    """Two recorders on their own connections; the first one holds its transaction open a while
    after writing, so the second one runs into its uncommitted rows."""
    engine = create_engine(postgres_url, pool_size=4)
    uow = lambda: UnitOfWork(build_session_factory(engine))  # noqa: E731
    store = EcommerceStore(analytics=ecommerce_ch)
    first_wrote = threading.Event()

    def slowly(method):
        def wrapped(self, *args, **kwargs):
            result = method(self, *args, **kwargs)
            if threading.current_thread().name == "first" and args[0]:  # rows were written
                first_wrote.set()
                time.sleep(0.5)  # still inside the transaction: the row is written, not committed
            return result
        return wrapped

    for name in ("add_orders", "add_refund"):
        monkeypatch.setattr(LedgerRepository, name, slowly(getattr(LedgerRepository, name)))

    def race(first: list, second: list) -> None:
        errors = []

        def run(batch):
            try:
                OrderRecorder(uow=uow, store=store).record(batch)
            except Exception as exc:  # surfaced below
                errors.append(exc)
        a = threading.Thread(target=run, args=(first,), name="first")
        b = threading.Thread(target=run, args=(second,), name="second")
        a.start()
        assert first_wrote.wait(10)
        b.start()
        a.join(20)
        b.join(20)
        first_wrote.clear()
        assert errors == []

    reports = ReportsService(store=store, currency=CurrencyService(uow=uow, default_currency="EUR",
                                                                   configured_rates=""), fallback_window_minutes=30)
    yield race, reports
    engine.dispose()


def test_racing_copies_of_an_order_and_racing_full_refunds_count_once(racing, unique):
    race, reports = racing
    s = site(f"site_race_{unique}")
    race([purchase(s.id, "O-1", "80.00", visitor=1)], [purchase(s.id, "O-1", "80.00", visitor=2)])
    got = reports.overview(site=s, window=day_window())
    assert (got.orders, got.gross_revenue, got.purchasing_visitors) == (1, Decimal("80.0000"), 1)

    race([shop_event(s.id, "refund", {"order_id": "O-1"}, ts_ms=NOON_MS + 1)],  # two full refunds,
         [shop_event(s.id, "refund", {"order_id": "O-1"}, ts_ms=NOON_MS + 2)])  # from two systems
    got = reports.overview(site=s, window=day_window())
    assert (got.refunds, got.revenue, got.refund_count) == (Decimal("80.0000"), Decimal(0), 2)
