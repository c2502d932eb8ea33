"""A hand-computed fixture: one Berlin day of sessions whose numbers are worked out in the docstring.

2024-05-06, site in Europe/Berlin (UTC+2). Times below are UTC.
  A  visitor 1: pageview /a 10:00, pageview /b 10:05, click 10:06      2 pv, 360 s, entry /a, exit /b
  B  visitor 2: pageview /a 11:00                                      1 pv, 0 s, bounce
  C  visitor 2: pageview /c 12:00, engagement (15 s) 12:00:30          1 pv, 30 s, engaged: no bounce
  D  visitor 3: pageview /b 13:00, /b 13:10, /a 13:20                  3 pv, 1200 s, entry /b, exit /a
  E  visitor 4: a custom event only, 14:00                             no pageview: not a visit
  F  visitor 5: a bot's pageview 14:30                                 bots are left out
  G  visitor 6: pageview /g 22:30 (00:30 on 7 May in Berlin)           the next local day
On 6 May: visits 4, pageviews 7, views per visit 1.75, bounces 1 (25 %), duration (360+0+30+1200)/4 = 397.5 s.
"""

import uuid
from datetime import UTC, datetime

import orjson

from core.bus.events import EngagementRecorded, EventTracked, PageViewed, TrackedEvent
from core.tenancy.service import SiteInfo

SESSIONS = {"A": 11, "B": 21, "C": 22, "D": 31, "E": 41, "F": 51, "G": 61}
VISITORS = {"A": 1, "B": 2, "C": 2, "D": 3, "E": 4, "F": 5, "G": 6}


def at(hour: int, minute: int = 0, second: int = 0, day: int = 6) -> int:
    return int(datetime(2024, 5, day, hour, minute, second, tzinfo=UTC).timestamp() * 1000)


def event(site: SiteInfo, session: str, kind: str, ts_ms: int, path: str = "", **extra) -> TrackedEvent:
    cls = {"pageview": PageViewed, "event": EventTracked, "engagement": EngagementRecorded}[kind]
    return cls(site_id=site.id, event_id=str(uuid.uuid4()), type=kind, name=kind, ts_ms=ts_ms, received_ms=ts_ms,
               visitor_id=VISITORS[session], session_id=SESSIONS[session], pathname=path,
               url=f"https://shop.example{path}", **extra)


def day_of_sessions(site: SiteInfo) -> list[TrackedEvent]:
    engagement = orjson.dumps({"engaged_ms": 15_000, "scroll_depth": 40}).decode()
    return [
        event(site, "A", "pageview", at(10), "/a", utm_source="news", utm_campaign="may", source="Newsletter",
              country="DE", device_type="desktop"),
        event(site, "A", "pageview", at(10, 5), "/b"),
        event(site, "A", "event", at(10, 6), "/b"),
        event(site, "B", "pageview", at(11), "/a"),
        event(site, "C", "pageview", at(12), "/c"),
        event(site, "C", "engagement", at(12, 0, 30), "/c", data=engagement),
        event(site, "D", "pageview", at(13), "/b", country="FR", device_type="mobile"),
        event(site, "D", "pageview", at(13, 10), "/b"),
        event(site, "D", "pageview", at(13, 20), "/a"),
        event(site, "E", "event", at(14)),
        event(site, "F", "pageview", at(14, 30), "/a", is_bot=1),
        event(site, "G", "pageview", at(22, 30), "/g"),
    ]
