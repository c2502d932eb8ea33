"""The one query engine: Plausible's Stats API v2 shape over core's events log."""
