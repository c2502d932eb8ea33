"""A worker's name in the Redis consumer group that survives a restart of the process.

A consumer's unacked entries (its PEL) can be taken over at once only by a consumer of the same
name; any other waits `claim_idle_ms`. So the name must not change with the pid: it is
`UT_WORKER_ID` when set (e.g. a StatefulSet pod name), else `<hostname>-<id>-<slot>`, where `id`
is a random id kept in the data directory and `slot` the lowest free slot of a lock file there.
The lock makes two live processes sharing a data directory take different names, which matters:
two processes reading one PEL would both write the same entries. A restarted process gets the
slot its predecessor released, with the predecessor's pending entries.
"""

import fcntl
import os
import socket
import uuid
from pathlib import Path

_MAX_SLOTS = 64


class WorkerIdentity:
    def __init__(self, directory: Path, configured: str = "") -> None:
        self._dir = Path(directory)
        self._configured = configured
        self._name: str | None = None
        self._lock = None

    def name(self) -> str:
        """Resolved on first use, so processes that only append never take a slot."""
        if self._name is None:
            self._name = self._configured or self._claim_slot()
        return self._name

    def _claim_slot(self) -> str:
        self._dir.mkdir(parents=True, exist_ok=True)
        id_file = self._dir / "worker-id"
        if not id_file.exists():
            tmp = self._dir / f"worker-id.{os.getpid()}.tmp"
            tmp.write_text(uuid.uuid4().hex[:8])
            try:
                os.link(tmp, id_file)  # first writer wins; a concurrent one reads the winner's id
            except FileExistsError:
                pass
            finally:
                tmp.unlink(missing_ok=True)
        stable = id_file.read_text().strip()
        for slot in range(_MAX_SLOTS):
            lock = open(self._dir / f"worker-{slot}.lock", "a+")  # noqa: SIM115 - held while the process lives
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                lock.close()
                continue
            self._lock = lock
            return f"{socket.gethostname()}-{stable}-{slot}"
        # More live workers than slots on one data directory: a unique, unstable name is still safe.
        return f"{socket.gethostname()}-{stable}-pid{os.getpid()}"

    def close(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None
