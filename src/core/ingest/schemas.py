"""The wire shapes of incoming events: strict, bounded, with errors a developer can act on."""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator

Scalar = str | int | float | bool | None
PropKey = Annotated[str, StringConstraints(min_length=1, max_length=100)]
MAX_PROPS = 50
MAX_PROP_VALUE = 1000
MAX_USER_FIELDS = 20
UserValue = Annotated[str, StringConstraints(max_length=500)]


def _check_props(props: dict) -> dict:
    if len(props) > MAX_PROPS:
        raise ValueError(f"at most {MAX_PROPS} props")
    for key, value in props.items():
        if isinstance(value, str) and len(value) > MAX_PROP_VALUE:
            raise ValueError(f"prop {key!r} is longer than {MAX_PROP_VALUE} characters")
    return props


class Consent(BaseModel):
    """What the visitor agreed to, as the site's consent banner reports it."""

    model_config = ConfigDict(extra="forbid")

    analytics: bool = Field(True, description="false: counted anonymously (random visitor id, country only).")
    marketing: bool = Field(False, description="Kept as a flag on the event for ad-platform forwarding.")


class BrowserEvent(BaseModel):
    """One event from a browser or the pixel; the site is named by `site_id`."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    site_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    type: Annotated[str, StringConstraints(min_length=1, max_length=32)] = Field(
        "event", description="`pageview`, `event`, or a type an installed module registers (see the README).")
    name: Annotated[str, StringConstraints(max_length=200)] = ""
    url: Annotated[str, StringConstraints(max_length=2048)] = ""
    referrer: Annotated[str, StringConstraints(max_length=2048)] = ""
    event_id: UUID | None = None
    ts: int | None = Field(None, ge=0, description="Client time of the event, ms since epoch.")
    sent_at: int | None = Field(None, ge=0, description="Client time of sending, ms since epoch.")
    props: dict[PropKey, Scalar] = Field(default_factory=dict)
    consent: Consent | None = None
    user_id: Annotated[str, StringConstraints(max_length=200)] = Field("", description=(
        "The site's own id of a signed-in user (`ut.identify(id)`): stored only as a keyed pseudonym."))

    _props = field_validator("props")(_check_props)


class ServerEvent(BaseModel):
    """One event from a customer's server (`POST /api/v1/events`); the site comes from the key."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, populate_by_name=True)

    user_id: Annotated[str, StringConstraints(min_length=1, max_length=200)] = Field(alias="userId")
    event_name: Annotated[str, StringConstraints(min_length=1, max_length=200)] = Field(alias="eventName")
    timestamp: datetime | int | None = None
    event_id: UUID | None = Field(None, alias="eventId")
    url: Annotated[str, StringConstraints(max_length=2048)] = ""
    referrer: Annotated[str, StringConstraints(max_length=2048)] = ""
    ip: str = Field("", description="The visitor's IP, used for the visitor hash only, never stored.")
    user_agent: str = Field("", alias="userAgent", description="The visitor's UA, never stored.")
    properties: dict[PropKey, Scalar] = Field(default_factory=dict)
    user: dict[PropKey, UserValue] | None = Field(None, max_length=MAX_USER_FIELDS, description=(
        "Raw user data for ad-platform forwarding (email, phone, ...): handed only to edge sinks, "
        "never stored with the event, never logged."))
    consent: Consent | None = Field(None, description="Server events count as marketing-consented unless "
                                    "`consent.marketing` is false.")

    _props = field_validator("properties")(_check_props)


BROWSER_FIELDS = frozenset(BrowserEvent.model_fields)
CORE_TYPES = frozenset({"pageview", "event"})


def describe(error: ValidationError) -> str:
    """Pydantic's errors as one short line: `field: problem; field: problem`."""
    parts = []
    for e in error.errors():
        where = ".".join(str(p) for p in e["loc"]) or "event"
        parts.append(f"{where}: {e['msg']}")
    return "; ".join(parts)
