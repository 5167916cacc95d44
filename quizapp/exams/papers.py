"""A candidate's own paper: questions drawn from the blueprint (or the fixed list), options
shuffled per candidate, each question snapshotted with its key in the letters shown."""
from __future__ import annotations

import random
import time

import sqlalchemy as sa

from ..banks.amendments import held_for_review
from ..banks.models import Question
from ..banks.types import QUESTION_TYPES, grading_key, has_options
from ..extensions import db
from .errors import ExamError
from .grading import scale_points
from .models import Exam

OPTION_LETTERS = "ABCDEFGH"


def _shown_options(question, rng: random.Random, shuffle: bool) -> tuple[list, dict]:
    options = list(question.options or [])
    if shuffle:
        rng.shuffle(options)
    shown, mapping = [], {}
    for letter, option in zip(OPTION_LETTERS, options):
        shown.append({"key": letter, "text": option["text"]})
        mapping[letter] = option["key"]
    return shown, mapping


def _shown_key(question, mapping: dict):
    qtype = QUESTION_TYPES[question.type]
    key = qtype.validate_key(question.answer, list(question.options or []))
    if not qtype.has_options:
        return grading_key(question.type, key, question.any_order)
    back = {original: shown for shown, original in mapping.items()}
    if question.type == "single":
        return back[key]
    return sorted(back[k] for k in key)


# Question-id pools per blueprint rule, kept briefly: at 09:00 a thousand officers
# start the same exam and would otherwise run the same pool queries a thousand times.
POOL_SECONDS = 30
_POOLS: dict[tuple, tuple[float, list[int]]] = {}


def _rule_pool(rule, fresh: bool = False) -> list[int]:
    key = (rule.id, rule.bank_id, rule.type, rule.chapter)
    cached = _POOLS.get(key)
    if cached and not fresh and time.monotonic() - cached[0] < POOL_SECONDS:
        return cached[1]
    query = sa.select(Question.id).where(Question.bank_id == rule.bank_id, Question.type == rule.type,
                                         Question.in_circulation)
    if rule.chapter:
        query = query.where(Question.chapter == rule.chapter)
    pool = sorted(db.session.scalars(query))
    if len(_POOLS) > 1000:
        _POOLS.clear()
    _POOLS[key] = (time.monotonic(), pool)
    return pool


def _pick_questions(exam: Exam, rng: random.Random, fresh: bool = False) -> list[tuple[int, float]]:
    """(question id, raw points) for a new paper, in the order shown."""
    if not exam.rules_rows and exam.fixed_rows:
        held = held_for_review(row.question_id for row in exam.fixed_rows)  # 待复核: left out until reviewed
        picked = [(row.question_id, row.points) for row in exam.fixed_rows if row.question_id not in held]
        if not picked:
            raise ExamError("题库中的题目已不足以组卷，请联系考试组织者。", status=409, code="not_enough_questions")
        if exam.shuffle_questions:
            rng.shuffle(picked)
        return picked
    picked, used = [], set()
    for rule in exam.rules_rows:
        pool = [qid for qid in _rule_pool(rule, fresh) if qid not in used]
        if len(pool) < rule.count and not fresh:
            pool = [qid for qid in _rule_pool(rule, True) if qid not in used]
        if len(pool) < rule.count:
            raise ExamError("题库中的题目已不足以组卷，请联系考试组织者。", status=409, code="not_enough_questions")
        chosen = rng.sample(pool, rule.count)
        if not exam.shuffle_questions:
            chosen.sort()
        used.update(chosen)
        picked += [(qid, rule.points) for qid in chosen]
    return picked


def build_paper(exam: Exam, seed: int) -> list[dict]:
    """A candidate's own paper drawn from the blueprint, options shuffled: PaperItem rows (snapshots)."""
    for fresh in (False, True):
        rng = random.Random(seed)
        picked = _pick_questions(exam, rng, fresh)
        questions = {q.id: q for q in db.session.execute(
            sa.select(Question.id, Question.type, Question.stem, Question.options, Question.answer,
                      Question.explanation, Question.any_order).where(Question.id.in_([p[0] for p in picked]),
                                                                      Question.in_circulation))}
        if len(questions) == len(picked):
            break
        # A cached pool named a question deleted, retired or flagged 待复核 since: draw again from fresh pools.
    else:
        raise ExamError("题库中的题目已不足以组卷，请联系考试组织者。", status=409, code="not_enough_questions")
    points = scale_points([p[1] for p in picked], exam.total_points)
    rows = []
    for position, ((qid, _), scaled) in enumerate(zip(picked, points), start=1):
        question = questions[qid]
        if has_options(question.type):
            options, mapping = _shown_options(question, rng, exam.shuffle_options)
        else:
            options, mapping = [], {}
        rows.append(dict(position=position, question_id=qid, type=question.type, stem=question.stem, options=options,
                         option_map=mapping, key=_shown_key(question, mapping),
                         explanation=question.explanation or "", points=scaled))
    return rows
