"""device_intel's container: needs core's settings and events-log stats; builds parser and hooks."""

from dependency_injector import containers, providers

from tracking.device_intel.service.bots import BotRules
from tracking.device_intel.service.enricher import DeviceEnricher
from tracking.device_intel.service.user_agents import UserAgentParser
from tracking.device_intel.settings import DeviceIntelSettings


class DeviceIntelContainer(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    config = providers.Dependency(instance_of=DeviceIntelSettings)  # this module's UT_* settings

    bots = providers.Singleton(BotRules, config.provided.bot_ua_denylist)
    parser = providers.Singleton(UserAgentParser, bots=bots)
    enricher = providers.Singleton(DeviceEnricher, parser=parser)
