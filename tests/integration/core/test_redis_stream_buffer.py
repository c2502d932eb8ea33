"""The Redis Streams buffer on a real Redis: order, acks, backlog, and reclaiming a dead worker's reads."""

import time

import pytest

from core.buffer.redis_stream import RedisStreamBuffer

CLAIM_IDLE_MS = 200


@pytest.fixture
def stream(redis_client, unique):
    name = f"ut:test:{unique}"
    yield name
    redis_client.delete(name)


def _buffer(redis_client, stream: str, consumer: str) -> RedisStreamBuffer:
    return RedisStreamBuffer(redis_client, stream=stream, claim_idle_ms=CLAIM_IDLE_MS, consumer=consumer)


def _idle_past_claim() -> None:
    time.sleep(CLAIM_IDLE_MS / 1000 + 0.1)


def test_append_read_ack_in_order(redis_client, stream):
    buffer = _buffer(redis_client, stream, "a")
    payloads = [b'[{"n": 1}]', b'[{"n": 2}]', "ünïcødé 🎉".encode()]
    buffer.append(payloads)
    assert buffer.backlog() == 3 == redis_client.xlen(stream)

    first = buffer.read(2, block_ms=0)
    rest = buffer.read(10, block_ms=0)
    assert [r.payload for r in first + rest] == payloads
    assert not any(r.redelivered for r in first + rest)
    assert len({r.id for r in first + rest}) == 3

    buffer.ack(first + rest)
    assert buffer.backlog() == 0 == redis_client.xlen(stream)
    buffer.ack([])  # nothing to do, no error
    assert buffer.read(10, block_ms=0) == []


def test_read_blocks_at_most_block_ms_on_an_empty_stream(redis_client, stream):
    buffer = _buffer(redis_client, stream, "a")
    started = time.monotonic()
    assert buffer.read(10, block_ms=150) == []
    assert 0.1 <= time.monotonic() - started < 2


def test_unacked_records_of_a_dead_consumer_are_reclaimed_as_redelivered(redis_client, stream):
    dead, alive = _buffer(redis_client, stream, "dead"), _buffer(redis_client, stream, "alive")
    dead.append([b"one", b"two"])
    taken = dead.read(10, block_ms=0)  # ...and the worker dies before acking
    assert [r.payload for r in taken] == [b"one", b"two"]

    assert alive.read(10, block_ms=0) == []  # not idle long enough yet: still the dead worker's
    assert alive.backlog() == 2
    _idle_past_claim()
    reclaimed = alive.read(10, block_ms=0)
    assert [(r.id, r.payload, r.redelivered) for r in reclaimed] == [(r.id, r.payload, True) for r in taken]

    alive.ack(reclaimed)
    assert alive.backlog() == 0
    _idle_past_claim()
    assert alive.read(10, block_ms=0) == [] and dead.read(10, block_ms=0) == []


def test_acked_records_never_come_back(redis_client, stream):
    first, second = _buffer(redis_client, stream, "first"), _buffer(redis_client, stream, "second")
    first.append([b"a", b"b", b"c"])
    records = first.read(10, block_ms=0)
    first.ack(records[:1])  # acked "a", died holding "b" and "c"
    _idle_past_claim()

    reclaimed = second.read(10, block_ms=0)
    assert [r.payload for r in reclaimed] == [b"b", b"c"]
    assert all(r.redelivered for r in reclaimed)
    second.ack(reclaimed)
    first.append([b"d"])
    _idle_past_claim()
    later = first.read(10, block_ms=0) + second.read(10, block_ms=0)
    assert [(r.payload, r.redelivered) for r in later] == [(b"d", False)]
    first.ack(later)  # any consumer of the group may ack
    assert first.backlog() == 0
