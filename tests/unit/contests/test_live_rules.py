"""The live rules as pure functions: the host's steps, which answers count, round scoring."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from quizapp.contests.live_rules import (
    Received, Round, allowed_actions, buzz_winner, distribution, elapsed_ms, refusal, score_question, speed_points,
)

T0 = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)


def ms(n: int) -> datetime:
    return T0 + timedelta(milliseconds=n)


def test_host_steps_by_phase_pause_and_last_question():
    assert allowed_actions("lobby", "lobby", False, True) == ["start"]
    assert allowed_actions("shown", "running", False, True) == ["open", "pause"]
    assert allowed_actions("revealed", "running", False, True) == ["leaderboard", "next", "finish", "pause"]
    assert allowed_actions("revealed", "running", False, False) == ["leaderboard", "finish", "pause"]
    assert allowed_actions("open", "running", True, True) == ["resume"]
    assert allowed_actions("podium", "finished", False, False) == []


@given(st.integers(0, 100), st.integers(0, 60_000), st.integers(1, 60))
def test_speed_points_fall_linearly_from_full_to_half(points, elapsed, seconds):
    value = speed_points(points, elapsed, seconds)
    assert points / 2 - 0.05 <= value <= points + 0.05
    assert speed_points(points, 0, seconds) == points
    assert speed_points(points, seconds * 1000, seconds) == round(points / 2, 1)
    assert speed_points(points, elapsed, seconds) >= speed_points(points, elapsed + 1000, seconds)


def test_which_answers_count():
    deadline = ms(20_000)
    assert refusal(ms(-1), ms(0), deadline, None, None, None)[0] == "not_open"
    assert refusal(ms(0), ms(0), deadline, None, None, None) is None
    assert refusal(ms(19_999), ms(0), deadline, None, None, None) is None
    assert refusal(ms(20_000), ms(0), deadline, None, None, None)[0] == "time_up"
    assert refusal(ms(5_000), ms(0), deadline, ms(5_000), None, None)[0] == "time_up"  # the host closed early
    assert refusal(ms(4_999), ms(0), deadline, ms(5_000), None, None) is None  # received before the close
    assert refusal(ms(3_000), ms(0), deadline, None, ms(3_000), None)[0] == "taken"
    assert refusal(ms(2_999), ms(0), deadline, None, ms(3_000), None) is None  # earlier than the taker: may win
    assert refusal(ms(8_000), ms(0), deadline, None, None, ms(7_000))[0] == "paused"
    pause = [[int(ms(5_000).timestamp() * 1000), int(ms(9_000).timestamp() * 1000)]]
    assert refusal(ms(6_000), ms(0), ms(24_000), None, None, None, pause)[0] == "paused"
    assert elapsed_ms(ms(12_000), ms(0), pause) == 8_000  # the 4 s pause is not answering time
    assert elapsed_ms(ms(4_000), ms(0), pause) == 4_000  # a pause after the receipt changes nothing


answers = st.lists(st.builds(Received, officer=st.integers(1, 10**6), correct=st.booleans(),
                             received_at=st.integers(0, 5_000).map(ms), elapsed_ms=st.integers(0, 5_000),
                             stake=st.sampled_from([None, 10, 20, 30]), order=st.integers(0, 10**6)),
                   max_size=40, unique_by=lambda a: a.officer)


@given(answers)
def test_buzz_points_go_to_the_earliest_right_receipt_and_wrong_buzzes_before_it_pay(items):
    points = score_question(Round("buzz", 20, 15, 10), items)
    winner = buzz_winner(items)
    right = [a for a in items if a.correct]
    if winner is None:
        assert not right
        assert all(points[a.officer] == -10 for a in items)
        return
    assert all((winner.received_at, winner.order) <= (a.received_at, a.order) for a in right)
    assert [a.officer for a in items if points[a.officer] > 0] == [winner.officer]
    for a in items:
        if not a.correct:
            before = (a.received_at, a.order) < (winner.received_at, winner.order)
            assert points[a.officer] == (-10 if before else 0)


@given(answers)
def test_risk_adds_or_subtracts_the_stake_and_required_never_goes_negative(items):
    risk = score_question(Round("risk", 0, 20), items)
    required = score_question(Round("required", 10, 20), items)
    for a in items:
        assert risk[a.officer] == (a.stake or 10) * (1 if a.correct else -1)
        assert required[a.officer] == (speed_points(10, a.elapsed_ms, 20) if a.correct else 0)


def test_distribution_counts_each_letter_and_judge_answers():
    assert distribution(["A", "B", "C"], ["A", ["A", "C"], "B", "Z"]) == {"A": 2, "B": 1, "C": 1}
    assert distribution(["true", "false"], ["true", "false", "true"]) == {"true": 2, "false": 1}
