"""The dedup ledger on a real Redis: per-site keys that expire."""

import time

import pytest

from core.ingest.dedup import DedupLedger


@pytest.fixture
def sites(redis_client, unique):
    names = (f"site_a_{unique}", f"site_b_{unique}")
    yield names
    for site in names:
        keys = list(redis_client.scan_iter(match=f"core:dedup:{site}:*"))
        if keys:
            redis_client.delete(*keys)


def test_remembered_ids_are_seen_per_site(redis_client, sites):
    ledger = DedupLedger(client=redis_client, ttl_s=60)
    a, b = sites
    assert ledger.seen([]) == set()
    assert ledger.seen([(a, "e1"), (b, "e1")]) == set()

    ledger.remember([(a, "e1"), (a, "e2")])
    assert ledger.seen([(a, "e1"), (a, "e2"), (a, "e3"), (b, "e1")]) == {(a, "e1"), (a, "e2")}
    assert sorted(redis_client.scan_iter(match=f"core:dedup:{a}:*")) == [
        f"core:dedup:{a}:e1".encode(), f"core:dedup:{a}:e2".encode()]
    assert list(redis_client.scan_iter(match=f"core:dedup:{b}:*")) == []


def test_remembered_ids_expire_after_the_ttl(redis_client, sites):
    a, _ = sites
    DedupLedger(client=redis_client, ttl_s=3600).remember([(a, "long")])
    assert 3590 <= redis_client.ttl(f"core:dedup:{a}:long") <= 3600

    short = DedupLedger(client=redis_client, ttl_s=1)
    short.remember([(a, "short")])
    assert 0 < redis_client.pttl(f"core:dedup:{a}:short") <= 1000
    assert short.seen([(a, "short"), (a, "long")]) == {(a, "short"), (a, "long")}
    time.sleep(1.1)
    assert short.seen([(a, "short"), (a, "long")]) == {(a, "long")}
