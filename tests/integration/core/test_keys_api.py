"""`/api/v1/keys` and `utrack keys`, in process on the embedded stores: the first org:admin key
comes from the CLI, the API then creates, lists, rotates and revokes keys with the text shown once;
a site-bound key cannot manage keys; bad input is a 400 naming the problem."""

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from bootstrap.app import create_app
from bootstrap.cli import cli
from bootstrap.migrate import migrate_transactional


@pytest.fixture
def env(embedded_settings, monkeypatch):
    monkeypatch.setenv("UT_DATA_DIR", str(embedded_settings.data_dir))
    for name in ("UT_DATABASE_URL", "UT_REDIS_URL", "UT_CLICKHOUSE_URL"):
        monkeypatch.setenv(name, "")
    settings = embedded_settings.model_copy(update={"worker_enabled": False})
    migrate_transactional(settings)
    return settings


def run(*args: str) -> dict | list:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_keys_through_the_cli_and_the_api(env):
    admin = run("keys", "create", "--name", "bootstrap admin", "--scope", "org:admin")
    assert admin["key"].startswith("uk_") and admin["scopes"] == ["org:admin"] and admin["site_ids"] is None
    assert [k["id"] for k in run("keys", "list")] == [admin["id"]] and "key" not in run("keys", "list")[0]
    app = create_app(env)
    tenancy = app.state.container.core.tenancy()
    site = tenancy.create_site(domain="one.example")
    with TestClient(app) as client:
        client.headers["X-API-Key"] = admin["key"]
        r = client.post("/api/v1/keys", json={"name": "reader", "scopes": ["stats:read"],
                                              "site_ids": [site.site_id], "expires_at": "2099-01-01T00:00:00Z"})
        assert r.status_code == 201, r.text
        reader = r.json()
        assert reader["key"].startswith("uk_") and reader["prefix"] == reader["key"][:8]
        assert reader["expires_at"] == "2099-01-01T00:00:00Z" and reader["site_ids"] == [site.site_id]
        listed = client.get("/api/v1/keys").json()
        assert [k["name"] for k in listed] == ["bootstrap admin", "reader"] and all("key" not in k for k in listed)
        assert reader["key"] not in client.get("/api/v1/keys").text

        stats = {"site_id": site.site_id}  # a stats:read route that needs no analytics store
        assert client.get("/api/v1/sessions/settings", params=stats, headers={"X-API-Key": reader["key"]}).status_code \
            == 200
        rotated = client.post(f"/api/v1/keys/{reader['id']}/rotate").json()
        assert rotated["id"] == reader["id"] and rotated["key"] != reader["key"]
        assert client.get("/api/v1/sessions/settings", params=stats,
                          headers={"X-API-Key": reader["key"]}).status_code == 401
        assert client.get("/api/v1/sessions/settings", params=stats,
                          headers={"X-API-Key": "", "Authorization": f"Bearer {rotated['key']}"}).status_code == 200
        # A reader may not manage keys (403); a site's secret key has org:admin for its site only (403 here).
        assert client.get("/api/v1/keys", headers={"X-API-Key": rotated["key"]}).status_code == 403
        r = client.get("/api/v1/keys", headers={"X-API-Key": site.secret_key})
        assert r.status_code == 403 and "whole organisation" in r.json()["detail"]

        revoked = client.delete(f"/api/v1/keys/{reader['id']}").json()
        assert revoked["revoked_at"] is not None
        assert client.get("/api/v1/sessions/settings", params=stats,
                          headers={"X-API-Key": rotated["key"]}).status_code == 401
        assert client.delete(f"/api/v1/keys/{reader['id']}").status_code == 404
        assert client.post("/api/v1/keys/999999/rotate").status_code == 404

        for body, why in (({"name": "x", "scopes": ["root"]}, "unknown scope 'root'"),
                          ({"name": "x", "scopes": ["ingest"], "site_ids": ["site_nope"]}, "unknown site 'site_nope'"),
                          ({"name": "x", "scopes": ["ingest"], "expires_at": "2001-01-01T00:00:00Z"}, "in the past")):
            r = client.post("/api/v1/keys", json=body)
            assert r.status_code == 400 and why in r.json()["detail"], r.text
        assert client.post("/api/v1/keys", json={"name": "x"}).status_code == 422
        assert client.get("/api/v1/keys", headers={"X-API-Key": "uk_forged"}).status_code == 401
        assert client.get("/api/v1/keys", headers={"X-API-Key": ""}).status_code == 401
    # The CLI sees what the API did; revoking again is a clear error.
    assert [k["revoked_at"] is not None for k in run("keys", "list")] == [False, True]
    result = CliRunner().invoke(cli, ["keys", "revoke", str(reader["id"])])
    assert result.exit_code == 1 and "revoked" in result.output


def test_cli_refuses_bad_keys_with_one_line(env):
    for args, why in ((["--scope", "root"], "unknown scope 'root'"), (["--scope", "ingest", "--org", "org_nope"],
                      "no organisation 'org_nope'"), (["--scope", "ingest", "--expires", "soon"], "--expires")):
        result = CliRunner().invoke(cli, ["keys", "create", "--name", "k", *args])
        assert result.exit_code == 2 and why in result.output and "Traceback" not in result.output, result.output
    org = run("orgs", "create", "--name", "Acme")
    assert org["id"].startswith("org_") and org in run("orgs", "list")
    made = run("keys", "create", "--name", "k", "--scope", "ingest", "--scope", "stats:read", "--org", org["id"],
               "--expires", "2099-06-01")
    assert made["org_id"] == org["id"] and made["expires_at"] == "2099-06-01T00:00:00Z"
    assert run("keys", "list") == [] and len(run("keys", "list", "--org", org["id"])) == 1
    rotated = run("keys", "rotate", str(made["id"]), "--org", org["id"])
    assert rotated["key"] != made["key"] and rotated["prefix"] == rotated["key"][:8]
