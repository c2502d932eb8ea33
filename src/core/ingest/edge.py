"""The edge: turns validated wire events into privacy-safe records ready for the buffer.

The raw IP and user agent are used here (visitor hash, enrichers) and go no further: records
carry only the salted `visitor_id`. Timestamps are corrected for client clock skew, and every
event gets an `event_id` so duplicates can be dropped downstream. PII in the URL, referrer, event
name, prop keys and values and a module's payload is redacted before anything else sees
the record (here, once, so no module has to remember; see core.privacy.redaction). A user id
(server `userId`, browser `user_id` from `ut.identify()`) is kept only as its keyed pseudonym
(core.tenancy.pseudonyms), whatever it looks like. An anonymous event (DNT/GPC
policy, no analytics consent) gets a random visitor id and keeps no geo beyond the country.
"""

import dataclasses
import secrets
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from urllib.parse import SplitResult, urlsplit

import orjson

from core.bus.events import EVENT_COLUMNS
from core.ingest.context import Enricher, RequestContext
from core.ingest.schemas import BrowserEvent, ServerEvent
from core.privacy.redaction import Redactor
from core.tenancy.pseudonyms import UserPseudonyms
from core.tenancy.salts import DailySalts

PAGEVIEW_NAMES = frozenset({"pageview", "page_view"})
# Finer than the country: what an anonymous event must not keep, whatever an enricher wrote.
_PRECISE_GEO = {c.name: c.default for c in EVENT_COLUMNS if c.precise_geo}


class Edge:
    def __init__(self, *, salts: DailySalts, enrichers: Sequence[Enricher] = (),
                 clock_skew_max_s: int = 86_400, redactor: Redactor | None = None,
                 pseudonyms: UserPseudonyms | None = None) -> None:
        self._salts = salts
        self._pseudonyms = pseudonyms or UserPseudonyms(uow=salts.uow)
        self._enrichers = list(enrichers)
        self._skew_max_ms = clock_skew_max_s * 1000
        self._redactor = redactor or Redactor()

    def from_browser(self, event: BrowserEvent, ctx: RequestContext, data: dict | None = None, *,
                     anonymous: bool = False, marketing: bool = False) -> dict:
        name = "pageview" if event.type == "pageview" else (event.name or "event")
        record = self._base(
            site_id=event.site_id, type_=event.type, name=name, url=event.url, referrer=event.referrer,
            event_id=event.event_id, ts_ms=self._event_time(event.ts, event.sent_at, ctx.received_ms),
            received_ms=ctx.received_ms, props=event.props,
            visitor_id=_random_visitor() if anonymous else self._salts.visitor_id(event.site_id, ctx.ip,
                                                                                   ctx.user_agent))
        record["consent_marketing"] = int(marketing)
        if event.user_id and not anonymous:  # no consent to analytics: not linkable to a user either
            record["user_id"] = self._pseudonyms.pseudonym(event.site_id, event.user_id)
        if data:
            record["data"] = orjson.dumps(self._redactor.payload(data, scope=event.site_id)).decode()
        if anonymous:
            ctx = dataclasses.replace(ctx, anonymous=True)
        self._enrich(record, ctx)
        if anonymous:
            record.update(_PRECISE_GEO)
        return record

    def from_server(self, event: ServerEvent, site_id: str, ctx: RequestContext) -> dict:
        props = dict(event.properties)
        url = event.url or str(props.pop("pageUrl", "") or "")
        referrer = event.referrer or str(props.pop("referrer", "") or "")
        is_pageview = event.event_name.lower() in PAGEVIEW_NAMES
        if event.ip or event.user_agent:  # forwarded visitor: joins the browser's visitor hash
            visitor = self._salts.visitor_id(site_id, event.ip, event.user_agent)
            ctx = RequestContext(event.ip, event.user_agent, ctx.received_ms)
        else:  # a known user: hashed with the same daily salt, so no stable id is stored
            visitor = self._salts.visitor_id(site_id, "user:" + event.user_id, "")
            # The calling server's own address and UA say nothing about the visitor: enrichers get none.
            ctx = RequestContext("", "", ctx.received_ms)
        record = self._base(
            site_id=site_id, type_="pageview" if is_pageview else "event",
            name="pageview" if is_pageview else event.event_name, url=url, referrer=referrer,
            event_id=event.event_id, ts_ms=self._server_time(event.timestamp, ctx.received_ms),
            received_ms=ctx.received_ms, props=props, visitor_id=visitor)
        record["user_id"] = self._pseudonyms.pseudonym(site_id, event.user_id)  # never the raw id
        self._enrich(record, ctx)
        return record

    def _base(self, *, site_id, type_, name, url, referrer, event_id, ts_ms, received_ms, props,
              visitor_id) -> dict:
        url, referrer = self._redactor.url(url), self._redactor.url(referrer)
        page = _split(url)
        ref = _split(referrer)
        ref_host = (ref.hostname or "") if ref else ""
        return {
            "site_id": site_id,
            "event_id": str(event_id or uuid.uuid4()),
            "type": type_,
            "name": self._redactor.text(name),
            "ts_ms": ts_ms,
            "received_ms": received_ms,
            "visitor_id": visitor_id,
            "url": url,
            "hostname": (page.hostname or "") if page else "",
            "pathname": (page.path or "/") if page else "",
            "referrer": referrer,
            "referrer_domain": ref_host.removeprefix("www."),
            "props": self._redactor.props({k: _scalar(v) for k, v in props.items() if v is not None}),
        }

    def _enrich(self, record: dict, ctx: RequestContext) -> None:
        for enricher in self._enrichers:
            enricher.enrich(record, ctx)

    def _event_time(self, ts: int | None, sent_at: int | None, received_ms: int) -> int:
        if ts is None:
            return received_ms
        if sent_at is not None:  # the client's clock may be wrong, but its delays are right
            ts = received_ms - max(0, sent_at - ts)
        if abs(received_ms - ts) > self._skew_max_ms:
            return received_ms
        return min(ts, received_ms)

    def _server_time(self, timestamp: datetime | int | None, received_ms: int) -> int:
        if timestamp is None:
            return received_ms
        if isinstance(timestamp, datetime):
            if timestamp.tzinfo is None:
                timestamp = timestamp.replace(tzinfo=UTC)
            ts = int(timestamp.timestamp() * 1000)
        else:
            ts = timestamp
        return min(ts, received_ms)  # servers may backfill the past, never the future


def _random_visitor() -> int:
    """A fresh id per anonymous event: counted, never linkable to another event (never 0)."""
    return secrets.randbits(64) or 1


def _split(url: str) -> SplitResult | None:
    """The parsed URL, or None when empty or unparsable (e.g. "http://[::1"): one bad field must
    not turn the whole request into a 500 and cost the other events of the batch."""
    try:
        return urlsplit(url) if url else None
    except ValueError:
        return None


def _scalar(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


