"""The only things that cross module boundaries: frozen, past-tense facts about tracked events.

One `TrackedEvent` is one row of the ClickHouse `events` log, already privacy-safe: it carries
a salted `visitor_id`, never an IP or a user agent. Subclasses say what happened so subscribers
can ask for exactly the kind they care about.
"""

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields

from core.bus.columns import KEY_VALUE, column, columns_of


@dataclass(frozen=True, slots=True)
class TrackedEvent:
    # Written by core's edge from the request.
    site_id: str = column("String", writer="edge")
    event_id: str = column("UUID", writer="edge")
    type: str = column("String", writer="edge")
    name: str = column("String", writer="edge")
    ts_ms: int = column("Int64", writer="edge")
    received_ms: int = column("Int64", writer="edge")
    visitor_id: int = column("UInt64", writer="edge")
    url: str = column("String", writer="edge", default="")
    hostname: str = column("String", writer="edge", default="", dimension=True)
    pathname: str = column("String", writer="edge", default="", dimension=True)
    referrer: str = column("String", writer="edge", default="")
    referrer_domain: str = column("String", writer="edge", default="", dimension=True)
    # Assigned in the worker, before the log write (by a module's batch processor).
    session_id: int = column("UInt64", writer="worker", default=0)
    user_id: str = column("String", writer="edge", default="")
    props: tuple[tuple[str, str], ...] = column(KEY_VALUE, writer="edge", default=())
    # Enrichers (their modules declare which columns they write and read).
    browser: str = column("String", writer="enricher", default="", dimension=True)
    browser_version: str = column("String", writer="enricher", default="", dimension=True)
    os: str = column("String", writer="enricher", default="", dimension=True)
    os_version: str = column("String", writer="enricher", default="", dimension=True)
    device_type: str = column("String", writer="enricher", default="", dimension=True)
    is_bot: int = column("UInt8", writer="enricher", default=0)
    country: str = column("String", writer="enricher", default="", dimension=True)
    region: str = column("String", writer="enricher", default="", dimension=True, precise_geo=True)
    city: str = column("String", writer="enricher", default="", dimension=True, precise_geo=True)
    # The visitor's IANA zone, when the geo database knows it.
    timezone: str = column("String", writer="enricher", default="", dimension=True, precise_geo=True)
    # 0-23 in the visitor's zone (meaningful only when `timezone` is set).
    local_hour: int = column("UInt8", writer="enricher", default=0, precise_geo=True)
    # 1 = Monday ... 7 = Sunday, in the visitor's zone; 0 when unknown.
    local_weekday: int = column("UInt8", writer="enricher", default=0, precise_geo=True)
    source: str = column("String", writer="enricher", default="", dimension=True)
    channel: str = column("String", writer="enricher", default="", dimension=True)
    utm_source: str = column("String", writer="enricher", default="", dimension=True)
    utm_medium: str = column("String", writer="enricher", default="", dimension=True)
    utm_campaign: str = column("String", writer="enricher", default="", dimension=True)
    utm_term: str = column("String", writer="enricher", default="", dimension=True)
    utm_content: str = column("String", writer="enricher", default="", dimension=True)
    # Names of the ad click ids the landing URL had (gclid...), never values.
    click_ids: tuple[str, ...] = column("Array(String)", writer="enricher", default=())
    # 1 when the visitor consented to marketing and sent no DNT/GPC.
    consent_marketing: int = column("UInt8", writer="edge", default=0)
    # JSON of the type-specific payload of a module's event type, validated at the edge.
    data: str = column("String", writer="edge", default="")
    # When the worker wrote the row (ms, stamped per insert attempt): the export module chooses rows
    # by it, so an event that arrives late is exported with the interval it was written in.
    ingested_ms: int = column("Int64", writer="worker", default=0, since=4)

    def to_record(self) -> dict:
        record = asdict(self)
        record["props"] = dict(self.props)
        return record


@dataclass(frozen=True, slots=True)
class PageViewed(TrackedEvent):
    """A page was shown to a visitor (browser pageview, pixel, or server-sent pageview)."""


@dataclass(frozen=True, slots=True)
class EventTracked(TrackedEvent):
    """A custom, named event happened (a click, a sign-up, anything the site tracks)."""


@dataclass(frozen=True, slots=True)
class EcommerceEventTracked(TrackedEvent):
    """A shop event (GA4 names: view_item, add_to_cart, begin_checkout, purchase, refund...);
    `data` holds the validated `ecommerce` object."""


@dataclass(frozen=True, slots=True)
class VitalMeasured(TrackedEvent):
    """A Web Vital (LCP, INP, CLS, FCP, TTFB) measured on a page; `data` holds value and metric id."""


@dataclass(frozen=True, slots=True)
class EngagementRecorded(TrackedEvent):
    """A page was left: `data` holds engaged time and maximum scroll depth."""


# Core's own types; modules add theirs with the `event_class` of their event type specs.
CORE_EVENT_CLASSES: Mapping[str, type[TrackedEvent]] = {"pageview": PageViewed}
FIELD_NAMES = frozenset(f.name for f in fields(TrackedEvent))
# The events log, column by column (DDL, inserts, defaults, dimensions all derive from it).
EVENT_COLUMNS = columns_of(TrackedEvent)


def event_from_record(record: dict, classes: Mapping[str, type[TrackedEvent]] = CORE_EVENT_CLASSES) -> TrackedEvent:
    """Rebuild the typed event from its buffer record; unknown keys are ignored, not fatal.
    `classes` maps a record's `type` to its event class (other types are `EventTracked`)."""
    values = {k: v for k, v in record.items() if k in FIELD_NAMES}
    values["props"] = tuple(sorted((str(k), str(v)) for k, v in (record.get("props") or {}).items()))
    values["click_ids"] = tuple(record.get("click_ids") or ())
    cls = classes.get(record.get("type", ""), EventTracked)
    return cls(**values)
