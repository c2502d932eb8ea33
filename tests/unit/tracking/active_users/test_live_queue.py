"""A stream client's queue never blocks the producer and loses the oldest messages first."""

import asyncio

from tracking.active_users.service.live_queue import ClientQueue, LiveItem


def _msg(*ids):
    return tuple(LiveItem({"id": i}, str(i)) for i in ids)


def test_a_full_queue_drops_the_oldest_messages_and_counts_their_items():
    async def main():
        q = ClientQueue(2)
        q.put(_msg(1, 2, 3))
        q.put(_msg(4))
        q.put(_msg(5))  # evicts (1, 2, 3)
        assert q.take_dropped() == 3 and q.take_dropped() == 0
        assert [[i.data["id"] for i in await q.get()] for _ in range(2)] == [[4], [5]]

    asyncio.run(main())


def test_get_waits_for_the_next_message():
    async def main():
        q = ClientQueue(5)
        waiter = asyncio.create_task(q.get())
        await asyncio.sleep(0.01)
        assert not waiter.done()
        q.put(_msg(7))
        assert (await asyncio.wait_for(waiter, 1))[0].data == {"id": 7}

    asyncio.run(main())
