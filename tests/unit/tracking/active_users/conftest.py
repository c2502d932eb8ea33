"""active_users unit fixtures: an in-process Redis and a clock the test moves."""

import fakeredis
import pytest

from core.bus.events import EventTracked, PageViewed
from tracking.active_users.cache import FeedCache, PresenceCache
from tracking.active_users.service.presence import PresenceService

T0 = 1_800_000_000_000  # ms


class Clock:
    def __init__(self) -> None:
        self.ms = T0

    def __call__(self) -> float:
        return self.ms / 1000

    def advance(self, seconds: float) -> None:
        self.ms += int(seconds * 1000)


@pytest.fixture
def redis_fake():
    return fakeredis.FakeRedis(server=fakeredis.FakeServer())


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def presence(redis_fake, clock) -> PresenceService:
    return PresenceService(cache=PresenceCache(client=redis_fake), feed=FeedCache(client=redis_fake, keep=100),
                           window_s=300, alpha=0.1, top=10, clock=clock)


_ids = iter(range(1, 10**9))


def pageview(site="site_a", visitor=1, path="/", *, at_ms, country="", device="", bot=0, cls=PageViewed,
             event_id=None, name="pageview"):
    return cls(site_id=site, event_id=event_id or f"00000000-0000-0000-0000-{next(_ids):012d}",
               type="pageview" if cls is PageViewed else "event", name=name, ts_ms=at_ms, received_ms=at_ms,
               visitor_id=visitor, pathname=path, country=country, device_type=device, is_bot=bot)


def custom_event(site="site_a", visitor=1, path="", *, at_ms, name="signup", **kw):
    return pageview(site, visitor, path, at_ms=at_ms, cls=EventTracked, name=name, **kw)
