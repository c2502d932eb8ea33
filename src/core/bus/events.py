"""The only things that cross module boundaries: frozen, past-tense facts about tracked events.

One `TrackedEvent` is one row of the ClickHouse `events` log, already privacy-safe: it carries
a salted `visitor_id`, never an IP or a user agent. Subclasses say what happened so subscribers
can ask for exactly the kind they care about.
"""

from dataclasses import asdict, dataclass, fields


@dataclass(frozen=True, slots=True)
class TrackedEvent:
    site_id: str
    event_id: str
    type: str
    name: str
    ts_ms: int
    received_ms: int
    visitor_id: int
    url: str = ""
    hostname: str = ""
    pathname: str = ""
    referrer: str = ""
    referrer_domain: str = ""
    session_id: int = 0
    user_id: str = ""
    props: tuple[tuple[str, str], ...] = ()
    browser: str = ""
    browser_version: str = ""
    os: str = ""
    os_version: str = ""
    device_type: str = ""
    is_bot: int = 0
    country: str = ""
    region: str = ""
    city: str = ""
    timezone: str = ""  # the visitor's IANA zone, when the geo database knows it
    local_hour: int = 0  # 0-23 in the visitor's zone (meaningful only when `timezone` is set)
    local_weekday: int = 0  # 1 = Monday ... 7 = Sunday, in the visitor's zone; 0 when unknown
    source: str = ""
    channel: str = ""
    utm_source: str = ""
    utm_medium: str = ""
    utm_campaign: str = ""
    utm_term: str = ""
    utm_content: str = ""
    click_ids: tuple[str, ...] = ()  # names of the ad click ids the landing URL had (gclid...), never values
    consent_marketing: int = 0  # 1 when the visitor consented to marketing and sent no DNT/GPC
    data: str = ""  # JSON of the type-specific payload (ecommerce, vitals...), validated at the edge

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


EVENT_CLASSES: dict[str, type[TrackedEvent]] = {
    "pageview": PageViewed,
    "ecommerce": EcommerceEventTracked,
    "vitals": VitalMeasured,
    "engagement": EngagementRecorded,
}
FIELD_NAMES = frozenset(f.name for f in fields(TrackedEvent))


def event_from_record(record: dict) -> TrackedEvent:
    """Rebuild the typed event from its buffer record; unknown keys are ignored, not fatal."""
    values = {k: v for k, v in record.items() if k in FIELD_NAMES}
    values["props"] = tuple(sorted((str(k), str(v)) for k, v in (record.get("props") or {}).items()))
    values["click_ids"] = tuple(record.get("click_ids") or ())
    cls = EVENT_CLASSES.get(record.get("type", ""), EventTracked)
    return cls(**values)
