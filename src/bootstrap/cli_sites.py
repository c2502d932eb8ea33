"""`utrack sites …`: an organisation's sites, as `/api/v1/sites` has them (same checks, same fields).

Settings of installed modules (ecommerce's reporting currency) are set beside the site's own
through core's SiteAdmin, so the full container is built; deleting a site is the data-rights
erasure of every store, as `DELETE /api/v1/sites/{site_id}` and `utrack data delete-site` do.
"""

import typer

from bootstrap.cli_support import echo_json, fail, modules_container
from core.db.models import DEFAULT_ORG_ID
from core.privacy.policy import DNT_POLICIES

sites = typer.Typer(help="Manage sites (each belongs to an organisation) and their settings.", no_args_is_help=True)
_DNT = f"How DNT: 1 / Sec-GPC: 1 are honoured: {', '.join(DNT_POLICIES)} (count_anonymously: random visitor id, " \
       "country only)."
_CURRENCY = "ISO 4217 currency the shop's revenue is reported in (module ecommerce)."


def _shown(site, extras: dict) -> dict:
    from core.http.site_schemas import SiteOut

    return SiteOut(site_id=site.id, org_id=site.org_id, domain=site.domain, allowed_origins=list(site.allowed_origins),
                   timezone=site.timezone, dnt_policy=site.dnt_policy, **extras).model_dump(mode="json")


def _as_option(message: str) -> str:
    """The API's field names in a message become this command's options (`--currency: 'EURO' is …`)."""
    for field, option in (("reporting_currency:", "--currency:"), ("allowed_origins:", "--origin:")):
        if message.startswith(field):
            return option + message[len(field):]
    return message


def _site(container, site_id: str):
    site = container.core.tenancy().site(site_id)
    if site is None:
        fail(f"no site {site_id!r} (utrack sites list)")
    return site


@sites.command("create")
def sites_create(domain: str = typer.Option(..., help="The site's domain, e.g. example.com."),
                 timezone: str = typer.Option("UTC", help="IANA time zone for reports."),
                 origin: list[str] = typer.Option(None, help="Allowed origin (repeat); "
                                                  "default: the domain and its subdomains."),
                 dnt_policy: str = typer.Option("count_anonymously", help=_DNT),
                 currency: str = typer.Option(None, help=_CURRENCY + " Without it: the orders' currency when "
                                              "they are all in one, else UT_ECOMMERCE_REPORTING_CURRENCY."),
                 org: str = typer.Option(DEFAULT_ORG_ID, "--org", help="The organisation that owns the site "
                                         "(default: the default organisation; utrack orgs list).")) -> None:
    """Create a site; prints JSON with site_id, public_key and secret_key (shown only once). Sign in
    to the dashboard (`/` of the service) with the secret key."""
    from core.config.settings import Settings
    from core.tenancy.service import TenancyError

    container = modules_container()
    try:  # every value is checked before the site exists, so a typo creates nothing
        created, extras = container.core.site_admin().create(
            org_id=org, domain=domain, timezone=timezone, allowed_origins=list(origin or []) or None,
            dnt_policy=dnt_policy, extra={"reporting_currency": currency} if currency is not None else {})
    except TenancyError as exc:
        fail(_as_option(str(exc)), 2)
    from dataclasses import asdict

    echo_json({**asdict(created), **extras})
    settings = Settings()
    typer.echo(f"dashboard: open http://{settings.host}:{settings.port}/ and sign in with the secret_key", err=True)


@sites.command("list")
def sites_list(org: str = typer.Option(None, "--org", help="Only this organisation's sites (default: all).")) -> None:
    """List sites with their settings (keys are stored hashed and cannot be shown)."""
    container = modules_container()
    admin = container.core.site_admin()
    echo_json([_shown(s, admin.extras(s.id)) for s in container.core.tenancy().list_sites(org)])


@sites.command("show")
def sites_show(site_id: str) -> None:
    """One site's settings, as `GET /api/v1/sites/{site_id}` shows them."""
    container = modules_container()
    echo_json(_shown(_site(container, site_id), container.core.site_admin().extras(site_id)))


@sites.command("update")
def sites_update(site_id: str, domain: str = typer.Option(None, help="A new domain."),
                 timezone: str = typer.Option(None, help="A new IANA time zone for reports."),
                 origin: list[str] = typer.Option(None, help="Allowed origin (repeat): replaces the whole list."),
                 dnt_policy: str = typer.Option(None, help=_DNT),
                 currency: str = typer.Option(None, help=_CURRENCY + " `none` clears the site's choice.")) -> None:
    """Change the options given, as `PATCH /api/v1/sites/{site_id}` does; prints the site."""
    from core.tenancy.service import TenancyError

    container = modules_container()
    _site(container, site_id)
    fields = {k: v for k, v in (("domain", domain), ("timezone", timezone), ("dnt_policy", dnt_policy),
                                ("allowed_origins", list(origin) if origin else None)) if v is not None}
    extra = {} if currency is None else {"reporting_currency": None if currency.lower() == "none" else currency}
    if not fields and not extra:
        fail("nothing to change: give at least one option (utrack sites update --help)", 2)
    try:
        site = container.core.site_admin().update(site_id, fields=fields, extra=extra)
    except TenancyError as exc:
        fail(_as_option(str(exc)), 2)
    echo_json(_shown(site, container.core.site_admin().extras(site_id)))


@sites.command("delete")
def sites_delete(site_id: str, yes: bool = typer.Option(False, "--yes", help="Confirm.")) -> None:
    """Delete a site, its keys and all its data in every store (the deletion audit stays), as
    `DELETE /api/v1/sites/{site_id}` does."""
    if not yes:
        fail("this deletes every event of the site: add --yes", 2)
    container = modules_container()
    _site(container, site_id)
    removed, flushed = container.export.rights().erase_site(site_id, "cli")
    echo_json({"site_id": site_id, "removed": removed, "flushed": flushed})


@sites.command("forget-user-ids")
def sites_forget_user_ids(site_id: str) -> None:
    """Delete the site's user-id secret: every stored user pseudonym becomes unlinkable to any id
    (journeys of past users can no longer be looked up); the next identified event gets a new one."""
    from bootstrap.cli_support import core_container

    deleted = core_container().pseudonyms().forget(site_id)
    echo_json({"site_id": site_id, "secret_deleted": deleted})
