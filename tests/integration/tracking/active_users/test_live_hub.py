"""The live hub and streams on the real Redis: updates within a second, expiry, resumption, a slow
client that cannot hold up a fast one, and two processes' hubs serving the same messages."""

import asyncio
import time

import orjson

from tests.integration.tracking.active_users.conftest import pageviews
from tracking.active_users.service.hub import EVENTS, PRESENCE
from tracking.active_users.service.streams import events_stream, presence_stream


async def _next(stream, timeout=2.0):
    return await asyncio.wait_for(stream.__anext__(), timeout)


def test_snapshot_on_connect_then_an_update_within_a_second(sites, make_presence, make_hub):
    presence = make_presence()
    hub = make_hub(presence)

    async def main():
        stream = presence_stream(hub, presence, sites[0], last_event_id=None)
        first = await _next(stream)
        assert (first.event, orjson.loads(first.data)["visitors"]) == ("snapshot", 0)
        started = time.perf_counter()
        await asyncio.to_thread(presence.record, pageviews(sites[0], 1, 2, path="/live"))
        update = await _next(stream, 1.0)
        latency = time.perf_counter() - started
        data = orjson.loads(update.data)
        assert (update.event, data["visitors"], data["top_pages"]) == ("presence", 2, [{"pathname": "/live",
                                                                                         "visitors": 2}])
        assert int(update.id) > int(first.id) and latency < 1.0
        await stream.aclose()

    asyncio.run(main())


def test_resuming_sends_the_current_snapshot_with_a_newer_id(sites, make_presence, make_hub):
    presence = make_presence()
    hub = make_hub(presence)
    presence.record(pageviews(sites[0], 7))
    future_id = str(int(time.time() * 1000) + 60_000)  # a client whose last id is ahead of our clock

    async def main():
        stream = presence_stream(hub, presence, sites[0], last_event_id=future_id)
        first = await _next(stream)
        assert first.event == "snapshot" and orjson.loads(first.data)["visitors"] == 1
        assert int(first.id) == int(future_id) + 1
        await asyncio.to_thread(presence.record, pageviews(sites[0], 8))
        second = await _next(stream)
        assert int(second.id) == int(future_id) + 2 and orjson.loads(second.data)["visitors"] == 2
        await stream.aclose()

    asyncio.run(main())


def test_visitors_leaving_the_window_are_pushed(sites, make_presence, make_hub):
    presence = make_presence(window_s=1)
    hub = make_hub(presence, tick_ms=100)

    async def main():
        stream = presence_stream(hub, presence, sites[0], last_event_id=None)
        await _next(stream)
        await asyncio.to_thread(presence.record, pageviews(sites[0], 1))
        seen_at = time.perf_counter()
        counts = []
        while not counts or counts[-1] != 0:
            counts.append(orjson.loads((await _next(stream, 3.0)).data)["visitors"])
        assert counts[0] == 1 and counts[-1] == 0
        assert 0.9 < time.perf_counter() - seen_at < 1.6  # the window, plus at most a tick or two
        await stream.aclose()

    asyncio.run(main())


def test_a_slow_client_loses_old_messages_and_never_holds_up_a_fast_one(sites, make_presence, make_hub):
    presence = make_presence()
    hub = make_hub(presence, queue_size=3)
    site = sites[0]

    async def main():
        async with hub.subscription(EVENTS, site) as slow:  # subscribed, and never read
            fast = events_stream(hub, presence._feed, site, last_event_id=None, backlog=0, keep=100)
            reader = asyncio.create_task(_collect(fast, 50 * 4))
            await asyncio.sleep(0.2)  # the fast stream is subscribed
            for batch in range(50):
                await asyncio.to_thread(presence.record, pageviews(site, *range(batch * 4, batch * 4 + 4)))
            received = await asyncio.wait_for(reader, 5)
            assert [m.event for m in received] == ["event"] * 200
            assert len({m.id for m in received}) == 200
            assert len(slow) == 3 and slow.take_dropped() == 47 * 4

    async def _collect(stream, n):
        out = []
        async for m in stream:
            out.append(m)
            if len(out) == n:
                await stream.aclose()
                return out

    asyncio.run(main())


def test_two_hubs_serve_the_same_messages(sites, make_presence, make_hub):
    """Two API processes: each has its own hub and pub/sub connection; the worker publishes once."""
    presence = make_presence()
    hubs = (make_hub(make_presence()), make_hub(make_presence()))

    async def main():
        streams = [presence_stream(h, presence, sites[0], last_event_id=None) for h in hubs]
        for s in streams:
            await _next(s)
        await asyncio.to_thread(presence.record, pageviews(sites[0], 1, 2, 3, path="/same"))
        a, b = [await _next(s) for s in streams]
        assert a.data == b.data and a.id == b.id and orjson.loads(a.data)["visitors"] == 3
        for s in streams:
            await s.aclose()

    asyncio.run(main())


def test_events_resume_after_the_last_event_id_and_sites_stay_apart(sites, make_presence, make_hub):
    presence = make_presence()
    hub = make_hub(presence)
    site_a, site_b = sites
    presence.record(pageviews(site_a, 1, path="/one") + pageviews(site_a, 2, path="/two"))

    async def main():
        first = events_stream(hub, presence._feed, site_a, last_event_id=None, backlog=10, keep=100)
        backlog = [await _next(first), await _next(first)]
        assert [orjson.loads(m.data)["pathname"] for m in backlog] == ["/one", "/two"]
        await first.aclose()
        resumed = events_stream(hub, presence._feed, site_a, last_event_id=backlog[0].id, backlog=10, keep=100)
        assert (await _next(resumed)).id == backlog[1].id  # only what came after the last seen id
        async with hub.subscription(PRESENCE, site_b) as other, hub.subscription(EVENTS, site_b) as other_events:
            await asyncio.to_thread(presence.record, pageviews(site_a, 3, path="/three"))
            live = await _next(resumed)
            assert orjson.loads(live.data)["pathname"] == "/three"
            await asyncio.sleep(0.3)
            assert len(other) == 0 and len(other_events) == 0
        await resumed.aclose()

    asyncio.run(main())
