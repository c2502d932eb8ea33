"""Which browser origins may send events for a site."""

from urllib.parse import urlsplit


def default_origins(domain: str) -> list[str]:
    """The site's domain and every subdomain of it, over https and http."""
    return [f"https://{domain}", f"http://{domain}", f"https://*.{domain}", f"http://*.{domain}"]


def origin_allowed(origin: str, allowed: list[str]) -> bool:
    try:
        parts = urlsplit(origin.lower())
        port = parts.port
    except ValueError:  # a bad port or a broken IPv6 host: the header is garbage, refuse it (not a 500)
        return False
    if not parts.scheme or not parts.hostname:
        return False
    host = parts.hostname + (f":{port}" if port else "")
    for pattern in allowed:
        p = urlsplit(pattern.lower())
        if p.scheme != parts.scheme:
            continue
        p_host = p.netloc
        if p_host.startswith("*."):
            if host.endswith(p_host[1:]) and host != p_host[2:]:
                return True
        elif host == p_host:
            return True
    return False
