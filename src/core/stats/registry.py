"""Where modules plug their numbers into the shared stats endpoints, without core naming them.

`/api/v1/stats/aggregate` merges what every aggregate contributor returns (one module gives
pageviews and visitors, another adds visits and bounce rate...). `/api/v1/stats/breakdown` hands a
`property` to the one module that registered it (`Hooks.breakdowns`).

Bot events are excluded from every number by default. `include_bots=True` is handed to the
contributors and providers whose method takes an `include_bots` keyword (those whose data knows
what a bot is); the others are called exactly as before.
"""

import inspect
from typing import Protocol

from core.analytics.time_range import UtcRange
from core.tenancy.service import SiteInfo


class AggregateContributor(Protocol):
    def aggregate(self, *, site: SiteInfo, window: UtcRange) -> dict[str, int | float]: ...


class BreakdownProvider(Protocol):
    def breakdown(self, *, site: SiteInfo, window: UtcRange, prop: str, limit: int) -> list[dict]: ...


def _bots_kwarg(method, include_bots: bool) -> dict:
    if include_bots and "include_bots" in inspect.signature(method).parameters:
        return {"include_bots": True}
    return {}


class UnknownProperty(LookupError):
    pass


class StatsRegistry:
    def __init__(self) -> None:
        self._aggregates: list[AggregateContributor] = []
        self._breakdowns: dict[str, BreakdownProvider] = {}

    def add_aggregate(self, contributor: AggregateContributor) -> None:
        self._aggregates.append(contributor)

    def add_breakdown(self, prop: str, provider: BreakdownProvider) -> None:
        if prop in self._breakdowns:
            raise ValueError(f"breakdown property {prop!r} is registered twice")
        self._breakdowns[prop] = provider

    @property
    def properties(self) -> list[str]:
        return sorted(self._breakdowns)

    def aggregate(self, *, site: SiteInfo, window: UtcRange, include_bots: bool = False) -> dict[str, int | float]:
        merged: dict[str, int | float] = {}
        for contributor in self._aggregates:
            merged.update(contributor.aggregate(site=site, window=window,
                                                **_bots_kwarg(contributor.aggregate, include_bots)))
        return merged

    def breakdown(self, *, site: SiteInfo, window: UtcRange, prop: str, limit: int,
                  include_bots: bool = False) -> list[dict]:
        provider = self._breakdowns.get(prop)
        if provider is None:
            raise UnknownProperty(f"unknown property {prop!r}; one of: {', '.join(self.properties) or 'none'}")
        return provider.breakdown(site=site, window=window, prop=prop, limit=limit,
                                  **_bots_kwarg(provider.breakdown, include_bots))
