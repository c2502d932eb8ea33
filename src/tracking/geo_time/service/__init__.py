"""geo_time's business rules: IP lookup, time zones, the edge enricher, breakdowns and heatmap."""
