"""The edge hook of device_intel: fills browser, OS, device type and the bot flag of a record."""

from core.ingest.context import RequestContext
from tracking.device_intel.service.user_agents import UserAgentParser


class DeviceEnricher:
    writes = frozenset({"browser", "browser_version", "os", "os_version", "device_type", "is_bot"})
    reads = frozenset()  # the user agent comes from the request, never from the record

    def __init__(self, *, parser: UserAgentParser) -> None:
        self._parser = parser

    def enrich(self, record: dict, ctx: RequestContext) -> None:
        info = self._parser.parse(ctx.user_agent)
        record["browser"] = info.browser
        record["browser_version"] = info.browser_version
        record["os"] = info.os
        record["os_version"] = info.os_version
        record["device_type"] = info.device_type
        record["is_bot"] = int(info.is_bot)
