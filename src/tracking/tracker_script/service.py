"""tracker_script: serves the built browser tracker (`/t.js` and its lazily loaded chunks).

The tracker is built from `tracker/` with esbuild and the output is committed next to this file
(`static/`), so serving it needs no Node. Files are read once, on first use, and kept with their
gzip -9 bytes (the tracker's 2 KB budget is a gzipped budget: clients get exactly that) and a
content hash. `t.js` is the stable name a site embeds (short cache, so a new release spreads in
minutes); `t.<hash>.js` is the same bytes under a name that can never change (cached for a year).
The core loads its chunks by hashed name, so only the 5-minute `t.js` is ever revalidated.
"""

import base64
import gzip
import hashlib
import threading
from dataclasses import replace
from pathlib import Path

from tracking.tracker_script.schemas import Asset

BUILT_FILES = ("t.js", "t.vitals.js")


def content_hash(body: bytes) -> str:
    """The hash tracker/build.mjs embeds in chunk names: first 10 hex digits of SHA-256."""
    return hashlib.sha256(body).hexdigest()[:10]


class TrackerScriptService:
    def __init__(self, *, directory: Path) -> None:
        self._directory = directory
        self._assets: dict[str, Asset] | None = None
        self._lock = threading.Lock()

    def asset(self, filename: str) -> Asset | None:
        """The file served under `filename` (`t.js`, `t.<hash>.js`, `t.vitals.js`...), or None."""
        return self._load().get(filename)

    def files(self) -> list[Asset]:
        """Each built file once, under its stable name."""
        return [a for a in self._load().values() if not a.immutable]

    def _load(self) -> dict[str, Asset]:
        if self._assets is None:
            with self._lock:
                if self._assets is None:
                    self._assets = self._read()
        return self._assets

    def _read(self) -> dict[str, Asset]:
        assets: dict[str, Asset] = {}
        for name in BUILT_FILES:
            body = (self._directory / name).read_bytes()
            digest = base64.b64encode(hashlib.sha384(body).digest()).decode()
            stable = Asset(name=name, body=body, gzipped=gzip.compress(body, compresslevel=9, mtime=0),
                           content_hash=content_hash(body), integrity=f"sha384-{digest}", immutable=False)
            assets[name] = stable
            versioned = replace(stable, immutable=True)
            assets[versioned.versioned_name] = versioned
        return assets

