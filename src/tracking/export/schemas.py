"""Request and response shapes of export's API (the CLI prints the same)."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from core.http.datetimes import UtcDatetime

Kind = Literal["s3", "local"]
Format = Literal["parquet", "jsonl", "csv"]
Compression = Literal["zstd", "snappy", "gzip", "none"]


class DestinationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "kind": "s3", "name": "raw events", "endpoint_url": "https://s3.eu-central-1.amazonaws.com",
        "region": "eu-central-1", "bucket": "acme-analytics", "prefix": "utrack", "access_key": "AKIA…",
        "secret_key": "…", "format": "parquet", "compression": "zstd", "interval_s": 3600, "backup": False}]})

    kind: Kind = Field(description="`s3` (any S3-compatible bucket) or `local` (a directory under "
                       "UT_EXPORT_LOCAL_ROOT).")
    name: str | None = Field(None, max_length=100)
    endpoint_url: str | None = Field(None, description="S3 endpoint; empty = AWS for `region`. It must resolve "
                                      "to public addresses only, unless its host is in UT_EXPORT_ENDPOINT_HOSTS.")
    region: str | None = Field(None, max_length=64)
    bucket: str | None = Field(None, max_length=255)
    prefix: str | None = Field(None, description="Key prefix inside the bucket or directory.")
    path: str | None = Field(None, description="local: directory relative to UT_EXPORT_LOCAL_ROOT.")
    access_key: str | None = Field(None, description="s3: encrypted at rest, never returned.")
    secret_key: str | None = Field(None, description="s3: encrypted at rest, never returned.")
    format: Format | None = Field(None, description="Default parquet.")
    compression: Compression | None = Field(None, description="parquet: zstd (default), snappy, none; "
                                            "jsonl/csv: gzip (default), none.")
    interval_s: int | None = Field(None, description="900 … 86400 dividing the day; default 3600.")
    backup: bool | None = Field(None, description="The metering copy (seed 004's backup bucket).")
    enabled: bool | None = None


class DestinationUpdate(DestinationCreate):
    kind: Kind | None = None


class DestinationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    site_id: str
    name: str
    kind: str
    endpoint_url: str
    region: str
    bucket: str
    prefix: str
    path: str
    format: str
    compression: str
    interval_s: int
    backup: bool
    enabled: bool
    has_credentials: bool
    last_success_at: UtcDatetime | None
    last_error: str
    last_error_at: UtcDatetime | None


class RunInfo(BaseModel):
    interval_start: str
    interval_end: str
    rows: int
    bytes: int
    files: int
    seconds: float
    finished_at: UtcDatetime


class ExportStatus(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "destination": {"id": 1, "site_id": "site_3f9a0c2b7d1e4a65", "name": "raw events", "kind": "s3",
                        "endpoint_url": "", "region": "eu-central-1", "bucket": "acme-analytics", "prefix": "utrack",
                        "path": "", "format": "parquet", "compression": "zstd", "interval_s": 3600, "backup": False,
                        "enabled": True, "has_credentials": True, "last_success_at": "2026-12-02T04:01:02Z",
                        "last_error": "", "last_error_at": None},
        "exported_until": "2026-12-02T04:00:00Z", "lag_s": 812.4, "retry_at": None,
        "recent_runs": [{"interval_start": "2026-12-02T03:00:00Z", "interval_end": "2026-12-02T04:00:00Z",
                         "rows": 9120, "bytes": 512334, "files": 1, "seconds": 0.412,
                         "finished_at": "2026-12-02T04:01:02Z"}]}]})

    destination: DestinationOut
    exported_until: str = Field(description="Every interval before this instant (UTC) is exported.")
    lag_s: float = Field(description="Seconds from `exported_until` to now.")
    retry_at: str | None = Field(description="After a failure: when the schedule tries again.")
    recent_runs: list[RunInfo] = Field(description="Latest exported intervals: rows, bytes, files.")


class RunResult(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"destination_id": 1, "intervals": 2, "rows": 18342, "bytes": 1048210, "error": ""}
    ]})

    destination_id: int
    intervals: int = Field(description="Intervals exported by this call.")
    rows: int
    bytes: int
    error: str = Field(description="Empty when every due interval was exported.")


class UsageDay(BaseModel):
    date: str
    events: int


class Usage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"site_id": "site_3f9a0c2b7d1e4a65", "total": 3420, "days": [{"date": "2026-11-30", "events": 1710},
        {"date": "2026-12-01", "events": 1710}]}
    ]})

    site_id: str
    total: int
    days: list[UsageDay]


class EventCount(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"site_id": "site_3f9a0c2b7d1e4a65", "count": 52311}]})

    site_id: str
    count: int


class RecentEvent(BaseModel):
    event_id: str
    type: str
    name: str
    ts: str
    pathname: str
    hostname: str
    referrer_domain: str
    country: str
    device_type: str
    browser: str
    os: str


class DeletionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    site_id: str
    scope: str
    subject: str
    requested_by: str
    removed: int
    requested_at: UtcDatetime


class Erased(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"site_id": "site_3f9a0c2b7d1e4a65", "scope": "user", "removed": 17}
    ]})

    site_id: str
    scope: str
    removed: int = Field(description="Rows and keys found and deleted (ClickHouse rows are removed by a "
                         "background mutation, see README \"Data rights\").")


class SiteErased(Erased):
    flushed: bool = Field(description="False when events accepted before the deletion were still waiting "
                          "in the buffer after a minute (no worker running?): delete again once it drained.")


class RetentionIn(BaseModel):
    days: int = Field(ge=0, le=36500, description="Days of events kept; 0 = keep forever.")


class RetentionOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"site_id": "site_3f9a0c2b7d1e4a65", "days": 395}]})

    site_id: str
    days: int


class UserEvent(BaseModel):
    event_id: str
    type: str
    name: str
    ts: str
    url: str
    referrer: str
    props: dict[str, str]
    country: str
    device_type: str
    browser: str
    os: str
    data: str


class UserExport(BaseModel):
    site_id: str
    events: list[UserEvent]
