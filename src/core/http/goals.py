"""`/api/v1/sites/{site_id}/goals`: the site's goals, counted by `POST /api/v2/query` as the
`event:goal` dimension and filter and the `conversion_rate` metric. All need the `sites:write` scope
(the list also opens to the dashboard's sign-in)."""

from typing import Annotated

from dependency_injector.wiring import Provide, inject
from fastapi import APIRouter, Body, Depends, HTTPException, Path, Response

from core.db.bounds import MAX_ROW_ID
from core.http.access import site_id_in_path
from core.http.errors import errors
from core.query.goals import Goal, GoalError, GoalNotFound, GoalService
from core.query.schemas import GOAL_EXAMPLES, GoalCreate, GoalOut
from core.tenancy.scopes import SITES_WRITE

router = APIRouter(prefix="/api/v1/sites/{site_id}/goals", tags=["stats"])
_ERRORS = errors(401, 403, 404)
GOALS = Provide["core.goals"]
WRITE = Depends(site_id_in_path(SITES_WRITE))


def _out(goal: Goal) -> GoalOut:
    event = goal.kind == "event"
    return GoalOut(id=goal.id, goal_type=goal.kind, event_name=goal.target if event else None,
                   page_path=None if event else goal.target, display_name=goal.display_name)


@router.post("", response_model=GoalOut, status_code=201, summary="Add a goal to the site",
             responses=errors(400, 401, 403, 404))
@inject
def create_goal(body: Annotated[GoalCreate, Body(openapi_examples=GOAL_EXAMPLES)],
                site_id: str = WRITE, goals: GoalService = Depends(GOALS)) -> GoalOut:
    """Either `event_name` (a custom event) or `page_path` (pageviews whose whole path matches;
    `*` matches any characters, `/` included), with an optional `display_name`. Counts events
    already stored too: goals are applied when a query runs."""
    try:
        return _out(goals.create(site_id, **body.model_dump()))
    except GoalError as exc:
        raise HTTPException(400, str(exc)) from exc


@router.get("", response_model=list[GoalOut], responses=_ERRORS, summary="The site's goals")
@inject
def list_goals(site_id: str = WRITE, goals: GoalService = Depends(GOALS)) -> list[GoalOut]:
    """Every goal of the site, oldest first."""
    return [_out(g) for g in goals.for_site(site_id)]


@router.delete("/{goal_id}", status_code=204, response_class=Response, summary="Delete a goal",
               responses=_ERRORS)
@inject
def delete_goal(goal_id: int = Path(..., ge=1, le=MAX_ROW_ID, description="The goal's id."), site_id: str = WRITE,
                goals: GoalService = Depends(GOALS)) -> Response:
    """Removes the goal; no stored event changes."""
    try:
        goals.delete(site_id, goal_id)
    except GoalNotFound as exc:
        raise HTTPException(404, str(exc)) from exc
    return Response(status_code=204)
