"""Response shapes of geo_time."""

from pydantic import BaseModel, Field


class HeatmapCell(BaseModel):
    weekday: int = Field(description="ISO weekday in the visitor's time zone: 1 = Monday ... 7 = Sunday.")
    hour: int = Field(description="Hour of day (0-23) in the visitor's time zone.")
    pageviews: int
    visitors: int = Field(description="Unique visitors (daily-rotating hashes) in this cell.")
