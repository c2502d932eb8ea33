"""`/api/v1/keys`: the organisation's API keys, created, listed, rotated and revoked (`org:admin`).

Managing keys needs an `org:admin` key of the whole organisation: a key bound to some sites (a
site's secret key among them) could otherwise mint keys for sites it cannot reach. The key text is
in the answer of creation and rotation only.
"""

from typing import Annotated

from dependency_injector.wiring import Provide, inject
from fastapi import APIRouter, Body, Depends, HTTPException, Path

from core.http.access import requires
from core.http.errors import errors
from core.http.key_schemas import KEY_EXAMPLES, KeyCreate, KeyCreated, KeyOut
from core.tenancy.api_keys import ApiKeys, KeyInfo, UnknownKey
from core.tenancy.scopes import ORG_ADMIN, Principal, ScopeError
from core.tenancy.service import TenancyError

router = APIRouter(prefix="/api/v1/keys", tags=["keys and sites"])
ADMIN = Depends(requires(ORG_ADMIN, org_wide=True))
KEYS = Depends(Provide["core.api_keys"])
KEY_ID = Path(..., description="The key's id (from the list).")


def _out(info: KeyInfo, text: str | None = None) -> KeyOut:
    fields = {k: getattr(info, k) for k in KeyOut.model_fields}
    return KeyCreated(**fields, key=text) if text is not None else KeyOut(**fields)


@router.post("", status_code=201, response_model=KeyCreated, responses=errors(400, 401, 403),
             summary="Create an API key")
@inject
def create_key(body: Annotated[KeyCreate, Body(openapi_examples=KEY_EXAMPLES)],
               principal: Principal = ADMIN, keys: ApiKeys = KEYS) -> KeyOut:
    """A key of the organisation with the scopes given, for all its sites or the ones listed, with
    an optional expiry. The answer holds the key text: it is stored hashed and never shown again."""
    org_id = principal.org_id
    try:
        info, text = keys.create(org_id, name=body.name, scopes=body.scopes, site_ids=body.site_ids,
                                           expires_at=body.expires_at)
    except (TenancyError, ScopeError) as exc:
        raise HTTPException(400, str(exc)) from None
    return _out(info, text)


@router.get("", response_model=list[KeyOut], responses=errors(401, 403), summary="The organisation's API keys")
@inject
def list_keys(principal: Principal = ADMIN, keys: ApiKeys = KEYS) -> list[KeyOut]:
    """Every key, revoked ones included (with `revoked_at`), oldest first; never the key text."""
    return [_out(k) for k in keys.list(principal.org_id)]


@router.post("/{key_id}/rotate", response_model=KeyCreated, responses=errors(401, 403, 404),
             summary="Rotate an API key")
@inject
def rotate_key(key_id: int = KEY_ID, principal: Principal = ADMIN, keys: ApiKeys = KEYS) -> KeyOut:
    """A new key text with the same id, name, scopes, sites and expiry; the old text stops working
    at once on this process, within 5 s on the others. The new text is shown only here."""
    try:
        info, text = keys.rotate(principal.org_id, key_id)
    except UnknownKey as exc:
        raise HTTPException(404, str(exc)) from None
    return _out(info, text)


@router.delete("/{key_id}", response_model=KeyOut, responses=errors(401, 403, 404), summary="Revoke an API key")
@inject
def revoke_key(key_id: int = KEY_ID, principal: Principal = ADMIN, keys: ApiKeys = KEYS) -> KeyOut:
    """The key stops working (at once on this process, within 5 s on the others); it stays in the
    list with `revoked_at`."""
    try:
        return _out(keys.revoke(principal.org_id, key_id))
    except UnknownKey as exc:
        raise HTTPException(404, str(exc)) from None
