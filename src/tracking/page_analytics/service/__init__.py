"""page_analytics' business rules: where traffic comes from (referrers, campaigns, channels), as an
edge enricher."""
