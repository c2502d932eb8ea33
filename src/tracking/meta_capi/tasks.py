"""The sender: drains the outbox to the Graph API, per pixel, in batches, with bounded concurrency.

Each pass claims due rows (lease, see repository.py), groups them by pixel, sends up to 1,000
events a request with at most `concurrency` requests in flight, and settles every row: delivered,
retried later (exponential backoff with jitter, bounded attempts), failed (Meta's message and
fbtrace_id kept), or dropped (older than Meta's 7-day limit). Whatever the outcome, a row that is
done loses its `pii_enc`. A 190/102 token error disables the pixel until a new token is set.
"""

import logging
import random
import threading
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import orjson
from cryptography.exceptions import InvalidTag
from prometheus_client import CollectorRegistry, Counter, Gauge

from tracking.meta_capi.models import Delivery
from tracking.meta_capi.repository import MetaCapiRepository
from tracking.meta_capi.service.cipher import Cipher
from tracking.meta_capi.service.graph import GraphClient, Outcome
from tracking.meta_capi.service.settings import MetaCapiSettings

log = logging.getLogger(__name__)
MAX_BATCH = 1000  # Meta's limit per request
MAX_AGE_S = 7 * 86_400  # Meta rejects events older than 7 days
LEASE = timedelta(minutes=2)
PAUSED = timedelta(minutes=5)  # pixel disabled: look again later, the events keep (up to 7 days)
UNREADABLE = ("the stored access token cannot be read with this UT_SECRET_KEY (was the key changed?): "
              "set the token again")


class SenderMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.events = Counter("ut_meta_capi_events", "Outbox events settled or retried, by outcome "
                              "(sent, failed, dropped, retried)", ["outcome"], registry=registry)
        self.disabled = Gauge("ut_meta_capi_pixels_disabled", "Pixels disabled by a token error", registry=registry)


class MetaCapiSender:
    def __init__(self, *, uow, settings: MetaCapiSettings, cipher: Cipher, graph: GraphClient,
                 metrics: SenderMetrics, interval_ms: int = 1000, concurrency: int = 4, max_attempts: int = 8,
                 backoff_base_s: float = 2.0, backoff_max_s: float = 3600.0) -> None:
        self._uow, self._settings, self._cipher, self._graph = uow, settings, cipher, graph
        self._metrics = metrics
        self._interval_s = interval_ms / 1000
        self._concurrency, self._max_attempts = concurrency, max_attempts
        self._backoff = (backoff_base_s, backoff_max_s)
        metrics.disabled.set_function(lambda: sum(1 for p in self._settings.all() if p.disabled_reason))

    def run_forever(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                while self.drain_once() and not stop.is_set():
                    pass
            except Exception:  # a broken pass must not end the loop; the rows' lease brings them back
                log.exception("meta_capi: sender pass failed")
            stop.wait(self._interval_s)
        self._graph.close()

    def drain_once(self) -> int:
        """One pass over the due rows; returns how many rows it claimed."""
        now = datetime.now(UTC)
        with self._uow() as session:
            rows = [_snapshot(r) for r in MetaCapiRepository(session).claim_due(
                now, now + LEASE, self._concurrency * MAX_BATCH)]
        groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for row in rows:
            groups[(row["site_id"], row["pixel_id"])].append(row)
        chunks = [(key, group[i:i + MAX_BATCH]) for key, group in groups.items()
                  for i in range(0, len(group), MAX_BATCH)]
        with ThreadPoolExecutor(max_workers=self._concurrency, thread_name_prefix="ut-meta") as pool:
            list(pool.map(lambda chunk: self._send(*chunk[0], chunk[1]), chunks))
        return len(rows)

    def _send(self, site_id: str, pixel_id: str, rows: list[dict]) -> None:
        config = self._settings.show(site_id)
        if config is None or config.pixel_id != pixel_id:
            self._settle(rows, "dropped", "the site's pixel was removed or changed")
            return
        if not config.active:
            self._reschedule(rows, PAUSED)
            return
        now = int(datetime.now(UTC).timestamp())
        stale = [r for r in rows if now - r["event_time"] > MAX_AGE_S]
        self._settle(stale, "dropped", "older than 7 days (Meta's limit)")
        rows = [r for r in rows if r not in stale]
        try:
            token = self._settings.token(site_id)
        except InvalidTag:  # sealed under another UT_SECRET_KEY: pause the pixel, never crash the drain
            log.error("meta_capi: pixel %s of site %s disabled: its stored token cannot be read with this "
                      "UT_SECRET_KEY", pixel_id, site_id)
            self._settings.disable(site_id, UNREADABLE)
            self._reschedule(rows, PAUSED)
            return
        unreadable = [r for r in rows if not self._readable(r)]
        self._settle(unreadable, "failed", "the event was sealed under another UT_SECRET_KEY and cannot be read")
        rows = [r for r in rows if r not in unreadable]
        while rows:
            data = [self._event(r, now, config) for r in rows]
            outcome = self._graph.send(version=config.graph_version, pixel_id=pixel_id, token=token, data=data,
                                       test_event_code=config.test_event_code)
            self._log(site_id, pixel_id, len(rows), outcome)
            if outcome.kind == "bad_event" and outcome.index < len(rows):
                self._settle([rows[outcome.index]], "failed", outcome.message, outcome.fbtrace_id)
                rows = rows[:outcome.index] + rows[outcome.index + 1:]
                continue  # Meta rejected the whole request for one event: send the others again
            if outcome.kind == "delivered":
                self._settle(rows, "delivered", "", outcome.fbtrace_id)
            elif outcome.kind == "retry":
                self._retry(rows, outcome)
            elif outcome.kind == "token":
                log.error("meta_capi: pixel %s of site %s disabled: %s", pixel_id, site_id, outcome.message)
                self._settings.disable(site_id, f"access token rejected by Meta: {outcome.message}")
                self._reschedule(rows, PAUSED)
            else:
                self._settle(rows, "failed", outcome.message, outcome.fbtrace_id)
            return

    def _readable(self, row: dict) -> bool:
        try:
            self._cipher.decrypt(row["payload_enc"])
            if row["pii_enc"]:
                self._cipher.decrypt(row["pii_enc"])
        except InvalidTag:
            return False
        return True

    def _event(self, row: dict, now: int, config) -> dict:
        event = orjson.loads(self._cipher.decrypt(row["payload_enc"]))
        event.update(event_time=min(row["event_time"], now), event_id=row["event_id"], opt_out=False,
                     user_data=orjson.loads(self._cipher.decrypt(row["pii_enc"])) if row["pii_enc"] else {})
        if config.ldu:
            event.update(data_processing_options=["LDU"], data_processing_options_country=config.ldu_country,
                         data_processing_options_state=config.ldu_state)
        return event

    def _settle(self, rows: list[dict], status: str, error: str, trace: str = "") -> None:
        if not rows:
            return
        with self._uow() as session:
            for row in MetaCapiRepository(session).events(r["id"] for r in rows):
                row.status, row.last_error, row.fbtrace_id, row.pii_enc = status, error, trace, None
        self._metrics.events.labels({"delivered": "sent"}.get(status, status)).inc(len(rows))

    def _retry(self, rows: list[dict], outcome: Outcome) -> None:
        now = datetime.now(UTC)
        base, cap = self._backoff
        with self._uow() as session:
            for row in MetaCapiRepository(session).events(r["id"] for r in rows):
                row.attempts += 1
                row.last_error, row.fbtrace_id = outcome.message, outcome.fbtrace_id
                if row.attempts >= self._max_attempts:
                    row.status, row.pii_enc = "failed", None
                    self._metrics.events.labels("failed").inc()
                else:
                    delay = min(cap, base * 2 ** (row.attempts - 1))
                    row.status = "pending"
                    row.next_attempt_at = now + timedelta(seconds=delay / 2 + random.uniform(0, delay / 2))
                    self._metrics.events.labels("retried").inc()

    def _reschedule(self, rows: list[dict], after: timedelta) -> None:
        with self._uow() as session:
            for row in MetaCapiRepository(session).events(r["id"] for r in rows):
                row.status, row.next_attempt_at = "pending", datetime.now(UTC) + after

    def _log(self, site_id: str, pixel_id: str, count: int, outcome: Outcome) -> None:
        with self._uow() as session:
            MetaCapiRepository(session).add_delivery(Delivery(
                site_id=site_id, pixel_id=pixel_id, events=count, events_received=outcome.events_received,
                http_status=outcome.http_status, error=outcome.message if outcome.kind != "delivered" else "",
                fbtrace_id=outcome.fbtrace_id))


def _snapshot(row) -> dict:
    return {"id": row.id, "site_id": row.site_id, "pixel_id": row.pixel_id, "event_id": row.event_id,
            "event_time": row.event_time, "payload_enc": row.payload_enc, "pii_enc": row.pii_enc}
