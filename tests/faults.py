"""Fault injection for the reliability tests: a redis-server of the test's own, stopped and
restarted at will on its port, and a TCP proxy that can cut a store off. The shared servers are
never touched. A missing redis-server binary fails the test loudly (never a skip)."""

import contextlib
import shutil
import socket
import subprocess
import threading
from pathlib import Path

import pytest

from tests.servers import free_port, wait_for_port


class OwnRedis:
    """`redis-server` on a free port; `kill()` is a crash (SIGKILL), `start()` again reuses the port
    and, without persistence, comes back empty."""

    def __init__(self, directory: Path, *, appendonly: bool = False, config_command: bool = True) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is not installed (scripts/ensure-services.sh)", pytrace=False)
        self.binary = binary
        self.dir = directory
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.args = ["--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.dir),
                     "--save", "", "--appendonly", "yes" if appendonly else "no",
                     "--appendfsync", "always", "--daemonize", "no", "--logfile", str(self.dir / "redis.log")]
        if not config_command:
            self.args += ["--rename-command", "CONFIG", ""]
        self.proc: subprocess.Popen | None = None

    def start(self) -> "OwnRedis":
        self.proc = subprocess.Popen([self.binary, *self.args], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        wait_for_port(self.port, 10, self.proc)
        return self

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def client(self):
        import redis

        return redis.Redis.from_url(self.url, socket_timeout=2)


class Proxy:
    """Forwards 127.0.0.1:<port> to a target port. `cut()` closes every connection and refuses new
    ones (the store is down, as far as the client can tell); `restore()` lets them through again."""

    def __init__(self, target_port: int) -> None:
        self.target = target_port
        self.port = free_port()
        self._open = threading.Event()
        self._open.set()
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._stopped = False

    def start(self) -> "Proxy":
        self._listen()
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def _listen(self) -> None:
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", self.port))
        s.listen(64)
        self._listener = s

    def _accept(self) -> None:
        while not self._stopped:
            try:
                client, _ = self._listener.accept()
            except OSError:
                if self._stopped:
                    return
                self._open.wait()
                continue
            if not self._open.is_set():
                client.close()
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target), timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        """New connections are refused (the listener is closed) and open ones are reset."""
        self._open.clear()
        if self._listener is not None:
            with contextlib.suppress(OSError):  # wakes the accept() blocked on it (close alone does not)
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
        with self._lock:
            conns, self._conns = self._conns, []
        for s in conns:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()

    def restore(self) -> None:
        self._listen()
        self._open.set()

    def stop(self) -> None:
        self._stopped = True
        self.cut()
        self._open.set()
