"""What a site's settings may be: one check per field, shared by creation and update (the API and
the CLI reach both), each failing with a message that names the bad value and what is allowed."""

import re
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.privacy.policy import DNT_POLICIES

# Host names as browsers send them (IDNA-encoded first), underscores allowed as some intranets use them.
_HOST = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)(\.(?!-)[a-z0-9_-]{1,63}(?<!-))*$")


class TenancyError(ValueError):
    pass


def _is_host(name: str) -> bool:
    try:
        ascii_name = name.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    return len(ascii_name) <= 253 and bool(_HOST.match(ascii_name))


def checked_domain(domain: str) -> str:
    domain = domain.strip().lower()
    if not _is_host(domain):
        raise TenancyError(f"not a domain name: {domain!r} (e.g. example.com, without scheme or path)")
    return domain


def checked_name(name: str, what: str) -> str:
    """An organisation's or a key's name: 1 to 200 printable characters."""
    name = name.strip()
    if not 1 <= len(name) <= 200 or not name.isprintable():
        raise TenancyError(f"{what} needs a name of 1 to 200 printable characters")
    return name


def checked_timezone(timezone: str) -> str:
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise TenancyError(f"unknown time zone: {timezone!r} (an IANA name, e.g. Europe/Berlin)") from exc
    return timezone


def checked_dnt_policy(policy: str) -> str:
    if policy not in DNT_POLICIES:
        raise TenancyError(f"unknown DNT policy {policy!r}; one of: {', '.join(DNT_POLICIES)}")
    return policy


def checked_origins(origins: list[str]) -> list[str]:
    """`scheme://host[:port]`, http or https, the host optionally `*.`-prefixed (every subdomain):
    what a browser sends in `Origin`, which core.tenancy.origins compares them with."""
    out = []
    for origin in origins:
        value = origin.strip().lower().rstrip("/")
        try:
            parts = urlsplit(value)
            parts.port  # noqa: B018  (raises on a bad port)
        except ValueError:
            parts = None
        host = (parts.hostname or "" if parts else "").removeprefix("*.")
        if (parts is None or parts.scheme not in ("http", "https") or not _is_host(host)
                or parts.path or parts.query or parts.fragment or "@" in parts.netloc):
            raise TenancyError(f"not an origin: {origin!r} (scheme://host[:port], e.g. https://example.com "
                               "or https://*.example.com; no path)")
        out.append(value)
    return list(dict.fromkeys(out))
