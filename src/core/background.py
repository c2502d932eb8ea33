"""Modules' periodic tasks (e.g. an outbox sender), run in threads next to the worker.

A task is any object with `run_forever(stop: threading.Event)` that returns soon after `stop` is
set. They run where the worker runs: in `utrack serve` when the worker is enabled, and in
`utrack worker`, so a deployment that splits API and workers keeps one place doing background work.
"""

import threading
from collections.abc import Sequence
from typing import Protocol


class BackgroundTask(Protocol):
    def run_forever(self, stop: threading.Event) -> None: ...


class BackgroundRunner:
    def __init__(self, tasks: Sequence[BackgroundTask] = ()) -> None:
        self._tasks = list(tasks)
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        self._stop.clear()
        for task in self._tasks:
            thread = threading.Thread(target=task.run_forever, args=(self._stop,), daemon=True,
                                      name=f"ut-task-{type(task).__name__}")
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout_s: float = 15) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=timeout_s)
        self._threads.clear()
