"""What the CLI refuses before starting: the public development key outside development, and an
embedded data directory another process holds (one line each, see tests/e2e/test_hardening.py)."""

import fcntl

import pytest

from bootstrap.preflight import Refused, data_dir_free, secret_key_set
from core.config.settings import DEV_SECRET_KEY, Settings


@pytest.mark.parametrize(("env", "key", "refused"), [
    ("production", DEV_SECRET_KEY, True), ("staging", DEV_SECRET_KEY, True), ("development", DEV_SECRET_KEY, False),
    ("production", "a-real-secret-of-our-own", False),
])
def test_the_development_key_is_refused_outside_development(env, key, refused):
    settings = Settings(env=env, secret_key=key)
    if refused:
        with pytest.raises(Refused, match="UT_SECRET_KEY.*UT_ENV=development"):
            secret_key_set(settings)
    else:
        secret_key_set(settings)


def test_the_default_is_production():
    assert Settings().env == "production"


def test_a_held_embedded_data_dir_is_refused_and_a_free_one_left_free(tmp_path):
    settings = Settings(data_dir=tmp_path, redis_url="")
    data_dir_free(settings)  # nothing there yet
    lock = settings.buffer_dir() / "LOCK"
    lock.parent.mkdir(parents=True)
    with open(lock, "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # what a running DiskLogBuffer holds
        with pytest.raises(Refused, match="in use by another utrack process"):
            data_dir_free(settings)
        data_dir_free(Settings(data_dir=tmp_path, redis_url="redis://x:6379/0"))  # a shared stream: no lock
        fcntl.flock(held, fcntl.LOCK_UN)
    data_dir_free(settings)
    with open(lock, "a+") as again:  # the probe let go of the lock
        fcntl.flock(again, fcntl.LOCK_EX | fcntl.LOCK_NB)
