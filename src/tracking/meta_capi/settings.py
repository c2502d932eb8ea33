"""The `UT_*` settings of meta_capi: where and how fast conversions are sent to the Graph API."""

from pydantic import Field

from core.config.settings import ModuleSettings


class MetaCapiModuleSettings(ModuleSettings):
    meta_graph_base: str = Field("https://graph.facebook.com", description="Graph API base URL for the "
                                 "Meta Conversions API (tests point it at a local fake).")
    meta_send_interval_ms: int = Field(1000, ge=10, description="How often the sender looks for due outbox events.")
    meta_concurrency: int = Field(4, ge=1, le=64, description="Graph API requests in flight at once.")
    meta_timeout_s: float = Field(10.0, gt=0, description="Timeout of one Graph API request.")
    meta_max_attempts: int = Field(8, ge=1, description="Attempts for a retryable error before an event fails.")
    meta_backoff_base_s: float = Field(2.0, gt=0, description="First retry delay; doubles per attempt (+ jitter).")
    meta_backoff_max_s: float = Field(3600.0, gt=0, description="Longest retry delay.")
