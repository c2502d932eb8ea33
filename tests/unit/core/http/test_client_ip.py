"""The client IP: forwarded headers are believed only from configured trusted proxies."""

from types import SimpleNamespace

import pytest
from starlette.requests import Request

from core.http.context import client_ip, request_context


def request(peer: str, trusted: str, **headers) -> Request:
    app = SimpleNamespace(state=SimpleNamespace(trusted_proxies=trusted))
    raw = [(k.replace("_", "-").lower().encode(), v.encode()) for k, v in headers.items()]
    return Request({"type": "http", "method": "POST", "path": "/", "headers": raw, "client": (peer, 5000),
                    "app": app})


@pytest.mark.parametrize(("peer", "trusted", "headers", "expected"), [
    ("203.0.113.9", "", {"x_forwarded_for": "81.2.69.142"}, "203.0.113.9"),  # no proxy configured
    ("203.0.113.9", "10.0.0.0/8", {"x_forwarded_for": "81.2.69.142"}, "203.0.113.9"),  # peer is no proxy
    ("10.1.2.3", "10.0.0.0/8", {"x_forwarded_for": "81.2.69.142"}, "81.2.69.142"),
    ("10.1.2.3", "10.0.0.0/8", {"x_forwarded_for": "1.2.3.4, 81.2.69.142, 10.9.9.9"}, "81.2.69.142"),  # spoofed left
    ("10.1.2.3", "10.0.0.0/8", {"x_forwarded_for": "10.5.5.5, 10.9.9.9"}, "10.5.5.5"),
    ("10.1.2.3", "10.0.0.0/8", {"x_forwarded_for": "81.2.69.142, garbage"}, "10.1.2.3"),
    ("10.1.2.3", "10.0.0.0/8", {"x_forwarded_for": "[2a02:ff0::1]:443"}, "2a02:ff0::1"),
    ("10.1.2.3", "10.0.0.0/8", {"x_forwarded_for": "81.2.69.142:51234"}, "81.2.69.142"),
    ("10.1.2.3", "10.0.0.0/8", {"cf_connecting_ip": "89.160.20.112", "x_forwarded_for": "81.2.69.142"},
     "89.160.20.112"),
    ("127.0.0.1", "127.0.0.1, ::1", {}, "127.0.0.1"),
    ("::1", "127.0.0.1/32, ::1/128", {"x_forwarded_for": "2a02:ff0::1"}, "2a02:ff0::1"),
])
def test_client_ip(peer, trusted, headers, expected):
    assert client_ip(request(peer, trusted, **headers)) == expected


def test_the_context_carries_the_privacy_headers_and_the_real_client():
    ctx = request_context(request("10.0.0.1", "10.0.0.0/8", x_forwarded_for="81.2.69.142", dnt="1",
                                  user_agent="Mozilla/5.0"))
    assert (ctx.ip, ctx.user_agent, ctx.headers, ctx.anonymous) == ("81.2.69.142", "Mozilla/5.0", {"dnt": "1"}, False)
