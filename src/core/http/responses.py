"""Response models shared by the collect endpoints."""

import orjson
from fastapi import Response
from pydantic import BaseModel, Field


class Rejection(BaseModel):
    index: int = Field(description="Position of the event in the request (0 for a single event).")
    error: str = Field(description="Why it was rejected, as `field: problem`.")


class CollectResponse(BaseModel):
    accepted: int = Field(description="Events durably buffered; they will be counted exactly once.")
    rejected: list[Rejection] = Field(default_factory=list)


class ErrorResponse(BaseModel):
    detail: str


def json_response(data: object, status_code: int = 200) -> Response:
    """orjson-encoded JSON; used where the status depends on the outcome (202 vs 400, 200 vs 503)."""
    return Response(orjson.dumps(data), status_code=status_code, media_type="application/json")
