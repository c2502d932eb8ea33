"""The sessions module's metrics in the query engine (core.query.contributions): `time_on_page`
and `scroll_depth`, over `engagement` events in the events log (sent when a page is left).

The payload is read as the module's projection reads it (service/projection.py): a missing or
unreadable value is 0, scroll depth is capped at 100 %. Both are means per engagement event, the
numbers of `/stats/engagement` for the same pages and days.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from core.query.contributions import MetricContext


@dataclass(frozen=True, slots=True)
class EngagementMean:
    """The mean of one payload value over the matching engagement events, `scale`d and rounded."""

    name: str
    description: str
    value_sql: str  # the value of one engagement event, from its payload
    scale: float = 1.0
    digits: int | None = None  # round(x, None) is a whole number
    event_type: str = "engagement"
    entries: str | None = None  # every engagement event counts
    split: str | None = None
    visit_of: str | None = None  # each under its own visit
    numbers: Mapping[str, str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "numbers", {f"{self.name}_sum": f"sum({self.value_sql})",
                                             f"{self.name}_n": "count()"})

    meta: Mapping[str, object] = field(default_factory=dict, init=False)

    def over(self, context: MetricContext) -> "EngagementMean":
        return self  # a mean needs nothing of the window

    def value(self, numbers: Mapping[str, object]) -> int | float:
        n = int(numbers.get(f"{self.name}_n") or 0)
        if not n:
            return 0.0 if self.digits is not None else 0
        return round(int(numbers.get(f"{self.name}_sum") or 0) / n * self.scale, self.digits)


def time_on_page() -> EngagementMean:
    return EngagementMean("time_on_page", "Mean engaged time on the page, in seconds (one decimal), of its "
                          "engagement events.", "visitParamExtractUInt(data, 'engaged_ms')", scale=0.001, digits=1)


def scroll_depth() -> EngagementMean:
    return EngagementMean("scroll_depth", "Mean maximum scroll depth of the page's engagement events, in % "
                          "(whole number).", "least(visitParamExtractUInt(data, 'scroll_depth'), 100)")
