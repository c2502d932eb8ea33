"""device_intel's business rules: UA parsing, bot detection, the edge enricher, the breakdowns."""
