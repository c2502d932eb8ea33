"""active_users on the real Redis: services and hubs for a fresh site id, its keys deleted after."""

import time

import pytest

from core.bus.events import PageViewed
from tracking.active_users.cache import FeedCache, LiveListener, PresenceCache
from tracking.active_users.service.hub import LiveHub
from tracking.active_users.service.presence import PresenceService


@pytest.fixture
def sites(redis_client, unique):
    names = (f"site_{unique}a", f"site_{unique}b")
    yield names
    for site in names:
        keys = list(redis_client.scan_iter(match=f"active_users:{site}:*", count=1000))
        if keys:
            redis_client.delete(*keys)


@pytest.fixture
def make_presence(redis_client):
    def make(window_s: int = 300) -> PresenceService:
        return PresenceService(cache=PresenceCache(client=redis_client), feed=FeedCache(client=redis_client, keep=100),
                               window_s=window_s, alpha=0.1, top=10)
    return make


@pytest.fixture
def make_hub(redis_client):
    hubs = []

    def make(presence: PresenceService, *, tick_ms: int = 1000, queue_size: int = 100) -> LiveHub:
        hub = LiveHub(listener=lambda: LiveListener(client=redis_client), presence=presence, tick_ms=tick_ms,
                      queue_size=queue_size)
        hubs.append(hub)
        return hub

    yield make
    for hub in hubs:
        hub.close()


_n = iter(range(1, 10**9))


def pageviews(site: str, *visitors: int, path: str = "/", name: str = "pageview") -> list[PageViewed]:
    now = int(time.time() * 1000)
    return [PageViewed(site_id=site, event_id=f"00000000-0000-4000-8000-{next(_n):012d}", type="pageview",
                       name=name, ts_ms=now, received_ms=now, visitor_id=v, pathname=path) for v in visitors]
