"""The two live streams as transport-neutral messages; SSE and WebSocket routes both send these.

Presence: a snapshot on connect, then every newer snapshot. Ids are the snapshot time in ms,
strictly increasing per connection and, after a reconnect, greater than the Last-Event-ID: presence
has no history worth replaying, so resuming means "the current snapshot, with a newer id".
Events: the recent backlog (or everything after Last-Event-ID still kept), then live events,
each with its Redis Stream id, never one twice.
"""

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

import orjson

from tracking.active_users.cache import FeedCache
from tracking.active_users.service.hub import EVENTS, PRESENCE, LiveHub, LiveUnavailable
from tracking.active_users.service.presence import PresenceService

_STREAM_ID = re.compile(r"(\d{1,20})-(\d{1,20})")


@dataclass(frozen=True, slots=True)
class StreamMessage:
    event: str  # snapshot | presence | event | dropped | error
    id: str | None
    data: str  # JSON

    def as_json(self) -> str:
        """The WebSocket frame: the same fields an SSE client sees."""
        return orjson.dumps({"event": self.event, "id": self.id, "data": orjson.loads(self.data)}).decode()


class _Ids:
    """Strictly increasing integer ids, starting above the one the client last saw."""

    def __init__(self, last_seen: str | None) -> None:
        self._last = int(last_seen) if last_seen and last_seen.isdigit() and len(last_seen) < 20 else -1

    def next(self, ts: int) -> str:
        self._last = max(ts, self._last + 1)
        return str(self._last)


async def presence_stream(hub: LiveHub, presence: PresenceService, site_id: str, *,
                          last_event_id: str | None) -> AsyncIterator[StreamMessage]:
    try:
        async with hub.subscription(PRESENCE, site_id) as queue:
            snap = await asyncio.to_thread(presence.snapshot, site_id)
            ids, newest = _Ids(last_event_id), snap.ts
            yield StreamMessage("snapshot", ids.next(snap.ts), snap.model_dump_json())
            while True:
                item = (await queue.get())[-1]
                if item.data["ts"] < newest:
                    continue  # taken before the snapshot this client already has
                newest = item.data["ts"]
                yield StreamMessage("presence", ids.next(newest), item.raw)
    except LiveUnavailable as exc:
        yield _error(exc)


async def events_stream(hub: LiveHub, feed: FeedCache, site_id: str, *, last_event_id: str | None,
                        backlog: int, keep: int) -> AsyncIterator[StreamMessage]:
    try:
        async with hub.subscription(EVENTS, site_id) as queue:
            resume = _stream_id(last_event_id)
            if resume is not None:
                past = await asyncio.to_thread(feed.after, site_id, last_event_id, keep)
            else:
                past = await asyncio.to_thread(feed.recent, site_id, backlog)
            last = _stream_id(past[-1]["id"]) if past else (resume or (0, 0))
            for message in past:
                yield StreamMessage("event", message["id"], orjson.dumps(message).decode())
            while True:
                message = await queue.get()
                if dropped := queue.take_dropped():
                    yield StreamMessage("dropped", None, orjson.dumps({"dropped": dropped}).decode())
                for item in message:
                    position = _stream_id(item.data["id"])
                    if position is None or position <= last:
                        continue  # already sent from the backlog
                    last = position
                    yield StreamMessage("event", item.data["id"], item.raw)
    except LiveUnavailable as exc:
        yield _error(exc)


def _stream_id(value: str | None) -> tuple[int, int] | None:
    match = _STREAM_ID.fullmatch(value or "")
    return (int(match[1]), int(match[2])) if match else None


def _error(exc: Exception) -> StreamMessage:
    return StreamMessage("error", None, orjson.dumps({"detail": str(exc)}).decode())
