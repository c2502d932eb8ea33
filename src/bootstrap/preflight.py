"""Checks a command makes before it starts, each failing with one line that says what to do.

A traceback is the wrong answer to a configuration mistake: the operator has to scroll through 60
lines to find the one that matters. These run before anything is opened, and the CLI turns a
`Refused` into that line on stderr and exit code 1.
"""

import fcntl

from core.config.settings import DEV_SECRET_KEY, Settings


class Refused(RuntimeError):
    """Why the command does not start, and how to fix it: printed as `error: <message>`."""


def lock_conflict_message(settings: Settings) -> str:
    return (f"the data directory {settings.data_dir.resolve()} is in use by another utrack process (embedded "
            "stores allow one process); stop it, or give this one its own UT_DATA_DIR, or run several "
            "processes on server stores (UT_REDIS_URL, UT_CLICKHOUSE_URL)")


def data_dir_free(settings: Settings) -> None:
    """Embedded stores belong to one process, which holds the disk buffer's lock for its life. Probe
    that lock (and let go of it at once: the buffer takes it itself when it opens). Opening the
    stores would fail later anyway, as a traceback, and `migrate` would first touch a chDB directory
    that another process has open. Racing starts are still refused by the buffer itself
    (`BufferLocked`, turned into the same line by the CLI)."""
    if settings.redis_url:
        return  # the buffer is a Redis Stream, shared by design
    lock = settings.buffer_dir() / "LOCK"
    if not lock.exists():
        return
    with open(lock, "a+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Refused(lock_conflict_message(settings)) from None
        fcntl.flock(f, fcntl.LOCK_UN)


def secret_key_set(settings: Settings) -> None:
    """The development secret key is public (it is in env.example and the source): a service started
    with it signs and encrypts with a key anybody has. Only UT_ENV=development (`make run`) may."""
    if settings.secret_key == DEV_SECRET_KEY and settings.env != "development":
        raise Refused("UT_SECRET_KEY is the public development key; set UT_SECRET_KEY to a long random "
                      "secret (e.g. `python -c \"import secrets; print(secrets.token_urlsafe(32))\"`), "
                      "or set UT_ENV=development for a local try-out")
