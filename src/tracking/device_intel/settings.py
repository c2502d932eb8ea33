"""The `UT_*` settings of device_intel: how user agents are told apart from bots."""

from pydantic import Field

from core.config.settings import ModuleSettings


class DeviceIntelSettings(ModuleSettings):
    bot_ua_denylist: str = Field("", description="Comma-separated, case-insensitive UA substrings flagged as "
                                 "bots, on top of the built-in crawler/headless/monitoring list.")
