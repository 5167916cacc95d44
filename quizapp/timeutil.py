"""The one clock: aware UTC datetimes everywhere, shown in the bureau's time zone."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context, request

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


def format_duration(seconds: float | int) -> str:
    """A time used in words, one way everywhere: 12分05秒, 1小时02分10秒."""
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return (f"{hours}小时{minutes:02d}分" if hours else f"{minutes}分") + f"{seconds:02d}秒"


def isoformat(moment: datetime | None) -> str | None:
    """ISO 8601 with offset, as the JSON API promises."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat()


# How far before the app's own clock a proxy's receipt time may lie. A request that
# waited longer than this in gunicorn's queue is counted as received this long ago
# (still earlier than the app saw it); a proxy set up wrongly, which passed on a
# client's own X-Request-Start, can let that client claim at most this much. 3 s is
# more than a healthy server queues a request in a hall (the live contest's target is
# every phone served within 1 s) and small beside an answering window (the demo's and
# the bench's are 8-20 s), so queueing is absorbed and a forged time buys little.
# Ahead of the app's clock (another host's clock drifting) counts as now.
RECEIPT_SKEW = timedelta(seconds=3)
RECEIPT_HEADER = "X-Request-Start"
_RECEIPT_KEY = "quizapp.received_at"  # in the WSGI environ: one value per request


def request_received_at() -> datetime:
    """The server's time of receipt of the current request: the one rule for every time
    that decides anything (live-contest answers, 抢答 buzzes, 风险题 stakes, the host's
    steps that open and close answering).

    Behind the trusted proxy (QUIZAPP_PROXY_HOPS > 0, deploy/nginx.conf) it is the time
    nginx received the request, from the ``X-Request-Start: t=<seconds>`` header nginx
    sets (overwriting any a client sent), so waiting in gunicorn's queue changes neither
    who was in time nor who was first; clamped to [now - RECEIPT_SKEW, now]. Without a
    proxy (the embedded demo, tests, a direct client) the header is never read and the
    time is when the app first asks during the request. Taken once per request.
    """
    cached = request.environ.get(_RECEIPT_KEY)
    if cached is None:
        cached = request.environ[_RECEIPT_KEY] = _proxy_receipt(now())
    return cached


def _proxy_receipt(app_now: datetime) -> datetime:
    if not current_app.config.get("QUIZAPP_PROXY_HOPS"):
        return app_now
    value = request.headers.get(RECEIPT_HEADER)
    if value is None:
        return app_now
    text = value.strip()
    try:
        seconds = float(text[2:] if text.startswith("t=") else text)
        stamp = datetime.fromtimestamp(seconds, UTC)
    except (ValueError, OverflowError, OSError):
        # nginx writes "t=1733130000.123"; anything else is a set-up error worth seeing
        current_app.logger.warning("unreadable %s header %r: time of receipt taken by the app", RECEIPT_HEADER,
                                   value[:64])
        return app_now
    return min(app_now, max(app_now - RECEIPT_SKEW, stamp))
