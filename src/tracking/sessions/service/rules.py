"""The session rules for one visitor, as a pure function of what the real-time store remembers.

A visitor's state is a short history of `Span`s (its recent sessions, oldest first, never
overlapping). Each event, in time order, either continues the newest span or starts a new one:

* more than `timeout_ms` since the span's last event          -> new session;
* a different local day (midnight in the site's time zone)      -> new session;
* a campaign (utm_source/utm_campaign/source) that differs from
  the session's own; an event without a campaign never splits   -> new session.

Why a history and not just the open session: a batch redelivered after a crash must get the
same ids again. Every assignment widens the span it chose so that it covers the event's time,
so a replayed event always falls inside the span it was first given and gets its id back, even
when later batches have opened newer sessions since. Late events (older than the newest span's
last event) join the span around them, or a neighbour within the timeout on the same day, or
get a span of their own — and are then remembered like every other event.
"""

from collections.abc import Callable
from dataclasses import dataclass

MAX_SPANS = 64  # a visitor with more sessions than this within the state TTL is a bot


@dataclass(slots=True)
class Span:
    sid: int
    start: int  # ms of the earliest event assigned to it
    last: int  # ms of the latest event assigned to it
    day: int  # local day ordinal (sessions never cross local midnight)
    campaign: str  # "" when the session came without one

    def to_list(self) -> list:
        return [self.sid, self.start, self.last, self.day, self.campaign]

    @classmethod
    def from_list(cls, value: list) -> "Span":
        return cls(int(value[0]), int(value[1]), int(value[2]), int(value[3]), str(value[4]))


@dataclass(frozen=True, slots=True)
class Hit:
    """What the rules need to know about one event."""

    ts: int
    day: int
    campaign: str
    preset: int = 0  # a session id the events log already holds for this event (it wins)


NewSid = Callable[[Hit], int]


def assign(history: list[Span], hit: Hit, *, timeout_ms: int, new_sid: NewSid) -> int:
    """The session id of `hit`; updates `history` in place (kept sorted by start)."""
    if hit.preset:
        return _adopt(history, hit)
    for span in reversed(history):  # a replayed event: the span that already covers it
        if span.start <= hit.ts <= span.last:
            return span.sid
    newest = history[-1] if history else None
    if newest is None or hit.ts > newest.last:
        if newest is not None and _continues(newest, hit, timeout_ms, hit.ts - newest.last):
            newest.last = hit.ts
            return newest.sid
        return _open(history, hit, new_sid)
    return _late(history, hit, timeout_ms, new_sid)


def _continues(span: Span, hit: Hit, timeout_ms: int, gap_ms: int) -> bool:
    return (gap_ms <= timeout_ms and hit.day == span.day
            and (not hit.campaign or hit.campaign == span.campaign))


def _late(history: list[Span], hit: Hit, timeout_ms: int, new_sid: NewSid) -> int:
    """An event older than the newest session's last one, in no session yet."""
    before = [s for s in history if s.last < hit.ts]
    after = [s for s in history if s.start > hit.ts]
    if before and _continues(before[-1], hit, timeout_ms, hit.ts - before[-1].last):
        before[-1].last = hit.ts
        return before[-1].sid
    if after and _continues(after[0], hit, timeout_ms, after[0].start - hit.ts):
        after[0].start = hit.ts
        return after[0].sid
    return _open(history, hit, new_sid)


def _open(history: list[Span], hit: Hit, new_sid: NewSid) -> int:
    span = Span(new_sid(hit), hit.ts, hit.ts, hit.day, hit.campaign)
    history.append(span)
    history.sort(key=lambda s: s.start)
    del history[:-MAX_SPANS]
    return span.sid


def _adopt(history: list[Span], hit: Hit) -> int:
    """The events log already holds this event with `hit.preset`: remember that session as is."""
    for span in history:
        if span.sid == hit.preset:
            span.start, span.last = min(span.start, hit.ts), max(span.last, hit.ts)
            return span.sid
    history.append(Span(hit.preset, hit.ts, hit.ts, hit.day, hit.campaign))
    history.sort(key=lambda s: s.start)
    del history[:-MAX_SPANS]
    return hit.preset


def trim(history: list[Span], *, keep_after_ms: int) -> list[Span]:
    """Forget sessions whose last event is older than `keep_after_ms` (the newest is always kept)."""
    return [s for s in history[:-1] if s.last >= keep_after_ms] + history[-1:]
