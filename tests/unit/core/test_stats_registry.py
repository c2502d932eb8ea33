"""The stats registry merges module aggregates and routes breakdowns to the module that owns them."""

from datetime import date

import pytest

from core.analytics.time_range import local_days_to_utc
from core.stats.registry import StatsRegistry, UnknownProperty
from core.tenancy.service import SiteInfo

SITE = SiteInfo("site_1", "example.com", (), "UTC")
WINDOW = local_days_to_utc(date(2026, 1, 1), date(2026, 1, 2), "UTC")


class Numbers:
    def __init__(self, **values) -> None:
        self.values = values

    def aggregate(self, *, site, window):
        assert site is SITE and window is WINDOW
        return self.values


class Browsers:
    def breakdown(self, *, site, window, prop, limit):
        return [{prop: "Firefox", "visitors": 3}][:limit]


def test_aggregates_from_every_contributor_are_merged():
    registry = StatsRegistry()
    registry.add_aggregate(Numbers(pageviews=10, visitors=4))
    registry.add_aggregate(Numbers(visits=5, bounce_rate=0.4))
    assert registry.aggregate(site=SITE, window=WINDOW) == {"pageviews": 10, "visitors": 4, "visits": 5,
                                                            "bounce_rate": 0.4}


def test_breakdowns_go_to_the_registered_provider_and_unknown_properties_name_the_valid_ones():
    registry = StatsRegistry()
    registry.add_breakdown("browser", Browsers())
    assert registry.breakdown(site=SITE, window=WINDOW, prop="browser", limit=5) == [
        {"browser": "Firefox", "visitors": 3}]
    with pytest.raises(UnknownProperty, match="one of: browser"):
        registry.breakdown(site=SITE, window=WINDOW, prop="planet", limit=5)
    with pytest.raises(ValueError, match="twice"):
        registry.add_breakdown("browser", Browsers())


class BotAware:
    def __init__(self) -> None:
        self.calls: list[bool] = []

    def aggregate(self, *, site, window, include_bots=False):
        self.calls.append(include_bots)
        return {"pageviews": 2 if include_bots else 1}

    def breakdown(self, *, site, window, prop, limit, include_bots=False):
        self.calls.append(include_bots)
        return [{prop: "bot" if include_bots else "desktop"}]


def test_include_bots_reaches_the_providers_that_take_it_and_spares_the_others():
    registry, aware = StatsRegistry(), BotAware()
    registry.add_aggregate(Numbers(visits=5))
    registry.add_aggregate(aware)
    registry.add_breakdown("browser", Browsers())
    registry.add_breakdown("device", aware)
    assert registry.aggregate(site=SITE, window=WINDOW, include_bots=True) == {"visits": 5, "pageviews": 2}
    assert registry.aggregate(site=SITE, window=WINDOW) == {"visits": 5, "pageviews": 1}
    assert registry.breakdown(site=SITE, window=WINDOW, prop="device", limit=5, include_bots=True) == [
        {"device": "bot"}]
    assert registry.breakdown(site=SITE, window=WINDOW, prop="browser", limit=5, include_bots=True) == [
        {"browser": "Firefox", "visitors": 3}]
    assert aware.calls == [True, False, True]
