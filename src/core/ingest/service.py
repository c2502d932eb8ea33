"""The collect use case: validate each event, resolve and check its site, enrich, buffer durably.

One bad event never costs the good ones: each is accepted or rejected with its index and reason.
All accepted events of a request go to the buffer in one append, before the caller answers 202.
The site's DNT/GPC policy and the event's consent decide, per event, whether it is kept, and
whether the visitor may be identified (see core.privacy.policy).
"""

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import orjson
from pydantic import ValidationError

from core.buffer.port import EventBuffer
from core.ingest.context import EdgeSink, RequestContext
from core.ingest.edge import Edge
from core.ingest.event_types import EventTypeSpec
from core.ingest.schemas import BROWSER_FIELDS, CORE_TYPES, BrowserEvent, ServerEvent, describe
from core.metrics import Metrics
from core.privacy.policy import decide
from core.tenancy.origins import origin_allowed
from core.tenancy.service import TenancyService


class OriginNotAllowed(PermissionError):
    pass


class IngestUnavailable(RuntimeError):
    """An edge sink failed: nothing of the request was buffered; the caller answers 503 and retries."""


class IngestTooLate(IngestUnavailable):
    """The request's deadline passed before its events were buffered: they are not, so the 503
    the caller already answered is true, and its retry counts them once."""


@dataclass(slots=True)
class IngestResult:
    accepted: int = 0
    rejected: list[dict] = field(default_factory=list)
    dropped: int = 0  # accepted, but not stored: the visitor's DNT/GPC and the site's `drop` policy

    reasons: list[str] = field(default_factory=list)  # bounded categories, for metrics labels

    def reject(self, index: int, error: str, reason: str) -> None:
        self.rejected.append({"index": index, "error": error})
        self.reasons.append(reason)


class IngestService:
    def __init__(self, *, edge: Edge, buffer: EventBuffer, tenancy: TenancyService, metrics: Metrics,
                 event_types: Sequence[EventTypeSpec] = (), sinks: Sequence[EdgeSink] = ()) -> None:
        self._types = {spec.type: spec for spec in event_types}
        self._sinks = list(sinks)
        self._edge = edge
        self._buffer = buffer
        self._tenancy = tenancy
        self._metrics = metrics

    def collect_browser(self, items: Sequence[object], ctx: RequestContext, origin: str | None,
                        forced_type: str | None = None) -> IngestResult:
        result, records = IngestResult(), []
        for index, item in enumerate(items):
            if forced_type and isinstance(item, dict):
                item = {**item, "type": forced_type}
            try:
                event, data = self._validate_browser(item)
            except ValidationError as exc:
                result.reject(index, describe(exc), "invalid")
                continue
            except ValueError as exc:
                result.reject(index, str(exc), "invalid")
                continue
            site = self._tenancy.site(event.site_id)
            if site is None:
                result.reject(index, f"site_id: unknown site {event.site_id!r}", "unknown_site")
                continue
            if origin and not origin_allowed(origin, list(site.allowed_origins)):
                raise OriginNotAllowed(f"origin {origin} is not allowed for site {site.id}")
            if event.type == "pageview" and not event.url.startswith(("http://", "https://")):
                result.reject(index, "url: a pageview needs an absolute http(s) URL", "invalid")
                continue
            consent = event.consent
            privacy = decide(site.dnt_policy, ctx.headers, consent.analytics if consent else None,
                             consent.marketing if consent else None)
            if privacy.drop:
                result.dropped += 1
                continue
            records.append(self._edge.from_browser(event, ctx, data, anonymous=privacy.anonymous,
                                                   marketing=privacy.marketing))
        return self._commit(records, result, [None] * len(records), ctx)

    def _validate_browser(self, item: object) -> tuple[BrowserEvent, dict]:
        """The base event, plus the payload of a module-defined type (validated by its spec)."""
        if not isinstance(item, dict):
            raise ValueError("event: must be a JSON object")
        extra = {k: v for k, v in item.items() if k not in BROWSER_FIELDS}
        event = BrowserEvent.model_validate({k: v for k, v in item.items() if k in BROWSER_FIELDS})
        spec = self._types.get(event.type)
        if spec is None and event.type not in CORE_TYPES:
            known = ", ".join(sorted(CORE_TYPES | set(self._types)))
            raise ValueError(f"type: unknown event type {event.type!r} (one of: {known})")
        unknown = sorted(set(extra) - (spec.fields if spec else frozenset()))
        if unknown:
            raise ValueError(f"{unknown[0]}: Extra inputs are not permitted")
        return event, (spec.validate(event, extra) if spec else {})

    def collect_server(self, items: Sequence[object], site_id: str, ctx: RequestContext) -> IngestResult:
        result, records, private = IngestResult(), [], []
        for index, item in enumerate(items):
            try:
                event = ServerEvent.model_validate(item)
            except ValidationError as exc:
                result.reject(index, describe(exc), "invalid")
                continue
            records.append(self._edge.from_server(event, site_id, ctx))
            # Never copied into the record: only edge sinks see the raw user data and visitor ip/UA.
            private.append({"user": dict(event.user or {}), "ip": event.ip, "user_agent": event.user_agent,
                            "marketing": _server_marketing(event)})
        return self._commit(records, result, private, ctx)

    def _commit(self, records: list[dict], result: IngestResult, private: list[dict | None],
                ctx: RequestContext) -> IngestResult:
        if ctx.commit_by is not None and time.monotonic() > ctx.commit_by:
            raise IngestTooLate("the caller gave up waiting (UT_STORE_TIMEOUT_S): nothing buffered")
        if records:
            # Sinks (e.g. an ad-platform outbox) run BEFORE the buffer append: if one fails, nothing was
            # buffered and the caller's retry records everything once. The other order could buffer the
            # events and lose the sink's copy. A sink that succeeded before a failing append is harmless:
            # the retry carries the same event_id, deduplicated by the sink's own store and downstream.
            for sink in self._sinks:
                try:
                    sink.accept(records, private, ctx)
                except Exception as exc:
                    raise IngestUnavailable(f"edge sink {type(sink).__name__} failed") from exc
            self._buffer.append([orjson.dumps(records)])
        result.accepted = len(records) + result.dropped
        self._metrics.accepted.inc(len(records))
        if result.dropped:
            self._metrics.dropped.labels("dnt").inc(result.dropped)
        for reason in result.reasons:
            self._metrics.rejected.labels(reason).inc()
        return result


def _server_marketing(event: ServerEvent) -> bool:
    """A customer's server speaks for a customer who consented, unless it says `marketing: false`."""
    consent = event.consent
    return not (consent and "marketing" in consent.model_fields_set and not consent.marketing)
