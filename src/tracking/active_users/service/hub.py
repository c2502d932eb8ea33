"""The live hub of one API process: one pub/sub connection, fanned out to every stream client.

Why a hub: 200 dashboards on one process share one Redis subscription per site, and a message is
parsed once, not once per client. Why a thread: redis-py is synchronous, so one daemon thread reads
pub/sub and hands messages to the event loop with `call_soon_threadsafe`. The fan-out only appends
to bounded per-client queues that drop their oldest item, so a client that reads slowly (or not at
all) never holds up the others: only its own send waits, and is cut after UT_LIVE_SEND_TIMEOUT_S.

The same thread ticks: every UT_PRESENCE_TICK_MS, for each site this process streams, it looks at
presence. Visitors who left the window are trimmed, and the one process whose trim removed them
publishes the change to all; otherwise a drifting EMA is pushed to this process's clients only.
The thread starts with the first subscriber and ends a while after the last one left.
"""

import asyncio
import contextlib
import logging
import queue
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import orjson

from tracking.active_users.cache import LiveListener, events_channel, presence_channel
from tracking.active_users.service.live_queue import ClientQueue, LiveItem
from tracking.active_users.service.presence import PresenceService

log = logging.getLogger(__name__)

PRESENCE, EVENTS = "presence", "events"


class LiveUnavailable(RuntimeError):
    """The real-time store did not confirm a subscription in time."""


@dataclass
class _Channel:
    kind: str
    site_id: str
    queues: set[ClientQueue] = field(default_factory=set)
    confirmed: bool = False
    waiters: list[asyncio.Future] = field(default_factory=list)
    idle_since: float | None = None
    last_ema: float | None = None  # the EMA last pushed to this process's clients
    resync: bool = False  # pub/sub was reconnected: messages may have been missed


class LiveHub:
    def __init__(self, *, listener: Callable[[], LiveListener], presence: PresenceService, tick_ms: int,
                 queue_size: int, idle_unsubscribe_s: float = 30.0, subscribe_timeout_s: float = 5.0) -> None:
        self._new_listener = listener
        self._presence = presence
        self._tick_s = tick_ms / 1000
        self._queue_size = queue_size
        self._idle_s = idle_unsubscribe_s
        self._subscribe_timeout_s = subscribe_timeout_s
        self._lock = threading.Lock()
        self._channels: dict[str, _Channel] = {}
        self._commands: queue.SimpleQueue[tuple[str, str]] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    @asynccontextmanager
    async def subscription(self, kind: str, site_id: str) -> AsyncIterator[ClientQueue]:
        """A queue of this site's live items, subscribed (confirmed by Redis) before it is handed out,
        so nothing published after a snapshot taken inside the block can be missed."""
        channel = presence_channel(site_id) if kind == PRESENCE else events_channel(site_id)
        # Presence only needs the newest snapshot: a queue of one conflates what a slow client missed.
        client = ClientQueue(1 if kind == PRESENCE else self._queue_size)
        waiter = self._join(kind, site_id, channel, client)
        try:
            if waiter is not None:
                try:
                    await asyncio.wait_for(waiter, self._subscribe_timeout_s)
                except TimeoutError as exc:
                    raise LiveUnavailable("the real-time store did not confirm the subscription") from exc
            yield client
        finally:
            self._leave(channel, client)

    def start(self) -> None:
        """Nothing to open: the pub/sub listener starts with the first stream client."""

    def close(self) -> None:
        self._stop.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout=5)

    def _join(self, kind: str, site_id: str, channel: str, client: ClientQueue) -> asyncio.Future | None:
        with self._lock:
            ch = self._channels.get(channel)
            if ch is None:
                ch = self._channels[channel] = _Channel(kind, site_id)
                self._commands.put(("subscribe", channel))
            ch.queues.add(client)
            ch.idle_since = None
            if self._thread is None and not self._stop.is_set():
                self._thread = threading.Thread(target=self._run, name="ut-live-hub", daemon=True)
                self._thread.start()
            if ch.confirmed:
                return None
            waiter = client.loop.create_future()
            ch.waiters.append(waiter)
            return waiter

    def _leave(self, channel: str, client: ClientQueue) -> None:
        with self._lock:
            ch = self._channels.get(channel)
            if ch is not None:
                ch.queues.discard(client)
                if not ch.queues:
                    ch.idle_since = time.monotonic()

    def _run(self) -> None:
        listener: LiveListener | None = None
        backoff, next_tick = 0.1, time.monotonic() + self._tick_s
        while not self._stop.is_set():
            try:
                if listener is None:
                    listener = self._connect()
                self._apply_commands(listener)
                item = listener.get(0.05)
                if item is not None:
                    self._handle(*item)
                if time.monotonic() >= next_tick:
                    next_tick = time.monotonic() + self._tick_s
                    self._tick(listener)
                if self._should_exit():
                    break
                backoff = 0.1
            except Exception:  # Redis went away: reconnect, resubscribe, resync the clients
                log.exception("live hub: pub/sub failed; reconnecting in %.1fs", backoff)
                if listener is not None:
                    listener.close()
                listener = None
                self._stop.wait(backoff)
                backoff = min(backoff * 2, 5.0)
        if listener is not None:
            listener.close()

    def _connect(self) -> LiveListener:
        listener = self._new_listener()
        with self._lock:
            while not self._commands.empty():  # superseded: we subscribe to everything current
                self._commands.get_nowait()
            for ch in self._channels.values():
                ch.confirmed, ch.resync = False, True  # the next tick pushes a fresh snapshot
            channels = list(self._channels)
        listener.subscribe(channels)
        return listener

    def _apply_commands(self, listener: LiveListener) -> None:
        while not self._commands.empty():
            action, channel = self._commands.get_nowait()
            (listener.subscribe if action == "subscribe" else listener.unsubscribe)([channel])

    def _handle(self, kind: str, channel: str, data: bytes) -> None:
        if kind == "subscribe":
            with self._lock:
                ch = self._channels.get(channel)
                waiters = ch.waiters if ch is not None else []
                if ch is not None:
                    ch.confirmed, ch.waiters = True, []
            for waiter in waiters:
                _call(waiter.get_loop(), _resolve, waiter)
        elif kind == "message":
            if channel.endswith(":presence"):
                self._fan_out(channel, (LiveItem(orjson.loads(data), data.decode()),))
            else:
                self._fan_out(channel, tuple(LiveItem(e, orjson.dumps(e).decode()) for e in orjson.loads(data)))

    def _tick(self, listener: LiveListener) -> None:
        now = time.monotonic()
        with self._lock:
            idle = [c for c, ch in self._channels.items()
                    if not ch.queues and ch.idle_since is not None and now - ch.idle_since > self._idle_s]
            for channel in idle:
                del self._channels[channel]
            streamed = [(c, ch) for c, ch in self._channels.items()
                        if ch.kind == PRESENCE and ch.queues and ch.confirmed]
        listener.unsubscribe(idle)
        for channel, ch in streamed:
            snap, published = self._presence.observe(ch.site_id)
            if published:
                continue  # it comes back to us through pub/sub, like to every other process
            if ch.resync or (ch.last_ema is not None and abs(snap.ema - ch.last_ema) >= 0.01):
                ch.resync = False
                self._fan_out(channel, (LiveItem(snap.model_dump(), snap.model_dump_json()),))
            elif ch.last_ema is None:
                ch.last_ema = snap.ema  # the clients' connect snapshots are this fresh

    def _fan_out(self, channel: str, message: tuple[LiveItem, ...]) -> None:
        with self._lock:
            ch = self._channels.get(channel)
            if ch is None:
                return
            if ch.kind == PRESENCE:
                ch.last_ema = message[-1].data.get("ema")
            by_loop: dict[asyncio.AbstractEventLoop, list[ClientQueue]] = {}
            for client in ch.queues:
                by_loop.setdefault(client.loop, []).append(client)
        for loop, clients in by_loop.items():
            _call(loop, _deliver, clients, message)

    def _should_exit(self) -> bool:
        with self._lock:
            if self._channels or not self._commands.empty():
                return False
            self._thread = None
            return True


def _deliver(clients: list[ClientQueue], message: tuple[LiveItem, ...]) -> None:
    for client in clients:
        client.put(message)


def _resolve(waiter: asyncio.Future) -> None:
    if not waiter.done():
        waiter.set_result(None)


def _call(loop: asyncio.AbstractEventLoop, fn, *args) -> None:
    with contextlib.suppress(RuntimeError):  # that loop is closed (its clients are gone)
        loop.call_soon_threadsafe(fn, *args)
