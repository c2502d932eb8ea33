"""A stream client's queue of pub/sub messages: bounded, drop-oldest, and `put` never waits.

An entry is one pub/sub message (a presence snapshot, or the events of one worker batch), so a
big batch never overflows the queue of a client that keeps up. `put` runs on the event loop (the
hub schedules it there); `get` is awaited by the client's own stream task. Items lost to a full
queue are counted so the stream can tell the client how many it missed.
"""

import asyncio
from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LiveItem:
    data: dict  # parsed, for decisions (ids, timestamps)
    raw: str  # the JSON sent to clients, encoded once for all of them


class ClientQueue:
    def __init__(self, maxsize: int) -> None:
        self.loop = asyncio.get_running_loop()
        self._messages: deque[tuple[LiveItem, ...]] = deque()
        self._maxsize = max(1, maxsize)
        self._ready = asyncio.Event()
        self._dropped = 0

    def put(self, message: tuple[LiveItem, ...]) -> None:
        if len(self._messages) == self._maxsize:
            self._dropped += len(self._messages.popleft())
        self._messages.append(message)
        self._ready.set()

    async def get(self) -> tuple[LiveItem, ...]:
        while not self._messages:
            self._ready.clear()
            await self._ready.wait()
        return self._messages.popleft()

    def take_dropped(self) -> int:
        dropped, self._dropped = self._dropped, 0
        return dropped

    def __len__(self) -> int:
        return len(self._messages)
