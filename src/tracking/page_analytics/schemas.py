"""Response shapes of page_analytics."""

from pydantic import BaseModel, Field


class Aggregate(BaseModel):
    pageviews: int = Field(description="Pageviews in the range, each event counted once.")
    visitors: int = Field(description="Unique visitors (daily-rotating hashes: summed per day).")


class TopPage(BaseModel):
    pathname: str
    pageviews: int
    visitors: int
