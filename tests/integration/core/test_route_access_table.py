"""Every route of the OpenAPI document × every kind of key, on both store sets, against one table.

Key kinds: none, an unknown key, the site's public key, the site's secret key, an organisation key
per scope, an expired and a revoked key (every scope), a key of every scope bound to another of our
sites, and another organisation's key (every scope) with our site id and with its own site id. A
route's scope is read from its OpenAPI `security`, so a route that declares one is checked without
being listed here; a route that declares none must be in UNSCOPED (collect, pages, operations), so
a new route cannot slip through unchecked.

Statuses are classed: 401, 403, `404` for the reach answer ("unknown site …", which is the same for
a site that does not exist, one of another organisation and one outside the key's list), `5xx`
(always a failure), and `ok` for anything else: the request got past authorisation (2xx, or a
400/404/422 about the request itself, since the table sends placeholder ids and bodies).
"""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from bootstrap.app import create_app
from bootstrap.migrate import migrate_all
from core.db.models import OrgKey
from core.tenancy.scopes import ORG_ADMIN, SCOPES

UNSCOPED = {
    ("GET", "/"), ("GET", "/share"), ("GET", "/t.js"), ("GET", "/api/v1/tracker"), ("GET", "/health"),
    ("GET", "/ready"), ("GET", "/metrics"), ("POST", "/collect/pageview"), ("POST", "/collect/event"),
    ("POST", "/collect/batch"), ("GET", "/collect/p.gif"), ("POST", "/collect/ecommerce"), ("POST", "/collect/vitals"),
    ("POST", "/api/v1/dashboard/session"), ("GET", "/api/v1/dashboard/session"),
    ("DELETE", "/api/v1/dashboard/session"), ("POST", "/api/v1/share-session"),
}
# Routes only an organisation-wide org:admin key may use (a site-bound key would reach beyond its sites).
ORG_WIDE = {("GET", "/api/v1/keys"), ("POST", "/api/v1/keys"), ("POST", "/api/v1/keys/{key_id}/rotate"),
            ("DELETE", "/api/v1/keys/{key_id}"), ("POST", "/api/v1/sites")}
# Allowed calls not made: deleting the site (the table needs it; test_sites_api and the data-rights
# tests cover it) and the endless SSE streams (their denials are checked).
NOT_CALLED_WHEN_ALLOWED = {("DELETE", "/api/v1/sites/{site_id}"), ("GET", "/presence/stream"),
                           ("GET", "/events/stream")}
PLACEHOLDERS = {"destination_id": "999999", "funnel_id": "999999", "goal_id": "999999", "key_id": "999999",
                "token_id": "999999", "visitor_id": "1", "session_id": "1", "user_id": "u1"}
KINDS = ["none", "unknown", "public", "secret", *(f"org:{s}" for s in SCOPES), "expired", "revoked",
         "bound-elsewhere", "other-org:our-site", "other-org:its-site"]


def expected(kind: str, scope: str, method: str, path: str, site_bound: bool) -> str:
    if kind in ("none", "unknown", "expired", "revoked"):
        return "401"
    if kind == "public":
        return "403"
    if kind == "secret":  # every scope, its own site only
        return "403" if (method, path) in ORG_WIDE else "ok"
    if kind.startswith("org:"):
        return "ok" if kind == f"org:{scope}" else "403"
    if kind == "bound-elsewhere":  # every scope, bound to another site of our organisation
        return "403" if (method, path) in ORG_WIDE else ("404" if site_bound else "ok")
    if kind == "other-org:our-site":
        return "404" if site_bound else "ok"
    return "ok"  # another organisation's key on its own site


def classed(response) -> str:
    if response.status_code >= 500:
        return "5xx"
    if response.status_code in (401, 403):
        return str(response.status_code)
    if response.status_code == 404 and str(response.json().get("detail", "")).startswith("unknown site"):
        return "404"
    return "ok"


def _keys(c, ours, theirs_org) -> dict[str, str]:
    keys = c.core.api_keys()
    out = {"none": "", "unknown": "uk_" + uuid.uuid4().hex, "public": ours.public_key, "secret": ours.secret_key}
    for scope in SCOPES:
        out[f"org:{scope}"] = keys.create(ours.org_id, name=scope, scopes=[scope])[1]
    expired_info, out["expired"] = keys.create(ours.org_id, name="expired", scopes=list(SCOPES),
                                               expires_at=datetime.now(UTC) + timedelta(days=1))
    with c.core.uow() as session:  # expired an hour ago (the service refuses to create it so)
        session.get(OrgKey, expired_info.id).expires_at = datetime.now(UTC) - timedelta(hours=1)
    revoked_info, out["revoked"] = keys.create(ours.org_id, name="revoked", scopes=list(SCOPES))
    keys.revoke(ours.org_id, revoked_info.id)
    sibling = c.core.tenancy().create_site(domain="sibling.example", org_id=ours.org_id)
    out["bound-elsewhere"] = keys.create(ours.org_id, name="sibling only", scopes=list(SCOPES),
                                         site_ids=[sibling.site_id])[1]
    other = keys.create(theirs_org, name="theirs", scopes=list(SCOPES))[1]
    out["other-org:our-site"] = out["other-org:its-site"] = other
    return out


def _operations(doc: dict):
    for path, ops in sorted(doc["paths"].items()):
        for method, op in ops.items():
            scopes = sorted({s for req in op.get("security", []) for s in next(iter(req.values()))})
            params = {p["name"]: p["in"] for p in op.get("parameters", [])}
            if scopes:  # the scope is also said in words, where a reader of /docs looks
                assert f"Needs the `{scopes[0]}` scope" in op.get("description", ""), (method, path)
            yield method.upper(), path, scopes, params, "requestBody" in op


def walk(settings) -> None:
    settings = settings.model_copy(update={"worker_enabled": False, "rate_limit_api": "1000000/minute"})
    migrate_all(settings)
    app = create_app(settings)
    c = app.state.container
    tenancy = c.core.tenancy()
    ours = tenancy.create_site(domain=f"ours-{uuid.uuid4().hex[:6]}.example")
    theirs_org = tenancy.create_org(name="Theirs").id
    theirs = tenancy.create_site(domain="theirs.example", org_id=theirs_org)
    keys = _keys(c, ours, theirs_org)
    doc = app.openapi()
    mismatches, unscoped, checked = [], set(), 0
    with TestClient(app) as client:
        for method, path, scopes, params, has_body in _operations(doc):
            if not scopes:
                unscoped.add((method, path))
                continue
            assert len(scopes) == 1, (method, path, scopes)
            scope = scopes[0]
            site_bound = "site_id" in params or path == "/api/v2/query"
            for kind in KINDS:
                site = theirs.site_id if kind == "other-org:its-site" else ours.site_id
                want = expected(kind, scope, method, path, site_bound)
                if want == "ok" and (method, path) in NOT_CALLED_WHEN_ALLOWED:
                    continue
                url = path.replace("{site_id}", site)
                for name, value in PLACEHOLDERS.items():
                    url = url.replace("{" + name + "}", value)
                body = {"site_id": site, "metrics": ["visitors"], "date_range": "7d"} if path == "/api/v2/query" \
                    else ({} if has_body else None)
                r = client.request(method, url, params={"site_id": site} if params.get("site_id") == "query" else None,
                                   json=body, headers={"X-API-Key": keys[kind]} if keys[kind] else {})
                checked += 1
                if classed(r) != want:
                    mismatches.append(f"{method} {path} [{scope}] {kind}: want {want}, got {r.status_code} "
                                      f"{r.text[:120]}")
    assert mismatches == [], "\n".join(mismatches)
    assert unscoped == UNSCOPED, (sorted(unscoped - UNSCOPED), sorted(UNSCOPED - unscoped))
    assert checked > 600  # ~60 scoped operations x 14 kinds


@pytest.mark.parametrize("store_set", ["embedded", "servers"])
def test_every_route_answers_every_key_kind_as_the_table_says(store_set, request):
    walk(request.getfixturevalue("embedded_settings" if store_set == "embedded" else "server_settings"))


def test_the_table_itself():
    """The table's own rules, on a few cases worked out by hand."""
    assert expected("secret", ORG_ADMIN, "POST", "/api/v1/keys", site_bound=False) == "403"
    assert expected("secret", ORG_ADMIN, "DELETE", "/api/v1/sites/{site_id}", site_bound=True) == "ok"
    assert expected("org:stats:read", "sites:write", "PUT", "/x/{site_id}", site_bound=True) == "403"
    assert expected("other-org:our-site", "stats:read", "GET", "/api/v1/stats/aggregate", site_bound=True) == "404"
    assert expected("other-org:our-site", ORG_ADMIN, "GET", "/api/v1/keys", site_bound=False) == "ok"
    assert expected("bound-elsewhere", ORG_ADMIN, "GET", "/api/v1/sites", site_bound=False) == "ok"
    assert expected("bound-elsewhere", "ingest", "POST", "/api/v1/events", site_bound=True) == "404"
