"""CORS for the browser collect endpoints.

Which origins may send is a per-site rule checked in the handler (the site is named in the body,
which a preflight does not carry), so the preflight is answered for any origin and the real
request is refused with 403 when its origin is not one of the site's.
"""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_PREFLIGHT_HEADERS = [
    (b"access-control-allow-methods", b"GET, POST, OPTIONS"),
    (b"access-control-allow-headers", b"content-type, content-encoding"),
    (b"access-control-max-age", b"86400"),
    (b"vary", b"Origin"),
]


class CollectCors:
    def __init__(self, app: ASGIApp, prefix: str = "/collect") -> None:
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        origin = dict(scope["headers"]).get(b"origin")
        if scope["method"] == "OPTIONS":
            headers = [(b"access-control-allow-origin", origin or b"*"), *_PREFLIGHT_HEADERS]
            await send({"type": "http.response.start", "status": 204, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start" and origin:
                message["headers"] = [*message.get("headers", []),
                                      (b"access-control-allow-origin", origin), (b"vary", b"Origin")]
            await send(message)

        await self.app(scope, receive, send_with_cors)
