"""Presence: who was seen on a site in the last `window_s` seconds, where, and a smoothed count.

A visitor (a daily visitor hash) is present for the window after the server last received an
event from them; they count once, on their latest page. Bots are never present. The smoothed
figure is an exponential moving average of the raw count sampled every second; because the raw
count only changes when we look (a batch arrives, or visitors are trimmed out of the window), it
is piecewise constant, so the EMA is computed exactly for any gap from (ema, count, time) kept in
Redis. Any process may therefore compute or update it: no ticking process is needed.
"""

import time
from collections.abc import Callable, Sequence

import orjson

from core.bus.events import TrackedEvent
from tracking.active_users.cache import (
    FeedCache,
    PresenceCache,
    Sighting,
    clip,
    events_channel,
    presence_channel,
)
from tracking.active_users.schemas import CountryCount, DeviceCount, PageCount, PresenceSnapshot

STEP_MS = 1000


def ema_at(ema: float, count: int, since_ms: int, now_ms: int, alpha: float) -> float:
    """The EMA at `now_ms` (one sample a second: ema += alpha * (count - ema)), given that the raw
    count has been `count` since `since_ms` when the EMA was `ema`. Exact for any gap, fractions too."""
    steps = max(0, now_ms - since_ms) / STEP_MS
    return count + (ema - count) * (1.0 - alpha) ** steps


class PresenceService:
    def __init__(self, *, cache: PresenceCache, feed: FeedCache, window_s: int, alpha: float, top: int,
                 clock: Callable[[], float] = time.time) -> None:
        self._cache = cache
        self._feed = feed
        self._window_ms = window_s * 1000
        self._alpha = alpha
        self._top = top
        self._clock = clock

    @property
    def window_s(self) -> int:
        return self._window_ms // 1000

    def record(self, events: Sequence[TrackedEvent]) -> None:
        """Mark the batch's visitors present, feed its events, publish both. Idempotent: a redelivered
        batch sets the same scores (ZADD GT) and its event ids were fed already."""
        now = self._now_ms()
        cutoff = now - self._window_ms
        latest: dict[tuple[str, int], TrackedEvent] = {}
        feed: dict[str, list[tuple[str, int, dict]]] = {}
        for e in events:
            if e.is_bot or e.received_ms <= cutoff:
                continue  # bots are not visitors; events this old say nothing about now
            key = (e.site_id, e.visitor_id)
            if key not in latest or e.received_ms >= latest[key].received_ms:
                latest[key] = e
            feed.setdefault(e.site_id, []).append((e.event_id, e.received_ms, _feed_message(e)))
        sightings = [Sighting(e.site_id, str(e.visitor_id), min(e.received_ms, now),
                              (clip(e.pathname), clip(e.country), clip(e.device_type))) for e in latest.values()]
        self._cache.record(sightings, now_ms=now, window_ms=self._window_ms)
        for site_id in sorted({s.site_id for s in sightings}):
            self.observe(site_id, publish=True)
        for site_id, messages in feed.items():
            if fresh := self._feed.append(site_id, messages):
                self._cache.publish(events_channel(site_id), orjson.dumps(fresh))

    def snapshot(self, site_id: str) -> PresenceSnapshot:
        return self.observe(site_id)[0]

    def observe(self, site_id: str, *, publish: bool = False) -> tuple[PresenceSnapshot, bool]:
        """The current snapshot, folding it into the EMA state. It is published to every API process
        when asked, or when this call trimmed visitors out of the window (only one caller can: the
        trim is atomic, so expiries are announced once however many processes look)."""
        now = self._now_ms()
        obs = self._cache.observe(site_id, now_ms=now, window_ms=self._window_ms, top=self._top)
        ema, count, at = obs.ema_state or (0.0, 0, now)  # no state: the site was idle for a day
        ema_now = ema_at(ema, count, at, now, self._alpha)
        self._cache.save_ema(site_id, ema=ema_now, count=obs.visitors, at_ms=now)
        snap = PresenceSnapshot(
            visitors=obs.visitors, ema=round(ema_now, 2),
            top_pages=[PageCount(pathname=v, visitors=n) for v, n in obs.dims["page"]],
            countries=[CountryCount(country=v, visitors=n) for v, n in obs.dims["country"]],
            devices=[DeviceCount(device_type=v, visitors=n) for v, n in obs.dims["device"]],
            window_s=self.window_s, ts=now)
        published = publish or obs.removed > 0
        if published:
            self._cache.publish(presence_channel(site_id), snap.model_dump_json().encode())
        return snap, published

    def _now_ms(self) -> int:
        return int(self._clock() * 1000)


def _feed_message(e: TrackedEvent) -> dict:
    """What a live dashboard may see of an event: never the visitor hash, IP, user agent or props."""
    return {"type": e.type, "name": e.name, "pathname": clip(e.pathname), "country": e.country,
            "device_type": e.device_type, "ts": e.ts_ms}
