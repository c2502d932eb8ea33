"""The embedded durable buffer: framed records in segment files, an atomically replaced offset."""

import time

import pytest

from core.buffer.disk_log import BufferLocked, DiskLogBuffer


@pytest.fixture
def open_buffer(tmp_path):
    opened = []

    def _open(**kwargs) -> DiskLogBuffer:
        buf = DiskLogBuffer(tmp_path / "buf", **kwargs)
        opened.append(buf)
        return buf

    yield _open
    for buf in opened:
        if buf._write_fd >= 0:
            buf.close()


def payloads(records) -> list[bytes]:
    return [r.payload for r in records]


def segments(tmp_path) -> list[str]:
    return sorted(p.name for p in (tmp_path / "buf").glob("*.log"))


def test_append_read_ack_round_trip(open_buffer):
    buf = open_buffer()
    buf.append([b"one", b"two"])
    buf.append([b"three"])
    records = buf.read(10, block_ms=0)
    assert payloads(records) == [b"one", b"two", b"three"]
    assert not any(r.redelivered for r in records)
    assert len({r.id for r in records}) == 3
    buf.ack(records)
    assert buf.read(10, block_ms=0) == []
    assert buf.backlog() == 0


def test_read_respects_max_records_and_continues_where_it_stopped(open_buffer):
    buf = open_buffer()
    buf.append([b"a", b"b", b"c"])
    assert payloads(buf.read(2, block_ms=0)) == [b"a", b"b"]
    assert payloads(buf.read(2, block_ms=0)) == [b"c"]


def test_append_of_nothing_is_a_no_op(open_buffer):
    buf = open_buffer()
    buf.append([])
    assert buf.backlog() == 0
    assert buf.read(10, block_ms=0) == []


def test_empty_read_blocks_at_most_block_ms(open_buffer):
    buf = open_buffer()
    started = time.monotonic()
    assert buf.read(10, block_ms=100) == []
    elapsed = time.monotonic() - started
    assert 0.08 <= elapsed < 1.0


def test_read_with_zero_block_returns_immediately(open_buffer):
    buf = open_buffer()
    started = time.monotonic()
    assert buf.read(10, block_ms=0) == []
    assert time.monotonic() - started < 0.05


def test_unacked_records_are_redelivered_after_reopen_and_acked_ones_never_come_back(open_buffer):
    buf = open_buffer()
    buf.append([b"acked-1", b"acked-2"])
    buf.ack(buf.read(10, block_ms=0))
    buf.append([b"pending-1", b"pending-2"])
    assert payloads(buf.read(10, block_ms=0)) == [b"pending-1", b"pending-2"]  # read, never acked
    buf.close()

    reopened = open_buffer()
    assert reopened.backlog() == 2
    again = reopened.read(10, block_ms=0)
    assert payloads(again) == [b"pending-1", b"pending-2"]
    assert all(r.redelivered for r in again)

    reopened.append([b"fresh"])
    fresh = reopened.read(10, block_ms=0)
    assert payloads(fresh) == [b"fresh"]
    assert not fresh[0].redelivered


def test_partial_ack_is_remembered_across_reopen(open_buffer):
    buf = open_buffer()
    buf.append([b"a", b"b", b"c"])
    records = buf.read(10, block_ms=0)
    buf.ack(records[:2])
    buf.close()
    reopened = open_buffer()
    assert payloads(reopened.read(10, block_ms=0)) == [b"c"]


@pytest.mark.parametrize("garbage", [
    b"\x00\x00",  # half a header
    b"\x00\x00\x00\x10\x12\x34\x56\x78half",  # header promising 16 bytes, only 4 written
    b"\x00\x00\x00\x04\xde\xad\xbe\xefjunk",  # complete frame, wrong CRC
])
def test_torn_tail_is_cut_off_on_reopen(open_buffer, tmp_path, garbage):
    buf = open_buffer()
    buf.append([b"good-1", b"good-2"])
    buf.close()
    last = tmp_path / "buf" / segments(tmp_path)[-1]
    clean_size = last.stat().st_size
    with open(last, "ab") as f:
        f.write(garbage)

    reopened = open_buffer()
    assert last.stat().st_size == clean_size
    assert reopened.backlog() == 2
    reopened.append([b"after-crash"])
    assert payloads(reopened.read(10, block_ms=0)) == [b"good-1", b"good-2", b"after-crash"]


def test_segments_rotate_and_fully_acked_ones_are_deleted(open_buffer, tmp_path):
    buf = open_buffer(segment_bytes=64)
    expected = [b"x" * 40 + str(i).encode() for i in range(6)]
    for payload in expected:
        buf.append([payload])  # a frame is 8 + 41 bytes: a segment rotates after every second append
    assert segments(tmp_path) == ["0000000000.log", "0000000001.log", "0000000002.log"]

    records = buf.read(100, block_ms=0)
    assert payloads(records) == expected
    assert [r.id.split(":")[0] for r in records] == ["0", "0", "1", "1", "2", "2"]
    buf.ack(records[:3])  # the position moves into segment 1: segment 0 is fully acked
    assert segments(tmp_path) == ["0000000001.log", "0000000002.log"]
    buf.ack(records[3:5])
    assert segments(tmp_path) == ["0000000002.log"]

    buf.close()
    reopened = open_buffer(segment_bytes=64)
    assert payloads(reopened.read(100, block_ms=0)) == expected[5:]


def test_backlog_counts_appended_minus_acked_and_survives_reopen(open_buffer):
    buf = open_buffer()
    assert buf.backlog() == 0
    buf.append([b"1", b"2", b"3"])
    buf.append([b"4"])
    assert buf.backlog() == 4
    records = buf.read(3, block_ms=0)
    assert buf.backlog() == 4  # reading is not acking
    buf.ack(records)
    assert buf.backlog() == 1
    buf.close()
    assert open_buffer().backlog() == 1


def test_append_wakes_a_blocked_reader(open_buffer):
    import threading

    buf = open_buffer()
    timer = threading.Timer(0.05, buf.append, args=([b"late"],))
    timer.start()
    started = time.monotonic()
    records = buf.read(10, block_ms=5000)
    timer.join()
    assert payloads(records) == [b"late"]
    assert time.monotonic() - started < 2.0


def test_a_second_buffer_on_the_same_directory_is_refused(open_buffer):
    open_buffer()
    with pytest.raises(BufferLocked):
        open_buffer()


def test_the_lock_is_released_on_close(open_buffer):
    open_buffer().close()
    open_buffer()  # does not raise


def test_read_blocks_when_a_crash_left_an_empty_next_segment(open_buffer, tmp_path):
    buf = open_buffer(segment_bytes=64)
    buf.append([b"x" * 40])
    buf.append([b"y" * 40])
    buf.ack(buf.read(10, block_ms=0))
    buf.close()
    (tmp_path / "buf" / "0000000001.log").touch()  # rotation created the file, the write never happened

    reopened = open_buffer(segment_bytes=64)
    started = time.monotonic()
    assert reopened.read(10, block_ms=200) == []
    assert time.monotonic() - started >= 0.15
