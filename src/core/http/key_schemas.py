"""The shapes of `/api/v1/keys`: what a key is created with, and how it is shown (its text once)."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from core.http.datetimes import UtcDatetime
from core.tenancy.scopes import SCOPES

_SCOPES = ", ".join(f"`{s}`" for s in SCOPES)


class KeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200, description="What the key is for, e.g. `ci-deploys`.")
    scopes: list[str] = Field(min_length=1, description=f"One or more of {_SCOPES}.")
    site_ids: list[str] | None = Field(None, description="Only these sites of the organisation; leave it out "
                                       "for every site, present and future.")
    expires_at: datetime | None = Field(None, description="When the key stops working (RFC 3339; UTC when "
                                        "no offset is given); leave it out for a key that does not expire.")


class KeyOut(BaseModel):
    id: int
    org_id: str
    name: str
    prefix: str = Field(description="The key's first characters, to recognise it (the key itself is stored "
                        "hashed and never shown again).")
    scopes: list[str]
    site_ids: list[str] | None = Field(description="null: every site of the organisation.")
    created_at: UtcDatetime | None
    last_used_at: UtcDatetime | None = Field(description="Updated at most once a minute per API process.")
    expires_at: UtcDatetime | None
    revoked_at: UtcDatetime | None


class KeyCreated(KeyOut):
    key: str = Field(description="The key (`uk_…`): shown only in this answer; send it as `X-API-Key`.")


KEY_EXAMPLES = {
    "read-only": {"summary": "A dashboard integration that reads every site",
                  "value": {"name": "grafana", "scopes": ["stats:read"]}},
    "ingest-one-site": {"summary": "A backend that sends events for one site, for 90 days",
                        "value": {"name": "shop-backend", "scopes": ["ingest"], "site_ids": ["site_0123456789abcdef"],
                                  "expires_at": "2027-03-01T00:00:00Z"}},
}
