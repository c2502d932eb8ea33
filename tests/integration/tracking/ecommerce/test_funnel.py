"""The checkout funnel from ClickHouse (windowFunnel on chDB 26.9 and on 18.16) equals the funnel
computed by hand in Python, on a seeded fixture of several hundred visitors with known paths."""

from datetime import timedelta

import pytest

from tracking.ecommerce.clickhouse import EcommerceStore
from tracking.ecommerce.schemas.payload import FUNNEL_STEPS, parse_payload
from tracking.ecommerce.service.currency import CurrencyService
from tracking.ecommerce.service.reports import ReportsService

from .funnel_truth import DAY, MINUTE, funnel_by_hand, generate_paths
from .shop import NOON, NOON_MS, day_window, shop_event, site


@pytest.fixture(scope="module")
def fixture_site(ecommerce_ch):
    """400 visitors' paths, written once per engine (twice, as the bus may redeliver)."""
    site_id = f"site_funnel_{ecommerce_ch.kind}"
    rows = generate_paths(seed=20240506, visitors=400, start_ms=NOON_MS)
    extra = {"purchase": {"order_id": "o", "currency": "EUR", "value": "1"}}
    events = [shop_event(site_id, name, extra.get(name), visitor=v, session=s, ts_ms=ts) for v, s, ts, name in rows]
    store = EcommerceStore(analytics=ecommerce_ch)
    pairs = [(e, parse_payload(e.data)) for e in events]
    store.add_events(pairs)
    store.add_events(pairs[: len(pairs) // 3])
    return site(site_id), rows, ReportsService(store=store, currency=CurrencyService(
        uow=None, default_currency="EUR", configured_rates=""), fallback_window_minutes=10)


@pytest.mark.parametrize("minutes", [None, 1, 10, 30])
def test_the_funnel_equals_the_one_computed_by_hand(fixture_site, minutes):
    s, rows, reports = fixture_site
    got = reports.funnel(site=s, window=day_window(), minutes=minutes)
    by_session = minutes is None
    expected = funnel_by_hand(rows, window_ms=(10 if by_session else minutes) * MINUTE, by_session=by_session)
    assert [step.visitors for step in got.steps] == expected
    assert [step.name for step in got.steps] == list(FUNNEL_STEPS)
    first, last = expected[0], expected[-1]
    assert first > 300 and 0 < last < expected[-2]  # the fixture really exercises every step
    assert got.conversion_rate == round(last / first, 4)
    assert [s.drop_off for s in got.steps] == [0] + [a - b for a, b in zip(expected, expected[1:], strict=False)]


def test_window_and_session_give_different_funnels(fixture_site):
    """The fixture discriminates: a bug that ignores the window or the sessions would show."""
    s, rows, reports = fixture_site
    funnels = {m: [st.visitors for st in reports.funnel(site=s, window=day_window(), minutes=m).steps]
               for m in (None, 1, 30)}
    assert len({tuple(f) for f in funnels.values()}) == 3
    assert funnel_by_hand(rows, window_ms=10 * MINUTE, by_session=True) != funnel_by_hand(
        rows, window_ms=DAY, by_session=True)  # the fallback window matters for session-less visitors


def test_a_funnel_does_not_span_midnight_utc(ecommerce_ch, unique):
    """Visitor hashes rotate at 00:00 UTC, so the funnel groups by UTC day (documented)."""
    s, midnight = site(f"site_{unique}"), NOON_MS + 12 * 3600_000
    rows = [(7, 70, midnight - 10_000, "view_item"), (7, 70, midnight + 10_000, "add_to_cart"),
            (8, 80, midnight + 20_000, "view_item"), (8, 80, midnight + 30_000, "add_to_cart")]
    store = EcommerceStore(analytics=ecommerce_ch)
    store.add_events([(e, parse_payload(e.data)) for e in (
        shop_event(s.id, name, visitor=v, session=sess, ts_ms=ts) for v, sess, ts, name in rows)])
    reports = ReportsService(store=store, currency=None, fallback_window_minutes=30)
    two_days = day_window(NOON.date(), NOON.date() + timedelta(days=1))
    for minutes in (None, 30):
        got = [st.visitors for st in reports.funnel(site=s, window=two_days, minutes=minutes).steps]
        assert got == funnel_by_hand(rows, window_ms=30 * MINUTE, by_session=minutes is None) == [2, 1, 0, 0, 0]
