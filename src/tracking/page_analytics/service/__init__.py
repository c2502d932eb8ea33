"""page_analytics' business rules: pageview stats, and where traffic comes from (referrers,
campaigns, channels) as an edge enricher plus the traffic-source breakdowns."""

from tracking.page_analytics.service.stats import PageAnalyticsService

__all__ = ["PageAnalyticsService"]
