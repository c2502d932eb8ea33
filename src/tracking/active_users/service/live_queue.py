"""A stream client's queue: bounded, drop-oldest, and `put` never waits.

`put` runs on the event loop (the hub schedules it there); `get` is awaited by the client's own
stream task. Dropped items are counted so the stream can tell the client it missed some.
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
        self._items: deque[LiveItem] = deque(maxlen=max(1, maxsize))
        self._ready = asyncio.Event()
        self._dropped = 0

    def put(self, item: LiveItem) -> None:
        if len(self._items) == self._items.maxlen:
            self._dropped += 1
        self._items.append(item)
        self._ready.set()

    async def get(self) -> LiveItem:
        while not self._items:
            self._ready.clear()
            await self._ready.wait()
        return self._items.popleft()

    def take_dropped(self) -> int:
        dropped, self._dropped = self._dropped, 0
        return dropped

    def __len__(self) -> int:
        return len(self._items)
