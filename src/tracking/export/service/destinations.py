"""Export destinations of a site: create, change, list, remove; credentials encrypted, never shown.

`DestinationView` is what the API and CLI display: every setting, `has_credentials`, the schedule
state. The access key and secret are encrypted with a key of this module (core.crypto) as soon as
they arrive and decrypted only to build the S3 client of a run.
"""

from dataclasses import dataclass
from datetime import datetime

from core.crypto import Cipher
from tracking.export.models import Destination
from tracking.export.repository import ExportRepository
from tracking.export.service.endpoints import EndpointPolicy, EndpointRefused
from tracking.export.service.formats import FORMATS
from tracking.export.service.layout import INTERVALS_S, floor_ms


class InvalidDestination(ValueError):
    """The settings cannot work (the message names the field)."""


class UnknownDestination(LookupError):
    pass


@dataclass(frozen=True, slots=True)
class DestinationView:
    id: int
    site_id: str
    name: str
    kind: str
    endpoint_url: str
    region: str
    bucket: str
    prefix: str
    path: str
    format: str
    compression: str
    interval_s: int
    backup: bool
    enabled: bool
    has_credentials: bool
    cursor_ms: int
    failures: int
    next_attempt_ms: int
    last_success_at: datetime | None
    last_error: str
    last_error_at: datetime | None


_FIELDS = ("name", "kind", "endpoint_url", "region", "bucket", "prefix", "path", "format", "compression",
           "interval_s", "backup", "enabled")
_DEFAULTS = {"name": "", "endpoint_url": "", "region": "", "bucket": "", "prefix": "", "path": "",
             "format": "parquet", "compression": None, "interval_s": 3600, "backup": False, "enabled": True}


def view(d: Destination) -> DestinationView:
    return DestinationView(
        id=d.id, site_id=d.site_id, name=d.name, kind=d.kind, endpoint_url=d.endpoint_url, region=d.region,
        bucket=d.bucket, prefix=d.prefix, path=d.path, format=d.format, compression=d.compression,
        interval_s=d.interval_s, backup=d.backup, enabled=d.enabled,
        has_credentials=bool(d.access_key_enc and d.secret_key_enc), cursor_ms=d.cursor_ms, failures=d.failures,
        next_attempt_ms=d.next_attempt_ms, last_success_at=d.last_success_at, last_error=d.last_error,
        last_error_at=d.last_error_at)


class Destinations:
    def __init__(self, *, uow, cipher: Cipher, clock, endpoints: EndpointPolicy | None = None) -> None:
        self._uow, self._cipher, self._clock = uow, cipher, clock
        self._endpoints = endpoints or EndpointPolicy()  # public addresses only, unless the operator lists hosts

    def check_endpoint(self, endpoint_url: str) -> None:
        """Before a run too: a host name may point elsewhere by then (EndpointRefused)."""
        self._endpoints.check(endpoint_url)

    def create(self, site_id: str, *, access_key: str | None = None, secret_key: str | None = None,
               **given) -> DestinationView:
        values = {**_DEFAULTS, **{k: v for k, v in given.items() if v is not None}}
        self._check(values, access_key, secret_key)
        now_ms = int(self._clock() * 1000)
        d = Destination(site_id=site_id, **{k: values[k] for k in _FIELDS},
                        cursor_ms=floor_ms(now_ms, values["interval_s"]), failures=0, next_attempt_ms=0,
                        last_error="", access_key_enc=self._enc(access_key), secret_key_enc=self._enc(secret_key))
        with self._uow() as session:
            ExportRepository(session).add(d)
            return view(d)

    def update(self, site_id: str, destination_id: int, *, access_key: str | None = None,
               secret_key: str | None = None, **given) -> DestinationView:
        """Only what is given changes (None: keep). A new interval realigns the cursor down."""
        with self._uow() as session:
            d = ExportRepository(session).destination(site_id, destination_id)
            if d is None:
                raise UnknownDestination(destination_id)
            values = {k: getattr(d, k) for k in _FIELDS} | {k: v for k, v in given.items() if v is not None}
            # A credential not given is the stored one ("kept"): checked for presence only.
            self._check(values, access_key if access_key is not None else ("kept" if d.access_key_enc else None),
                   secret_key if secret_key is not None else ("kept" if d.secret_key_enc else None))
            for k in _FIELDS:
                setattr(d, k, values[k])
            d.cursor_ms = floor_ms(d.cursor_ms, d.interval_s)
            if access_key is not None:
                d.access_key_enc = self._enc(access_key)
            if secret_key is not None:
                d.secret_key_enc = self._enc(secret_key)
            d.failures, d.next_attempt_ms = 0, 0  # a changed destination is tried again at once
            session.flush()
            return view(d)

    def get(self, site_id: str, destination_id: int) -> DestinationView:
        with self._uow() as session:
            d = ExportRepository(session).destination(site_id, destination_id)
            if d is None:
                raise UnknownDestination(destination_id)
            return view(d)

    def list(self, site_id: str) -> list[DestinationView]:
        with self._uow() as session:
            return [view(d) for d in ExportRepository(session).destinations(site_id)]

    def delete(self, site_id: str, destination_id: int) -> None:
        with self._uow() as session:
            repo = ExportRepository(session)
            d = repo.destination(site_id, destination_id)
            if d is None:
                raise UnknownDestination(destination_id)
            repo.remove(d)

    def credentials(self, d: Destination) -> tuple[str, str]:
        return (self._cipher.decrypt(d.access_key_enc) if d.access_key_enc else "",
                self._cipher.decrypt(d.secret_key_enc) if d.secret_key_enc else "")

    def _enc(self, value: str | None) -> str:
        return self._cipher.encrypt(value) if value else ""

    def _check(self, values: dict, access_key: str | None, secret_key: str | None) -> None:
        _check(values, access_key, secret_key)
        if values["kind"] == "s3":
            try:
                self._endpoints.check(values["endpoint_url"])
            except EndpointRefused as exc:
                raise InvalidDestination(str(exc)) from None


def _check(values: dict, access_key: str | None, secret_key: str | None) -> None:
    kind, fmt = values.get("kind"), values["format"]
    if kind not in ("s3", "local"):
        raise InvalidDestination("kind must be 's3' or 'local'")
    if fmt not in FORMATS:
        raise InvalidDestination(f"format must be one of {', '.join(FORMATS)}")
    allowed = FORMATS[fmt][1]
    if values["compression"] is None:
        values["compression"] = allowed[0]
    if values["compression"] not in allowed:
        raise InvalidDestination(f"compression for {fmt} must be one of {', '.join(allowed)}")
    if values["interval_s"] not in INTERVALS_S:
        raise InvalidDestination("interval_s must be one of " + ", ".join(map(str, INTERVALS_S))
                                 + " (15 minutes to 1 day, dividing the day)")
    if kind == "s3":
        if not values["bucket"]:
            raise InvalidDestination("an s3 destination needs bucket")
        if not (access_key and secret_key):
            raise InvalidDestination("an s3 destination needs access_key and secret_key")
    elif not values["path"] or values["path"].startswith("/") or ".." in values["path"].split("/"):
        raise InvalidDestination("a local destination needs path, a directory relative to UT_EXPORT_LOCAL_ROOT "
                                 "(no leading / and no ..)")
