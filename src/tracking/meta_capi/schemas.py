"""Pydantic shapes of meta_capi's API. The access token goes in, never out."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

# Graph API version new pixels use: v21.0 (October 2024), stable for two years; a site sets its own.
DEFAULT_GRAPH_VERSION = "v21.0"
# Our event names (GA4 names, `pageview`) -> Meta standard events; a site may add custom names.
DEFAULT_MAPPING = {
    "pageview": "PageView", "page_view": "PageView", "view_item": "ViewContent", "add_to_cart": "AddToCart",
    "begin_checkout": "InitiateCheckout", "add_payment_info": "AddPaymentInfo", "purchase": "Purchase",
    "sign_up": "CompleteRegistration", "generate_lead": "Lead", "search": "Search",
}


class PixelUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    pixel_id: str = Field(..., pattern=r"^\d{5,32}$", description="The Meta pixel (dataset) id.")
    access_token: str | None = Field(None, min_length=1, max_length=1000, description=(
        "Conversions API access token; encrypted at rest, never returned. Omit to keep the stored one."))
    enabled: bool = True
    test_event_code: str = Field("", max_length=64, description="Sends to Events Manager's Test Events tab.")
    graph_version: str = Field(DEFAULT_GRAPH_VERSION, pattern=r"^v\d{1,2}\.\d$")
    event_mapping: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_MAPPING), max_length=100,
                                          description="Our event name -> Meta event name (standard or custom).")
    ldu: bool = Field(False, description="Limited Data Use: sends data_processing_options [\"LDU\"].")
    ldu_country: int = Field(0, description="0: Meta geolocates; 1: USA.")
    ldu_state: int = Field(0, description="0: Meta geolocates; 1000: California, ...")


class PixelSettings(BaseModel):
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
    sent_at: datetime
    events: int
    events_received: int
    http_status: int
    error: str
    fbtrace_id: str


class DeliveryStatus(BaseModel):
    pixel: PixelSettings | None
    counts: dict[str, int] = Field(description="Outbox events by status: pending, sending, delivered, ...")
    recent_failures: list[FailedEvent]
    recent_requests: list[DeliveryRow]


class ReplayResult(BaseModel):
    requeued: int
