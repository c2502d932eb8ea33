"""Pydantic shapes of meta_capi's API. The access token goes in, never out."""

from pydantic import BaseModel, ConfigDict, Field

from core.db.bounds import MAX_INT32
from core.http.datetimes import UtcDatetime

# Graph API version new pixels use: v21.0 (October 2024), stable for two years; a site sets its own.
DEFAULT_GRAPH_VERSION = "v21.0"
# Our event names (GA4 names, `pageview`) -> Meta standard events; a site may add custom names.
DEFAULT_MAPPING = {
    "pageview": "PageView", "page_view": "PageView", "view_item": "ViewContent", "add_to_cart": "AddToCart",
    "begin_checkout": "InitiateCheckout", "add_payment_info": "AddPaymentInfo", "purchase": "Purchase",
    "sign_up": "CompleteRegistration", "generate_lead": "Lead", "search": "Search",
}


class PixelUpdate(BaseModel):
    """Every field may be left out (or null): it then keeps its stored value, or its default on a
    new pixel, which needs a `pixel_id`. `event_mapping`, when given, replaces the whole mapping."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    pixel_id: str | None = Field(None, pattern=r"^\d{5,32}$", description="The Meta pixel (dataset) id.")
    access_token: str | None = Field(None, min_length=1, max_length=1000, description=(
        "Conversions API access token; encrypted at rest, never returned. Omit to keep the stored one."))
    enabled: bool | None = Field(None, description="Default true.")
    test_event_code: str | None = Field(None, max_length=64, description=(
        "Sends to Events Manager's Test Events tab; \"\" stops it. Default \"\"."))
    graph_version: str | None = Field(None, pattern=r"^v\d{1,2}\.\d$", description=f"Default {DEFAULT_GRAPH_VERSION}.")
    event_mapping: dict[str, str] | None = Field(None, max_length=100, description=(
        "Our event name -> Meta event name (standard or custom); replaces the stored mapping. "
        "Default: the standard mapping (README)."))
    ldu: bool | None = Field(None, description="Limited Data Use: sends data_processing_options [\"LDU\"].")
    ldu_country: int | None = Field(None, ge=0, le=MAX_INT32, description="0: Meta geolocates; 1: USA.")
    ldu_state: int | None = Field(None, ge=0, le=MAX_INT32, description="0: Meta geolocates; 1000: California, ...")


class PixelSettings(BaseModel):
    """What the API and `utrack meta-capi set/show` print: the same keys everywhere."""

    model_config = ConfigDict(from_attributes=True)

    site_id: str
    pixel_id: str
    enabled: bool
    active: bool = Field(description="Enabled, has a token and not disabled by a token error.")
    has_access_token: bool
    access_token_last4: str = Field(description="Last 4 characters of a token of 12+ characters, else empty.")
    test_event_code: str
    graph_version: str
    event_mapping: dict[str, str]
    ldu: bool
    ldu_country: int
    ldu_state: int
    disabled_reason: str = Field(description="Why the pixel was disabled (e.g. Meta rejected the token).")


class FailedEvent(BaseModel):
    event_id: str
    event_name: str
    status: str
    attempts: int
    error: str
    fbtrace_id: str


class DeliveryRow(BaseModel):
    sent_at: UtcDatetime
    events: int
    events_received: int
    http_status: int
    error: str
    fbtrace_id: str


class DeliveryStatus(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    pixel: PixelSettings | None
    counts: dict[str, int] = Field(description="Outbox events by status: pending, sending, delivered, ...")
    recent_failures: list[FailedEvent]
    recent_requests: list[DeliveryRow]
    user_data_left_out: dict[str, int] = Field(description=(
        "user_data values left out of forwarded events because they were not valid, by Meta key "
        "(`em`: not an e-mail address, `db`: not a date, ...), counted since this process started."))


class ReplayResult(BaseModel):
    requeued: int
