"""Live-contest rules as pure functions: the host's steps, which answers count, and
how each round scores. No database: the services feed these plain values.

Every time that decides anything is the server's time of receipt. Rounds:
- 必答 (required): a right answer earns the full points at once, falling linearly to
  half at the deadline; a wrong one earns nothing.
- 抢答 (buzz): the earliest right answer by receipt wins the points; a wrong buzz
  received before it costs the penalty (and, one answer each, locks the officer out).
- 风险 (risk): a right answer adds the stake chosen before the question, a wrong one
  subtracts it (10 when none was chosen).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..banks.types import QUESTION_TYPES, AnswerError

DEFAULT_STAKE = 10

# action: (Chinese label, phases it may be taken from)
ACTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "start": ("开始比赛", ("lobby",)),
    "show": ("出题", ("ready", "staking")),
    "open": ("开始作答", ("shown",)),
    "close": ("停止作答", ("open",)),
    "reveal": ("公布答案", ("closed",)),
    "leaderboard": ("排行榜", ("revealed",)),
    "next": ("下一题", ("revealed", "leaderboard")),
    "finish": ("结束比赛", ("revealed", "leaderboard")),
    "pause": ("暂停", ()),
    "resume": ("继续", ()),
}


@dataclass(frozen=True)
class Round:
    """What scoring needs of a round."""

    kind: str
    points: float
    seconds: int
    penalty: float = 0


@dataclass(frozen=True)
class Received:
    """One stored answer: who, right or not, when received, how long it took, at what stake.

    ``order`` breaks a tie of equal receipt times (the row id: the order of storing).
    """

    officer: Any
    correct: bool
    received_at: datetime
    elapsed_ms: int
    stake: int | None = None
    order: int = 0


def allowed_actions(phase: str, status: str, paused: bool, has_next: bool) -> list[str]:
    """The host's possible steps now, in the order the console offers them."""
    if status == "finished":
        return []
    if paused:
        return ["resume"]
    possible = [action for action, (_label, phases) in ACTIONS.items() if phase in phases]
    if "next" in possible and not has_next:
        possible.remove("next")
    if status == "running":
        possible.append("pause")
    return possible


def first_phase(kind: str) -> str:
    """Where a question starts: 风险题 first asks for stakes."""
    return "staking" if kind == "risk" else "ready"


def answer_window_end(deadline: datetime, closed_at: datetime | None, taken_at: datetime | None) -> datetime:
    """Answers received before this moment count."""
    return min(moment for moment in (deadline, closed_at, taken_at) if moment is not None)


def refusal(received_at: datetime, opened_at: datetime | None, deadline: datetime | None,
            closed_at: datetime | None, taken_at: datetime | None, paused_at: datetime | None,
            pauses: Sequence[Sequence[int]] = ()) -> tuple[str, str] | None:
    """Why an answer received at ``received_at`` does not count — (code, Chinese message) —
    or None. ``paused_at``: a pause going on now; ``pauses``: the pauses before, [start, end] in ms."""
    if opened_at is None or received_at < opened_at:
        return "not_open", "尚未开始作答。"
    moment = received_at.timestamp() * 1000
    if (paused_at is not None and received_at >= paused_at) or any(start <= moment < end for start, end in pauses):
        return "paused", "比赛已暂停，请等待主持人继续。"
    end = answer_window_end(deadline, closed_at, taken_at)
    if received_at < end:
        return None
    if taken_at is not None and end == taken_at:
        return "taken", "本题已被抢答。"
    return "time_up", "作答时间已到。"


def elapsed_ms(received_at: datetime, opened_at: datetime, pauses: Sequence[Sequence[int]] = ()) -> int:
    """Answering time: from opening to receipt, less the pauses before the receipt."""
    moment = received_at.timestamp() * 1000
    paused = sum(min(end, moment) - start for start, end in pauses if start < moment)
    return max(0, int(moment - opened_at.timestamp() * 1000 - paused))


def is_right(question_type: str, key, answer, options: Sequence[dict]) -> bool:
    """Whether an answer matches the key (a malformed answer is simply wrong)."""
    qtype = QUESTION_TYPES[question_type]
    try:
        canonical = qtype.parse_answer(answer, list(options))
    except AnswerError:
        return False
    return qtype.grade(key, canonical, 1.0).correct


def speed_points(points: float, elapsed: int, seconds: int) -> float:
    """必答: full points at once, falling linearly to half at the deadline (one decimal)."""
    limit = seconds * 1000
    share = min(max(elapsed, 0), limit) / limit
    return round(points * (1 - 0.5 * share), 1)


def score_question(rule: Round, answers: Iterable[Received]) -> dict[Any, float]:
    """Each answering officer's points for one question."""
    answers = list(answers)
    if rule.kind == "required":
        return {a.officer: speed_points(rule.points, a.elapsed_ms, rule.seconds) if a.correct else 0.0
                for a in answers}
    if rule.kind == "risk":
        return {a.officer: float(a.stake or DEFAULT_STAKE) * (1 if a.correct else -1) for a in answers}
    if rule.kind == "buzz":
        winner = buzz_winner(answers)
        cutoff = (winner.received_at, winner.order) if winner else None
        points = {}
        for a in answers:
            if a is winner:
                points[a.officer] = float(rule.points)
            elif not a.correct and (cutoff is None or (a.received_at, a.order) < cutoff):
                points[a.officer] = -float(rule.penalty)
            else:
                points[a.officer] = 0.0  # received after the winner: too late to count either way
        return points
    raise ValueError(f"unknown round kind {rule.kind!r}")


def buzz_winner(answers: Iterable[Received]) -> Received | None:
    """抢答: the right answer received first (ties of equal time: stored first)."""
    right = [a for a in answers if a.correct]
    return min(right, key=lambda a: (a.received_at, a.order)) if right else None


def distribution(option_keys: Sequence[str], answers: Iterable[object]) -> dict[str, int]:
    """How many chose each option (a multiple answer counts for each letter it holds);
    judge answers count under "true" and "false"."""
    counts = {key: 0 for key in option_keys}
    for answer in answers:
        chosen = answer if isinstance(answer, list) else [answer]
        for key in chosen:
            name = str(key).lower() if isinstance(key, bool) else key
            if name in counts:
                counts[name] += 1
    return counts
