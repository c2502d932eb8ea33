"""Checks a command makes before it starts, each failing with one line that says what to do.

A traceback is the wrong answer to a configuration mistake: the operator has to scroll through 60
lines to find the one that matters. These run before anything is opened, and the CLI turns a
`Refused` into that line on stderr and exit code 1 (2 for `BadSettings`, as for a usage error).
"""

import fcntl
from urllib.parse import urlsplit

from pydantic import ValidationError

from core.config.settings import DEV_SECRET_KEY, Settings
from core.http.context import parse_networks


class Refused(RuntimeError):
    """Why the command does not start, and how to fix it: printed as `error: <message>`."""


class BadSettings(Refused):
    """A setting that cannot be used (exit code 2): the variable, and what is wrong with it."""


def is_settings_error(exc: ValidationError) -> bool:
    """Whether pydantic refused core's or a module's settings (every one is `<Something>Settings`)."""
    return exc.title.endswith("Settings")


def settings_message(exc: ValidationError) -> str:
    """One line naming each refused variable (every setting is `UT_<FIELD>`); never the value, which
    may be a secret."""
    problems = [f"UT_{str(e['loc'][0]).upper() if e['loc'] else '?'}: {e['msg']}" for e in exc.errors()]
    return "invalid settings: " + "; ".join(problems)


def settings_usable(settings: Settings) -> None:
    """What pydantic cannot see in a string setting, caught before anything opens it: a store URL
    no client can use, a proxy list that is not CIDRs (which failed every request, not the start).
    The modules' settings are read last (it imports every module): otherwise their errors came
    after the migrations."""
    if settings.database_url:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError, NoSuchModuleError

        try:
            make_url(settings.database_url).get_dialect().import_dbapi()  # the driver must be installed too
        except (ArgumentError, NoSuchModuleError, ValueError, ImportError):
            scheme = settings.database_url.split(":", 1)[0][:40]
            raise BadSettings(f"UT_DATABASE_URL: no database driver for {scheme!r}; use "
                              "postgresql+psycopg://user:password@host:5432/db, or leave it empty for the "
                              "embedded SQLite file") from None
    for name, url, schemes, example in (
            ("UT_REDIS_URL", settings.redis_url, ("redis", "rediss", "unix"), "redis://host:6379/0"),
            ("UT_CLICKHOUSE_URL", settings.clickhouse_url, ("clickhouse",), "clickhouse://host:9000/db")):
        if url and _scheme(url) not in schemes:
            raise BadSettings(f"{name}: expected a URL like {example}, or empty for the embedded store")
    try:
        parse_networks(settings.trusted_proxies)
    except ValueError as exc:
        raise BadSettings(f"UT_TRUSTED_PROXIES: {exc}; expected comma-separated CIDRs such as "
                          "10.0.0.0/8,192.168.1.7") from None
    from bootstrap.modules import installed_modules

    for module in installed_modules():
        if module.settings is not None:
            module.settings()  # a refused value raises pydantic's ValidationError: main() makes it one line


def _scheme(url: str) -> str:
    try:
        return urlsplit(url).scheme.lower()
    except ValueError:
        return ""


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
