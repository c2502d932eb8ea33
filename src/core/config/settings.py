"""Every setting of the service, read once from `UT_*` environment variables (see env.example).

A store URL left empty selects the embedded adapter, so `make run` needs no servers; setting it
switches that store to the real server without any other change.
"""

from pathlib import Path

from limits import parse_many
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET_KEY = "dev-insecure-secret-key-change-me"
DEFAULT_PII_KEYS = ("password,passwd,pwd,pass,secret,token,access_token,refresh_token,id_token,api_key,apikey,"
                    "auth,authorization,session,sessionid,sid,ssn,card,cardnumber,card_number,cc,cvv,cvc,iban,"
                    "email,mail,phone,tel,mobile")


SETTINGS_CONFIG = SettingsConfigDict(env_prefix="UT_", env_file=".env", extra="ignore")


class ModuleSettings(BaseSettings):
    """Base of a module's own settings: the same `UT_*` variables and `.env` file as core's."""

    model_config = SETTINGS_CONFIG


class Settings(BaseSettings):
    """Core's settings only; each module declares its own (`TrackingModule.settings`)."""

    model_config = SETTINGS_CONFIG

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
    # Fault tolerance of the ingest path: worker identity, stall detection, buffer durability.
    worker_id: str = Field("", description="The worker's stable name in the Redis consumer group; empty = "
                           "hostname + an id kept in data_dir + a slot per live process.")
    worker_stall_s: float = Field(10.0, description="/ready fails when the worker has failed this long.")
    buffer_require_aof: bool = Field(False, description="Refuse a Redis buffer without appendonly persistence.")
    clock_skew_max_s: int = Field(86_400, description="Client timestamps further off than this are ignored.")

    # Privacy (core.privacy). Modules read their own settings (tracking/<module>/settings.py).
    trusted_proxies: str = Field("", description="Comma-separated CIDRs of proxies whose X-Forwarded-For / "
                                 "CF-Connecting-IP is believed; empty = use the peer address.")
    pii_keys: str = Field(DEFAULT_PII_KEYS, description="Comma-separated prop/query key names whose values are "
                          "always redacted (matched as words of the key).")

    # The Stats API v2 answer cache in the real-time store (core.query.cache); 0 = not cached.
    query_cache_open_ttl_s: int = Field(10, ge=0, description="Seconds an answer is kept when its range "
                                        "includes today.")
    query_cache_closed_ttl_s: int = Field(600, ge=0, description="Seconds an answer is kept when its range "
                                          "ended before today (late events show after at most this).")

    # Hardening: what the service refuses to start with outside development (bootstrap.preflight).
    env: str = Field("production", description="`development` lets `utrack serve`/`worker` start with the "
                     "public development UT_SECRET_KEY (what `make run` sets); anything else refuses it.")

    # Async routes' store calls (core.http.store_calls): off the event loop, bounded in time and number.
    store_timeout_s: float = Field(2.0, gt=0, description="Longest a collect or server-ingest request waits "
                                   "for its stores before answering 503 + Retry-After; also the Redis "
                                   "client's connect and socket timeout.")
    store_threads: int = Field(64, ge=1, description="Threads the async routes' store calls may use at once.")

    # Rate limits (core.realtime.rate_limits), in the `limits` notation ("1200/minute", "50/second;
    # 1000/hour"); empty = that limit is off. In the real-time store: shared by every API process.
    rate_limit_api: str = Field("1200/minute", description="Requests to the read and admin APIs (stats, query "
                                "engine, reports, presence, site settings) per API key, or per client IP "
                                "when no key is sent (a signed-in dashboard).")
    rate_limit_collect_ip: str = Field("1200/minute", description="Browser collect requests (`/collect/*`) per "
                                       "client IP.")
    rate_limit_site_events: str = Field("100000/minute", description="Events per site, browser collect and "
                                        "server ingest (`POST /api/v1/events`) together: a batch counts its "
                                        "events.")

    # Load shedding of the read and admin APIs (core.http.shedding), so reads never starve collect.
    stats_concurrency: int = Field(8, ge=1, le=32, description="Read/admin API requests served at once per "
                                   "process (below the 40 threads sync routes run in).")
    stats_queue_length: int = Field(32, ge=0, description="Read/admin requests that may wait for a slot; "
                                    "past that one answers 503 + Retry-After at once.")
    stats_queue_s: float = Field(10.0, ge=0, description="Longest a read/admin request waits for a free slot "
                                 "before answering 503 + Retry-After.")
    stats_timeout_s: float = Field(30.0, gt=0, description="Longest a read/admin request may take to start "
                                   "its answer before answering 503; the query engine's read is stopped by "
                                   "ClickHouse at the same age (max_execution_time).")

    @field_validator("rate_limit_api", "rate_limit_collect_ip", "rate_limit_site_events")
    @classmethod
    def _limit_notation(cls, value: str) -> str:
        if value.strip():
            try:
                parse_many(value)
            except ValueError as exc:
                raise ValueError(f"{value!r} is not a rate limit like '600/minute' (empty = no limit)") from exc
        return value.strip()

    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'utrack.sqlite3'}"

    def clickhouse_embedded_path(self) -> Path:
        return self.data_dir / "clickhouse"

    def buffer_dir(self) -> Path:
        return self.data_dir / "buffer"
