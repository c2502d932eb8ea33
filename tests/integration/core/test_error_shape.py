"""One error shape across the API, and the OpenAPI document says so: `detail` is always one
readable line; a 422 adds `errors` (loc/msg/type), collect's 400 adds the per-event `rejected`."""

import shutil

import pytest
from fastapi.testclient import TestClient

from bootstrap.app import create_app
from core.config.settings import Settings

ORIGIN = {"Origin": "https://shape.example"}


@pytest.fixture(scope="module")
def app_and_site(tmp_path_factory, migrated_sqlite):
    data = tmp_path_factory.mktemp("shape")
    shutil.copy(migrated_sqlite, data / "utrack.sqlite3")
    app = create_app(Settings(data_dir=data, worker_enabled=False))
    site = app.state.container.core.tenancy().create_site(domain="shape.example")
    with TestClient(app) as client:
        yield app, client, site


def test_a_422_has_one_readable_detail_and_the_structured_errors(app_and_site):
    _app, client, site = app_and_site
    r = client.get("/api/v1/stats/aggregate", params={"site_id": site.site_id, "from": "May 1st", "to": "2026-05-02"},
                   headers={"X-API-Key": site.secret_key})
    assert r.status_code == 422, r.text
    body = r.json()
    assert set(body) == {"detail", "errors"}
    assert [e["loc"] for e in body["errors"]] == [["query", "from"]]
    assert body["errors"][0]["type"].startswith("date_")
    assert body["detail"] == f"query.from: {body['errors'][0]['msg']}"
    assert "May 1st" not in r.text  # pydantic's `input` is not echoed


def test_the_document_describes_every_422_as_the_handler_answers_it(app_and_site):
    spec = app_and_site[0].openapi()
    schemas = spec["components"]["schemas"]
    assert "HTTPValidationError" not in schemas and "ValidationError" not in schemas
    assert schemas["ValidationErrorResponse"]["required"] == ["detail", "errors"]
    refs = {op["responses"]["422"]["content"]["application/json"]["schema"]["$ref"]
            for ops in spec["paths"].values() for op in ops.values() if "422" in op["responses"]}
    assert refs == {"#/components/schemas/ValidationErrorResponse"}


def test_a_collect_400_carries_detail_beside_the_rejections(app_and_site):
    _app, client, site = app_and_site
    bad = {"site_id": site.site_id, "url": "https://shape.example/", "ts": -1}
    r = client.post("/collect/batch", headers=ORIGIN, json={"events": [bad, {**bad, "event_id": "no"}]})
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["accepted"] == 0 and [e["index"] for e in body["rejected"]] == [0, 1]
    assert body["detail"] == f"all 2 events were rejected (index 0: {body['rejected'][0]['error']})"
    one = client.post("/collect/pageview", headers=ORIGIN, json=bad).json()
    assert one["detail"] == f"the event was rejected: {one['rejected'][0]['error']}"
    assert one["detail"].startswith("the event was rejected: ts: ")
    partial = client.post("/collect/batch", headers=ORIGIN, json={"events": [bad, {**bad, "ts": 0}]})
    assert partial.status_code == 202 and set(partial.json()) == {"accepted", "rejected"}


def test_a_body_collect_cannot_read_is_the_same_400_without_rejections(app_and_site):
    client = app_and_site[1]
    r = client.post("/collect/batch", headers=ORIGIN, content=b"{not json")
    assert r.status_code == 400 and set(r.json()) == {"detail"}
    assert r.json()["detail"].startswith("body is not valid JSON")


def test_the_raw_body_ingest_routes_document_their_bodies(app_and_site):
    spec = app_and_site[0].openapi()
    bodies = {path: spec["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
              for path in ("/collect/pageview", "/collect/event", "/collect/batch", "/api/v1/events")}
    assert bodies == {"/collect/pageview": "#/components/schemas/BrowserEvent",
                      "/collect/event": "#/components/schemas/BrowserEvent",
                      "/collect/batch": "#/components/schemas/BrowserBatch",
                      "/api/v1/events": "#/components/schemas/ServerEvents"}
    schemas = spec["components"]["schemas"]
    assert schemas["BrowserEvent"]["required"] == ["site_id"]
    assert set(schemas["ServerEvent"]["required"]) == {"userId", "eventName"}  # the wire names, not ours
    assert schemas["ServerEvent"]["properties"]["consent"]["anyOf"][0] == {"$ref": "#/components/schemas/Consent"}
    browser = schemas["BrowserEvent"]["properties"]
    assert browser["type"]["enum"] == ["ecommerce", "engagement", "event", "pageview", "vitals"]
    # a module's type carries its own fields, which the ingest accepts with that type only
    assert {"ecommerce", "engaged_ms", "scroll_depth", "value", "metric_id"} <= set(browser)
    assert browser["ecommerce"]["description"] == "Only with type `ecommerce` (see its /collect route)."
    without_body = [f"{method.upper()} {path}" for path, ops in spec["paths"].items() for method, op in ops.items()
                    if method in ("post", "put", "patch") and "requestBody" not in op]
    # These take no body at all (their input is the path or the query): a new write route without a
    # body schema must be added here deliberately, not slip through as one that reads its body unseen.
    assert set(without_body) == {"POST /api/v1/sites/{site_id}/meta-capi/replay",
                                 "POST /api/v1/sites/{site_id}/exports/{destination_id}/run", "POST /export/run",
                                 "POST /api/v1/keys/{key_id}/rotate"}, without_body
