"""The disk log's oldest-unacked age (the metric and /ready read it) and a failed append (disk full)."""

import errno
import os
import time

import pytest

from core.buffer import disk_log
from core.buffer.disk_log import DiskLogBuffer
from core.buffer.port import BufferUnavailable


@pytest.fixture
def buf(tmp_path):
    opened = DiskLogBuffer(tmp_path / "buf")
    yield opened
    if opened._write_fd >= 0:
        opened.close()


def test_oldest_unacked_age_is_the_first_unacked_records(buf):
    assert buf.oldest_age_s() == 0.0
    buf.append([b"old"])
    time.sleep(0.3)
    buf.append([b"new"])
    assert 0.3 <= buf.oldest_age_s() < 1
    first = buf.read(1, block_ms=0)
    assert 0.3 <= buf.oldest_age_s() < 1  # read, not acked
    buf.ack(first)
    assert buf.oldest_age_s() < 0.1
    buf.ack(buf.read(10, block_ms=0))
    assert buf.oldest_age_s() == 0.0


def test_many_appends_keep_a_few_samples_only(buf):
    for i in range(2000):
        buf.append([b"x%d" % i])
    assert len(buf._stamps) < 20


def test_records_found_at_open_are_at_least_as_old_as_their_segment(tmp_path):
    first = DiskLogBuffer(tmp_path / "buf")
    first.append([b"left behind"])
    first.close()
    segment = next((tmp_path / "buf").glob("*.log"))
    an_hour_ago = time.time() - 3600
    os.utime(segment, (an_hour_ago, an_hour_ago))
    reopened = DiskLogBuffer(tmp_path / "buf")
    try:
        assert 3599 <= reopened.oldest_age_s() < 3700
        reopened.ack(reopened.read(10, block_ms=0))
        assert reopened.oldest_age_s() == 0.0
    finally:
        reopened.close()


def test_a_failed_append_is_refused_whole_and_leaves_no_torn_frame(buf, monkeypatch):
    buf.append([b"kept"])
    real_write = os.write

    def disk_full(fd, data):
        real_write(fd, bytes(data[:5]))  # a part of the frame reached the file...
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(disk_log.os, "write", disk_full)
    with pytest.raises(BufferUnavailable, match="No space left"):
        buf.append([b"refused"])
    monkeypatch.undo()
    buf.append([b"after"])
    assert [r.payload for r in buf.read(10, block_ms=0)] == [b"kept", b"after"]
    assert buf.backlog() == 2


def test_durability_names_the_fsync_setting(tmp_path):
    for fsync, words in ((False, "not a power loss"), (True, "or of the machine")):
        opened = DiskLogBuffer(tmp_path / f"buf-{fsync}", fsync=fsync)
        assert opened.durability().durable is True and words in opened.durability().detail
        opened.close()
