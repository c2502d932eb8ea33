"""A site and a collector that exist only inside the browser (Playwright routes), to test the
tracker's behaviour option by option, fast. The real collector is exercised by the e2e test.

Pages are served from http://shop.test (not a secure context: crypto.randomUUID is absent there,
so the fallback id generator is what runs), the tracker from http://collector.test, which
records every batch it receives and can be told to fail the first ones.
"""

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

SITE = "http://shop.test"
COLLECTOR = "http://collector.test"
STATIC = Path(__file__).resolve().parents[4] / "src" / "tracking" / "tracker_script" / "static"


def page_html(body: str = "", attrs: str = "", head: str = "") -> str:
    return (f"<!doctype html><html><head>{head}<script defer src='{COLLECTOR}/t.js' data-site='site_test' "
            f"{attrs}></script></head><body>{body}</body></html>")


@dataclass
class FakeSite:
    page: object
    pages: dict[str, tuple[int, str]] = field(default_factory=dict)
    batches: list[dict] = field(default_factory=list)  # {"kind": fetch|ping, "events": [...], "at": s}
    fail_next: list[int] = field(default_factory=list)  # statuses to answer the next batches with
    scripts: list[str] = field(default_factory=list)

    def install(self) -> "FakeSite":
        self.page.route(f"{SITE}/**", self._serve_page)
        self.page.route(f"{COLLECTOR}/**", self._collector)
        return self

    def add(self, path: str, html: str, status: int = 200) -> None:
        self.pages[path] = (status, html)

    def _serve_page(self, route) -> None:
        path = route.request.url.removeprefix(SITE).split("?")[0].split("#")[0]
        status, html = self.pages.get(path, (404, "not found"))
        route.fulfill(status=status, body=html, content_type="text/html")

    def _collector(self, route) -> None:
        request = route.request
        path = request.url.removeprefix(COLLECTOR)
        cors = {"Access-Control-Allow-Origin": SITE}
        if request.method == "POST" and path == "/collect/batch":
            status = self.fail_next.pop(0) if self.fail_next else 202
            self.batches.append({"kind": request.resource_type, "status": status, "at": time.monotonic(),
                                 "content_type": request.headers.get("content-type", ""),
                                 "events": json.loads(request.post_data)["events"]})
            route.fulfill(status=status, body='{"accepted":0,"rejected":[]}', headers=cors)
            return
        self.scripts.append(path)
        name = "t.vitals.js" if path.startswith("/t.vitals.") else "t.js"  # hashed names: same bytes
        route.fulfill(status=200, body=(STATIC / name).read_bytes(), content_type="application/javascript",
                      headers=cors)

    def events(self, accepted_only: bool = True) -> list[dict]:
        return [e for b in self.batches if b["status"] == 202 or not accepted_only for e in b["events"]]

    def wait_for(self, predicate, timeout: float = 5.0):
        """Let the page run (the tracker batches for 1 s) until `predicate(events)` holds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate(self.events()):
                return self.events()
            self.page.wait_for_timeout(50)
        raise AssertionError(f"timed out; events so far: {[(e['type'], e['name'], e['url']) for e in self.events()]}")

    def hide(self) -> None:
        """What a browser does when the tab goes to the background (headless tabs never do)."""
        self.page.evaluate("""() => {
            Object.defineProperty(document, 'visibilityState', {value: 'hidden', configurable: true});
            document.dispatchEvent(new Event('visibilitychange'));
        }""")
