"""Calendar rules: the quarterly default across quarter and year boundaries."""
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from quizapp.schedules.rules import (
    QUARTERLY, CalendarRule, RuleError, due_firing, next_firings, period_fields, period_key,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def test_quarterly_rule_fires_first_monday_of_each_quarter_at_nine_across_the_year_end():
    moments = next_firings(QUARTERLY, local(2026, 11, 21, 12), count=5)
    assert [m.astimezone(SHANGHAI) for m in moments] == [
        local(2027, 1, 4, 9), local(2027, 4, 5, 9), local(2027, 7, 5, 9), local(2027, 10, 4, 9),
        local(2028, 1, 3, 9),
    ]
    assert all(m.tzinfo is UTC for m in moments)
    assert moments[0] == datetime(2027, 1, 4, 1, tzinfo=UTC)


def test_a_firing_exactly_now_is_not_the_next_one():
    assert next_firings(QUARTERLY, local(2027, 1, 4, 9), count=1)[0] == local(2027, 4, 5, 9)


def test_due_firing_catches_up_a_missed_period_while_its_window_is_open():
    started = local(2026, 1, 1)
    # Down over the 09:00 firing of Monday 5 Jan 2026, back on Wednesday: still due.
    assert due_firing(QUARTERLY, local(2026, 1, 7, 15), started) == local(2026, 1, 5, 9)
    # A week later the window has closed: nothing to catch up.
    assert due_firing(QUARTERLY, local(2026, 1, 12, 9), started) is None
    # Before the first Monday of April nothing is due.
    assert due_firing(QUARTERLY, local(2026, 4, 6, 8, 59), started) is None
    assert due_firing(QUARTERLY, local(2026, 4, 6, 9), started) == local(2026, 4, 6, 9)


def test_due_firing_ignores_periods_before_the_schedule_existed():
    assert due_firing(QUARTERLY, local(2026, 1, 7, 15), not_before=local(2026, 1, 6)) is None


def test_period_key_and_title_fields_are_local():
    moment = local(2027, 1, 4, 9).astimezone(UTC)
    assert period_key(moment) == "2027-01-04T09:00"
    assert period_fields(moment) == {"year": 2027, "quarter": 1, "month": 1, "date": "2027-01-04"}
    assert period_fields(local(2027, 10, 4, 9))["quarter"] == 4


def test_monthly_rule_on_the_last_friday():
    rule = CalendarRule(month="*", day="last fri", hour=15, minute=30, open_days=3)
    moments = next_firings(rule, local(2026, 12, 1), count=2)
    assert [m.astimezone(SHANGHAI) for m in moments] == [local(2026, 12, 25, 15, 30), local(2027, 1, 29, 15, 30)]
    assert moments[1] - moments[0] == timedelta(days=35)


def test_invalid_fields_are_refused_in_chinese():
    with pytest.raises(RuleError, match="日历规则无效"):
        next_firings(CalendarRule(month="13"), local(2026, 1, 1))


def test_default_rule_describes_itself_in_chinese():
    assert QUARTERLY.describe() == "1,4,7,10月 第1个周一 09:00，开放7天"
