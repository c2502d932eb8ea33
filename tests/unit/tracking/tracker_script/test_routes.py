"""Serving the tracker: caching, ETags, gzip, CORS, the versioned names and their listing."""

import base64
import gzip
import hashlib
from pathlib import Path

import pytest
from dependency_injector import containers, providers
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tracking.tracker_script import routes
from tracking.tracker_script.container import STATIC_DIR, TrackerScriptContainer
from tracking.tracker_script.service import content_hash

CORE = (STATIC_DIR / "t.js").read_bytes()
VITALS = (STATIC_DIR / "t.vitals.js").read_bytes()


@pytest.fixture
def client():
    """The module's router alone, wired the way bootstrap wires it (routes resolve "tracker_script.service")."""
    app = FastAPI()
    app.include_router(routes.router)
    parent = containers.DynamicContainer()
    parent.tracker_script = providers.Container(TrackerScriptContainer)
    parent.wire(modules=[routes])
    with TestClient(app) as c:
        yield c
    parent.unwire()


def test_t_js_is_short_cached_javascript_readable_from_any_origin(client):
    r = client.get("/t.js", headers={"Accept-Encoding": "identity"})
    assert r.status_code == 200 and r.content == CORE
    assert r.headers["content-type"] == "application/javascript; charset=utf-8"
    assert r.headers["cache-control"] == "public, max-age=300"
    assert r.headers["etag"] == f'"{content_hash(CORE)}"'
    assert r.headers["access-control-allow-origin"] == "*"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "content-encoding" not in r.headers


def test_gzip_when_accepted_and_304_when_the_etag_matches(client):
    r = client.get("/t.js", headers={"Accept-Encoding": "gzip, br"})
    assert r.headers["content-encoding"] == "gzip" and r.headers["etag"] == f'"{content_hash(CORE)}-gz"'
    assert r.content == CORE  # httpx decodes it
    assert int(r.headers["content-length"]) == len(gzip.compress(CORE, compresslevel=9, mtime=0)) < 2048
    again = client.get("/t.js", headers={"Accept-Encoding": "gzip", "If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    plain = client.get("/t.js", headers={"Accept-Encoding": "identity", "If-None-Match": r.headers["etag"]})
    assert plain.status_code == 200  # the identity representation has its own ETag


def test_versioned_names_are_immutable_and_unknown_ones_are_404(client):
    for body, name in ((CORE, f"/t.{content_hash(CORE)}.js"), (VITALS, f"/t.vitals.{content_hash(VITALS)}.js")):
        r = client.get(name)
        assert r.status_code == 200 and r.content == body
        assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
    r = client.get("/t.vitals.js")
    assert r.content == VITALS and r.headers["cache-control"] == "public, max-age=300"
    for missing in ("/t.0000000000.js", "/t.vitals.0000000000.js", "/t.x.js", "/t..js"):
        assert client.get(missing).status_code == 404, missing


def test_the_listing_gives_the_snippet_versioned_paths_sizes_and_integrity(client):
    info = client.get("/api/v1/tracker").json()
    assert info["snippet"] == '<script defer src="http://testserver/t.js" data-site="SITE_ID"></script>'
    by_name = {f["name"]: f for f in info["files"]}
    assert set(by_name) == {"t.js", "t.vitals.js"}
    for name, body in (("t.js", CORE), ("t.vitals.js", VITALS)):
        f = by_name[name]
        assert f["versioned_path"] == f"/{Path(name).stem}.{content_hash(body)}.js"
        assert f["bytes"] == len(body) and f["gzip_bytes"] == len(gzip.compress(body, compresslevel=9, mtime=0))
        assert f["integrity"] == "sha384-" + base64.b64encode(hashlib.sha384(body).digest()).decode()
