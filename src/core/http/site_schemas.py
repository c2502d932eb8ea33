"""The shapes of `/api/v1/sites`: a site's settings, how it is created and changed, and the keys
shown once at its creation."""

from pydantic import BaseModel, ConfigDict, Field

from core.privacy.policy import DNT_POLICIES

_DOMAIN = "The site's domain, e.g. `example.com` (no scheme, no path)."
_ORIGINS = ("Browser origins that may send events (`scheme://host[:port]`, `https://*.example.com` for every "
            "subdomain). Default at creation: the domain and its subdomains, over https and http.")
_TZ = "IANA time zone of the reports' days, e.g. `Europe/Berlin`."
_DNT = f"How `DNT: 1` / `Sec-GPC: 1` are honoured: {', '.join(f'`{p}`' for p in DNT_POLICIES)}."
_CURRENCY = ("ISO 4217 code revenue is reported in (module ecommerce); null: the orders' own currency when "
             "they are all in one, else UT_ECOMMERCE_REPORTING_CURRENCY.")


class SiteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    domain: str = Field(min_length=1, max_length=253, description=_DOMAIN)
    allowed_origins: list[str] | None = Field(None, description=_ORIGINS)
    timezone: str = Field("UTC", description=_TZ)
    dnt_policy: str = Field("count_anonymously", description=_DNT)
    reporting_currency: str | None = Field(None, description=_CURRENCY)


class SiteUpdate(BaseModel):
    """Only the fields sent change; `reporting_currency: null` clears the site's choice."""

    model_config = ConfigDict(extra="forbid")
    domain: str | None = Field(None, min_length=1, max_length=253, description=_DOMAIN)
    allowed_origins: list[str] | None = Field(None, description=_ORIGINS)
    timezone: str | None = Field(None, description=_TZ)
    dnt_policy: str | None = Field(None, description=_DNT)
    reporting_currency: str | None = Field(None, description=_CURRENCY)


class SiteOut(BaseModel):
    site_id: str
    org_id: str
    domain: str
    allowed_origins: list[str]
    timezone: str
    dnt_policy: str
    reporting_currency: str | None = Field(None, description=_CURRENCY + " Absent without the ecommerce module.")


class SiteCreated(SiteOut):
    public_key: str = Field(description="`pk_…`: names the site in the browser tracker (public by design).")
    secret_key: str = Field(description="`sk_…`: every scope of this site; shown only in this answer.")


SITE_EXAMPLES = {
    "shop": {"summary": "A shop in Berlin, reported in EUR",
             "value": {"domain": "shop.example", "timezone": "Europe/Berlin", "reporting_currency": "EUR"}},
    "app": {"summary": "An app on another origin, DNT visitors dropped",
            "value": {"domain": "example.com", "allowed_origins": ["https://app.example.net"], "dnt_policy": "drop"}},
}
