"""Session assignment on real Redis (and per-site timeouts in real Postgres): exact boundaries,
midnight in Berlin, campaigns, and two workers sharing the state without conflicting sessions."""

import threading
import uuid
from datetime import UTC, datetime

import pytest
import redis

from core.db.unit_of_work import UnitOfWork
from core.tenancy.service import SiteInfo, TenancyService
from tracking.sessions.cache import PREFIX, SessionStateCache
from tracking.sessions.service.assigner import SessionAssigner
from tracking.sessions.service.site_settings import InvalidTimeout, SiteSettingsService


class DefaultTimeouts:
    def timeouts_ms(self, site_ids):
        return {s: 30 * 60_000 for s in site_ids}


def ms(*args) -> int:
    return int(datetime(*args, tzinfo=UTC).timestamp() * 1000)


def rec(site_id: str, at: int, visitor: int = 1, **fields) -> dict:
    return {"site_id": site_id, "event_id": str(uuid.uuid4()), "ts_ms": at, "visitor_id": visitor, **fields}


@pytest.fixture
def site(unique, redis_client):
    info = SiteInfo(f"site_{unique}", "shop.example", (), "Europe/Berlin")
    yield info
    keys = list(redis_client.scan_iter(f"{PREFIX}{info.id}:*"))
    if keys:
        redis_client.delete(*keys)


def assigner_for(site: SiteInfo, redis_url: str, timeouts=None) -> SessionAssigner:
    """A processor with its own connection, as each worker process has."""
    cache = SessionStateCache(client=redis.Redis.from_url(redis_url))
    return SessionAssigner(state=cache, site_settings=timeouts or DefaultTimeouts(), site_lookup={site.id: site}.get,
                           state_ttl_s=7200)


def test_boundaries_on_real_redis_across_batches(site, redis_url, redis_client):
    assigner = assigner_for(site, redis_url)
    s = site.id
    start = ms(2024, 5, 6, 8, 0)
    same = rec(s, start + (29 * 60 + 59) * 1000)  # 29:59 later
    new = rec(s, same["ts_ms"] + (30 * 60 + 1) * 1000)  # 30:01 after that
    late_evening = rec(s, ms(2024, 7, 1, 21, 59))  # 23:59 in Berlin
    after_midnight = rec(s, ms(2024, 7, 1, 22, 1))  # 00:01 in Berlin, two minutes later
    campaign = rec(s, ms(2024, 7, 1, 22, 5), utm_source="newsletter", utm_campaign="july")
    internal = rec(s, ms(2024, 7, 1, 22, 6))  # no campaign of its own: stays in the campaign's session
    other = rec(s, ms(2024, 7, 1, 22, 7), source="Google")
    first = rec(s, start)
    for batch in ([first], [same], [new], [late_evening, after_midnight], [campaign, internal, other]):
        assigner.process(batch)  # each its own batch: the state in Redis carries the session over
    ids = [r["session_id"] for r in (first, same, new, late_evening, after_midnight, campaign, internal, other)]
    assert ids[0] == ids[1] and ids[2] != ids[1]
    assert ids[3] != ids[4]
    assert ids[5] == ids[6] and len({ids[4], ids[5], ids[7]}) == 3
    assert 7200 - 5 <= redis_client.ttl(f"{PREFIX}{s}:1") <= 7200


def test_two_workers_sharing_redis_never_split_a_visitors_session(site, redis_url):
    """Each visitor's two events (a minute apart) go to different workers at the same moment; with
    the optimistic transaction both land in one session, for every visitor, every round."""
    workers = [assigner_for(site, redis_url), assigner_for(site, redis_url)]
    rounds, visitors = 15, 150
    mismatched = []
    for n in range(rounds):
        at = ms(2024, 5, 6, 9, 0) + n * 3 * 3600 * 1000  # rounds are hours apart: fresh sessions each time
        batches = ([rec(site.id, at, v) for v in range(1, visitors + 1)],
                   [rec(site.id, at + 60_000, v) for v in range(1, visitors + 1)])
        go = threading.Barrier(2)

        def run(worker, batch, go=go):
            go.wait()
            worker.process(batch)

        threads = [threading.Thread(target=run, args=pair) for pair in zip(workers, batches, strict=True)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        mismatched += [v for v, (a, b) in enumerate(zip(*batches, strict=True))
                       if a["session_id"] != b["session_id"] or not a["session_id"]]
    conflicts = sum(w._state.conflicts for w in workers)
    assert mismatched == []
    assert conflicts > 0  # the workers really did race for the same visitors


def test_a_sites_own_timeout_lives_in_postgres(pg_session_factory, redis_url, redis_client):
    uow = lambda: UnitOfWork(pg_session_factory)  # noqa: E731
    created = TenancyService(uow=uow).create_site(domain="timeout.example", timezone="Europe/Berlin")
    settings = SiteSettingsService(uow=uow, default_timeout_min=30, cache_ttl_s=0)
    assert settings.timeout_min(created.site_id) == (30, False)
    settings.set_timeout_min(created.site_id, 5)
    assert settings.timeout_min(created.site_id) == (5, True)
    with pytest.raises(InvalidTimeout):
        settings.set_timeout_min(created.site_id, 0)

    site = SiteInfo(created.site_id, "timeout.example", (), "Europe/Berlin")
    try:
        events = [rec(site.id, ms(2024, 5, 6, 9, 0)), rec(site.id, ms(2024, 5, 6, 9, 6))]
        assigner_for(site, redis_url, settings).process(events)
        assert events[0]["session_id"] != events[1]["session_id"]  # 6 minutes > the site's 5
        settings.set_timeout_min(created.site_id, None)  # back to the default
        assert settings.timeout_min(created.site_id) == (30, False)
        more = [rec(site.id, ms(2024, 5, 6, 10, 0), 2), rec(site.id, ms(2024, 5, 6, 10, 6), 2)]
        assigner_for(site, redis_url, settings).process(more)
        assert more[0]["session_id"] == more[1]["session_id"]
    finally:
        keys = list(redis_client.scan_iter(f"{PREFIX}{site.id}:*"))
        if keys:
            redis_client.delete(*keys)
