"""A stalled SSE client (its socket never drains) against the real app and the real Redis: the
other client gets every event at once, and the stalled one is cut after UT_LIVE_SEND_TIMEOUT_S.

The app is driven through ASGI directly because a real socket would let the kernel absorb
megabytes before the server ever noticed; here `send` blocks for good, like a full socket.
"""

import asyncio
import time

import orjson
from alembic import command

from bootstrap.app import create_app
from bootstrap.migrate import alembic_config
from core.config.settings import Settings
from tests.integration.tracking.active_users.conftest import pageviews
from tracking.active_users.cache import events_channel
from tracking.active_users.settings import ActiveUsersSettings


def _scope(path: str, query: str, key: str) -> dict:
    return {"type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"}, "http_version": "1.1",
            "method": "GET", "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
            "query_string": query.encode(), "headers": [(b"host", b"test"), (b"x-api-key", key.encode())],
            "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 80)}


def _events(chunks: list[bytes]) -> list[dict]:
    out = []
    for block in b"".join(chunks).decode().replace("\r\n", "\n").split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.split("\n") if line and not line.startswith(":"))
        if "event" in fields:
            out.append(fields)
    return out


def test_a_stalled_client_neither_delays_nor_costs_the_others_a_single_event(tmp_path, redis_url, unique):
    settings = Settings(data_dir=tmp_path, redis_url=redis_url, buffer_stream=f"ut:test:{unique}",
                        worker_enabled=False)
    command.upgrade(alembic_config(settings), "heads")
    app = create_app(settings, {"active_users": ActiveUsersSettings(live_queue_size=3, live_send_timeout_s=1.0)})
    container = app.state.container
    site = container.core.tenancy().create_site(domain="live.example")
    presence, hub = container.active_users.presence(), container.active_users.hub()
    scope = _scope("/events/stream", f"site_id={site.site_id}&backlog=0", site.secret_key)

    async def main():
        gone = asyncio.Event()

        async def receive():
            if not getattr(receive, "started", False):
                receive.started = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await gone.wait()
            return {"type": "http.disconnect"}

        fast_chunks: list[bytes] = []
        stalled = asyncio.Event()

        async def fast_send(message):
            if message["type"] == "http.response.body":
                fast_chunks.append(message.get("body", b""))

        async def stalled_send(message):
            if message["type"] == "http.response.body" and message.get("body"):
                stalled.set()
                await asyncio.Event().wait()  # the socket is full, for good

        slow = asyncio.create_task(app(scope, receive, stalled_send))
        fast = asyncio.create_task(app(scope, receive, fast_send))
        for _ in range(100):  # both subscribed
            if len(hub._channels.get(events_channel(site.site_id)).queues if hub._channels.get(
                    events_channel(site.site_id)) else ()) == 2:
                break
            await asyncio.sleep(0.02)
        for batch in range(30):
            await asyncio.to_thread(presence.record, pageviews(site.site_id, *range(batch * 4, batch * 4 + 4)))
        # Timed from the last publication, so the 30 Redis round trips of a loaded machine do not
        # count: a fast client held up by the stalled one would never get the rest at all.
        published = time.perf_counter()
        while len([e for e in _events(fast_chunks) if e["event"] == "event"]) < 120:
            assert time.perf_counter() - published < 3, "the fast client is held up"
            await asyncio.sleep(0.01)
        events = _events(fast_chunks)
        assert [e["event"] for e in events] == ["event"] * 120  # nothing dropped for the client that keeps up
        assert len({orjson.loads(e["data"])["id"] for e in events}) == 120
        assert stalled.is_set()
        await asyncio.wait_for(slow, 3)  # cut by the send timeout, not left holding a queue
        assert len(hub._channels[events_channel(site.site_id)].queues) == 1
        gone.set()
        await asyncio.wait_for(fast, 3)

    try:
        asyncio.run(main())
    finally:
        hub.close()
        container.core.redis().delete(*container.core.redis().keys(f"active_users:{site.site_id}:*") or ["_"])
