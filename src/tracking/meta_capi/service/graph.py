"""The Graph API call and what its answer means for the events sent.

Meta's error classes (developers.facebook.com/docs/graph-api/guides/error-handling and the
Conversions API error list): transient server problems and rate limits are retried; code 100 with
an event index blames one event of the batch; 190 (invalid/expired token) and 102 (session) mean
nothing will pass until someone sets a new token; anything else is the batch's own fault.
"""

import re
from dataclasses import dataclass

import httpx

RETRY_CODES = frozenset({1, 2, 4, 17, 32, 341, 368, 613})
TOKEN_CODES = frozenset({190, 102})
_INDEX = re.compile(r"(?:data\[|event(?:s)? (?:at )?index |index[: ]+)(\d+)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Outcome:
    kind: str  # delivered | retry | token | bad_event | failed
    message: str = ""
    fbtrace_id: str = ""
    http_status: int = 0
    events_received: int = 0
    index: int | None = None


class GraphClient:
    def __init__(self, *, base_url: str, timeout_s: float) -> None:
        self._base = base_url.rstrip("/")
        self._timeout = timeout_s
        self._client: httpx.Client | None = None

    def send(self, *, version: str, pixel_id: str, token: str, data: list[dict], test_event_code: str) -> Outcome:
        body: dict = {"data": data, "access_token": token}
        if test_event_code:
            body["test_event_code"] = test_event_code
        if self._client is None:
            self._client = httpx.Client(timeout=self._timeout)
        try:
            response = self._client.post(f"{self._base}/{version}/{pixel_id}/events", json=body)
        except httpx.TransportError as exc:  # timeouts, refused connections, resets: worth another try
            return Outcome("retry", f"{type(exc).__name__}")
        return classify(response.status_code, _json(response))

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


def classify(status: int, body: dict) -> Outcome:
    if 200 <= status < 300 and "error" not in body:
        return Outcome("delivered", fbtrace_id=str(body.get("fbtrace_id", "")), http_status=status,
                       events_received=int(body.get("events_received", 0) or 0))
    error = body.get("error") if isinstance(body.get("error"), dict) else {}
    code = _int(error.get("code"))
    message = str(error.get("error_user_msg") or error.get("message") or f"HTTP {status}")[:1000]
    trace = str(error.get("fbtrace_id", ""))
    base = {"message": message, "fbtrace_id": trace, "http_status": status}
    if code in TOKEN_CODES:
        return Outcome("token", **base)
    if status >= 500 or error.get("is_transient") or code in RETRY_CODES or 80000 <= code < 81000:
        return Outcome("retry", **base)
    if code == 100:
        index = _event_index(error)
        if index is not None:
            return Outcome("bad_event", index=index, **base)
    return Outcome("failed", **base)


def _event_index(error: dict) -> int | None:
    data = error.get("error_data")
    if isinstance(data, dict) and _int(data.get("event_index"), -1) >= 0:
        return _int(data.get("event_index"))
    for field in ("error_user_msg", "message", "error_user_title"):
        match = _INDEX.search(str(error.get(field) or ""))
        if match:
            return int(match.group(1))
    return None


def _int(value, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _json(response: httpx.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
