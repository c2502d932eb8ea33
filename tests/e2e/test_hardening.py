"""Hardening paper cuts, through real `utrack` processes: a second process on a locked embedded
data directory and the development secret key outside development each get one line and exit 1;
a share token used on a WebSocket, an SSE stream and a plain GET is in no line of the service log."""

import asyncio
import secrets
import subprocess

import websockets

from tests.e2e.harness import UTRACK, Service, wait_for
from tests.servers import free_port


def _run(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([UTRACK, *args], env=env, capture_output=True, text=True, timeout=120)


def _one_line(out: subprocess.CompletedProcess, *expected: str) -> None:
    assert out.returncode == 1, (out.returncode, out.stderr[-2000:])
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in out.stderr, out.stderr[-2000:]
    for text in expected:
        assert text in lines[0], lines[0]


def test_a_second_process_on_a_locked_embedded_data_dir_gets_one_line(embedded_settings, tmp_path):
    svc = Service(embedded_settings, tmp_path / "service.log")
    svc.utrack("migrate")
    svc.start()
    try:
        for args in (("serve", "--port", str(free_port())), ("worker", "--once"), ("migrate",)):
            _one_line(_run(svc.env, *args), "is in use by another utrack process", "UT_DATA_DIR")
        assert svc.client().get("/health").status_code == 200  # the first one is unharmed
    finally:
        svc.stop()
    assert "[" in _run(svc.env, "migrate").stdout  # free again once the first one stopped


def test_the_development_secret_key_is_refused_outside_development(embedded_settings, tmp_path):
    env = {k: v for k, v in Service(embedded_settings, tmp_path / "s.log").env.items() if k != "UT_ENV"}
    for args in (("serve", "--port", str(free_port())), ("worker", "--once")):
        _one_line(_run(env, *args), "UT_SECRET_KEY", "UT_ENV=development")
    _one_line(_run({**env, "UT_ENV": "production"}, "serve"), "UT_SECRET_KEY")


def test_share_tokens_never_reach_the_log(embedded_settings, tmp_path):
    svc = Service(embedded_settings, tmp_path / "service.log")
    # A real secret key and no UT_ENV: what production runs with (and starts). INFO: uvicorn's
    # WebSocket handshake lines are written.
    svc.env.pop("UT_ENV")
    svc.env.update({"UT_SECRET_KEY": secrets.token_urlsafe(32), "UT_LOG_LEVEL": "info"})
    svc.utrack("migrate")
    site = svc.create_site(domain="shop.example")
    svc.start()
    try:
        with svc.client() as http:
            token = http.post(f"/api/v1/sites/{site['site_id']}/share-tokens", json={"label": "tv"},
                              headers={"X-API-Key": site["secret_key"]}).json()["token"]
            params = {"site_id": site["site_id"], "token": token}
            assert http.get("/presence", params=params).status_code == 200
            assert http.get("/presence", params={**params, "token": "st_forgedforgedforged"}).status_code == 401
            with http.stream("GET", "/presence/stream", params=params) as stream:
                assert stream.status_code == 200

        async def connect() -> None:
            url = f"{svc.url.replace('http', 'ws')}/events/ws?site_id={site['site_id']}&token={token}"
            async with websockets.connect(url) as ws:
                await ws.ping()

        asyncio.run(connect())
        assert wait_for(lambda: '"WebSocket /events/ws' in svc.logs(), timeout=10), svc.logs()[-2000:]
    finally:
        svc.stop()
    log = svc.logs()
    assert token not in log and token[3:] not in log and "st_forged" not in log and site["secret_key"] not in log
    assert "token=[redacted]" in log, log[-2000:]
