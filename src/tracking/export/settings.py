"""The `UT_*` settings of export: how often destinations are looked at, part sizes, retries, retention."""

from pathlib import Path

from pydantic import Field

from core.config.settings import ModuleSettings


class ExportModuleSettings(ModuleSettings):
    export_local_root: Path = Field(Path("data/exports"), description="Local destinations write under this "
                                    "directory (their `path` is relative to it).")
    export_endpoint_hosts: str = Field("", description="S3 endpoint hosts a destination may name even when they "
                                       "resolve to private or local addresses, comma-separated (`minio.internal`, "
                                       "`*.s3.internal`, `127.0.0.1`); when set, only these. Empty: any host whose "
                                       "addresses are all public (no SSRF into the operator's network).")
    export_poll_s: float = Field(30.0, gt=0, description="How often the exporter looks for intervals that are due.")
    export_settle_s: float = Field(60.0, ge=0, description="An interval is exported this long after the write "
                                   "watermark has passed its end (covers clock differences between workers).")
    export_part_rows: int = Field(1_000_000, ge=1, description="Rows per part file of an interval.")
    export_backoff_base_s: float = Field(30.0, gt=0, description="First delay after a failed run; doubles per "
                                         "failure up to UT_EXPORT_BACKOFF_MAX_S.")
    export_backoff_max_s: float = Field(3600.0, gt=0, description="Longest delay between failed runs.")
    export_upload_attempts: int = Field(3, ge=1, description="Attempts per object upload within one run.")
    export_retention_days: int = Field(0, ge=0, description="Default retention of sites without their own "
                                       "(days of events kept; 0 = keep forever).")
    export_retention_interval_s: float = Field(3600.0, gt=0, description="How often retention is applied.")
