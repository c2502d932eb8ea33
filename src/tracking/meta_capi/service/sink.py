"""The edge sink: writes the request's forwardable events to the outbox, in one transaction.

Runs in the collect request before the events are buffered (core.ingest.service): this is the
only place the raw `user` object and the visitor's ip/UA are seen, and they leave it hashed and
encrypted in `pii_enc`, nowhere else. An event is forwarded only when (a) its site has an active
pixel, (b) its name maps to a Meta event, and (c) marketing consent allows it: browser events
carry the visitor's consent flag (`consent_marketing`), server events count as consented unless
they send `consent.marketing: false`. A `user` value that is not valid (an e-mail address without
a domain) is left out of the event and counted per field for `GET .../meta-capi/deliveries`.
"""

from datetime import UTC, datetime

import orjson

from core.ingest.context import RequestContext
from tracking.meta_capi.repository import MetaCapiRepository
from tracking.meta_capi.service.cipher import Cipher
from tracking.meta_capi.service.mapping import custom_data, meta_name
from tracking.meta_capi.service.normalize import user_data
from tracking.meta_capi.service.settings import MetaCapiSettings


class OutboxSink:
    def __init__(self, *, uow, settings: MetaCapiSettings, cipher: Cipher) -> None:
        self._uow = uow
        self._settings = settings
        self._cipher = cipher

    def accept(self, records: list[dict], private: list[dict | None], ctx: RequestContext) -> None:
        rows, left_out = [], []
        now = datetime.now(UTC)
        for record, extra in zip(records, private, strict=True):
            pixel = self._settings.enabled_pixel(record["site_id"])
            if pixel is None:
                continue
            name = meta_name(record["name"], pixel.event_mapping)
            consented = extra["marketing"] if extra is not None else bool(record.get("consent_marketing"))
            if not name or not consented:
                continue
            row, invalid = self._row(record, extra, ctx, pixel.pixel_id, name, now)
            rows.append(row)
            left_out.append((record["site_id"], invalid))
        if rows:
            with self._uow() as session:
                MetaCapiRepository(session).add_events(rows)
        for site_id, invalid in left_out:  # counted once the rows are written (a 503 counts nothing)
            self._settings.count_left_out(site_id, invalid)

    def _row(self, record: dict, extra: dict | None, ctx: RequestContext, pixel_id: str, name: str,
             now: datetime) -> tuple[dict, list[str]]:
        if extra is None:  # browser event: the live request is the visitor's
            user, ip, ua = {}, ctx.ip, ctx.user_agent
            source = "website"
        else:  # server event: only what the caller forwarded about the visitor
            user, ip, ua = extra["user"], extra["ip"], extra["user_agent"]
            source = "website" if (record.get("url") or ip or ua) else "system_generated"
        event = {"event_name": name, "action_source": source, "custom_data": custom_data(record)}
        if record.get("url"):
            event["event_source_url"] = record["url"]
        pii, invalid = user_data(user, ip=ip, user_agent=ua)
        return {"site_id": record["site_id"], "pixel_id": pixel_id, "event_id": record["event_id"],
                "event_name": name, "event_time": record["ts_ms"] // 1000,
                "payload_enc": self._cipher.encrypt(orjson.dumps(event)),
                "pii_enc": self._cipher.encrypt(orjson.dumps(pii)), "status": "pending", "attempts": 0,
                "next_attempt_at": now, "last_error": "", "fbtrace_id": ""}, invalid
