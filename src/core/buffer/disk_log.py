"""The embedded durable buffer: an append-only log of segment files on local disk.

Each record is framed as length + CRC32 + payload and written with one `os.write` before the
collect endpoint answers 202, so an accepted event survives a crash of the process (the kernel
holds the page); `fsync=True` also makes it survive a power loss, at a latency cost. The
consumer position is a small file replaced atomically on ack. Records past it when the log is
opened are handed out as `redelivered`, since a worker may have written them before dying.

Records carry no time: the age of the oldest unacked one comes from append times kept in memory,
one sample per `_STAMP_S` (a few per second of backlog, whatever the rate). Records found when the
log is opened are dated by their segment file's mtime, so their age is a lower bound.
"""

import fcntl
import os
import struct
import threading
import time
import zlib
from collections import deque
from collections.abc import Sequence
from pathlib import Path

from core.buffer.port import BufferRecord, BufferUnavailable, Durability

_HEADER = struct.Struct(">II")
_SEGMENT_BYTES = 64 * 1024 * 1024
_STAMP_S = 0.1


class BufferLocked(RuntimeError):
    pass


class DiskLogBuffer:
    kind = "disk"

    def __init__(self, directory: Path, *, fsync: bool = False, segment_bytes: int = _SEGMENT_BYTES) -> None:
        self._dir = Path(directory)
        self._dir.mkdir(parents=True, exist_ok=True)
        self._fsync = fsync
        self._segment_bytes = segment_bytes
        self._cond = threading.Condition()
        self._lock_file = open(self._dir / "LOCK", "a+")  # noqa: SIM115 - held for the buffer's life
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            self._lock_file.close()
            raise BufferLocked(f"{self._dir} is used by another process") from exc
        self._committed = self._load_offset()
        recovered_at = self._recovered_time()  # before the tail is opened (truncating touches it)
        self._write_seg, self._write_fd, self._write_pos = self._open_tail()
        self._read = self._committed
        self._recovery_end = (self._write_seg, self._write_pos)
        self._backlog = sum(1 for _ in self._scan(self._committed, self._recovery_end))
        # (end position of the last record of a bucket, monotonic time of the bucket's first append)
        self._stamps: deque[tuple[tuple[int, int], float]] = deque()
        if self._backlog:
            self._stamps.append((self._recovery_end, recovered_at))

    # ---- writing -------------------------------------------------------------------------
    def append(self, payloads: Sequence[bytes]) -> None:
        if not payloads:
            return
        frame = b"".join(_HEADER.pack(len(p), zlib.crc32(p)) + p for p in payloads)
        with self._cond:
            if self._write_pos >= self._segment_bytes:
                self._rotate()
            view = memoryview(frame)
            try:
                while view:
                    written = os.write(self._write_fd, view)
                    view = view[written:]
                if self._fsync:
                    os.fsync(self._write_fd)
            except OSError as exc:  # e.g. the disk is full: nothing of this append is accepted
                # Cut a partly written frame off: the next append must start on a frame boundary.
                os.ftruncate(self._write_fd, self._write_pos)
                raise BufferUnavailable(f"disk buffer: {exc}") from exc
            self._write_pos += len(frame)
            self._backlog += len(payloads)
            self._stamp((self._write_seg, self._write_pos))
            self._cond.notify_all()

    def _stamp(self, end: tuple[int, int]) -> None:
        now = time.monotonic()
        if self._stamps and now - self._stamps[-1][1] < _STAMP_S:
            self._stamps[-1] = (end, self._stamps[-1][1])
        else:
            self._stamps.append((end, now))

    def _rotate(self) -> None:
        os.close(self._write_fd)
        self._write_seg += 1
        self._write_fd = os.open(self._segment(self._write_seg), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        self._write_pos = 0

    # ---- reading -------------------------------------------------------------------------
    def read(self, max_records: int, block_ms: int) -> list[BufferRecord]:
        deadline = time.monotonic() + block_ms / 1000
        while True:
            with self._cond:
                remaining = deadline - time.monotonic()
                if self._read == (self._write_seg, self._write_pos) and remaining > 0:
                    self._cond.wait(remaining)
                end = (self._write_seg, self._write_pos)
            records = []
            for (seg, pos), payload in self._scan(self._read, end):
                records.append(BufferRecord(f"{seg}:{pos}", payload, (seg, pos) <= self._recovery_end))
                self._read = (seg, pos)
                if len(records) >= max_records:
                    break
            if records or time.monotonic() >= deadline:
                return records
            # Nothing complete lies between here and the end (e.g. an empty segment left by a
            # crash right after rotation): move to the end so the next wait really blocks.
            self._read = max(self._read, end)

    def _scan(self, start: tuple[int, int], end: tuple[int, int]):
        """Yield ((segment, position after record), payload) from start up to end."""
        seg, pos = start
        while (seg, pos) < end:
            path = self._segment(seg)
            if not path.exists():
                seg, pos = seg + 1, 0
                continue
            with open(path, "rb") as f:
                f.seek(pos)
                limit = end[1] if seg == end[0] else None
                while limit is None or pos < limit:
                    header = f.read(_HEADER.size)
                    if len(header) < _HEADER.size:
                        break
                    size, crc = _HEADER.unpack(header)
                    payload = f.read(size)
                    if len(payload) < size or zlib.crc32(payload) != crc:
                        break
                    pos += _HEADER.size + size
                    yield (seg, pos), payload
            if seg >= end[0]:
                return
            seg, pos = seg + 1, 0

    def ack(self, records: Sequence[BufferRecord]) -> None:
        if not records:
            return
        seg, pos = (int(x) for x in records[-1].id.split(":"))
        tmp = self._dir / "offset.tmp"
        tmp.write_text(f"{seg} {pos}")
        os.replace(tmp, self._dir / "offset")
        with self._cond:
            self._committed = (seg, pos)
            self._backlog = max(0, self._backlog - len(records))
            while self._stamps and self._stamps[0][0] <= self._committed:
                self._stamps.popleft()
        for old in self._dir.glob("*.log"):
            if int(old.stem) < seg:
                old.unlink(missing_ok=True)

    def forget_acked(self) -> None:
        """Acked records stay in their segment until the log moves past it; a deletion (data
        rights) must not leave them on disk: start a new segment and, when nothing is pending,
        delete every older one now (else the ack that passes them does)."""
        with self._cond:
            self._rotate()
            if self._backlog == 0:
                self._committed = self._read = (self._write_seg, 0)
                tmp = self._dir / "offset.tmp"
                tmp.write_text(f"{self._write_seg} 0")
                os.replace(tmp, self._dir / "offset")
            committed = self._committed[0]
        for old in self._dir.glob("*.log"):
            if int(old.stem) < committed:
                old.unlink(missing_ok=True)

    def backlog(self) -> int:
        return self._backlog

    def oldest_age_s(self) -> float:
        with self._cond:
            first = self._stamps[0][1] if self._stamps and self._backlog else None
        return 0.0 if first is None else max(0.0, time.monotonic() - first)

    def durability(self) -> Durability:
        if self._fsync:
            return Durability(True, "disk log, fsync on: survives a crash of the process or of the machine")
        return Durability(True, "disk log, fsync off: survives a crash of the process, not a power loss")

    # ---- opening -------------------------------------------------------------------------
    def _segment(self, seg: int) -> Path:
        return self._dir / f"{seg:010d}.log"

    def _recovered_time(self) -> float:
        """The first unacked record was written before its segment was last modified."""
        segments = sorted(int(p.stem) for p in self._dir.glob("*.log") if int(p.stem) >= self._committed[0])
        if not segments:
            return time.monotonic()
        mtime = self._segment(segments[0]).stat().st_mtime
        return time.monotonic() - max(0.0, time.time() - mtime)

    def _load_offset(self) -> tuple[int, int]:
        try:
            seg, pos = (self._dir / "offset").read_text().split()
            return int(seg), int(pos)
        except (FileNotFoundError, ValueError):
            segments = sorted(int(p.stem) for p in self._dir.glob("*.log"))
            return (segments[0] if segments else 0, 0)

    def _open_tail(self) -> tuple[int, int, int]:
        segments = sorted(int(p.stem) for p in self._dir.glob("*.log"))
        seg = segments[-1] if segments else self._committed[0]
        path = self._segment(seg)
        path.touch(exist_ok=True)
        start = self._committed[1] if seg == self._committed[0] else 0
        valid = start
        for (_, pos), _payload in self._scan((seg, start), (seg, path.stat().st_size)):
            valid = pos
        # A record torn by a crash mid-write was never acknowledged (202 follows the write):
        # cut it off so new appends start on a clean frame boundary.
        os.truncate(path, valid)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND, 0o600)
        return seg, fd, valid

    def close(self) -> None:
        with self._cond:
            if self._write_fd >= 0:
                os.close(self._write_fd)
                self._write_fd = -1
        fcntl.flock(self._lock_file, fcntl.LOCK_UN)
        self._lock_file.close()
