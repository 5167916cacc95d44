"""Times used are written one way on every page: minutes and zero-padded seconds."""
from quizapp.timeutil import format_duration


def test_a_time_used_reads_as_minutes_and_two_digit_seconds():
    assert format_duration(605) == "10分05秒"
    assert format_duration(0) == "0分00秒"
    assert format_duration(3725.9) == "1小时02分05秒"
    assert format_duration(-3) == "0分00秒"
