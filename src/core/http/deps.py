"""Async dependencies for the hot collect path.

FastAPI runs every sync dependency in its threadpool, and a `Provide[...]` marker counts as one:
two thread hand-offs per request only to fetch singletons (measured: a quarter of the event
loop's time under load). These resolve the same container providers without leaving the loop.
Slow routes (stats, admin) keep `Provide[...]` as usual.
"""

from fastapi import Request

from core.config.settings import Settings
from core.ingest.service import IngestService


async def ingest_service(request: Request) -> IngestService:
    return request.app.state.core.ingest()


async def current_settings(request: Request) -> Settings:
    return request.app.state.core.settings()
