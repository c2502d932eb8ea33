"""What a query may ask for: metrics, dimensions and filter operators, each with its definition.

Dimension names map to events-log columns; every column is checked against the log's declared
schema (`core.bus.events.EVENT_COLUMNS`) at import, so only declared column names ever reach SQL
text. `visit:*` are properties of the visit (its first event, or its first / last pageview for the
entry and exit page); `event:*` are properties of each event (`event:local_weekday|hour`: when it
happened in the visitor's own time zone). `event:goal` is the site's goals
an event completes (core.query.goals): one event may complete several, or none.
"""

from core.bus.events import EVENT_COLUMNS

METRICS = ("visitors", "visits", "pageviews", "views_per_visit", "bounce_rate", "visit_duration", "events",
           "percentage", "conversion_rate")
# Metrics that only mean something per visit: refused with an event dimension (a page has no bounce rate).
VISIT_ONLY_METRICS = frozenset({"views_per_visit", "bounce_rate", "visit_duration"})

# visit:<name> -> the events-log column the visit takes from its entry (first event).
VISIT_COLUMNS = {
    "source": "source", "referrer": "referrer", "referrer_domain": "referrer_domain", "channel": "channel",
    "utm_source": "utm_source", "utm_medium": "utm_medium", "utm_campaign": "utm_campaign",
    "utm_term": "utm_term", "utm_content": "utm_content",
    "country": "country", "region": "region", "city": "city",
    "browser": "browser", "browser_version": "browser_version", "os": "os", "os_version": "os_version",
    "device": "device_type",
}
# Taken from the visit's first / last *pageview* instead of its first event.
VISIT_PAGES = ("entry_page", "exit_page")
# event:<name> -> events-log column (event:props:<key> is handled apart).
EVENT_COLUMNS_BY_DIMENSION = {"page": "pathname", "hostname": "hostname", "name": "name"}
# event:<name> -> an expression of events-log columns: when the event happened in the visitor's own
# time zone (geo_time's enricher stores the local weekday, 1 = Monday, and hour), in the site's zone
# (`%(tz)s`) when the visitor's is unknown, so every event has one. As text, like every dimension.
EVENT_LOCAL_TIME = {
    "local_weekday": "toString(if(timezone = '', toDayOfWeek(toDate(ts, %(tz)s)), local_weekday))",
    "local_hour": "toString(if(timezone = '', toHour(ts, %(tz)s), local_hour))",
}
TIME_GRAINS = ("hour", "day", "week", "month")
GOAL = "event:goal"
GOAL_OPERATORS = ("is", "is_not", "contains", "contains_not")  # on goal names, resolved in Python
PROPS_PREFIX = "event:props:"
MAX_PROP_KEY = 300

DIMENSIONS = (*(f"event:{d}" for d in (*EVENT_COLUMNS_BY_DIMENSION, *EVENT_LOCAL_TIME)), GOAL, f"{PROPS_PREFIX}<key>",
              *(f"visit:{d}" for d in (*VISIT_COLUMNS, *VISIT_PAGES)), *(f"time:{g}" for g in TIME_GRAINS))
OPERATORS = ("is", "is_not", "contains", "contains_not", "matches", "matches_not")
NEGATED = {"is_not": "is", "contains_not": "contains", "matches_not": "matches"}
LOGICAL = ("and", "or", "not")
# Core's own event types: pageviews and custom events are the "events" of the API.
COUNTED_TYPES = ("pageview", "event")

_DECLARED = {name for c in EVENT_COLUMNS for name, _ in c.storage()}
_USED = {*VISIT_COLUMNS.values(), *EVENT_COLUMNS_BY_DIMENSION.values(), "pathname", "prop_keys", "prop_values",
         "timezone", "local_weekday", "local_hour"}
if not _USED <= _DECLARED:  # a renamed column must fail loudly at import, never build bad SQL
    raise RuntimeError(f"query catalogue names undeclared events-log columns: {sorted(_USED - _DECLARED)}")
