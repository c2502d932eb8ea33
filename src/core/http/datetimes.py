"""`UtcDatetime`, for response fields whose time comes from the transactional store.

SQLite hands `DateTime(timezone=True)` columns back naive (they hold UTC), and a naive datetime is
serialised without an offset: not the RFC 3339 `date-time` the OpenAPI document promises, and
ambiguous to a client. Declared with this type, such a field always carries its offset.
"""

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_aware)]
