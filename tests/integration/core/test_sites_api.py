"""`/api/v1/sites` and `utrack sites`, in process on the embedded stores: create (keys shown once),
list, show and change a site's domain, origins, time zone, DNT policy and the ecommerce module's
reporting currency; every bad value is a 400 naming it and changes nothing; a site-bound key sees
only its sites; delete erases the site in every store."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from bootstrap.app import create_app
from bootstrap.cli import cli
from bootstrap.migrate import migrate_all

UTRACK = str(Path(sys.executable).with_name("utrack"))


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    from core.config.settings import Settings

    data = tmp_path_factory.mktemp("sites-api") / "data"
    # The worker runs: deleting a site waits until the events accepted before it have been written.
    settings = Settings(data_dir=data, database_url="", redis_url="", clickhouse_url="")
    migrate_all(settings)
    app = create_app(settings)
    c = app.state.container
    info, admin = c.core.api_keys().create("org_default", name="admin", scopes=["org:admin"])
    with TestClient(app) as client:
        client.headers["X-API-Key"] = admin
        yield client, c, settings


def test_create_list_show_and_change_a_site(service):
    client, c, _ = service
    r = client.post("/api/v1/sites", json={"domain": " Shop.Example ", "timezone": "Europe/Berlin",
                                           "reporting_currency": "eur"})
    assert r.status_code == 201, r.text
    site = r.json()
    assert site["public_key"].startswith("pk_") and site["secret_key"].startswith("sk_")
    assert (site["domain"], site["timezone"], site["reporting_currency"], site["org_id"], site["dnt_policy"]) == (
        "shop.example", "Europe/Berlin", "EUR", "org_default", "count_anonymously")
    assert site["allowed_origins"] == ["https://shop.example", "http://shop.example", "https://*.shop.example",
                                       "http://*.shop.example"]
    base = f"/api/v1/sites/{site['site_id']}"
    shown = client.get(base).json()
    assert shown == {k: v for k, v in site.items() if k not in ("public_key", "secret_key")}
    assert site["site_id"] in [s["site_id"] for s in client.get("/api/v1/sites").json()]
    assert c.ecommerce.currency().settings(site["site_id"]).reporting_currency == "EUR"  # the module's own store

    r = client.patch(base, json={"allowed_origins": ["https://app.example.net", "http://localhost:3000"],
                                 "dnt_policy": "drop", "timezone": "Asia/Tokyo"})
    assert r.status_code == 200, r.text
    assert (r.json()["allowed_origins"], r.json()["dnt_policy"], r.json()["timezone"], r.json()["domain"]) == (
        ["https://app.example.net", "http://localhost:3000"], "drop", "Asia/Tokyo", "shop.example")
    # Collect follows at once: the new origin is accepted, the old one refused.
    event = {"site_id": site["site_id"], "url": "https://app.example.net/"}
    for origin, status in (("https://app.example.net", 202), ("https://shop.example", 403)):
        assert client.post("/collect/pageview", json=event, headers={"Origin": origin}).status_code == status
    assert client.patch(base, json={"reporting_currency": None}).json()["reporting_currency"] is None

    for body, why in (({"timezone": "Mars/Olympus"}, "unknown time zone: 'Mars/Olympus'"),
                      ({"reporting_currency": "EURO"}, "reporting_currency: 'EURO' is not an ISO 4217"),
                      ({"allowed_origins": ["https://x.example/path"]}, "not an origin: 'https://x.example/path'"),
                      ({"allowed_origins": ["ftp://x.example"]}, "not an origin"),
                      ({"allowed_origins": []}, "at least one origin"),
                      ({"dnt_policy": "maybe"}, "unknown DNT policy 'maybe'"),
                      ({"domain": "https://x.example"}, "not a domain name"),
                      ({"domain": None}, "domain: cannot be null"),
                      ({"timezone": "UTC", "reporting_currency": "XXX1"}, "reporting_currency")):
        r = client.patch(base, json=body)
        assert r.status_code == 400 and why in r.json()["detail"], (body, r.text)
    assert client.get(base).json()["timezone"] == "Asia/Tokyo"  # the last one changed nothing, not even the zone
    assert client.patch(base, json={"colour": "red"}).status_code == 422
    before = len(client.get("/api/v1/sites").json())
    r = client.post("/api/v1/sites", json={"domain": "typo.example", "reporting_currency": "EURO"})
    assert r.status_code == 400 and len(client.get("/api/v1/sites").json()) == before  # nothing created


def test_a_site_bound_key_sees_only_its_sites_and_other_organisations_are_unknown(service):
    client, c, _ = service
    mine = client.post("/api/v1/sites", json={"domain": "mine.example"}).json()
    other = client.post("/api/v1/sites", json={"domain": "other.example"}).json()
    own = {"X-API-Key": mine["secret_key"]}
    assert [s["site_id"] for s in client.get("/api/v1/sites", headers=own).json()] == [mine["site_id"]]
    assert client.get(f"/api/v1/sites/{other['site_id']}", headers=own).status_code == 404
    assert client.patch(f"/api/v1/sites/{mine['site_id']}", json={"dnt_policy": "ignore"}, headers=own
                        ).status_code == 200
    r = client.post("/api/v1/sites", json={"domain": "x.example"}, headers=own)
    assert r.status_code == 403 and "whole organisation" in r.json()["detail"]
    acme = c.core.tenancy().create_org(name="Acme")
    theirs = c.core.tenancy().create_site(domain="acme.example", org_id=acme.id)
    _, acme_admin = c.core.api_keys().create(acme.id, name="a", scopes=["org:admin"])
    r = client.get(f"/api/v1/sites/{mine['site_id']}", headers={"X-API-Key": acme_admin})
    assert r.status_code == 404 and r.json()["detail"] == client.get("/api/v1/sites/site_nope").json()["detail"] \
        .replace("site_nope", mine["site_id"])
    assert [s["site_id"] for s in client.get("/api/v1/sites", headers={"X-API-Key": acme_admin}).json()] == [
        theirs.site_id]
    assert client.get(f"/api/v1/sites/{theirs.site_id}").status_code == 404  # ours cannot see theirs either


def test_delete_erases_the_site_and_its_keys(service):
    client, c, _ = service
    gone = client.post("/api/v1/sites", json={"domain": "gone.example"}).json()
    r = client.delete(f"/api/v1/sites/{gone['site_id']}")
    assert r.status_code == 200 and r.json()["scope"] == "site", r.text
    assert client.get(f"/api/v1/sites/{gone['site_id']}").status_code == 404
    assert c.core.tenancy().key_owner(gone["secret_key"]) is None
    assert client.delete(f"/api/v1/sites/{gone['site_id']}").status_code == 404


def test_the_cli_does_the_same(tmp_path, monkeypatch):
    """In process on a data dir of its own; `delete` in a process of its own (chDB opens one data
    directory per process, and the module's service holds one)."""
    env = {"UT_DATA_DIR": str(tmp_path / "data"), "UT_DATABASE_URL": "", "UT_REDIS_URL": "", "UT_CLICKHOUSE_URL": ""}
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    def run(*args: str, code: int = 0):
        result = CliRunner().invoke(cli, list(args))
        assert result.exit_code == code, result.output
        return json.loads(result.stdout) if code == 0 else result.output

    made = run("sites", "create", "--domain", "cli.example", "--currency", "usd", "--timezone", "Europe/Paris")
    assert made["reporting_currency"] == "USD" and made["org_id"] == "org_default"
    shown = run("sites", "show", made["site_id"])
    assert (shown["domain"], shown["timezone"], shown["reporting_currency"]) == ("cli.example", "Europe/Paris", "USD")
    changed = run("sites", "update", made["site_id"], "--origin", "https://cli.example", "--currency", "none")
    assert changed["allowed_origins"] == ["https://cli.example"] and changed["reporting_currency"] is None
    assert "unknown time zone" in run("sites", "update", made["site_id"], "--timezone", "Nowhere/Town", code=2)
    assert "not an origin" in run("sites", "create", "--domain", "y.example", "--origin", "y.example", code=2)
    assert "nothing to change" in run("sites", "update", made["site_id"], code=2)
    assert [s["site_id"] for s in run("sites", "list", "--org", "org_default")] == [made["site_id"]]
    acme = run("orgs", "create", "--name", "Acme")
    theirs = run("sites", "create", "--domain", "acme.example", "--org", acme["id"])
    assert theirs["org_id"] == acme["id"] and [s["site_id"] for s in run("sites", "list", "--org", acme["id"])] == [
        theirs["site_id"]]
    assert "unknown organisation 'org_nope'" in run("sites", "create", "--domain", "z.example", "--org", "org_nope",
                                                    code=2)
    assert "add --yes" in run("sites", "delete", made["site_id"], code=2)
    for args in (["migrate"], ["sites", "delete", made["site_id"], "--yes"]):  # the analytics tables first
        out = subprocess.run([UTRACK, *args], env={**os.environ, **env}, capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["site_id"] == made["site_id"]
    assert "no site" in run("sites", "show", made["site_id"], code=1)
