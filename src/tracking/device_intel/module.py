"""device_intel: what a visitor browses with, from the user agent, without keeping the user agent.

An edge enricher fills browser, OS (names and versions), device type (desktop, mobile, tablet,
bot, other) and the bot flag of every event before it is buffered; the raw UA is dropped there.
Breakdowns by browser, OS and device are read from the core events log, bots left out by default.
"""

from core.modules import Hooks, TrackingModule
from tracking.device_intel.container import DeviceIntelContainer
from tracking.device_intel.settings import DeviceIntelSettings


def hooks(c: DeviceIntelContainer) -> Hooks:
    return Hooks(
        enrichers=(c.enricher,),
    )


MODULE = TrackingModule(
    name="device_intel",
    container=DeviceIntelContainer,
    settings=DeviceIntelSettings,
    hooks=hooks,
)
