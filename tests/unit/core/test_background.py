"""Modules' background tasks: started in threads, stopped through their stop event."""

import threading

from core.background import BackgroundRunner


class Ticker:
    def __init__(self) -> None:
        self.started = threading.Event()
        self.stopped = False

    def run_forever(self, stop: threading.Event) -> None:
        self.started.set()
        stop.wait()
        self.stopped = True


def test_tasks_run_in_threads_until_stopped():
    tasks = [Ticker(), Ticker()]
    runner = BackgroundRunner(tasks)
    runner.start()
    assert all(t.started.wait(2) for t in tasks)
    assert not any(t.stopped for t in tasks)
    runner.stop(timeout_s=2)
    assert all(t.stopped for t in tasks)


def test_stopping_a_runner_that_never_started_is_harmless():
    BackgroundRunner([Ticker()]).stop(timeout_s=0.1)
