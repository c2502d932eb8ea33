"""Reading request bodies safely: size limits (413), gzip (bounded, no zip bombs), JSON (400)."""

import zlib

import orjson
from fastapi import HTTPException, Request


async def read_json(request: Request, max_bytes: int) -> object:
    return parse_json(await read_body(request, max_bytes))


async def read_body(request: Request, max_bytes: int) -> bytes:
    """The request body, gunzipped when sent with `Content-Encoding: gzip`; 413 past max_bytes."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise HTTPException(413, f"body larger than {max_bytes} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise HTTPException(413, f"body larger than {max_bytes} bytes")
        chunks.append(chunk)
    raw = b"".join(chunks)
    if request.headers.get("content-encoding", "").lower() == "gzip":
        raw = _gunzip(raw, max_bytes)
    return raw


def parse_json(raw: bytes) -> object:
    if not raw.strip():
        raise HTTPException(400, "empty body: send a JSON object or array")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise HTTPException(400, f"body is not valid JSON: {exc}") from exc


def _gunzip(raw: bytes, max_bytes: int) -> bytes:
    decompressor = zlib.decompressobj(wbits=31)
    try:
        out = decompressor.decompress(raw, max_bytes + 1)
    except zlib.error as exc:
        raise HTTPException(400, f"body is not valid gzip: {exc}") from exc
    if len(out) > max_bytes or decompressor.unconsumed_tail:
        raise HTTPException(413, f"decompressed body larger than {max_bytes} bytes")
    if not decompressor.eof:
        raise HTTPException(400, "gzip body is truncated")
    return out
