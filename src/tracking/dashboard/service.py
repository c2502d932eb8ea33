"""dashboard: the built web UI and the API docs' assets, read once from `static/` and kept gzipped.

`dashboard/build.mjs` writes every script and style sheet under a content-hashed name, so those
are cached for a year as immutable; the pages that name them (`index.html`, `docs.html`,
`redoc.html`) are revalidated on every load, so a new release is picked up at once. Each file is
read and compressed the first time it is asked for: the docs' bundles (2.7 MB) must not delay the
dashboard's first page.
"""

import gzip
import threading
from pathlib import Path

from tracking.dashboard.schemas import Asset

PAGES = ("index.html", "docs.html", "redoc.html")
MEDIA_TYPES = {".js": "application/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
               ".html": "text/html; charset=utf-8"}


class DashboardAssets:
    def __init__(self, *, directory: Path) -> None:
        self._directory = directory
        self._names: frozenset[str] | None = None  # the built files, listed once
        self._assets: dict[str, Asset] = {}
        self._lock = threading.Lock()

    def page(self, name: str) -> Asset:
        found = self._get(name)
        assert found is not None, f"{name} is missing from {self._directory}: run `make dashboard`"
        return found

    def asset(self, name: str) -> Asset | None:
        """A content-hashed script or style sheet by its file name, or None (pages are not assets)."""
        return self._get(name) if name not in PAGES else None

    def _get(self, name: str) -> Asset | None:
        if self._names is None:
            self._names = frozenset(p.name for p in self._directory.iterdir() if p.suffix in MEDIA_TYPES)
        if name not in self._names:
            return None
        found = self._assets.get(name)
        if found is None:
            with self._lock:
                found = self._assets.get(name)
                if found is None:
                    found = self._assets[name] = _read(self._directory / name)
        return found


def _read(path: Path) -> Asset:
    body = path.read_bytes()
    return Asset(name=path.name, body=body, gzipped=gzip.compress(body, compresslevel=6, mtime=0),
                 media_type=MEDIA_TYPES[path.suffix], immutable=path.name not in PAGES)
