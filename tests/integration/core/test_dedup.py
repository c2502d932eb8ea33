"""The dedup ledger on a real Redis: per-site sets of ids per time bucket, a few commands per batch,
that expire after the TTL."""

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
    (key,) = redis_client.scan_iter(match=f"core:dedup:{a}:*")  # one set per site and bucket
    assert redis_client.smembers(key) == {b"e1", b"e2"}
    assert list(redis_client.scan_iter(match=f"core:dedup:{b}:*")) == []


def test_a_batch_costs_a_few_commands_per_site_not_one_per_event(redis_client, sites):
    ledger = DedupLedger(client=redis_client, ttl_s=60)
    a, b = sites
    before = redis_client.info("stats")["total_commands_processed"]
    ledger.remember([(a, f"e{i}") for i in range(500)] + [(b, "x")])
    assert len(ledger.seen([(a, f"e{i}") for i in range(1000)] + [(b, "x")])) == 501
    # 2 per site to remember, 5 per site to look up (the buckets one TTL spans), and INFO itself
    assert redis_client.info("stats")["total_commands_processed"] - before <= 2 * 2 + 5 * 2 + 1


def test_ids_are_remembered_at_least_the_ttl_across_buckets(redis_client, sites):
    a, _ = sites
    start = time.time()  # the sets expire by Redis' clock: the ledger's runs forward from now
    now = [start]
    ledger = DedupLedger(client=redis_client, ttl_s=3600, clock=lambda: now[0])
    ledger.remember([(a, "early")])
    for step in range(4):  # a bucket is a quarter of the TTL: found in every one the TTL reaches
        now[0] += 899
        ledger.remember([(a, f"later{step}")])
        assert (a, "early") in ledger.seen([(a, "early")])
    now[0] = start + 3600 + 901  # past the TTL and the bucket it was kept in
    assert ledger.seen([(a, "early")]) == set()


def test_remembered_ids_expire_after_the_ttl(redis_client, sites):
    a, _ = sites
    DedupLedger(client=redis_client, ttl_s=3600).remember([(a, "long")])
    (key,) = redis_client.scan_iter(match=f"core:dedup:{a}:*")
    assert 3590 <= redis_client.ttl(key) <= 3600 * 1.25

    short = DedupLedger(client=redis_client, ttl_s=1)
    short.remember([(a, "short")])
    assert short.seen([(a, "short")]) == {(a, "short")}
    time.sleep(1.3)  # at most 1.25 x the TTL
    assert short.seen([(a, "short")]) == set()
    assert DedupLedger(client=redis_client, ttl_s=3600).seen([(a, "long")]) == {(a, "long")}
