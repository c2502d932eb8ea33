"""forget_acked: a data-rights deletion leaves no acked record in the disk log's files, and the log
goes on as before (pending records stay readable, new ones are appended and read)."""

from core.buffer.disk_log import DiskLogBuffer


def _on_disk(folder) -> bytes:
    return b"".join(p.read_bytes() for p in folder.glob("*.log"))


def test_acked_records_leave_the_disk_and_the_log_goes_on(tmp_path):
    log = DiskLogBuffer(tmp_path)
    log.append([b"site_gone-1", b"site_gone-2"])
    log.ack(log.read(10, 0))
    assert b"site_gone" in _on_disk(tmp_path)  # acked, but still in the segment
    log.forget_acked()
    assert b"site_gone" not in _on_disk(tmp_path)
    log.append([b"later"])
    assert [r.payload for r in log.read(10, 0)] == [b"later"]
    log.close()
    reopened = DiskLogBuffer(tmp_path)  # the offset file agrees with the files
    assert [r.payload for r in reopened.read(10, 0)] == [b"later"]
    reopened.close()


def test_pending_records_are_kept_and_the_old_segment_goes_with_their_ack(tmp_path):
    log = DiskLogBuffer(tmp_path)
    log.append([b"site_gone-1"])
    log.append([b"pending"])
    first = log.read(1, 0)
    log.ack(first)
    log.forget_acked()  # something is pending: its segment stays for now
    rest = log.read(10, 0)
    assert [r.payload for r in rest] == [b"pending"]
    log.append([b"next"])
    log.ack(rest + log.read(10, 0))
    assert b"site_gone" not in _on_disk(tmp_path)
    log.close()
