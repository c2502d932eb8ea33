"""meta_capi's settings service: one pixel per site, the token encrypted, never handed back.

`set` updates only what it is given (PATCH-like, for the API's PUT and `utrack meta-capi set`
alike): a field left out keeps its stored value, or its default on a new pixel. `show` returns
what the API may display: `has_access_token` and the token's last 4 characters, never the token;
`PixelConfig` uses the API's field names, so the CLI and the API print the same keys.
`enabled_pixel` is what the edge sink asks on every collect request, so it is cached in memory for
a few seconds (a settings change reaches the edge within that time).
"""

import threading
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson

from core.cache import TtlCache
from core.db.unit_of_work import UnitOfWork
from tracking.meta_capi.models import Pixel
from tracking.meta_capi.repository import MetaCapiRepository
from tracking.meta_capi.schemas import DEFAULT_GRAPH_VERSION, DEFAULT_MAPPING
from tracking.meta_capi.service.cipher import Cipher

_CACHE_S = 5.0


@dataclass(frozen=True, slots=True)
class PixelConfig:
    site_id: str
    pixel_id: str
    enabled: bool
    test_event_code: str
    graph_version: str
    event_mapping: dict[str, str]
    ldu: bool
    ldu_country: int
    ldu_state: int
    disabled_reason: str
    has_access_token: bool
    access_token_last4: str

    @property
    def active(self) -> bool:
        return self.enabled and self.has_access_token and not self.disabled_reason


class PixelIdRequired(ValueError):
    """A site without a pixel needs `pixel_id` before anything else can be set."""


# What a new pixel starts with for every field `set` is not given.
_DEFAULTS = {"enabled": True, "test_event_code": "", "graph_version": DEFAULT_GRAPH_VERSION,
             "event_mapping": DEFAULT_MAPPING, "ldu": False, "ldu_country": 0, "ldu_state": 0}


class MetaCapiSettings:
    def __init__(self, *, uow, cipher: Cipher) -> None:
        self._uow: type[UnitOfWork] = uow
        self._cipher = cipher
        self._cache: TtlCache[str, PixelConfig | None] = TtlCache(_CACHE_S)
        self._left_out: dict[str, Counter] = {}
        self._lock = threading.Lock()

    def set(self, site_id: str, *, pixel_id: str | None = None, access_token: str | None = None,
            enabled: bool | None = None, test_event_code: str | None = None, graph_version: str | None = None,
            event_mapping: dict[str, str] | None = None, ldu: bool | None = None, ldu_country: int | None = None,
            ldu_state: int | None = None) -> PixelConfig:
        """Create the site's pixel or update it. None means "not given": the stored value stays (a new
        pixel takes the default; it must be given a `pixel_id`). A given `event_mapping` replaces
        the whole mapping. Setting a token (or re-enabling) clears a previous `disabled_reason`."""
        given = {"pixel_id": pixel_id, "enabled": enabled, "test_event_code": test_event_code,
                 "graph_version": graph_version, "event_mapping": event_mapping, "ldu": ldu,
                 "ldu_country": ldu_country, "ldu_state": ldu_state}
        with self._uow() as session:
            repo = MetaCapiRepository(session)
            pixel = repo.pixel(site_id)
            new = pixel is None
            if new:
                if not pixel_id:
                    raise PixelIdRequired("this site has no Meta pixel yet: give its pixel_id")
                pixel = Pixel(site_id=site_id, token_enc="", token_last4="", disabled_reason="")
            elif enabled and not pixel.enabled:
                pixel.disabled_reason = ""
            if access_token is not None:
                pixel.token_enc = self._cipher.encrypt(access_token.encode()) if access_token else ""
                pixel.token_last4 = access_token[-4:] if len(access_token) >= 12 else ""
                pixel.disabled_reason = ""
            for key, value in given.items():
                value = _DEFAULTS.get(key) if value is None and new else value
                if value is not None:
                    setattr(pixel, key, orjson.dumps(value).decode() if key == "event_mapping" else value)
            pixel.updated_at = datetime.now(UTC)
            if new:
                repo.add_pixel(pixel)
            config = _config(pixel)
        self._cache.pop(site_id)
        return config

    def show(self, site_id: str) -> PixelConfig | None:
        with self._uow() as session:
            pixel = MetaCapiRepository(session).pixel(site_id)
            return _config(pixel) if pixel else None

    def all(self) -> list[PixelConfig]:
        with self._uow() as session:
            return [_config(p) for p in MetaCapiRepository(session).pixels()]

    def enabled_pixel(self, site_id: str) -> PixelConfig | None:
        return self._cache.get_or_load(site_id, lambda: self._active(site_id))

    def _active(self, site_id: str) -> PixelConfig | None:
        config = self.show(site_id)
        return config if config and config.active else None

    def token(self, site_id: str) -> str:
        with self._uow() as session:
            pixel = MetaCapiRepository(session).pixel(site_id)
            return self._cipher.decrypt(pixel.token_enc).decode() if pixel and pixel.token_enc else ""

    def count_left_out(self, site_id: str, meta_keys: list[str]) -> None:
        """The sink's tally of user_data values left out as invalid (`em`: not an e-mail address).
        Kept in this process since it started: persisting it needs a column (and a migration)."""
        if meta_keys:
            with self._lock:
                self._left_out.setdefault(site_id, Counter()).update(meta_keys)

    def left_out(self, site_id: str) -> dict[str, int]:
        with self._lock:
            return dict(self._left_out.get(site_id, {}))

    def disable(self, site_id: str, reason: str) -> None:
        with self._uow() as session:
            pixel = MetaCapiRepository(session).pixel(site_id)
            if pixel is not None:
                pixel.disabled_reason = reason[:1000]
        self._cache.pop(site_id)


def _config(p: Pixel) -> PixelConfig:
    return PixelConfig(site_id=p.site_id, pixel_id=p.pixel_id, enabled=p.enabled,
                       test_event_code=p.test_event_code, graph_version=p.graph_version,
                       event_mapping=orjson.loads(p.event_mapping or "{}"), ldu=p.ldu, ldu_country=p.ldu_country,
                       ldu_state=p.ldu_state, disabled_reason=p.disabled_reason,
                       has_access_token=bool(p.token_enc), access_token_last4=p.token_last4)


class DeliveryReport:
    """What the status API shows: counts by status, recent failures and requests; replay of failures."""

    def __init__(self, *, uow, settings: MetaCapiSettings) -> None:
        self._uow = uow
        self._settings = settings

    def status(self, site_id: str, limit: int = 20) -> dict:
        with self._uow() as session:
            repo = MetaCapiRepository(session)
            failures = [{"event_id": r.event_id, "event_name": r.event_name, "status": r.status,
                         "attempts": r.attempts, "error": r.last_error, "fbtrace_id": r.fbtrace_id}
                        for r in repo.recent_failures(site_id, limit)]
            requests = [{"sent_at": d.sent_at, "events": d.events, "events_received": d.events_received,
                         "http_status": d.http_status, "error": d.error, "fbtrace_id": d.fbtrace_id}
                        for d in repo.recent_deliveries(site_id, limit)]
            counts = repo.counts(site_id)
        return {"pixel": self._settings.show(site_id), "counts": counts, "recent_failures": failures,
                "recent_requests": requests, "user_data_left_out": self._settings.left_out(site_id)}

    def replay(self, site_id: str) -> int:
        """Failed events go back to pending (attempts reset). Their user data was wiped when they
        failed, so they are sent with what remains (name, time, id, url, custom_data)."""
        with self._uow() as session:
            return MetaCapiRepository(session).replay_failed(site_id, datetime.now(UTC))
