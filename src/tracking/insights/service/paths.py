"""Paths: the most common steps after (or before) a page or an event, within one visit.

A step is `page:<path>` for a pageview or `event:<name>` for any other event (page measurements,
engagement and vitals, are no steps). In each visit that has the anchor, its first occurrence
counts: the next (or previous) 1..depth steps form a path, and the answer counts, per depth,
how many visits share each path. Events at the same millisecond follow event id order. A visit
is one visitor and session, so paths work on anonymous traffic.
"""

from collections import Counter
from collections.abc import Iterable

from core.query import clickhouse as engine
from core.tenancy.service import SiteInfo
from tracking.insights.clickhouse import PATHS, InsightsStore, step_condition
from tracking.insights.schemas import PathNode, PathsAnswer
from tracking.insights.service.window import InsightsError, Windows, params, parse_filters, where

MAX_DEPTH = 5


def count_paths(visits: Iterable[tuple[list[str], list[int]]], *, direction: str,
                depth: int) -> tuple[int, list[Counter]]:
    """(visits with the anchor, per depth a Counter of paths) over each visit's steps and anchor flags."""
    levels = [Counter() for _ in range(depth)]
    anchors = 0
    for steps, flags in visits:
        at = next((i for i, a in enumerate(flags) if a), None)
        if at is None:
            continue
        anchors += 1
        seq = steps[at + 1:at + 1 + depth] if direction == "next" else steps[max(0, at - depth):at][::-1]
        for d in range(min(depth, len(seq))):
            levels[d][tuple(seq[:d + 1])] += 1
    return anchors, levels


class PathsService:
    def __init__(self, *, store: InsightsStore, windows: Windows) -> None:
        self._store = store
        self._windows = windows

    def analyse(self, site: SiteInfo, *, event: str | None, page: str | None, direction: str, depth: int,
                limit: int, date_range, filters: list, include_bots: bool = False) -> PathsAnswer:
        if (event is None) == (page is None):
            raise InsightsError("name the anchor with exactly one of `event` (an event name) or `page` (a pattern)")
        if direction not in ("next", "previous"):
            raise InsightsError(f"direction: `next` or `previous`, got {direction!r}")
        if not 1 <= depth <= MAX_DEPTH:
            raise InsightsError(f"depth: 1 to {MAX_DEPTH}, got {depth}")
        node = parse_filters(filters)
        window = self._windows.resolve(site, date_range)
        q = engine.Sql(params(site, window.start_ms, window.end_ms, include_bots))
        sql = PATHS.format(anchor=step_condition(q, event=event, page=page, props={}), where=where(q, node))
        anchors, levels = count_paths(self._store.visits(sql, q.params), direction=direction, depth=depth)
        out = [[PathNode(steps=list(p), count=n) for p, n in sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]
               for c in levels]
        echo = {"event": event, "page": page, "direction": direction, "depth": depth, "limit": limit,
                "date_range": window.echo(), "filters": filters}
        return PathsAnswer(query=echo, anchors=anchors, levels=out)
