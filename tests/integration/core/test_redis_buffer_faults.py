"""The Redis Streams buffer against a redis-server of the test's own that crashes and comes back
empty: the group is recreated, a restarted consumer takes back its own pending entries at once,
the oldest unacked record's age is measured, and the server's persistence is read at start-up."""

import time

import pytest

from core.buffer.factory import check_durability
from core.buffer.identity import WorkerIdentity
from core.buffer.port import BufferNotDurable, BufferUnavailable
from core.buffer.redis_stream import RedisStreamBuffer
from tests.faults import OwnRedis

STREAM = "ut:faults"
CLAIM_IDLE_MS = 60_000  # long: anything faster than this is a consumer taking back its own entries


def _buffer(server: OwnRedis, consumer: str = "w1") -> RedisStreamBuffer:
    return RedisStreamBuffer(server.client(), stream=STREAM, claim_idle_ms=CLAIM_IDLE_MS, consumer=consumer)


def test_group_and_stream_are_recreated_after_redis_restarts_empty(own_redis):
    buffer = _buffer(own_redis)
    buffer.append([b"before"])
    taken = buffer.read(10, block_ms=0)
    assert [r.payload for r in taken] == [b"before"]

    own_redis.kill()
    with pytest.raises(BufferUnavailable):
        buffer.append([b"refused"])
    own_redis.start()  # no persistence: the stream and the group are gone
    buffer.ack(taken)  # the old ids are unknown to the new server: no error

    assert buffer.read(10, block_ms=0) == []  # NOGROUP -> recreated (with MKSTREAM), nothing to read
    assert own_redis.client().xinfo_groups(STREAM)[0]["name"] == b"workers"
    buffer.append([b"after"])
    assert [r.payload for r in buffer.read(10, block_ms=0)] == [b"after"]


def test_entries_an_api_appended_before_the_group_came_back_are_read_and_checked_against_the_log(own_redis):
    buffer = _buffer(own_redis)
    buffer.append([b"x"])
    buffer.ack(buffer.read(10, block_ms=0))
    own_redis.client().flushall()  # the group is gone; an API replica appends to a new stream
    _buffer(own_redis, "api").append([b"one", b"two"])

    records = buffer.read(10, block_ms=0)
    assert [(r.payload, r.redelivered) for r in records] == [(b"one", True), (b"two", True)]
    buffer.ack(records)
    buffer.append([b"three"])  # appended after the group was recreated: nothing to suspect
    assert [(r.payload, r.redelivered) for r in buffer.read(10, block_ms=0)] == [(b"three", False)]


def test_a_restarted_consumer_takes_back_its_own_pending_entries_at_once(own_redis):
    first = _buffer(own_redis, "w1")
    first.append([b"a", b"b", b"c"])
    held = first.read(2, block_ms=0)  # ...and the process is SIGKILLed
    assert [r.payload for r in held] == [b"a", b"b"]

    other = _buffer(own_redis, "w2")
    started = time.monotonic()
    assert [r.payload for r in other.read(10, block_ms=0)] == [b"c"]  # a stranger waits claim_idle_ms
    restarted = _buffer(own_redis, "w1")
    mine = restarted.read(10, block_ms=0)
    assert time.monotonic() - started < 1
    assert [(r.id, r.payload, r.redelivered) for r in mine] == [(r.id, r.payload, True) for r in held]
    assert restarted.read(10, block_ms=0) == []  # no re-read of what it holds, before or after its ack
    restarted.ack(mine)
    assert restarted.read(10, block_ms=0) == []
    assert own_redis.client().xpending(STREAM, "workers")["pending"] == 1  # c, held by w2


def test_oldest_unacked_age_follows_the_first_entry_in_the_stream(own_redis):
    buffer = _buffer(own_redis)
    assert buffer.oldest_age_s() == 0.0
    buffer.append([b"old"])
    time.sleep(0.3)
    buffer.append([b"new"])
    assert 0.25 <= buffer.oldest_age_s() < 2
    old = buffer.read(1, block_ms=0)
    assert 0.25 <= buffer.oldest_age_s() < 2  # read but not acked still counts
    buffer.ack(old)
    assert buffer.oldest_age_s() < 0.25


def test_durability_without_appendonly_is_warned_about_or_refused(own_redis, caplog):
    buffer = _buffer(own_redis)
    assert buffer.durability().durable is False
    assert "appendonly=no" in buffer.durability().detail
    check_durability(buffer, require=False)
    assert "a Redis restart loses every event still in the buffer" in caplog.text
    with pytest.raises(BufferNotDurable, match="UT_BUFFER_REQUIRE_AOF"):
        check_durability(buffer, require=True)


def test_durability_with_appendonly_and_with_config_disabled(tmp_path):
    aof = OwnRedis(tmp_path / "aof", appendonly=True).start()
    locked = OwnRedis(tmp_path / "locked", config_command=False).start()
    try:
        durable = _buffer(aof).durability()
        assert durable.durable is True and "appendonly=yes appendfsync=always" in durable.detail
        check_durability(_buffer(aof), require=True)
        unknown = _buffer(locked).durability()
        assert unknown.durable is None and unknown.detail.startswith("unknown")
        check_durability(_buffer(locked), require=True)  # cannot be told: tolerated, warned
    finally:
        aof.kill()
        locked.kill()


def test_durability_of_an_unreachable_redis_is_deferred_not_fatal(own_redis):
    buffer = _buffer(own_redis)
    own_redis.kill()
    check_durability(buffer, require=True)  # logged; /ready reports it once Redis answers


def test_worker_identity_is_stable_per_data_dir_and_unique_among_live_processes(tmp_path):
    first = WorkerIdentity(tmp_path / "worker")
    name = first.name()
    second = WorkerIdentity(tmp_path / "worker")
    assert second.name() != name  # two live holders never share a name (they would share a PEL)
    first.close()
    again = WorkerIdentity(tmp_path / "worker")
    assert again.name() == name  # the restarted one takes its predecessor's name
    assert WorkerIdentity(tmp_path / "other", "pod-3").name() == "pod-3"
    for identity in (second, again):
        identity.close()
