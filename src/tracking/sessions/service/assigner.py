"""Session assignment: the worker hook that gives every fresh event its `session_id`.

It runs on each batch before the events log is written (see `core.ingest.worker`), so the log,
the bus and every projection see the same id. Per batch: group the events by (site, visitor),
order each group by time, read all the visitors' histories from the real-time store in one
round trip, apply the rules (`rules.py`), and write the histories back in one transaction.
The transaction is optimistic (WATCH): when another worker changed one of these visitors in
between, the whole batch is assigned again from the fresh state, so several worker processes
never hand out conflicting sessions for one visitor.

Ids are a hash of (site, visitor, start time, first event id): deterministic, so replaying a
batch reproduces them. Events without a visitor hash (anonymous counting) get no session (0).
"""

import hashlib
from collections import defaultdict
from collections.abc import Callable

from core.tenancy.service import SiteInfo
from tracking.sessions.cache import Key, SessionStateCache, Stored, Updates
from tracking.sessions.service.clock import local_date, zone_of
from tracking.sessions.service.rules import Hit, Span, assign, trim
from tracking.sessions.service.site_settings import SiteSettingsService

# Referrer "sources" that mean "no campaign": coming back directly must not cut a campaign's session.
_NO_CAMPAIGN = frozenset({"", "direct", "(direct)", "(none)", "none"})
_STATE_SLACK_MS = 300_000  # keep a history this much longer than the timeout itself


class SessionAssigner:
    writes = frozenset({"session_id"})
    # A new campaign starts a new session: the traffic-source columns must be filled by then.
    reads = frozenset({"site_id", "event_id", "ts_ms", "visitor_id", "source", "utm_source", "utm_campaign"})

    def __init__(self, *, state: SessionStateCache, site_settings: SiteSettingsService,
                 site_lookup: Callable[[str], SiteInfo | None], state_ttl_s: int) -> None:
        self._state = state
        self._settings = site_settings
        self._site = site_lookup
        self._state_ttl_ms = state_ttl_s * 1000

    def process(self, records: list[dict]) -> None:
        groups: dict[Key, list[dict]] = defaultdict(list)
        for record in records:
            if record.get("visitor_id"):
                groups[(record["site_id"], int(record["visitor_id"]))].append(record)
            else:
                record["session_id"] = int(record.get("session_id") or 0)
        if not groups:
            return
        # Ids the events log already holds (set by the worker for replayed records), taken before
        # the first attempt: a retried transaction must not mistake its own output for them.
        presets = {}
        for group in groups.values():
            group.sort(key=lambda r: (r["ts_ms"], r["event_id"]))
            presets.update((id(r), int(r.get("session_id") or 0)) for r in group)
        sites = {site_id for site_id, _ in groups}
        timeouts = self._settings.timeouts_ms(sites)
        zones = {site_id: zone_of(self._site(site_id)) for site_id in sites}

        def compute(stored: dict[Key, Stored]) -> Updates:
            updated = {}
            for key, group in groups.items():
                site_id, visitor = key
                history = [Span.from_list(v) for v in stored.get(key, [])]
                timeout_ms = timeouts[site_id]
                for record in group:
                    day = local_date(record["ts_ms"], zones[site_id]).toordinal()
                    hit = Hit(record["ts_ms"], day, campaign_of(record), presets[id(record)])
                    record["session_id"] = assign(history, hit, timeout_ms=timeout_ms,
                                                  new_sid=_sid_factory(site_id, visitor, record["event_id"]))
                keep_ms = max(self._state_ttl_ms, timeout_ms + _STATE_SLACK_MS)
                newest = max(s.last for s in history)
                updated[key] = ([s.to_list() for s in trim(history, keep_after_ms=newest - keep_ms)],
                                keep_ms // 1000)
            return updated

        self._state.transact(list(groups), compute)


def campaign_of(record: dict) -> str:
    """The campaign an event arrives with, or "" when it carries none."""
    utm = (str(record.get("utm_source") or ""), str(record.get("utm_campaign") or ""))
    source = str(record.get("source") or "")
    if source.lower() in _NO_CAMPAIGN:
        source = ""
    if not (utm[0] or utm[1] or source):
        return ""
    return "\x1f".join((*utm, source)).lower()


def session_id(site_id: str, visitor_id: int, start_ms: int, first_event_id: str) -> int:
    """A non-zero 64-bit id, a pure function of where the session starts."""
    digest = hashlib.blake2b(f"{site_id}\x00{visitor_id}\x00{start_ms}\x00{first_event_id}".encode(),
                             digest_size=8, person=b"ut-session").digest()
    return int.from_bytes(digest, "big") or 1


def _sid_factory(site_id: str, visitor: int, event_id: str) -> Callable[[Hit], int]:
    return lambda hit: session_id(site_id, visitor, hit.ts, event_id)
