"""HTTP routes of tracker_script: the tracker files with their caching headers, and their listing.

`/t.js` is cached 5 minutes and revalidated by ETag; `/t.<hash>.js` (any built file under its
content-hashed name) is cached for a year as immutable. Both are gzipped when the client accepts
it, readable from any origin (CORS `*`, so `<script crossorigin integrity=...>` works), and sent
with `nosniff`.
"""

from dependency_injector.wiring import Provide, inject
from fastapi import APIRouter, Depends, HTTPException, Request, Response

from tracking.tracker_script.schemas import Asset, TrackerFile, TrackerInfo
from tracking.tracker_script.service import TrackerScriptService

router = APIRouter(tags=["tracker"])

SHORT_CACHE = "public, max-age=300"
LONG_CACHE = "public, max-age=31536000, immutable"
_JS = {200: {"content": {"application/javascript": {}}, "description": "The script."},
       304: {"description": "Not modified (ETag matched)."}, 404: {"description": "No such file."}}


def _serve(asset: Asset | None, request: Request) -> Response:
    if asset is None:
        raise HTTPException(404, "no such tracker file")
    gzipped = "gzip" in request.headers.get("accept-encoding", "")
    headers = {
        "Cache-Control": LONG_CACHE if asset.immutable else SHORT_CACHE,
        # the gzipped bytes are another representation of the same content: a strong ETag of their own
        "ETag": f'"{asset.content_hash}{"-gz" if gzipped else ""}"',
        "Access-Control-Allow-Origin": "*",
        "Cross-Origin-Resource-Policy": "cross-origin",
        "X-Content-Type-Options": "nosniff",
        "Vary": "Accept-Encoding",
    }
    if headers["ETag"] in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    if gzipped:
        headers["Content-Encoding"] = "gzip"
    return Response(asset.gzipped if gzipped else asset.body, media_type="application/javascript; charset=utf-8",
                    headers=headers)


@router.get("/t.js", response_class=Response, responses=_JS, summary="The browser tracker script")
@inject
def tracker(request: Request,
            service: TrackerScriptService = Depends(Provide["tracker_script.service"])) -> Response:
    """`<script defer src="https://<collector>/t.js" data-site="SITE_ID"></script>`. Cached for
    5 minutes (ETag revalidation). The same bytes are served forever under their content-hashed
    name `/t.<hash>.js` (cached a year, immutable); `GET /api/v1/tracker` lists those names."""
    return _serve(service.asset("t.js"), request)


@router.get("/t.{version}.js", response_class=Response, responses=_JS, include_in_schema=False)
@inject
def tracker_file(version: str, request: Request,
                 service: TrackerScriptService = Depends(Provide["tracker_script.service"])) -> Response:
    # t.<hash>.js, t.vitals.js, t.vitals.<hash>.js: listed by /api/v1/tracker, kept out of the
    # schema because a path with a parameter inside a file name documents nothing useful.
    return _serve(service.asset(f"t.{version}.js"), request)


@router.get("/api/v1/tracker", response_model=TrackerInfo, summary="The tracker files and the snippet")
@inject
def tracker_info(request: Request,
                 service: TrackerScriptService = Depends(Provide["tracker_script.service"])) -> TrackerInfo:
    """The snippet to embed, and every built file with its versioned path, sizes (raw and gzipped)
    and Subresource Integrity value."""
    base = str(request.base_url).rstrip("/")
    files = [TrackerFile(name=a.name, versioned_path=f"/{a.versioned_name}", bytes=len(a.body),
                         gzip_bytes=len(a.gzipped), integrity=a.integrity) for a in service.files()]
    snippet = f'<script defer src="{base}/t.js" data-site="SITE_ID"></script>'
    return TrackerInfo(snippet=snippet, files=files)
