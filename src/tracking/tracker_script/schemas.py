"""Shapes of tracker_script: a built file as served, and the public description of the files."""

from dataclasses import dataclass

from pydantic import BaseModel, Field


@dataclass(frozen=True, slots=True)
class Asset:
    """One built file, ready to serve: raw and gzipped bytes, and its content hash."""

    name: str  # "t.js", "t.vitals.js"
    body: bytes
    gzipped: bytes
    content_hash: str  # first 10 hex digits of SHA-256, as tracker/build.mjs computes it
    integrity: str  # Subresource Integrity value (sha384)
    immutable: bool  # served under its versioned name: cache for a year

    @property
    def versioned_name(self) -> str:
        return f"{self.name.removesuffix('.js')}.{self.content_hash}.js"


class TrackerFile(BaseModel):
    name: str = Field(description="The short-cached name, e.g. `t.js` (cached 5 minutes).")
    versioned_path: str = Field(description="The content-hashed path, cached for a year (`immutable`).")
    bytes: int = Field(description="Size of the minified file.")
    gzip_bytes: int = Field(description="Size as served to clients that accept gzip.")
    integrity: str = Field(description="Subresource Integrity value for a `<script integrity=...>` tag.")


class TrackerInfo(BaseModel):
    snippet: str = Field(description="The script tag to put in every page (replace SITE_ID).")
    files: list[TrackerFile]
