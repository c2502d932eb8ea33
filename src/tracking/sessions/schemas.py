"""Response and request shapes of the sessions module."""

from pydantic import BaseModel, Field


class TimeseriesPoint(BaseModel):
    bucket: str = Field(description="Start of the bucket in the site's time zone: `YYYY-MM-DD` for day, "
                                    "week (its Monday) and month (its 1st), ISO date-time with offset for hour.")
    pageviews: int | None = None
    visitors: int | None = Field(None, description="Unique visitor hashes with a pageview in the bucket.")
    visits: int | None = Field(None, description="Sessions that started in the bucket.")
    bounce_rate: float | None = Field(None, description="% of those visits that bounced.")
    visit_duration: float | None = Field(None, description="Mean visit duration in seconds.")
    views_per_visit: float | None = None


class Timeseries(BaseModel):
    interval: str
    timezone: str
    metrics: list[str]
    results: list[TimeseriesPoint]


class PageEngagement(BaseModel):
    pathname: str
    engagements: int = Field(description="Engagement events received for the page (about one per page view).")
    visitors: int
    avg_time_on_page: float = Field(description="Mean engaged time on the page, in seconds.")
    avg_scroll_depth: float = Field(description="Mean maximum scroll depth, in %.")
    scroll_milestones: dict[str, float] = Field(
        description="For 25, 50, 75 and 100: the % of engagements whose scroll depth reached it.")


class SessionSettings(BaseModel):
    timeout_min: int = Field(description="Minutes of inactivity after which a visitor's next event opens a new "
                                         "session.")
    overridden: bool = Field(description="False when the site follows the default (UT_SESSION_TIMEOUT_MIN).")


class SessionSettingsUpdate(BaseModel):
    timeout_min: int | None = Field(..., ge=1, le=1440,
                                    description="The site's own timeout in minutes; null returns to the default.")
