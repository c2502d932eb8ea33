"""Builds the per-request context (client IP, user agent, receive time) for the edge.

The client IP is the TCP peer, unless the peer is one of `UT_TRUSTED_PROXIES`: then
`CF-Connecting-IP`, else the right-most `X-Forwarded-For` entry that is not itself a trusted proxy,
is the client. Headers from anyone else are ignored, since any client can forge them.
"""

import ipaddress
import time
from functools import lru_cache

from fastapi import Request
from starlette.requests import HTTPConnection

from core.http.store_calls import request_deadline
from core.ingest.context import RequestContext

_FORWARDED_HEADERS = ("dnt", "sec-gpc", "accept-language")
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def parse_networks(spec: str) -> tuple[Network, ...]:
    """`10.0.0.0/8, 127.0.0.1` -> networks; a bad entry fails loudly at the first request."""
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in spec.split(",") if part.strip())


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1:value.index("]")]
    elif value.count(":") == 1:  # 203.0.113.7:51234
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _trusted(address, networks: tuple[Network, ...]) -> bool:
    return address is not None and any(address in net for net in networks)


def client_ip(request: HTTPConnection) -> str:
    """The visitor's IP as far as trusted proxies vouch for it (see the module docstring)."""
    peer = request.client.host if request.client else ""
    networks = parse_networks(getattr(request.app.state, "trusted_proxies", "") or "")
    if not networks or not _trusted(_address(peer), networks):
        return peer
    cf = _address(request.headers.get("cf-connecting-ip", ""))
    if cf is not None:
        return str(cf)
    hops = [_address(h) for h in request.headers.get("x-forwarded-for", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if hop is None:
            return peer  # a garbled chain: believe nothing past the last trusted hop
        if not _trusted(hop, networks):
            return str(hop)
    return str(hops[0]) if hops else peer


def request_context(request: Request) -> RequestContext:
    return RequestContext(
        ip=client_ip(request),
        user_agent=request.headers.get("user-agent", ""),
        received_ms=int(time.time() * 1000),
        headers={h: request.headers[h] for h in _FORWARDED_HEADERS if h in request.headers},
        commit_by=request_deadline(request),
    )
