"""The sessions module's metrics in the query engine (core.query.contributions): `time_on_page`
and `scroll_depth`, over `engagement` events in the events log (sent when a page is left).

The payload is read as the module's projection reads it (service/projection.py): a missing or
unreadable value is 0, scroll depth is capped at 100 %. Both are means per engagement event, the
numbers of `/stats/engagement` for the same pages and days.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

_ENGAGED_MS = "visitParamExtractUInt(data, 'engaged_ms')"
_SCROLL = "least(visitParamExtractUInt(data, 'scroll_depth'), 100)"


@dataclass(frozen=True, slots=True)
class TimeOnPage:
    name: str = "time_on_page"
    description: str = "Mean engaged time on the page, in seconds (one decimal), of its engagement events."
    event_type: str = "engagement"
    numbers: Mapping[str, str] = field(default_factory=lambda: {"top_ms": f"sum({_ENGAGED_MS})",
                                                                "top_n": "count()"})

    def value(self, numbers: Mapping[str, object]) -> float:
        n = int(numbers.get("top_n") or 0)
        return round(int(numbers.get("top_ms") or 0) / n / 1000, 1) if n else 0.0


@dataclass(frozen=True, slots=True)
class ScrollDepth:
    name: str = "scroll_depth"
    description: str = "Mean maximum scroll depth of the page's engagement events, in % (whole number)."
    event_type: str = "engagement"
    numbers: Mapping[str, str] = field(default_factory=lambda: {"scroll_sum": f"sum({_SCROLL})",
                                                                "scroll_n": "count()"})

    def value(self, numbers: Mapping[str, object]) -> int:
        n = int(numbers.get("scroll_n") or 0)
        return round(int(numbers.get("scroll_sum") or 0) / n) if n else 0
