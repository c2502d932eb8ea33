"""A bad UT_* setting stops `utrack serve|worker|migrate` with one line naming the variable and exit
code 2, before anything is opened: never a pydantic or SQLAlchemy traceback, never the value
(which may be a secret). Real `utrack` processes, no stores needed."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bootstrap.preflight import BadSettings, settings_usable
from core.config.settings import Settings

UTRACK = str(Path(sys.executable).with_name("utrack"))
# One process per command and per kind of check (pydantic's, the preflight's, a module's); the
# other checks are tested in process below.
CASES = [
    ("serve", {"UT_STORE_TIMEOUT_S": "abc", "UT_PORT": "eighty"},
     "invalid settings: UT_PORT: Input should be a valid integer, unable to parse string as an integer; "
     "UT_STORE_TIMEOUT_S: Input should be a valid number"),
    ("worker", {"UT_DATABASE_URL": "nonsense://u:hunter2@db/x"}, "UT_DATABASE_URL: no database driver for 'nonsense'"),
    ("migrate", {"UT_TRUSTED_PROXIES": "10.0.0.0/8, 10.1.2.300/32"},
     "UT_TRUSTED_PROXIES: '10.1.2.300/32' does not appear to be an IPv4 or IPv6 network"),
    ("migrate", {"UT_PRESENCE_WINDOW_S": "soon"}, "UT_PRESENCE_WINDOW_S: Input should be a valid integer"),
]


@pytest.mark.parametrize(("command", "bad", "line"), CASES, ids=[f"{c}-{next(iter(b))}" for c, b, _ in CASES])
def test_a_bad_setting_is_one_line_and_exit_code_2(tmp_path, command, bad, line):
    env = {k: v for k, v in os.environ.items() if not k.startswith("UT_")}
    env.update({"UT_DATA_DIR": str(tmp_path / "data"), "UT_ENV": "development", **bad})
    out = subprocess.run([UTRACK, command], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 2, (out.returncode, out.stderr[-2000:])
    assert "Traceback" not in out.stderr and out.stdout == "", out.stderr[-2000:]
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), out.stderr[-2000:]
    assert line in lines[0], lines[0]
    assert "hunter2" not in out.stderr  # a URL's password is never echoed
    assert not (tmp_path / "data").exists()  # refused before anything was created or opened


@pytest.mark.parametrize(("setting", "value", "line"), [
    ("database_url", "postgresql+psycopg2://u:hunter2@db/x", "no database driver for 'postgresql+psycopg2'"),
    ("redis_url", "localhost:6379", "UT_REDIS_URL: expected a URL like redis://host:6379/0"),
    ("clickhouse_url", "http://u:hunter2@ch:8123", "UT_CLICKHOUSE_URL: expected a URL like clickhouse://"),
    ("trusted_proxies", "proxy.internal", "UT_TRUSTED_PROXIES: 'proxy.internal' does not appear"),
])
def test_the_preflight_names_the_variable_and_never_the_password(tmp_path, setting, value, line):
    with pytest.raises(BadSettings) as refused:
        settings_usable(Settings(data_dir=tmp_path, **{setting: value}))
    assert line in str(refused.value) and "hunter2" not in str(refused.value)


def test_usable_settings_pass(tmp_path):
    settings_usable(Settings(data_dir=tmp_path, database_url="postgresql+psycopg://u@db/x", redis_url="redis://r:6379/0",
                             clickhouse_url="clickhouse://ch:9000/db", trusted_proxies="10.0.0.0/8, ::1"))
