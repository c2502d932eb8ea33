"""Journeys: one identified user's events in order, with visit boundaries; or one visit's timeline.

The user id in the URL is hashed here (core's pseudonyms, at query time) and never stored or
logged; a site with no identified user yet answers an empty journey. A journey lists only events
that carry the user's pseudonym: events sent before `ut.identify()` on a page stay anonymous.
"""

from core.tenancy.pseudonyms import UserPseudonyms
from core.tenancy.service import SiteInfo
from tracking.insights.clickhouse import JOURNEY, InsightsStore
from tracking.insights.schemas import JourneyAnswer, JourneyEvent, JourneyVisit
from tracking.insights.service.window import Windows, params

NOBODY = "-"  # matches no stored pseudonym (those are 32 hex characters)


class JourneyService:
    def __init__(self, *, store: InsightsStore, windows: Windows, pseudonyms: UserPseudonyms) -> None:
        self._store = store
        self._windows = windows
        self._pseudonyms = pseudonyms

    def for_user(self, site: SiteInfo, user_id: str, date_range) -> JourneyAnswer:
        pseudonym = self._pseudonyms.existing(site.id, user_id) or NOBODY
        return self._journey(site, date_range, "user_id = %(who)s", pseudonym)

    def for_visit(self, site: SiteInfo, session_id: int, date_range) -> JourneyAnswer:
        return self._journey(site, date_range, "session_id = %(who)s", session_id)

    def _journey(self, site: SiteInfo, date_range, who_sql: str, who) -> JourneyAnswer:
        window = self._windows.resolve(site, date_range)
        # every event of theirs: bots' and page measurements too (no type is excluded)
        p = {**params(site, window.start_ms, window.end_ms, include_bots=True), "technical": ("",), "who": who}
        visits: dict[str, JourneyVisit] = {}
        count = 0
        for (ts, eid, type_, name, pathname, url, keys, values, session, device, browser, os_,
             country) in self._store.rows(JOURNEY.format(who=who_sql), p):
            event = JourneyEvent(event_id=eid, ts_ms=int(ts), type=type_, name=name, pathname=pathname, url=url,
                                 props=dict(zip(keys, values, strict=False)), session_id=str(session),
                                 device_type=device, browser=browser, os=os_, country=country)
            visit = visits.setdefault(event.session_id, JourneyVisit(session_id=event.session_id,
                                                                     started_ms=event.ts_ms, ended_ms=event.ts_ms,
                                                                     events=[]))
            visit.events.append(event)
            visit.ended_ms = event.ts_ms
            count += 1
        return JourneyAnswer(date_range=window.echo(), events=count,
                             visits=sorted(visits.values(), key=lambda v: (v.started_ms, int(v.session_id))))
