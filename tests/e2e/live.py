"""Stream clients for e2e tests: an SSE reader on its own thread, timestamping every message."""

import queue
import threading
import time
from dataclasses import dataclass, field

import httpx
import orjson


@dataclass
class SseMessage:
    event: str
    id: str | None
    data: dict
    retry: int | None
    at: float  # time.perf_counter() when it arrived


@dataclass
class SseReader:
    url: str
    params: dict
    headers: dict = field(default_factory=dict)
    messages: "queue.Queue[SseMessage]" = field(default_factory=queue.Queue)
    comments: list[str] = field(default_factory=list)
    status: int | None = None

    def __post_init__(self) -> None:
        self._client = httpx.Client(timeout=httpx.Timeout(10, read=60))
        self._response: httpx.Response | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        self._ready.wait(10)

    def _run(self) -> None:
        try:
            with self._client.stream("GET", self.url, params=self.params, headers=self.headers) as resp:
                self._response, self.status = resp, resp.status_code
                self._ready.set()
                fields: dict[str, str] = {}
                for line in resp.iter_lines():
                    if line.startswith(":"):
                        self.comments.append(line)
                    elif line:
                        name, _, value = line.partition(":")
                        fields[name] = value.removeprefix(" ")
                    elif fields:
                        self.messages.put(SseMessage(fields.get("event", "message"), fields.get("id"),
                                                     orjson.loads(fields.get("data", "null")),
                                                     int(fields["retry"]) if "retry" in fields else None,
                                                     time.perf_counter()))
                        fields = {}
        except (httpx.HTTPError, RuntimeError):
            pass  # closed by the test
        finally:
            self._ready.set()

    def next(self, timeout: float = 5.0) -> SseMessage:
        return self.messages.get(timeout=timeout)

    def until(self, predicate, timeout: float = 5.0) -> SseMessage:
        """The first message (from now on) that satisfies `predicate`; fails after `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError("no matching SSE message in time")
            try:
                message = self.messages.get(timeout=remaining)
            except queue.Empty as exc:
                raise AssertionError("no matching SSE message in time") from exc
            if predicate(message):
                return message

    def drain_for(self, seconds: float) -> list[SseMessage]:
        """Every message that arrives within `seconds` from now."""
        deadline, out = time.monotonic() + seconds, []
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                out.append(self.messages.get(timeout=remaining))
            except queue.Empty:
                break
        return out

    def drain(self) -> list[SseMessage]:
        out = []
        while not self.messages.empty():
            out.append(self.messages.get_nowait())
        return out

    def close(self) -> None:
        if self._response is not None:
            self._response.close()
        self._client.close()
        self._thread.join(5)
