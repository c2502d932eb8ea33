"""Response shapes of page_analytics."""

from pydantic import BaseModel, Field


class TopPage(BaseModel):
    pathname: str
    pageviews: int = Field(description="Pageviews of the page, each event counted once.")
    visitors: int = Field(description="Unique visitors (daily-rotating hashes: summed per day).")
