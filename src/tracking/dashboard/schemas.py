"""Shapes of dashboard: a built file as served, the sign-in request and the session it opens."""

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field


@dataclass(frozen=True, slots=True)
class Asset:
    """One built file: raw and gzipped bytes, its media type, and whether its name is content-hashed."""

    name: str
    body: bytes
    gzipped: bytes
    media_type: str
    immutable: bool


class SignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key: str = Field(min_length=1, max_length=200, description="A site's secret key (`sk_…`) or an organisation "
                     "key (`uk_…`) with `stats:read`. Sent in the body, exchanged for an HttpOnly cookie: the "
                     "page never keeps it.")


class SessionSite(BaseModel):
    site_id: str
    domain: str
    timezone: str = Field(description="The site's time zone: the days of every report.")


class SessionInfo(SessionSite):
    """The first site the session reads (`site_id`, `domain`, `timezone`) and all of them (`sites`)."""

    scope: str = Field(description="`owner` (signed in with a key) or `share` (a share link, read-only).")
    expires_at: int = Field(description="When the session cookie expires, Unix time in seconds.")
    sites: list[SessionSite] = Field(description="Every site the session reads, by domain: one for a site's "
                                     "key or a share link, those the key reaches for an organisation key.")
