"""Rate limits in the real-time store, with the `limits` library (fixed windows).

Redis when `UT_REDIS_URL` is set (one counter per limit and caller, shared by every API process,
on the app's own connection pool and its short timeouts), the library's in-process memory store
otherwise (embedded mode runs one API process, so its counts are the whole truth).

The calls are synchronous: callers make them where they already are off the event loop (collect's
store thread, core.http.store_calls) or where the store is in-process. A fixed window costs one
Lua call (INCRBY + EXPIRE) per limit and request; the window opens at a caller's first hit, so
a burst of twice the limit straddling two windows is possible (the price of one call per check).

Callers are named by an opaque identity (a key's hash, an HMAC of the client IP, a site id): no
raw IP or key is ever written to the store. A store that fails lets the request through: a rate
limit protects the service, it must not become the reason collect or reads fail.
"""

import hashlib
import hmac
import math
import time
from dataclasses import dataclass
from typing import Protocol

import redis
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import FixedWindowRateLimiter

from core.config.settings import Settings

API, COLLECT_IP, SITE_EVENTS = "api_key", "collect_ip", "site_events"  # the names on /metrics


class RateLimited(Exception):
    """A request over one of its limits: answered 429 with `headers`, before anything was buffered."""

    def __init__(self, name: str, item: RateLimitItem, reset_at: float) -> None:
        wait = max(1, math.ceil(reset_at - time.time()))
        super().__init__(f"rate limit exceeded: {item.amount} per {_window(item)} ({name}); retry in {wait}s")
        self.name = name
        self.headers = {"Retry-After": str(wait), "RateLimit-Limit": str(item.amount),
                        "RateLimit-Remaining": "0", "RateLimit-Reset": str(wait),
                        "RateLimit-Policy": f"{item.amount};w={item.get_expiry()}"}


def _window(item: RateLimitItem) -> str:
    return item.GRANULARITY.name if item.multiples == 1 else f"{item.multiples} {item.GRANULARITY.name}s"


class Outage(Protocol):
    """Where store failures are reported (core.metrics.OutageLog: one line per outage)."""

    def failed(self, exc: BaseException) -> None: ...

    def recovered(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    items: tuple[RateLimitItem, ...]  # empty: the limit is off


class RateLimits:
    def __init__(self, storage: Storage, *, settings: Settings, outage: Outage) -> None:
        self._limiter = FixedWindowRateLimiter(storage)
        self._secret = hashlib.sha256(b"ut-rate-limit-ip:" + settings.secret_key.encode()).digest()
        self._outage = outage
        self.policies = {name: Policy(name, tuple(parse_many(spec)) if spec else ()) for name, spec in (
            (API, settings.rate_limit_api), (COLLECT_IP, settings.rate_limit_collect_ip),
            (SITE_EVENTS, settings.rate_limit_site_events))}

    def enabled(self, name: str) -> bool:
        return bool(self.policies[name].items)

    def ip_identity(self, ip: str) -> str:
        """An HMAC of the IP under the server secret: counts per IP without keeping it."""
        return hmac.new(self._secret, ip.encode(), hashlib.sha256).hexdigest()[:24]

    def hit(self, name: str, identity: str, cost: int = 1) -> None:
        """Counts `cost` against every window of limit `name` for `identity`; raises RateLimited
        when one is exceeded (rejected hits count too, so a client that keeps hammering stays out)."""
        for item in self.policies[name].items:
            try:
                if self._limiter.hit(item, name, identity, cost=cost):
                    continue
                reset_at = self._limiter.get_window_stats(item, name, identity).reset_time
            except (redis.RedisError, OSError) as exc:
                self._outage.failed(exc)
                return
            raise RateLimited(name, item, reset_at)
        self._outage.recovered()

    def collect(self, ip: str, items: list) -> None:
        """A browser collect request: one per client IP, then its events per site (by the `site_id`
        the events name; the ingest checks it later, so an unknown one only spends its own bucket)."""
        if self.enabled(COLLECT_IP):
            self.hit(COLLECT_IP, self.ip_identity(ip))
        if self.enabled(SITE_EVENTS):
            per_site: dict[str, int] = {}
            for item in items:
                site = item.get("site_id") if isinstance(item, dict) else None
                if isinstance(site, str) and site:
                    per_site[site[:64]] = per_site.get(site[:64], 0) + 1
            for site, events in per_site.items():
                self.hit(SITE_EVENTS, site, events)


def key_prefix(settings: Settings) -> str:
    """Keys sit beside the deployment's buffer stream, as its other real-time keys do."""
    return f"{settings.buffer_stream}:limits"


def build_rate_limits(settings: Settings, client: redis.Redis, outage: Outage) -> RateLimits:
    if settings.redis_url:
        # The app's pool: its connect and socket timeouts (UT_STORE_TIMEOUT_S) bound every check.
        storage: Storage = RedisStorage(settings.redis_url, connection_pool=client.connection_pool,
                                        key_prefix=key_prefix(settings))
    else:
        storage = _PacedMemoryStorage()
    return RateLimits(storage, settings=settings, outage=outage)


class _PacedMemoryStorage(MemoryStorage):
    """limits' memory store, purging expired counters at most once a second. The library starts a
    timer thread whenever its last one has ended (each lives 10 ms) and that thread walks every
    counter: under steady traffic that is ~100 thread starts and full scans a second, with one
    counter per client IP. Expired counters are ignored on read either way (`get` checks the
    expiry), so a slower purge changes no answer, only how long dead counters take memory.
    (Overrides a name-mangled private method of limits 5.8.0, which pyproject pins.)"""

    _last_purge = 0.0

    def _MemoryStorage__schedule_expiry(self) -> None:
        now = time.monotonic()
        if now - self._last_purge >= 1.0:
            self._last_purge = now
            super()._MemoryStorage__schedule_expiry()
