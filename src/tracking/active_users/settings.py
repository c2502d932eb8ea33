"""The `UT_*` settings of active_users: presence, the smoothed concurrent-users figure and the live streams."""

from pydantic import Field

from core.config.settings import ModuleSettings


class ActiveUsersSettings(ModuleSettings):
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
    share_session_ttl_s: int = Field(900, ge=60, le=86400, description="A share link's read-only browser session "
                                     "lasts this long (the page renews it from the link); a revoked token "
                                     "opens no new one.")
