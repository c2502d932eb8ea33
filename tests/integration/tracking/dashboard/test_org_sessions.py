"""Signing in to the dashboard with an organisation key, in process on the embedded stores: the
session lists exactly the sites the key reaches (never another organisation's), its cookie reads
those with the key's scopes only, holds neither the key nor its hash, and stops reading when the
key is revoked or rotated; keys without `stats:read` (and public keys) cannot sign in."""

import base64
import json

import pytest
from fastapi.testclient import TestClient

from bootstrap.app import create_app
from bootstrap.migrate import migrate_transactional
from core.db.models import DEFAULT_ORG_ID
from core.tenancy.keys import hash_key

SESSION = "/api/v1/dashboard/session"


@pytest.fixture
def world(embedded_settings):
    settings = embedded_settings.model_copy(update={"worker_enabled": False})
    migrate_transactional(settings)
    app = create_app(settings)
    core = app.state.container.core
    tenancy, keys = core.tenancy(), core.api_keys()
    one = tenancy.create_site(domain="one.example", timezone="Europe/Berlin")
    two = tenancy.create_site(domain="two.example")
    other = tenancy.create_site(domain="other.example", org_id=tenancy.create_org(name="Other").id)
    return app, keys, one, two, other


def reads(client, site_id: str) -> int:
    """A stats:read GET (needs no analytics store) and a sites:write GET, by cookie alone."""
    return client.get("/api/v1/sessions/settings", params={"site_id": site_id}).status_code


def test_an_org_key_session_reads_the_keys_sites_with_its_scopes(world):
    app, keys, one, two, other = world
    info, text = keys.create(DEFAULT_ORG_ID, name="dashboard", scopes=["stats:read"])
    with TestClient(app) as client:
        r = client.post(SESSION, json={"key": text})
        assert r.status_code == 200, r.text
        assert [s["domain"] for s in r.json()["sites"]] == ["one.example", "two.example"]  # not other.example
        assert r.json()["site_id"] == one.site_id and r.json()["timezone"] == "Europe/Berlin"
        cookie = client.cookies["ut_session"]
        payload = base64.urlsafe_b64decode(cookie.split(".")[0] + "==").decode()
        assert text not in cookie and hash_key(text) not in payload and json.loads(payload)[3:] == [
            info.id, info.prefix]
        assert client.get(SESSION).json()["sites"] == r.json()["sites"]
        assert reads(client, one.site_id) == reads(client, two.site_id) == 200
        assert reads(client, other.site_id) == 403  # another organisation's site, existing or not: the same
        assert reads(client, "site_0000000000000000") == 403
        goals = client.get(f"/api/v1/sites/{one.site_id}/goals")  # a sites:write GET: the key has no such scope
        assert goals.status_code == 403 and "lacks the `sites:write` scope" in goals.json()["detail"]
        assert client.post(f"/api/v1/sites/{one.site_id}/goals", json={"event_name": "x"}).status_code == 401

        keys.rotate(DEFAULT_ORG_ID, info.id)  # the old text's session stops with it
        assert reads(client, one.site_id) == 401 and client.get(SESSION).status_code == 401


def test_a_key_bound_to_one_site_lists_and_reads_only_it_and_revoking_ends_the_session(world):
    app, keys, one, two, _ = world
    info, text = keys.create(DEFAULT_ORG_ID, name="two only", scopes=["stats:read", "sites:write"],
                             site_ids=[two.site_id])
    with TestClient(app) as client:
        assert [s["site_id"] for s in client.post(SESSION, json={"key": text}).json()["sites"]] == [two.site_id]
        assert reads(client, two.site_id) == 200 and reads(client, one.site_id) == 403
        assert client.get(f"/api/v1/sites/{two.site_id}/goals").status_code == 200  # the key has sites:write
        keys.revoke(DEFAULT_ORG_ID, info.id)
        assert reads(client, two.site_id) == 401 and client.get(SESSION).status_code == 401


def test_keys_that_cannot_read_cannot_sign_in(world):
    app, keys, one, _, _ = world
    _, ingest = keys.create(DEFAULT_ORG_ID, name="backend", scopes=["ingest"])
    with TestClient(app) as client:
        r = client.post(SESSION, json={"key": ingest})
        assert r.status_code == 403 and "stats:read" in r.json()["detail"]
        assert client.post(SESSION, json={"key": one.public_key}).status_code == 403
        assert client.post(SESSION, json={"key": "uk_nope"}).status_code == 401
        assert "ut_session" not in client.cookies
        r = client.post(SESSION, json={"key": one.secret_key})  # a site's secret key: its one site, as before
        assert [s["site_id"] for s in r.json()["sites"]] == [one.site_id] and reads(client, one.site_id) == 200
