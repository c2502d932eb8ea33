"""After a crash that lost the session state, replayed events keep the session the log holds."""

import uuid
from datetime import UTC, datetime

import fakeredis

from core.ingest.event_log import EventLog
from core.tenancy.service import SiteInfo
from tracking.sessions.cache import SessionStateCache
from tracking.sessions.service.assigner import SessionAssigner


class DefaultTimeouts:
    def timeouts_ms(self, site_ids):
        return {s: 30 * 60_000 for s in site_ids}


def test_logged_sessions_are_read_back_and_adopted_by_a_fresh_assigner(analytics_store, unique):
    site = SiteInfo(f"site_{unique}", "shop.example", (), "Europe/Berlin")
    at = int(datetime(2024, 5, 6, 10, tzinfo=UTC).timestamp() * 1000)
    records = [{"site_id": site.id, "event_id": str(uuid.uuid4()), "type": "pageview", "name": "pageview",
                "ts_ms": at + i * 60_000, "received_ms": at, "visitor_id": 9} for i in range(3)]
    state_lost = SessionAssigner(state=SessionStateCache(client=fakeredis.FakeRedis()),
                                 site_settings=DefaultTimeouts(), site_lookup={site.id: site}.get, state_ttl_s=7200)
    state_lost.process(records)
    log = EventLog(store=analytics_store)
    log.write(records[:2])  # the first two reached the log, then the worker died
    original = records[0]["session_id"]
    other_site = {**records[0], "site_id": f"other_{unique}", "session_id": 5}
    log.write([other_site])  # the same event id on another site never answers for this one

    replay = [{k: v for k, v in r.items() if k != "session_id"} for r in records]
    logged = log.logged_sessions(replay)
    assert logged == {(site.id, r["event_id"]): original for r in records[:2]}

    for r in replay:  # what the worker does before its processors run
        if (r["site_id"], r["event_id"]) in logged:
            r["session_id"] = logged[(r["site_id"], r["event_id"])]
    fresh = SessionAssigner(state=SessionStateCache(client=fakeredis.FakeRedis()), site_settings=DefaultTimeouts(),
                            site_lookup={site.id: site}.get, state_ttl_s=7200)
    replay.reverse()  # and in any order: the third joins the session the log holds
    fresh.process(replay)
    assert {r["session_id"] for r in replay} == {original}
