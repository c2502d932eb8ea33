"""`utrack orgs …` and `utrack keys …`: organisations and their API keys, as `/api/v1/keys` has them.

The first `org:admin` key of an organisation can only come from here (the API needs one to make
one); keys print with the API's fields, and the key text only on `create` and `rotate`.
"""

from datetime import UTC, datetime

import typer

from bootstrap.cli_support import as_dict, core_container, echo_json, fail
from core.db.models import DEFAULT_ORG_ID
from core.tenancy.scopes import SCOPES

orgs = typer.Typer(help="Organisations: each owns sites and the API keys that reach them.", no_args_is_help=True)
keys = typer.Typer(help=f"An organisation's API keys (uk_…) with scopes: {', '.join(SCOPES)}.",
                   no_args_is_help=True)
ORG = typer.Option(DEFAULT_ORG_ID, "--org", help="The organisation (default: the one existing sites moved into).")


@orgs.command("create")
def orgs_create(name: str = typer.Option(..., help="The organisation's name.")) -> None:
    """Create an organisation; prints its id (use it as --org of `sites create` and `keys create`)."""
    from core.tenancy.service import TenancyError

    try:
        echo_json(as_dict(core_container().tenancy().create_org(name=name)))
    except TenancyError as exc:
        fail(str(exc), 2)


@orgs.command("list")
def orgs_list() -> None:
    """Every organisation."""
    echo_json([as_dict(o) for o in core_container().tenancy().list_orgs()])


def _shown(info, text: str | None = None) -> dict:
    from core.http.key_schemas import KeyCreated, KeyOut

    fields = {k: getattr(info, k) for k in KeyOut.model_fields}
    model = KeyCreated(**fields, key=text) if text is not None else KeyOut(**fields)
    return model.model_dump(mode="json")


def _org(core, org_id: str) -> str:
    if core.tenancy().org(org_id) is None:
        fail(f"no organisation {org_id!r} (utrack orgs list)", 2)
    return org_id


@keys.command("create")
def keys_create(name: str = typer.Option(..., help="What the key is for, e.g. ci-deploys."),
                scope: list[str] = typer.Option(..., help=f"A scope (repeat): {', '.join(SCOPES)}."),
                site: list[str] = typer.Option(None, help="Only this site of the organisation (repeat); "
                                               "default: every site, present and future."),
                expires: str = typer.Option(None, help="When it stops working: a date (2027-01-01) or an ISO "
                                            "time (UTC without an offset); default: never."),
                org: str = ORG) -> None:
    """Create a key; prints it with its text in `key` (shown only now: it is stored hashed)."""
    from core.tenancy.scopes import ScopeError
    from core.tenancy.service import TenancyError

    expires_at = None
    if expires:
        try:
            expires_at = datetime.fromisoformat(expires.replace("Z", "+00:00"))
        except ValueError:
            fail(f"--expires must be a date (2027-01-01) or an ISO time, got {expires!r}", 2)
        expires_at = expires_at if expires_at.tzinfo else expires_at.replace(tzinfo=UTC)
    core = core_container()
    try:
        info, text = core.api_keys().create(_org(core, org), name=name, scopes=list(scope),
                                            site_ids=list(site) if site else None, expires_at=expires_at)
    except (TenancyError, ScopeError) as exc:
        fail(str(exc), 2)
    echo_json(_shown(info, text))


@keys.command("list")
def keys_list(org: str = ORG) -> None:
    """The organisation's keys, revoked ones included; never their text."""
    core = core_container()
    echo_json([_shown(k) for k in core.api_keys().list(_org(core, org))])


@keys.command("rotate")
def keys_rotate(key_id: int, org: str = ORG) -> None:
    """A new text for the key (same id, name, scopes, sites, expiry); the old text stops working."""
    from core.tenancy.api_keys import UnknownKey

    core = core_container()
    try:
        info, text = core.api_keys().rotate(_org(core, org), key_id)
    except UnknownKey as exc:
        fail(str(exc))
    echo_json(_shown(info, text))


@keys.command("revoke")
def keys_revoke(key_id: int, org: str = ORG) -> None:
    """The key stops working; it stays in the list with revoked_at."""
    from core.tenancy.api_keys import UnknownKey

    core = core_container()
    try:
        echo_json(_shown(core.api_keys().revoke(_org(core, org), key_id)))
    except UnknownKey as exc:
        fail(str(exc))
