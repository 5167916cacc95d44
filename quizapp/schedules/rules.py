"""Calendar rules of schedules: pure functions over cron fields (no database).

A rule is APScheduler's cron fields evaluated in the bureau's time zone. Fields
are ANDed (APScheduler's semantics, unlike classic cron), and ``day`` accepts
expressions such as ``1st mon`` — the default quarterly test is
``month=1,4,7,10 day="1st mon" hour=9 minute=0``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from .. import labels


class RuleError(ValueError):
    """A calendar rule that cannot be evaluated, with a Chinese message."""


@dataclass(frozen=True)
class CalendarRule:
    """When a schedule fires (cron fields, local time) and how long its exam stays open."""

    month: str = "1,4,7,10"
    day: str = "1st mon"
    day_of_week: str = "*"
    hour: int = 9
    minute: int = 0
    open_days: int = 7
    timezone: str = "Asia/Shanghai"

    def trigger(self) -> CronTrigger:
        """The APScheduler trigger for these fields (raises RuleError when invalid)."""
        try:
            return CronTrigger(month=self.month or "*", day=self.day or "*", day_of_week=self.day_of_week or "*",
                               hour=self.hour, minute=self.minute, timezone=ZoneInfo(self.timezone))
        except (ValueError, KeyError) as error:
            raise RuleError(f"日历规则无效：{error}") from error

    def describe(self) -> str:
        """A short Chinese description, e.g. 1,4,7,10月 第1个周一 09:00，开放7天."""
        day = self.day.replace("1st", "第1个").replace("2nd", "第2个").replace("3rd", "第3个") \
            .replace("last", "最后一个")
        for code, name in WEEKDAY_NAMES.items():
            day = day.replace(code, name)
        day = day.replace("个 ", "个")
        weekdays = self.day_of_week
        for code, name in WEEKDAY_NAMES.items():
            weekdays = weekdays.replace(code, name)
        if self.month in ("*", "") and self.day in ("*", "") and weekdays not in ("*", ""):
            parts = [f"每{weekdays}"]  # 每周六
        else:
            parts = [f"{self.month}月" if self.month != "*" else "每月", f"{day}日" if day.isdigit() else day]
            if weekdays not in ("*", ""):
                parts.append(weekdays)
        return " ".join(p for p in parts if p and p != "*") + f" {self.hour:02d}:{self.minute:02d}，开放{self.open_days}天"


WEEKDAY_NAMES = labels.WEEKDAYS

QUARTERLY = CalendarRule()


def next_firings(rule: CalendarRule, after: datetime, count: int = 4) -> list[datetime]:
    """The next ``count`` fire times strictly after ``after``, as aware UTC datetimes."""
    trigger = rule.trigger()
    moments: list[datetime] = []
    previous = None
    cursor = after + timedelta(microseconds=1)
    while len(moments) < count:
        moment = trigger.get_next_fire_time(previous, cursor)
        if moment is None:
            break
        moments.append(moment.astimezone(UTC))
        previous = cursor = moment
    return moments


def latest_firing(rule: CalendarRule, now: datetime, not_before: datetime) -> datetime | None:
    """The most recent fire time in [not_before, now], or None."""
    trigger = rule.trigger()
    latest = None
    previous = None
    cursor = not_before
    while True:
        moment = trigger.get_next_fire_time(previous, cursor)
        if moment is None or moment > now:
            return latest.astimezone(UTC) if latest else None
        latest = previous = cursor = moment


def due_firing(rule: CalendarRule, now: datetime, not_before: datetime) -> datetime | None:
    """The fire time whose exam window is open at ``now`` (catch-up after downtime), or None.

    A period missed while the scheduler was down is still fired when its exam would
    still be open; a period whose whole window has passed is not.
    """
    window = timedelta(days=rule.open_days)
    moment = latest_firing(rule, now, max(not_before, now - window))
    if moment is None or moment + window <= now:
        return None
    return moment


def period_key(moment: datetime, timezone: str = "Asia/Shanghai") -> str:
    """The period a fire time stands for: its local date and time, e.g. 2027-01-04T09:00."""
    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%dT%H:%M")


def period_fields(moment: datetime, timezone: str = "Asia/Shanghai") -> dict:
    """Placeholders a template title may use: {year}, {quarter}, {month}, {date}."""
    local = moment.astimezone(ZoneInfo(timezone))
    return {"year": local.year, "quarter": (local.month - 1) // 3 + 1, "month": local.month,
            "date": local.strftime("%Y-%m-%d")}
