"""Baseline for the ingest benchmark: the least a FastAPI collect endpoint can cost.

Same paths and bodies as the real service, no stores: parse with pydantic
(`model_validate_json` on the raw bytes) and answer 202. Run under uvicorn (uvloop, httptools).
"""

from fastapi import FastAPI, Request, Response
from pydantic import BaseModel, Field

app = FastAPI()


class Event(BaseModel):
    site_id: str = Field(min_length=1, max_length=64)
    type: str = "pageview"
    url: str = Field("", max_length=2048)
    referrer: str = ""


class Batch(BaseModel):
    events: list[Event] = Field(max_length=500)


def _accepted(n: int) -> Response:
    return Response(b'{"accepted":%d,"rejected":[]}' % n, status_code=202, media_type="application/json")


@app.post("/collect/pageview", status_code=202)
async def pageview(request: Request) -> Response:
    Event.model_validate_json(await request.body())
    return _accepted(1)


@app.post("/collect/batch", status_code=202)
async def batch(request: Request) -> Response:
    return _accepted(len(Batch.model_validate_json(await request.body()).events))
