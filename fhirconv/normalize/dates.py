"""Date arithmetic of the timeline: days after the index date, inclusive ends, ages.

R4 ``Period.end`` is inclusive, so a course of N days that starts on day d ends on day d + N - 1
("on the sixth day ... for five days" = day 5 .. day 9, with day 0 = presentation).
"""

from __future__ import annotations

__all__ = ["DAYS_PER_YEAR", "inclusive_end"]

# A year of the calendar on average; only used to turn "at the age of 30" into a day offset.
DAYS_PER_YEAR = 365.25


def inclusive_end(start_day: float, duration_days: float) -> float:
    """The last day of a stretch of ``duration_days`` that starts on ``start_day`` (at least the start)."""
    return start_day + max(duration_days - 1, 0)
