"""Request bodies: size limit, bounded gunzip (no zip bombs), JSON errors as 400."""

import gzip
import zlib

import orjson
import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from core.http.body import parse_json, read_json

MAX = 1024


@pytest.fixture
def client() -> TestClient:
    app = FastAPI()

    @app.post("/echo")
    async def echo(request: Request) -> dict:
        return {"body": await read_json(request, MAX)}

    return TestClient(app)


def post(client: TestClient, body: bytes, gzipped: bool = False):
    headers = {"content-type": "application/json"}
    if gzipped:
        headers["content-encoding"] = "gzip"
    return client.post("/echo", content=body, headers=headers)


def test_plain_json_is_parsed(client):
    response = post(client, b'{"events": [1, 2]}')
    assert response.status_code == 200
    assert response.json() == {"body": {"events": [1, 2]}}


def test_gzip_body_is_decoded(client):
    response = post(client, gzip.compress(orjson.dumps({"site_id": "s1", "url": "https://a.io/"})), gzipped=True)
    assert response.status_code == 200
    assert response.json() == {"body": {"site_id": "s1", "url": "https://a.io/"}}


def test_content_encoding_is_case_insensitive(client):
    response = client.post("/echo", content=gzip.compress(b"[1]"), headers={"content-encoding": "GZIP"})
    assert response.json() == {"body": [1]}


def test_gzip_bomb_is_refused_with_413(client):
    bomb = gzip.compress(b" " * (MAX * 500))  # 500x the limit once inflated, yet smaller than it on the wire
    assert len(bomb) < MAX
    response = post(client, bomb, gzipped=True)
    assert response.status_code == 413
    assert "decompressed" in response.json()["detail"]


def test_decompressed_body_exactly_at_the_limit_is_accepted(client):
    body = b'"' + b"x" * (MAX - 2) + b'"'
    response = post(client, gzip.compress(body), gzipped=True)
    assert response.status_code == 200
    assert response.json() == {"body": "x" * (MAX - 2)}


def test_invalid_gzip_is_refused_with_400(client):
    response = post(client, b"this is not gzip at all", gzipped=True)
    assert response.status_code == 400
    assert "gzip" in response.json()["detail"]


def test_raw_deflate_is_not_gzip(client):
    response = post(client, zlib.compress(b"[1]"), gzipped=True)
    assert response.status_code == 400


def test_oversized_plain_body_is_refused_with_413(client):
    response = post(client, b"[" + b"1," * MAX + b"1]")
    assert response.status_code == 413


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2", b"\xff\xfe", b"{'single': 'quotes'}"])
def test_invalid_json_is_refused_with_400(client, body):
    response = post(client, body)
    assert response.status_code == 400
    assert "not valid JSON" in response.json()["detail"]


@pytest.mark.parametrize("body", [b"", b"   \n"])
def test_empty_body_is_refused_with_400(client, body):
    response = post(client, body)
    assert response.status_code == 400
    assert "empty body" in response.json()["detail"]


def test_invalid_json_inside_valid_gzip_is_400(client):
    assert post(client, gzip.compress(b"{nope"), gzipped=True).status_code == 400


def test_parse_json_returns_python_values():
    assert parse_json(b' {"a": [1, "b", null]} ') == {"a": [1, "b", None]}
