"""The dashboard's session cookies (core.http.auth): signed, expiring, scoped, Secure only behind https."""

from types import SimpleNamespace

import pytest
from fastapi import FastAPI, Request, Response
from fastapi.testclient import TestClient
from starlette.requests import HTTPConnection

from core.http import auth
from core.http.auth import OWNER, SHARE, browser_sessions, end_sessions, issue_session


@pytest.fixture
def client():
    app = FastAPI()
    settings = SimpleNamespace(secret_key="unit-test-secret")
    app.state.core = SimpleNamespace(settings=lambda: settings)
    app.state.trusted_proxies = "10.0.0.0/8"

    @app.post("/issue/{scope}")
    def issue(scope: str, request: Request, response: Response) -> dict:
        return {"expires_at": issue_session(request, response, site_id="site_a", scope=scope, ttl_s=60).expires_at}

    @app.get("/sessions")
    def sessions(request: Request) -> list:
        return [[s.site_id, s.scope] for s in browser_sessions(request)]

    @app.delete("/sessions")
    def sign_out(request: Request) -> Response:
        response = Response(status_code=204)
        end_sessions(request, response)
        return response

    return TestClient(app)


def test_the_cookie_is_httponly_strict_and_expires(client):
    resp = client.post("/issue/owner")
    header = resp.headers["set-cookie"]
    assert header.startswith("ut_session=")
    assert "HttpOnly" in header and "SameSite=strict" in header and "Max-Age=60" in header
    assert "Secure" not in header  # plain http: a Secure cookie would never come back
    assert client.get("/sessions").json() == [["site_a", OWNER]]
    client.delete("/sessions")
    assert client.get("/sessions").json() == []


def test_secure_over_https_or_from_a_trusted_proxy_only():
    https = {"X-Forwarded-Proto": "https"}
    assert "Secure" in _issue("https://testserver", {}, "192.0.2.1")
    assert "Secure" in _issue("http://testserver", https, "10.1.2.3")  # UT_TRUSTED_PROXIES vouches for it
    assert "Secure" not in _issue("http://testserver", https, "192.0.2.1")  # anyone may send the header


def _issue(base_url: str, headers: dict, peer: str) -> str:
    app = FastAPI()
    app.state.core = SimpleNamespace(settings=lambda: SimpleNamespace(secret_key="k"))
    app.state.trusted_proxies = "10.0.0.0/8"

    @app.post("/issue")
    def issue(request: Request, response: Response) -> None:
        issue_session(request, response, site_id="s", scope=OWNER, ttl_s=60)

    client = TestClient(app, base_url=base_url, client=(peer, 50000))
    return client.post("/issue", headers=headers).headers["set-cookie"]


def test_a_tampered_renamed_or_expired_cookie_reads_nothing(client, monkeypatch):
    value = client.post("/issue/share").cookies["ut_share"]
    payload, signature = value.split(".")
    client.cookies.clear()
    for cookies in ({"ut_share": f"{payload[:-2]}xx.{signature}"},   # payload changed
                    {"ut_share": f"{payload}.{signature[:-2]}xx"},   # signature changed
                    {"ut_session": value}):                          # a share cookie presented as a sign-in
        assert client.get("/sessions", cookies=cookies).json() == [], cookies
    assert client.get("/sessions", cookies={"ut_share": value}).json() == [["site_a", SHARE]]
    later = auth.time.time() + 61
    monkeypatch.setattr(auth.time, "time", lambda: later)
    assert client.get("/sessions", cookies={"ut_share": value}).json() == []


def test_a_websocket_from_another_origin_gets_no_cookie_rights(client):
    cookie = client.post("/issue/owner").cookies["ut_session"]
    app = client.app

    def handshake(origin: str) -> HTTPConnection:
        headers = [(b"host", b"stats.example"), (b"cookie", f"ut_session={cookie}".encode())]
        if origin:
            headers.append((b"origin", origin.encode()))
        return HTTPConnection({"type": "websocket", "headers": headers, "app": app, "path": "/events/ws"})

    assert [s.site_id for s in auth.standing_sessions(handshake("https://stats.example"), (OWNER,))] == ["site_a"]
    assert auth.standing_sessions(handshake("https://evil.example"), (OWNER,)) == []
    assert auth.standing_sessions(handshake(""), (OWNER,)) == []


def test_an_organisation_keys_session_holds_its_id_and_prefix_and_ends_with_the_key(client):
    app = client.app

    @app.post("/issue-org")
    def issue_org(request: Request, response: Response) -> dict:
        session = issue_session(request, response, site_id="", scope=OWNER, ttl_s=3600, key_id=7,
                                key_prefix="uk_abcde", not_after=int(auth.time.time()) + 60)
        return {"expires_at": session.expires_at}

    resp = client.post("/issue-org")
    assert "Max-Age=60" in resp.headers["set-cookie"]  # the key expires first: so does the session
    sessions = browser_sessions(HTTPConnection({"type": "http", "app": app, "headers": [
        (b"cookie", f"ut_session={resp.cookies['ut_session']}".encode())]}))
    assert [(s.site_id, s.key_id, s.key_prefix, s.expires_at) for s in sessions] == [
        ("", 7, "uk_abcde", resp.json()["expires_at"])]
