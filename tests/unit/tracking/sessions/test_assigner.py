"""The assigner as the worker calls it, on the in-process real-time store (the embedded mode)."""

import uuid
from datetime import UTC, datetime

import fakeredis
import pytest

from core.tenancy.service import SiteInfo
from tracking.sessions.cache import SessionStateCache
from tracking.sessions.service.assigner import SessionAssigner, campaign_of, session_id

BERLIN = SiteInfo("site_b", "shop.example", (), "Europe/Berlin")
UTC_SITE = SiteInfo("site_u", "other.example", (), "UTC")


class Timeouts:
    """Stands in for SiteSettingsService: a default and per-site overrides, in minutes."""

    def __init__(self, **overrides: int) -> None:
        self.overrides = overrides

    def timeouts_ms(self, site_ids):
        return {s: self.overrides.get(s, 30) * 60_000 for s in site_ids}


def ms(*args) -> int:
    return int(datetime(*args, tzinfo=UTC).timestamp() * 1000)


def rec(at: int, *, site=BERLIN, visitor=1, **fields) -> dict:
    return {"site_id": site.id, "event_id": str(uuid.uuid4()), "ts_ms": at, "visitor_id": visitor, **fields}


@pytest.fixture
def make():
    server = fakeredis.FakeServer()

    def build(timeouts=None, ttl_s=7200) -> tuple[SessionAssigner, SessionStateCache]:
        cache = SessionStateCache(client=fakeredis.FakeRedis(server=server))
        sites = {BERLIN.id: BERLIN, UTC_SITE.id: UTC_SITE}
        return SessionAssigner(state=cache, site_settings=timeouts or Timeouts(), site_lookup=sites.get,
                               state_ttl_s=ttl_s), cache
    return build


def test_midnight_in_the_site_time_zone_splits_and_utc_midnight_does_not(make):
    assigner, _ = make()
    # 23:59 and 00:01 in Berlin (summer, UTC+2) are 21:59 and 22:01 UTC: two sessions.
    berlin = [rec(ms(2024, 7, 1, 21, 59)), rec(ms(2024, 7, 1, 22, 1))]
    # The same minutes in a UTC site are the same day: one session.
    utc = [rec(ms(2024, 7, 1, 21, 59), site=UTC_SITE), rec(ms(2024, 7, 1, 22, 1), site=UTC_SITE)]
    assigner.process(berlin + utc)
    assert berlin[0]["session_id"] != berlin[1]["session_id"]
    assert utc[0]["session_id"] == utc[1]["session_id"]


def test_each_batch_is_ordered_by_time_per_visitor_and_ids_are_deterministic(make):
    assigner, cache = make()
    first, second = rec(ms(2024, 5, 6, 10, 0)), rec(ms(2024, 5, 6, 10, 20))
    other = rec(ms(2024, 5, 6, 10, 5), visitor=2)
    assigner.process([second, other, first])  # out of order in the batch
    assert first["session_id"] == second["session_id"] == session_id(BERLIN.id, 1, first["ts_ms"],
                                                                       first["event_id"])
    assert other["session_id"] not in (0, first["session_id"])
    stored = cache.read((BERLIN.id, 1))
    assert stored == [[first["session_id"], first["ts_ms"], second["ts_ms"], stored[0][3], ""]]


def test_sessions_continue_across_batches_and_a_redelivered_batch_gets_the_same_ids(make):
    assigner, _ = make()
    a = [rec(ms(2024, 5, 6, 10, 0)), rec(ms(2024, 5, 6, 10, 10))]
    b = [rec(ms(2024, 5, 6, 10, 30)), rec(ms(2024, 5, 6, 11, 5)), rec(ms(2024, 5, 6, 11, 6), utm_source="mail")]
    assigner.process(a)
    assigner.process(b)
    ids = [r["session_id"] for r in a + b]
    assert ids[0] == ids[1] == ids[2] and len(set(ids)) == 3  # 10:30 continues; 11:05 timed out; mail splits

    replay = [{k: v for k, v in r.items() if k != "session_id"} for r in a + b]  # decoded afresh
    make_again, _ = make()
    make_again.process(replay)  # another worker takes the batch over after a crash
    assert [r["session_id"] for r in replay] == ids


def test_a_site_with_its_own_timeout(make):
    assigner, _ = make(Timeouts(site_b=5))
    events = [rec(ms(2024, 5, 6, 10, 0)), rec(ms(2024, 5, 6, 10, 6)),
              rec(ms(2024, 5, 6, 10, 0), site=UTC_SITE), rec(ms(2024, 5, 6, 10, 6), site=UTC_SITE)]
    assigner.process(events)
    assert events[0]["session_id"] != events[1]["session_id"]  # 6 min > 5 min
    assert events[2]["session_id"] == events[3]["session_id"]  # the default 30 min


def test_events_without_a_visitor_hash_get_no_session(make):
    assigner, _ = make()
    anonymous = [rec(ms(2024, 5, 6, 10, 0), visitor=0), rec(ms(2024, 5, 6, 10, 1), visitor=0)]
    assigner.process(anonymous)
    assert [r["session_id"] for r in anonymous] == [0, 0]


def test_state_keys_expire_after_the_ttl_but_never_before_the_timeout(make):
    assigner, cache = make(Timeouts(site_b=600), ttl_s=60)
    assigner.process([rec(ms(2024, 5, 6, 10, 0))])
    assert 600 * 60 < cache.ttl_s((BERLIN.id, 1)) <= 600 * 60 + 300


def test_campaign_keys():
    assert campaign_of({}) == ""
    assert campaign_of({"source": "Direct"}) == ""  # coming back directly is not a new campaign
    assert campaign_of({"source": "Google"}) == campaign_of({"source": "google"}) != ""
    assert campaign_of({"utm_source": "mail", "utm_campaign": "may"}) != campaign_of({"utm_source": "mail"})
