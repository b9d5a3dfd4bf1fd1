"""The one place that reads the clock.

Reports must be reproducible, so every caller asks here; ``KB_AS_OF`` (a date or an ISO
date-time) or ``SOURCE_DATE_EPOCH`` (seconds) in the environment fix "now" for a whole run.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

from kbtools.errors import UsageError


def now(as_of: str | datetime | date | None = None) -> datetime:
    """Return the current time as an aware datetime, honouring overrides.

    ``as_of`` (from an ``--as-of`` option) wins over the environment.
    """
    if as_of is None:
        as_of = os.environ.get("KB_AS_OF") or None
    if as_of is not None:
        return _parse(as_of)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    return datetime.now(tz=UTC)


def today(as_of: str | datetime | date | None = None) -> date:
    """Return today's date (UTC), honouring the same overrides as :func:`now`."""
    return now(as_of).date()


def _parse(value: str | datetime | date) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(
            f"invalid date {value!r}: expected YYYY-MM-DD or YYYY-MM-DD HH:MM"
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
