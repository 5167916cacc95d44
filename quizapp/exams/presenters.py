"""What the API and the pages show of exams and attempts: plain dicts, never an answer key
on a paper that is still being sat."""
from __future__ import annotations

from functools import partial

import sqlalchemy as sa

from .. import timeutil
from ..banks.types import QUESTION_TYPES, key_blanks
from ..extensions import db
from .models import Attempt, Candidate, Exam, PaperItem
from .attempts import network_grace, saved_answers
from .links import exam_link


def exam_summary(exam: Exam, attempt: Attempt | None = None) -> dict:
    """One row of an officer's exam list."""
    return {
        "id": exam.id, "title": exam.title, "mode": exam.mode, "ranked": exam.ranked,
        "opens_at": timeutil.isoformat(exam.opens_at), "closes_at": timeutil.isoformat(exam.closes_at),
        "duration_minutes": exam.duration_minutes, "status": exam.status,
        "attempt_id": attempt.id if attempt else None,
        "submitted": bool(attempt and attempt.submitted_at),
    }


def exam_detail(exam: Exam) -> dict:
    """The full definition an organiser reads (GET /exams/{id})."""
    if exam.fixed_rows:
        paper = {"questions": [r.question_id for r in exam.fixed_rows], "points": exam.fixed_rows[0].points}
    else:
        paper = {"blueprint": [{"bank": r.bank.name if r.bank else None, "bank_id": r.bank_id, "type": r.type,
                                "count": r.count, "points": r.points, "chapter": r.chapter} for r in exam.rules_rows]}
    candidates = db.session.scalar(sa.select(sa.func.count()).select_from(Candidate).where(
        Candidate.exam_id == exam.id, Candidate.replaced_at.is_(None)))
    return {
        "id": exam.id, "title": exam.title, "mode": exam.mode, "status": exam.status,
        "departments": [d.path for d in exam.departments], "groups": exam.groups, "paper": paper,
        "question_count": exam.question_count, "pass_mark": exam.pass_mark, "total_points": exam.total_points,
        "duration_minutes": exam.duration_minutes, "opens_at": timeutil.isoformat(exam.opens_at),
        "closes_at": timeutil.isoformat(exam.closes_at), "closed_at": timeutil.isoformat(exam.closed_at),
        "attempts_allowed": exam.attempts_allowed, "shuffle_questions": exam.shuffle_questions,
        "shuffle_options": exam.shuffle_options, "partial_credit": exam.partial_credit,
        "show_results": exam.show_results, "start_delay_seconds": exam.start_delay_seconds, "rules": exam.rules,
        "ranked": exam.ranked, "team_top_n": exam.team_top_n,
        "candidates": candidates, "makeup_of": exam.makeup_of_id, "cloned_from": exam.cloned_from_id,
        "link": exam_link(exam),
    }


def paper_question(item) -> dict:
    """A question as sent to the phone: no key, no explanation, no correctness (a PaperItem, row or dict)."""
    get = item.get if isinstance(item, dict) else partial(getattr, item)
    question = {"id": get("question_id"), "type": get("type"), "stem": get("stem"),
                "options": [{"key": o["key"], "text": o["text"]} for o in get("options") or []],
                "points": round(get("points"), 2)}
    if question["type"] == "fill":
        question["blanks"] = len(key_blanks(get("key")))
    return question


def paper_payload(attempt: Attempt, exam: Exam) -> dict:
    """The start/resume response: the paper without answers, the officer's saved answers, the time left."""
    fresh = getattr(attempt, "fresh_paper", None)
    if fresh is not None:  # just created: nothing to read back, nothing answered yet
        remaining = max(0, int((fresh["deadline"] - timeutil.now()).total_seconds()))
        return {
            "attempt_id": fresh["attempt_id"], "exam_id": fresh["exam_id"], "title": fresh["title"],
            "started_at": timeutil.isoformat(fresh["started_at"]), "deadline": timeutil.isoformat(fresh["deadline"]),
            "remaining_seconds": remaining, "network_grace_seconds": int(network_grace().total_seconds()),
            "questions": [paper_question(row) for row in fresh["rows"]], "answers": {},
        }
    items = db.session.execute(
        sa.select(PaperItem.question_id, PaperItem.type, PaperItem.stem, PaperItem.options, PaperItem.points,
                  PaperItem.key).where(PaperItem.attempt_id == attempt.id).order_by(PaperItem.position))
    return {
        "attempt_id": attempt.id, "exam_id": exam.id, "title": exam.title,
        "started_at": timeutil.isoformat(attempt.started_at), "deadline": timeutil.isoformat(attempt.deadline),
        "remaining_seconds": attempt.remaining_seconds(),
        "network_grace_seconds": int(network_grace().total_seconds()),
        "questions": [paper_question(item) for item in items],
        "answers": {str(qid): answer for qid, answer in saved_answers(attempt).items() if answer is not None},
    }


def submitted_payload(attempt: Attempt, exam: Exam) -> dict:
    """The submit response; score and pass are withheld when the exam hides results."""
    visible = exam.results_visible()
    return {"score": attempt.score if visible else None, "passed": attempt.passed if visible else None,
            "submitted_at": timeutil.isoformat(attempt.submitted_at)}


def result_payload(attempt: Attempt, exam: Exam) -> dict:
    """An attempt's result and per-question review, as far as the exam shows them."""
    submitted = attempt.submitted_at is not None
    visible = submitted and exam.results_visible()
    payload = {
        "attempt_id": attempt.id, "exam_id": exam.id, "title": exam.title, "submitted": submitted,
        "submitted_at": timeutil.isoformat(attempt.submitted_at), "deadline": timeutil.isoformat(attempt.deadline),
        "remaining_seconds": attempt.remaining_seconds(), "results_visible": visible,
        "score": attempt.score if visible else None, "passed": attempt.passed if visible else None,
        "pass_mark": exam.pass_mark, "total_points": exam.total_points, "questions": [],
    }
    if visible:
        answers = saved_answers(attempt)
        items = db.session.scalars(sa.select(PaperItem).where(PaperItem.attempt_id == attempt.id)
                                   .order_by(PaperItem.position))
        for item in items:
            payload["questions"].append({
                **paper_question(item), "answer": answers.get(item.question_id), "correct": item.correct,
                "earned": item.earned, "key": item.key, "key_text": QUESTION_TYPES[item.type].describe_key(item.key),
                "explanation": item.explanation,
            })
    return payload


def time_taken(attempt: Attempt) -> str:
    """用时 of a submitted attempt in words: 12分05秒, 1小时02分10秒."""
    if attempt.submitted_at is None or attempt.started_at is None:
        return ""
    return timeutil.format_duration((attempt.submitted_at - attempt.started_at).total_seconds())


def result_summary(attempt: Attempt, result: dict) -> dict:
    """The head of the result page: 答对 N / 共 M 题 and 用时 (score and 合格 come from the result)."""
    questions = result["questions"]
    return {"correct": sum(1 for q in questions if q["correct"]), "count": len(questions),
            "wrong": sum(1 for q in questions if not q["correct"]), "time_taken": time_taken(attempt)}
