"""All SQL of the query engine's transactional side: the sites' goals. Flushes, never commits."""

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.db.models import Goal


class GoalRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def add(self, goal: Goal) -> Goal:
        self._s.add(goal)
        self._s.flush()
        return goal

    def for_site(self, site_id: str) -> list[Goal]:
        return list(self._s.scalars(select(Goal).where(Goal.site_id == site_id).order_by(Goal.id)))

    def delete(self, site_id: str, goal_id: int) -> bool:
        done = self._s.execute(delete(Goal).where(Goal.site_id == site_id, Goal.id == goal_id))
        return bool(done.rowcount)
