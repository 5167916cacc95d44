"""Calendar periods in the bureau's time zone: days, weeks (from Monday) and quarters."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from . import timeutil


def local_day(moment: datetime | None = None) -> date:
    """The local calendar date of a moment (now by default)."""
    return timeutil.to_local(moment or timeutil.now()).date()


def week_start(day: date) -> date:
    """The Monday of the day's week."""
    return day - timedelta(days=day.weekday())


def quarter_start(day: date) -> date:
    """The first day of the day's quarter (1 January, 1 April, 1 July, 1 October)."""
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_end(day: date) -> date:
    """The last day of the day's quarter."""
    start = quarter_start(day)
    following = date(start.year + (start.month == 10), (start.month + 2) % 12 + 1, 1)
    return following - timedelta(days=1)


def quarter_label(day: date) -> str:
    """E.g. 2026年第二季度."""
    return f"{day.year}年第{'一二三四'[(day.month - 1) // 3]}季度"
