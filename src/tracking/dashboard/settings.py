"""The `UT_*` settings of dashboard: how long a sign-in lasts."""

from pydantic import Field

from core.config.settings import ModuleSettings


class DashboardSettings(ModuleSettings):
    dashboard_session_ttl_s: int = Field(
        43200, ge=60, le=2592000, description="A dashboard sign-in (its HttpOnly session cookie) lasts this long.")
