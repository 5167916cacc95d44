"""The one clock: aware UTC datetimes everywhere, shown in the bureau's time zone."""
from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_TIMEZONE = "Asia/Shanghai"


def now() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


def local_zone() -> ZoneInfo:
    """Return the configured display time zone (Asia/Shanghai by default)."""
    name = DEFAULT_TIMEZONE
    if has_app_context():
        name = current_app.config.get("QUIZAPP_TIMEZONE", DEFAULT_TIMEZONE)
    return ZoneInfo(name)


def to_local(moment: datetime | None) -> datetime | None:
    """Convert an aware datetime to the display time zone."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(local_zone())


def as_utc(moment: datetime) -> datetime:
    """Normalise a datetime to aware UTC; naive input is read as local time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=local_zone())
    return moment.astimezone(UTC)


def format_local(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Format a datetime in the display time zone, empty for None."""
    local = to_local(moment)
    return local.strftime(fmt) if local else ""


def isoformat(moment: datetime | None) -> str | None:
    """ISO 8601 with offset, as the JSON API promises."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat()
