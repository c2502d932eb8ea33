"""The `UT_*` settings of sessions: how events are grouped into visits (see the README's Sessions section)."""

from pydantic import Field

from core.config.settings import ModuleSettings


class SessionsSettings(ModuleSettings):
    session_timeout_min: int = Field(30, ge=1, le=1440, description="Minutes of inactivity that end a session "
                                     "(default for every site; a site may set its own).")
    session_state_ttl_s: int = Field(7200, description="How long a visitor's recent sessions stay in the "
                                     "real-time store (at least the timeout plus 5 minutes).")
    session_engaged_ms: int = Field(0, ge=0, description="An engagement event makes its visit non-bounce when "
                                    "its engaged_ms is at least this (0: any engagement event).")
