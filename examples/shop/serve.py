"""Serves the demo shop with its tracker snippet pointed at a running collector.

    .venv/bin/utrack sites create --domain localhost --origin http://127.0.0.1:8080
    python examples/shop/serve.py --collector http://127.0.0.1:8000 --site site_... [--port 8080]

Pages are plain HTML files; `{{COLLECTOR}}` and `{{SITE_ID}}` in them are replaced when served.
`/about` is a single-page route of the home page, and any missing path gets 404.html with the
status 404 (which the tracker's data-404 option reports). Standard library only.
"""

import argparse
import http.server
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent
SPA_ROUTES = {"/": "index.html", "/about": "index.html"}
TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "application/javascript",
         ".pdf": "application/pdf"}


def make_handler(collector: str, site_id: str) -> type[http.server.BaseHTTPRequestHandler]:
    class ShopHandler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server dispatches to
            path = unquote(urlsplit(self.path).path)
            file = (ROOT / SPA_ROUTES.get(path, path.lstrip("/"))).resolve()
            status = 200
            if not file.is_relative_to(ROOT) or not file.is_file() or file.suffix not in TYPES:
                file, status = ROOT / "404.html", 404
            body = file.read_bytes()
            if file.suffix == ".html":
                body = body.replace(b"{{COLLECTOR}}", collector.encode()).replace(b"{{SITE_ID}}", site_id.encode())
            self.send_response(status)
            self.send_header("Content-Type", TYPES[file.suffix])
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args) -> None:  # noqa: A002 - quiet, like the collector
            pass

    return ShopHandler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--collector", required=True, help="Base URL of the collector, e.g. http://127.0.0.1:8000")
    parser.add_argument("--site", required=True, help="The site_id from `utrack sites create`")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args()
    handler = make_handler(args.collector.rstrip("/"), args.site)
    server = http.server.ThreadingHTTPServer((args.host, args.port), handler)
    print(f"shop on http://{args.host}:{args.port}/ tracking to {args.collector}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
