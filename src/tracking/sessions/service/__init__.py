"""The sessions module's business rules: assignment (the worker hook), stats, engagement, settings."""
