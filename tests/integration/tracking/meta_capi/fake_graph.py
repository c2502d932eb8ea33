"""A fake Graph API over real HTTP: records every request, answers from a script (then 200)."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeGraph:
    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.script: list[tuple[int, dict] | float] = []  # (status, body), or a delay in seconds (a hang)
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with fake._lock:
                    fake.requests.append({"path": self.path, "body": body})
                    step = fake.script.pop(0) if fake.script else None
                if isinstance(step, float):
                    time.sleep(step)
                    step = None
                status, answer = step or (200, {"events_received": len(body["data"]), "fbtrace_id": "AbC"})
                raw = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args):  # keep the test output clean
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def events(self) -> list[dict]:
        return [e for r in self.requests for e in r["body"]["data"]]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def error(code: int, message: str = "boom", **extra) -> dict:
    return {"error": {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "TRACE1", **extra}}
