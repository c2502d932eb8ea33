"""A read that runs past UT_STATS_TIMEOUT_S is stopped by the engine itself (ClickHouse's
max_execution_time), on chDB and on the server: its work ends there instead of holding a slot
(and, embedded, the engine's lock) until it finishes, and the API answers 503, never a 500
(tests/integration/core/test_stats_shedding.py)."""

import time

import pytest

from core.analytics.port import AnalyticsTimeout

# Minutes of work for one core: only a timeout ends it in a test's time.
SLOW = "SELECT count() FROM numbers(100000000000) WHERE sipHash64(number) % 7 = 1"


def test_the_engine_stops_a_read_at_its_timeout_and_serves_the_next_one(analytics_store):
    started = time.monotonic()
    with pytest.raises(AnalyticsTimeout, match="longer than 1 s"):
        analytics_store.query(SLOW, timeout_s=1)
    assert time.monotonic() - started < 5  # stopped at about 1 s, not run to its end
    assert analytics_store.query("SELECT 1 + %(n)s", {"n": 1}, timeout_s=1) == [(2,)]
    assert analytics_store.query("SELECT 40 + 2") == [(42,)]  # no timeout: as before
