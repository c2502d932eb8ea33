"""Looks hosts and source names up in the referrer database (service/referrer_data.py)."""

from dataclasses import dataclass
from functools import lru_cache

from tracking.page_analytics.service.referrer_data import BRANDS, HOSTS


@dataclass(frozen=True, slots=True)
class KnownSource:
    name: str  # what reports show: "Google", "Facebook", "ChatGPT"...
    category: str  # search | social | email | ai


@lru_cache(maxsize=1)
def _by_host() -> dict[str, KnownSource]:
    return {host: KnownSource(name, category)
            for category, sources in HOSTS.items() for name, hosts in sources.items() for host in hosts}


@lru_cache(maxsize=10_000)
def known_host(host: str) -> KnownSource | None:
    """The source of a referrer host: exact host, then its parent domains, then a search brand."""
    host = host.lower().rstrip(".")
    labels = host.split(".")
    table = _by_host()
    for i in range(len(labels) - 1):
        hit = table.get(".".join(labels[i:]))
        if hit:
            return hit
    for label in labels[:-1]:
        if label in BRANDS:
            category, name = BRANDS[label]
            return KnownSource(name, category)
    return None


@lru_cache(maxsize=1)
def _by_name() -> dict[str, KnownSource]:
    """"product hunt", "producthunt" and "producthunt" (from producthunt.com) all name Product Hunt."""
    table: dict[str, KnownSource] = {}
    for category, sources in HOSTS.items():
        for name, hosts in sources.items():
            source = KnownSource(name, category)
            for key in (name.lower(), name.lower().replace(" ", ""), *(h.split(".")[-2] for h in hosts)):
                table.setdefault(key, source)
    for label, (category, name) in BRANDS.items():
        table.setdefault(label, KnownSource(name, category))
    return table


@lru_cache(maxsize=10_000)
def known_name(value: str) -> KnownSource | None:
    """A `utm_source`/`ref` value ("google", "Facebook", "chatgpt.com") that names a known source."""
    value = value.strip().lower()
    if not value:
        return None
    if "." in value:
        return known_host(value)
    return _by_name().get(value) or _by_name().get(value.replace(" ", "").replace("-", ""))
