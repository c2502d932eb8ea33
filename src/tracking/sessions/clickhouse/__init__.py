"""All ClickHouse SQL of the sessions module: the sessions summary and the engagement table."""

from core.analytics.migrations import Migration
from tracking.sessions.clickhouse import engagement, summary

MIGRATIONS = (Migration(1, (*summary.DDL, *engagement.DDL)),)
