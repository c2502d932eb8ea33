"""All Redis keys of active_users (prefix `active_users:`): presence sets, EMA state, the live feed
and the pub/sub channels. Every batch is written in a few pipelined round trips.

Presence, per site (scores are the server time a visitor was last seen, in ms):
- `active_users:{site}:visitors`           sorted set of visitor hashes;
- `active_users:{site}:{dim}:idx`          sorted set of the values of `dim` (page, country, device) seen;
- `active_users:{site}:{dim}:{value}`      sorted set of the visitors whose current `dim` is `value`;
- `active_users:{site}:v:{visitor}`        a visitor's current values (to move them between value sets);
- `active_users:{site}:ema`                the smoothed concurrent-users state (ema, last count, time).
Counts only look at scores inside the window, so correctness never depends on trimming; trimming and
TTLs just keep memory bounded. Nothing here identifies a person: visitor hashes rotate daily.
"""

import contextlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import orjson
import redis

PREFIX = "active_users"
DIMENSIONS = ("page", "country", "device")
EMA_TTL_MS = 86_400_000  # an idle site's EMA state disappears after a day (it has decayed to 0 anyway)
MAX_VALUE_LEN = 512


def presence_channel(site_id: str) -> str:
    return f"{PREFIX}:live:{site_id}:presence"


def events_channel(site_id: str) -> str:
    return f"{PREFIX}:live:{site_id}:events"


def _key(site_id: str, *parts: str) -> str:
    return ":".join((PREFIX, site_id, *parts))


@dataclass(frozen=True, slots=True)
class Sighting:
    """The newest sign of life of one visitor in a batch."""

    site_id: str
    visitor: str
    seen_ms: int
    values: tuple[str, str, str]  # page, country, device ("" = unknown)


@dataclass(frozen=True, slots=True)
class Observation:
    visitors: int
    removed: int  # visitors this call trimmed out of the window: the count changed since last look
    dims: dict[str, list[tuple[str, int]]]  # dim -> [(value, visitors)], most visitors first
    ema_state: tuple[float, int, int] | None  # (ema, last count, at ms)


class PresenceCache:
    def __init__(self, *, client: redis.Redis) -> None:
        self._r = client

    def record(self, sightings: Sequence[Sighting], *, now_ms: int, window_ms: int) -> None:
        """Mark visitors present, move them to their current page/country/device, trim the window."""
        if not sightings:
            return
        current_keys = [_key(s.site_id, "v", s.visitor) for s in sightings]
        previous = self._r.mget(current_keys)
        cutoff, ttl = now_ms - window_ms, 2 * window_ms
        p = self._r.pipeline(transaction=False)
        touched: dict[str, set[str]] = {}
        seen: dict[str, dict[str, int]] = {}  # one ZADD per site, not one per visitor
        for s, key, raw in zip(sightings, current_keys, previous, strict=True):
            old = orjson.loads(raw) if raw else None
            seen.setdefault(s.site_id, {})[s.visitor] = s.seen_ms
            if old and old[3] > s.seen_ms:
                continue  # a newer event of this visitor was recorded already: it says where they are
            olds = old[:3] if old else ("", "", "")
            values = [value or old_value for value, old_value in zip(s.values, olds, strict=True)]  # unknown: kept
            for dim, value, old_value in zip(DIMENSIONS, values, olds, strict=True):
                if old_value and old_value != value:
                    p.zrem(_key(s.site_id, dim, old_value), s.visitor)
                if value:
                    value_key = _key(s.site_id, dim, value)
                    p.zadd(value_key, {s.visitor: s.seen_ms}, gt=True)
                    p.zadd(_key(s.site_id, dim, "idx"), {value: s.seen_ms}, gt=True)
                    touched.setdefault(s.site_id, set()).add(value_key)
            p.set(key, orjson.dumps([*values, s.seen_ms]), px=window_ms)
        for site_id, visitors in seen.items():
            p.zadd(_key(site_id, "visitors"), visitors, gt=True)
        for site_id in {s.site_id for s in sightings}:
            for key in (_key(site_id, "visitors"), *(_key(site_id, d, "idx") for d in DIMENSIONS),
                        *touched.get(site_id, ())):
                p.zremrangebyscore(key, "-inf", cutoff)
                p.pexpire(key, ttl)
        p.execute()

    def observe(self, site_id: str, *, now_ms: int, window_ms: int, top: int) -> Observation:
        """Trim expired visitors and count who is left, overall and per page, country and device."""
        cutoff = now_ms - window_ms
        p = self._r.pipeline(transaction=False)
        p.zremrangebyscore(_key(site_id, "visitors"), "-inf", cutoff)
        p.zcount(_key(site_id, "visitors"), f"({cutoff}", "+inf")
        for dim in DIMENSIONS:
            p.zremrangebyscore(_key(site_id, dim, "idx"), "-inf", cutoff)
            p.zrangebyscore(_key(site_id, dim, "idx"), f"({cutoff}", "+inf")
        p.hmget(_key(site_id, "ema"), "ema", "count", "at")
        removed, visitors, *rest = p.execute()
        values = {dim: [v.decode() for v in rest[2 * i + 1]] for i, dim in enumerate(DIMENSIONS)}
        ema_raw = rest[-1]
        p = self._r.pipeline(transaction=False)
        for dim in DIMENSIONS:
            for value in values[dim]:
                p.zcount(_key(site_id, dim, value), f"({cutoff}", "+inf")
        counts = iter(p.execute())
        dims = {}
        for dim in DIMENSIONS:
            rows = [(value, int(next(counts))) for value in values[dim]]
            dims[dim] = sorted((r for r in rows if r[1] > 0), key=lambda r: (-r[1], r[0]))[:top]
        state = None if ema_raw[0] is None else (float(ema_raw[0]), int(ema_raw[1]), int(ema_raw[2]))
        return Observation(int(visitors), int(removed), dims, state)

    def save_ema(self, site_id: str, *, ema: float, count: int, at_ms: int) -> None:
        p = self._r.pipeline(transaction=False)
        p.hset(_key(site_id, "ema"), mapping={"ema": repr(ema), "count": count, "at": at_ms})
        p.pexpire(_key(site_id, "ema"), EMA_TTL_MS)
        p.execute()

    def publish(self, channel: str, payload: bytes) -> None:
        self._r.publish(channel, payload)


def clip(value: str) -> str:
    """Values become parts of Redis keys: bound their length."""
    return value[:MAX_VALUE_LEN]


class FeedCache:
    """The live event feed: a capped Redis Stream per site, so a reconnecting client resumes after
    its Last-Event-ID, and a small per-site set of recent event ids that drops bus redeliveries."""

    def __init__(self, *, client: redis.Redis, keep: int) -> None:
        self._r = client
        self._keep = keep

    def append(self, site_id: str, events: Sequence[tuple[str, int, dict]]) -> list[dict]:
        """Append (event_id, received_ms, message) not fed before; returns the new messages with ids."""
        seen_key = _key(site_id, "feed", "seen")
        # Two commands per batch, not one ZADD NX per event (~50 µs each on the embedded Redis). Two
        # workers appending the same event at the very same moment could both feed it; a redelivery
        # comes after the first append, and is dropped.
        scores = self._r.zmscore(seen_key, [event_id for event_id, _, _ in events])
        new: dict[str, tuple[str, int, dict]] = {}
        for e, score in zip(events, scores, strict=True):
            if score is None:
                new.setdefault(e[0], e)  # the first of an id twice in the batch, as ZADD NX kept it
        fresh = list(new.values())
        if not fresh:
            return []
        self._r.zadd(seen_key, {event_id: received_ms for event_id, received_ms, _ in fresh}, nx=True)
        stream = _key(site_id, "feed")
        p = self._r.pipeline(transaction=False)
        for _, _, message in fresh:
            p.xadd(stream, {"m": orjson.dumps(message)}, maxlen=self._keep, approximate=True)
        p.zremrangebyrank(seen_key, 0, -(10 * self._keep) - 1)
        p.pexpire(stream, EMA_TTL_MS)
        p.pexpire(seen_key, EMA_TTL_MS)
        ids = p.execute()[: len(fresh)]
        return [{"id": i.decode(), **m} for i, (_, _, m) in zip(ids, fresh, strict=True)]

    def recent(self, site_id: str, count: int) -> list[dict]:
        if count <= 0:
            return []
        return _messages(reversed(self._r.xrevrange(_key(site_id, "feed"), count=count)))

    def after(self, site_id: str, last_id: str, count: int) -> list[dict]:
        return _messages(self._r.xrange(_key(site_id, "feed"), min=f"({last_id}", max="+", count=count))


def _messages(entries: Iterable) -> list[dict]:
    return [{"id": i.decode(), **orjson.loads(fields[b"m"])} for i, fields in entries]


class LiveListener:
    """One pub/sub connection, driven by a single thread of the API process (see LiveHub)."""

    def __init__(self, *, client: redis.Redis) -> None:
        self._ps = client.pubsub()

    def subscribe(self, channels: Iterable[str]) -> None:
        if channels := list(channels):
            self._ps.subscribe(*channels)

    def unsubscribe(self, channels: Iterable[str]) -> None:
        if channels := list(channels):
            self._ps.unsubscribe(*channels)

    def get(self, timeout_s: float) -> tuple[str, str, bytes] | None:
        """(kind, channel, data) of the next message or confirmation; None after the timeout."""
        msg = self._ps.get_message(timeout=timeout_s)
        if msg is None:
            return None
        channel = msg["channel"].decode() if isinstance(msg["channel"], bytes) else str(msg["channel"])
        data = msg["data"] if isinstance(msg["data"], bytes) else b""
        return msg["type"], channel, data

    def close(self) -> None:
        with contextlib.suppress(redis.RedisError):
            self._ps.close()
