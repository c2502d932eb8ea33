"""Goals: the conversions a site counts, as the engine's `event:goal` and `conversion_rate`.

A goal is a custom event by name (`signup`) or pageviews whose path matches a pattern. Patterns
follow Plausible's current rule: the whole path must match, `*` (and `**`) stand for any run of
characters, `/` included (`/blog/*` matches `/blog/a` and `/blog/a/b`, not `/blog`), and every
other character is literal (`.`, `?`, `|`, `(`…). The pattern is turned into an anchored RE2
expression here, so what reaches ClickHouse is a parameter, never SQL text.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from core.db.models import Goal as GoalRow
from core.db.unit_of_work import UnitOfWork
from core.query.repository import GoalRepository

MAX_GOALS = 100  # per site: every goal is one condition in the engine's SQL
MAX_EVENT_NAME = 200  # as the collect endpoints accept
MAX_PAGE_PATH = 1000
MAX_DISPLAY_NAME = 200


class GoalError(ValueError):
    pass


class GoalNotFound(LookupError):
    pass


@dataclass(frozen=True, slots=True)
class Goal:
    id: int
    kind: str  # "event" | "page"
    target: str  # the event name, or the page path pattern
    display_name: str

    @property
    def page_regex(self) -> str:
        return page_regex(self.target)


def page_regex(pattern: str) -> str:
    """`/blog/*` -> `^/blog/.*$` (RE2; both `*` and `**` match any characters, `/` included)."""
    return "^" + ".*".join(re.escape(part) for part in re.split(r"\*+", pattern)) + "$"


class GoalService:
    def __init__(self, *, uow: Callable[[], UnitOfWork]) -> None:
        self._uow = uow

    def create(self, site_id: str, *, event_name: str | None = None, page_path: str | None = None,
               display_name: str | None = None) -> Goal:
        kind, target = _target(event_name, page_path)
        name = (display_name or "").strip() or (target if kind == "event" else f"Visit {target}")
        if len(name) > MAX_DISPLAY_NAME:
            raise GoalError(f"display_name: at most {MAX_DISPLAY_NAME} characters")
        with self._uow() as session:
            repo = GoalRepository(session)
            existing = repo.for_site(site_id)
            if len(existing) >= MAX_GOALS:
                raise GoalError(f"a site has at most {MAX_GOALS} goals; delete one first")
            for g in existing:
                if (g.kind, g.target) == (kind, target):
                    raise GoalError(f"this goal exists already (id {g.id}, {g.display_name!r})")
                if g.display_name == name:
                    raise GoalError(f"display_name {name!r} is taken by goal {g.id}; choose another")
            return _goal(repo.add(GoalRow(site_id=site_id, kind=kind, target=target, display_name=name)))

    def for_site(self, site_id: str) -> tuple[Goal, ...]:
        with self._uow() as session:
            return tuple(_goal(g) for g in GoalRepository(session).for_site(site_id))

    def delete(self, site_id: str, goal_id: int) -> None:
        with self._uow() as session:
            if not GoalRepository(session).delete(site_id, goal_id):
                raise GoalNotFound(f"no goal {goal_id} on this site")


def _target(event_name: str | None, page_path: str | None) -> tuple[str, str]:
    if (event_name is None) == (page_path is None):
        raise GoalError("a goal is either an event_name or a page_path: give exactly one")
    if event_name is not None:
        name = event_name.strip()
        if not name or len(name) > MAX_EVENT_NAME:
            raise GoalError(f"event_name: 1-{MAX_EVENT_NAME} characters")
        if name == "pageview":
            raise GoalError("event_name 'pageview' is not a custom event: use a page_path goal")
        return "event", name
    path = (page_path or "").strip()
    if not path.startswith("/") or len(path) > MAX_PAGE_PATH:
        raise GoalError(f"page_path: a path starting with '/', at most {MAX_PAGE_PATH} characters "
                        "(`*` matches any characters)")
    return "page", path


def _goal(row: GoalRow) -> Goal:
    return Goal(row.id, row.kind, row.target, row.display_name)
