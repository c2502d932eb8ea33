"""Which S3 endpoints a destination may name: a guard against server-side request forgery.

A `sites:write` key chooses a destination's `endpoint_url`, and the exporter then sends requests
there from inside the operator's network: to the cloud metadata address (169.254.169.254), to a
database port on localhost, to a service on the private network. So an endpoint must either be a
host the operator listed in UT_EXPORT_ENDPOINT_HOSTS (a self-hosted MinIO, say), or resolve only
to public addresses. It is checked when a destination is saved and again before each run (a DNS
name can change what it points to between the two).
"""

import ipaddress
import socket
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

Resolver = Callable[[str], Sequence[str]]


class EndpointRefused(ValueError):
    """The endpoint is not allowed (the message says why and how to allow it)."""


def resolve(host: str) -> list[str]:
    return sorted({info[4][0] for info in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)})


def parse_hosts(value: str) -> tuple[str, ...]:
    """UT_EXPORT_ENDPOINT_HOSTS: host names or addresses, comma-separated; `*.example.com` covers
    the subdomains of example.com."""
    return tuple(h.strip().lower() for h in value.split(",") if h.strip())


class EndpointPolicy:
    def __init__(self, allowed_hosts: str | Sequence[str] = "", resolver: Resolver = resolve) -> None:
        self._allowed = parse_hosts(allowed_hosts) if isinstance(allowed_hosts, str) else tuple(allowed_hosts)
        self._resolve = resolver

    def check(self, endpoint_url: str) -> None:
        """Raise EndpointRefused unless `endpoint_url` may be used; empty means AWS for the region."""
        if not endpoint_url:
            return
        parts = urlsplit(endpoint_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise EndpointRefused("endpoint_url must be http:// or https:// with a host")
        host = parts.hostname.lower()
        if self._allowed:
            if not any(_matches(host, pattern) for pattern in self._allowed):
                raise EndpointRefused(f"endpoint_url host {host!r} is not in UT_EXPORT_ENDPOINT_HOSTS")
            return
        try:
            addresses = self._resolve(host)
        except (OSError, UnicodeError) as exc:
            raise EndpointRefused(f"endpoint_url host {host!r} does not resolve") from exc
        for address in addresses:
            if not ipaddress.ip_address(address.split("%", 1)[0]).is_global:
                raise EndpointRefused(
                    f"endpoint_url host {host!r} resolves to a non-public address ({address}); an operator "
                    "allows private endpoints by listing their hosts in UT_EXPORT_ENDPOINT_HOSTS")


def _matches(host: str, pattern: str) -> bool:
    if pattern.startswith("*."):
        return host.endswith(pattern[1:])
    return host == pattern
