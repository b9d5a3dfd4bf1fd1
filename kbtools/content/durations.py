"""Review cadences (``90d``, ``6w``, ``6m``, ``1y``) and time limits (``30m``, ``2h``, ``1d``).

The two look alike but differ in one letter: in a cadence ``m`` means months, in a time
limit it means minutes. Each parser says which it expects in its error.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

_CADENCE = re.compile(r"^\s*(\d+)\s*([dwmy])\s*$")
_DURATION = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$")
_MINUTES = {"m": 1, "h": 60, "d": 60 * 24, "w": 60 * 24 * 7}


@dataclass(frozen=True, slots=True)
class Cadence:
    """How often an article must be reviewed."""

    amount: int
    unit: str  # d, w, m (months) or y

    def after(self, start: date) -> date:
        """Return the date one cadence after ``start``."""
        if self.unit == "d":
            return start + timedelta(days=self.amount)
        if self.unit == "w":
            return start + timedelta(weeks=self.amount)
        months = self.amount * (12 if self.unit == "y" else 1)
        year, month = divmod(start.month - 1 + months, 12)
        year += start.year
        day = min(start.day, calendar.monthrange(year, month + 1)[1])
        return date(year, month + 1, day)

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"


def parse_cadence(value: object) -> Cadence:
    """Parse ``90d``/``6w``/``6m``/``1y``; raise ``ValueError`` saying what was expected."""
    match = _CADENCE.match(str(value)) if isinstance(value, (str, int)) else None
    if not match or int(match.group(1)) == 0:
        raise ValueError(
            f"invalid review cadence {value!r}: expected a number and a unit, "
            "d (days), w (weeks), m (months) or y (years), e.g. 90d or 6m"
        )
    return Cadence(int(match.group(1)), match.group(2))


def parse_duration(value: object) -> timedelta:
    """Parse ``30m``/``2h``/``1d``/``1w``; raise ``ValueError`` saying what was expected."""
    match = _DURATION.match(str(value)) if isinstance(value, (str, int)) else None
    if not match:
        raise ValueError(
            f"invalid time limit {value!r}: expected a number and a unit, "
            "m (minutes), h (hours), d (days) or w (weeks), e.g. 30m or 4h"
        )
    return timedelta(minutes=int(match.group(1)) * _MINUTES[match.group(2)])


def format_duration(delta: timedelta) -> str:
    """Format a time limit the way authors write it (``90m`` -> ``1h 30m``)."""
    minutes = int(delta.total_seconds() // 60)
    parts = []
    for unit, size in (("d", 1440), ("h", 60), ("m", 1)):
        if minutes >= size:
            parts.append(f"{minutes // size}{unit}")
            minutes %= size
    return " ".join(parts) or "0m"
