"""Shapes of active_users: presence snapshots, live events and share tokens."""

from datetime import datetime

from pydantic import BaseModel, Field


class PageCount(BaseModel):
    pathname: str
    visitors: int


class CountryCount(BaseModel):
    country: str = Field(description="ISO 3166-1 alpha-2 code.")
    visitors: int


class DeviceCount(BaseModel):
    device_type: str = Field(description="desktop, mobile, tablet...")
    visitors: int


class PresenceSnapshot(BaseModel):
    visitors: int = Field(description="Visitors seen in the last `window_s` seconds (distinct visitor hashes).")
    ema: float = Field(description="Smoothed concurrent visitors: exponential moving average of `visitors`, "
                                   "sampled each second with weight UT_PRESENCE_EMA_ALPHA.")
    top_pages: list[PageCount] = Field(description="Pages by live visitors, each visitor on their latest page.")
    countries: list[CountryCount] = Field(description="Live visitors by country (unknown countries not listed).")
    devices: list[DeviceCount] = Field(description="Live visitors by device type (unknown not listed).")
    window_s: int = Field(description="The presence window, in seconds.")
    ts: int = Field(description="When the snapshot was taken, Unix time in ms.")


class LiveEvent(BaseModel):
    """One message of the live feed: no visitor hash, IP, user agent or property is ever included."""

    id: str = Field(description="Position in the site's feed (a Redis Stream id); resume after it.")
    type: str = Field(description="pageview, event, ecommerce, vitals, engagement...")
    name: str
    pathname: str
    country: str
    device_type: str
    ts: int = Field(description="When the event happened, Unix time in ms.")


class ShareTokenCreate(BaseModel):
    label: str = Field("", max_length=100, description="What the token is for, e.g. `office TV`.")


class ShareSessionCreate(BaseModel):
    token: str = Field(min_length=1, max_length=200, description="A share token (`st_…`).")


class ShareSession(BaseModel):
    site_id: str
    expires_at: int = Field(description="When the read-only cookie expires, Unix time in seconds.")


class ShareTokenInfo(BaseModel):
    id: int
    label: str
    prefix: str = Field(description="The first characters of the token, to recognise it.")
    created_at: datetime


class ShareTokenCreated(ShareTokenInfo):
    token: str = Field(description="The token itself, shown only once: pass it as `?token=` to the "
                                   "real-time endpoints of this site (read-only), or open the dashboard "
                                   "read-only at `/share#<token>`.")
