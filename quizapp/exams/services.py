"""Exam use cases: define, edit, clone, close and make up exams; the officer's exams.

Each public function is one transaction, committed once here, and is called the
same way by the pages, the API and the scheduler. Candidates, draws, the board and
reminders live in ``candidates.py``; taking an exam (start, save, submit, the overdue
sweep) in ``taking.py``; both are re-exported here so that callers need only
``exams.services``.
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta

import sqlalchemy as sa

from .. import signals, timeutil
from ..audit.services import record, register_actions
from ..banks.amendments import held_for_review
from ..banks.models import Question, QuestionBank
from ..banks.types import QUESTION_TYPES, TYPE_LABELS
from ..extensions import db
from ..roster.models import Officer
from .candidates import (DrawUnit, admit_latecomer, admit_to_open_exams, board, draw_candidates,  # noqa: F401
                         eligible_officers, makeup_officer_ids, not_started_officer_ids, notify_candidates,
                         notify_invited, plan_draw, remind_not_started, replace_candidate, sync_full_candidates)
from .errors import ExamError
from .guards import (can_manage, commit_or_raise, exams_for_organiser, has_attempts, require_manager,  # noqa: F401
                     resolve_departments)
from .models import (MAX_START_DELAY_SECONDS, MODES, SHOW_RESULTS, Attempt, BlueprintRule, Candidate, Exam, ExamGroup,
                     ExamQuestion)
from .saving import save_answer  # noqa: F401
from .taking import (attempt_for_officer, close_overdue_attempts, log_absence, start_attempt,  # noqa: F401
                     submit_attempt, submit_open_attempts)

register_actions({
    "exam.create": "创建考试",
    "exam.update": "修改考试",
    "exam.clone": "复制考试",
    "exam.close": "关闭考试",
    "exam.draw": "抽取考生",
    "exam.replace": "替换考生",
    "exam.makeup": "创建补考",
    "exam.remind": "提醒未参考人员",
})


@dataclass(frozen=True)
class RuleSpec:
    """One blueprint row: ``count`` questions of ``type`` from ``bank`` (id or name)."""

    bank: int | str
    type: str
    count: int
    points: float
    chapter: str | None = None


@dataclass(frozen=True)
class ExamSpec:
    """Everything that defines an exam, as plain values (from a form, the API or a template)."""

    title: str
    opens_at: datetime
    closes_at: datetime
    mode: str = "full"
    departments: tuple[str, ...] = ()  # department paths; empty: the whole bureau (or the organiser's scope)
    groups: tuple[str, ...] = ()
    blueprint: tuple[RuleSpec, ...] = ()
    questions: tuple[int, ...] = ()  # a fixed paper instead of a blueprint
    question_points: float = 1.0
    pass_mark: float = 60
    total_points: float = 100
    duration_minutes: int = 60
    attempts_allowed: int = 1
    shuffle_questions: bool = True
    shuffle_options: bool = True
    partial_credit: bool = False
    show_results: str = "immediately"
    start_delay_seconds: int = 0
    rules: str = ""


SPEC_FIELDS = {f.name for f in fields(ExamSpec)}


# ---------------------------------------------------------------- definition

def _resolve_bank(bank) -> QuestionBank:
    if isinstance(bank, int) or (isinstance(bank, str) and bank.isdigit()):
        found = db.session.get(QuestionBank, int(bank))
    else:
        found = db.session.scalar(sa.select(QuestionBank).where(QuestionBank.name == str(bank).strip()))
    if found is None:
        raise ExamError(f"题库“{bank}”不存在。")
    return found


def _available(bank_id: int, qtype: str, chapter: str | None) -> int:
    query = sa.select(sa.func.count()).select_from(Question).where(
        Question.bank_id == bank_id, Question.type == qtype, Question.in_circulation)
    if chapter:
        query = query.where(Question.chapter == chapter)
    return db.session.scalar(query) or 0


def _validate(spec: ExamSpec) -> None:
    if not spec.title.strip():
        raise ExamError("请填写考试名称。")
    if len(spec.title) > 200:
        raise ExamError("考试名称不能超过200字。")
    if spec.mode not in MODES:
        raise ExamError("考试方式应为全员普测（full）或随机抽测（sample）。")
    if spec.opens_at.tzinfo is None or spec.closes_at.tzinfo is None:
        raise ExamError("开始和结束时间须带时区。")
    if spec.closes_at <= spec.opens_at:
        raise ExamError("结束时间应晚于开始时间。")
    if not 1 <= spec.duration_minutes <= 24 * 60:
        raise ExamError("考试时长应在1到1440分钟之间。")
    if not 0 < spec.total_points <= 1000:
        raise ExamError("总分应在0到1000之间。")
    if not 0 <= spec.pass_mark <= spec.total_points:
        raise ExamError(f"合格线应在0到总分{spec.total_points:g}之间。")
    if not 1 <= spec.attempts_allowed <= 10:
        raise ExamError("允许作答次数应在1到10之间。")
    if spec.show_results not in SHOW_RESULTS:
        raise ExamError("成绩显示方式应为 immediately、after_close 或 never。")
    if not 0 <= spec.start_delay_seconds <= MAX_START_DELAY_SECONDS:
        raise ExamError(f"随机延迟进入应在0到{MAX_START_DELAY_SECONDS}秒之间。")
    if bool(spec.blueprint) == bool(spec.questions):
        raise ExamError("请设置组卷规则或指定题目（二者选一）。")


def _blueprint_rows(spec: ExamSpec) -> list[BlueprintRule]:
    rows, wanted = [], {}
    for position, rule in enumerate(spec.blueprint, start=1):
        bank = _resolve_bank(rule.bank)
        if rule.type not in QUESTION_TYPES:
            raise ExamError(f"第{position}条组卷规则的题型无效。")
        if not 1 <= int(rule.count) <= 500:
            raise ExamError(f"第{position}条组卷规则的题数应在1到500之间。")
        if not rule.points or rule.points <= 0:
            raise ExamError(f"第{position}条组卷规则的每题分值应大于0。")
        chapter = (rule.chapter or "").strip() or None
        available = _available(bank.id, rule.type, chapter)
        where = f"“{bank.name}”" + (f"章节“{chapter}”" if chapter else "")
        if rule.count > available:
            raise ExamError(f"题库{where}只有{available}道{TYPE_LABELS[rule.type]}题，"
                            f"组卷规则要求{rule.count}道，请减少题数或补充题目。", code="not_enough_questions")
        wanted[(bank.id, rule.type)] = wanted.get((bank.id, rule.type), 0) + rule.count
        total = _available(bank.id, rule.type, None)
        if wanted[(bank.id, rule.type)] > total:
            raise ExamError(f"题库“{bank.name}”共有{total}道{TYPE_LABELS[rule.type]}题，"
                            f"组卷规则合计要求{wanted[(bank.id, rule.type)]}道。", code="not_enough_questions")
        rows.append(BlueprintRule(position=position, bank_id=bank.id, type=rule.type, chapter=chapter,
                                  count=int(rule.count), points=float(rule.points)))
    return rows


def _fixed_rows(spec: ExamSpec) -> list[ExamQuestion]:
    ids = list(dict.fromkeys(int(i) for i in spec.questions))
    if spec.question_points <= 0:
        raise ExamError("每题分值应大于0。")
    found = set(db.session.scalars(sa.select(Question.id).where(Question.id.in_(ids), Question.retired.is_(False))))
    missing = [i for i in ids if i not in found]
    if missing:
        raise ExamError(f"题目不存在或已停用：{', '.join(map(str, missing[:10]))}。")
    held = sorted(held_for_review(ids))
    if held:
        raise ExamError(f"题目待复核（所依据的条文已修订，复核前不能组卷）：{', '.join(map(str, held[:10]))}。")
    return [ExamQuestion(question_id=qid, position=n, points=float(spec.question_points))
            for n, qid in enumerate(ids, start=1)]


def _apply(actor, exam: Exam, spec: ExamSpec) -> None:
    _validate(spec)
    departments = resolve_departments(actor, spec.departments)
    for name in SPEC_FIELDS - {"departments", "groups", "blueprint", "questions", "question_points"}:
        setattr(exam, name, getattr(spec, name))
    exam.title = spec.title.strip()
    exam.departments = departments
    exam.group_rows = [ExamGroup(name=g.strip()) for g in dict.fromkeys(spec.groups) if g.strip()]
    exam.rules_rows = _blueprint_rows(spec) if spec.blueprint else []
    exam.fixed_rows = _fixed_rows(spec) if spec.questions else []


def spec_from_exam(exam: Exam) -> ExamSpec:
    """The spec an existing exam was made from (for editing and cloning)."""
    return ExamSpec(
        title=exam.title, opens_at=exam.opens_at, closes_at=exam.closes_at, mode=exam.mode,
        departments=tuple(d.path for d in exam.departments), groups=tuple(exam.groups),
        blueprint=tuple(RuleSpec(r.bank_id, r.type, r.count, r.points, r.chapter) for r in exam.rules_rows),
        questions=tuple(r.question_id for r in exam.fixed_rows),
        question_points=exam.fixed_rows[0].points if exam.fixed_rows else 1.0,
        pass_mark=exam.pass_mark, total_points=exam.total_points, duration_minutes=exam.duration_minutes,
        attempts_allowed=exam.attempts_allowed, shuffle_questions=exam.shuffle_questions,
        shuffle_options=exam.shuffle_options, partial_credit=exam.partial_credit, show_results=exam.show_results,
        start_delay_seconds=exam.start_delay_seconds, rules=exam.rules,
    )


def _insert_exam(actor, exam: Exam, spec: ExamSpec, notify: bool) -> None:
    """Give a new exam its definition and, for mode=full, its candidates (in the caller's transaction)."""
    _apply(actor, exam, spec)
    db.session.add(exam)
    db.session.flush()
    if exam.mode == "full":
        sync_full_candidates(exam)
        if notify:
            notify_invited(exam)


def create_exam(actor, spec: ExamSpec, *, schedule_key: str | None = None, template_id: int | None = None,
                notify_candidates: bool = True) -> Exam:
    """Create an exam (and, for mode=full, its candidates). Commits; audited; sends exam_created.

    With a ``schedule_key`` already used, returns that exam and creates nothing.
    """
    if actor is not None and actor.role not in ("organiser", "admin"):
        raise ExamError("只有组织者可以创建考试。", status=403, code="forbidden")
    if schedule_key:
        existing = db.session.scalar(sa.select(Exam).where(Exam.schedule_key == schedule_key))
        if existing is not None:
            return existing
    exam = Exam(created_by_id=getattr(actor, "id", None), schedule_key=schedule_key, template_id=template_id)
    try:
        _insert_exam(actor, exam, spec, notify_candidates)
        record(actor, "exam.create", target=exam,
               summary=f"创建考试“{exam.title}”（{exam.mode_label}，{exam.question_count}题）")
        signals.exam_created.send(exam)
    except Exception:
        db.session.rollback()
        raise
    commit_or_raise()
    return exam


def update_exam(actor, exam: Exam, changes: dict) -> Exam:
    """Change an exam before it opens (plain values as in ExamSpec). Commits; audited."""
    require_manager(actor, exam)
    if exam.status != "upcoming" or has_attempts(exam):
        raise ExamError("考试已开始或已结束，不能再修改。", status=409, code="exam_started")
    unknown = set(changes) - SPEC_FIELDS
    if unknown:
        raise ExamError(f"不能修改的字段：{', '.join(sorted(unknown))}。")
    spec = spec_from_exam(exam)
    if "questions" in changes and changes["questions"]:
        changes.setdefault("blueprint", ())
    if "blueprint" in changes and changes["blueprint"]:
        changes.setdefault("questions", ())
    spec = replace(spec, **{k: tuple(v) if isinstance(v, list) else v for k, v in changes.items()})
    try:
        _apply(actor, exam, spec)
        if exam.mode == "full" and exam.makeup_of_id is None:
            sync_full_candidates(exam)
        record(actor, "exam.update", target=exam, summary=f"修改考试“{exam.title}”", fields=sorted(changes))
    except Exception:
        db.session.rollback()
        raise
    commit_or_raise()
    return exam


def clone_exam(actor, exam: Exam, opens_at: datetime | None = None, closes_at: datetime | None = None,
               title: str | None = None) -> Exam:
    """A new exam with the same definition; by default a week later. Commits; audited."""
    require_manager(actor, exam)
    length = exam.closes_at - exam.opens_at
    if opens_at is None:
        opens_at = exam.opens_at
        while opens_at <= timeutil.now():
            opens_at += timedelta(days=7)
    spec = replace(spec_from_exam(exam), title=title or f"{exam.title}（副本）", opens_at=opens_at,
                   closes_at=closes_at or opens_at + length)
    clone = Exam(created_by_id=getattr(actor, "id", None), cloned_from_id=exam.id)
    try:
        _insert_exam(actor, clone, spec, notify=False)
        record(actor, "exam.clone", target=clone, summary=f"复制考试“{exam.title}”为“{clone.title}”", source=exam.id)
        signals.exam_created.send(clone)
    except Exception:
        db.session.rollback()
        raise
    commit_or_raise()
    return clone


def close_exam(actor, exam: Exam) -> int:
    """Close an exam now: open attempts are submitted with the answers they have. Commits; audited."""
    require_manager(actor, exam)
    if exam.closed_at is not None:
        return 0
    exam.closed_at = timeutil.now()
    record(actor, "exam.close", target=exam, summary=f"关闭考试“{exam.title}”")
    commit_or_raise()
    return submit_open_attempts(exam.id, reason="closed")


def create_makeup(actor, exam: Exam, opens_at: datetime | None = None, closes_at: datetime | None = None) -> Exam:
    """A makeup exam (补考) for everyone who failed or missed this one. Commits; audited."""
    require_manager(actor, exam)
    if not exam.is_closed:
        raise ExamError("考试结束后才能创建补考。", status=409, code="exam_open")
    officer_ids = makeup_officer_ids(exam)
    if not officer_ids:
        raise ExamError("所有考生均已合格，无需补考。", status=409, code="nobody_to_makeup")
    opens_at = opens_at or timeutil.now()
    closes_at = closes_at or opens_at + max(exam.closes_at - exam.opens_at, timedelta(days=1))
    spec = replace(spec_from_exam(exam), title=f"{exam.title}（补考）", opens_at=opens_at, closes_at=closes_at)
    makeup = Exam(created_by_id=getattr(actor, "id", None), makeup_of_id=exam.id)
    try:
        _apply(actor, makeup, spec)
        db.session.add(makeup)
        db.session.flush()
        departments_of = dict(db.session.execute(
            sa.select(Officer.id, Officer.department_id).where(Officer.id.in_(officer_ids))).all())
        db.session.execute(sa.insert(Candidate), [
            dict(exam_id=makeup.id, officer_id=oid, department_id=departments_of[oid], source="makeup",
                 created_at=timeutil.now()) for oid in officer_ids])
        record(actor, "exam.makeup", target=makeup,
               summary=f"为“{exam.title}”创建补考，{len(officer_ids)}人", source=exam.id, officers=officer_ids)
        notify_invited(makeup, officer_ids)
        signals.exam_created.send(makeup)
    except Exception:
        db.session.rollback()
        raise
    commit_or_raise()
    return makeup


# ---------------------------------------------------------------- officers' view

def my_exams(officer) -> list[tuple[Exam, Attempt | None]]:
    """The exams an officer is invited to, each with his latest attempt, soonest first."""
    admit_to_open_exams(officer)
    latest = (sa.select(Attempt.exam_id, sa.func.max(Attempt.id).label("attempt_id"))
              .where(Attempt.officer_id == officer.id).group_by(Attempt.exam_id).subquery())
    rows = db.session.execute(
        sa.select(Exam, Attempt)
        .join(Candidate, sa.and_(Candidate.exam_id == Exam.id, Candidate.officer_id == officer.id,
                                 Candidate.replaced_at.is_(None)))
        .outerjoin(latest, latest.c.exam_id == Exam.id)
        .outerjoin(Attempt, Attempt.id == latest.c.attempt_id)
        .order_by(Exam.closes_at.desc(), Exam.id.desc())
    ).all()
    return [(exam, attempt) for exam, attempt in rows]


def is_candidate(officer_id: int, exam_id: int) -> bool:
    """Whether the officer is an invited candidate of the exam."""
    return bool(db.session.scalar(sa.select(sa.exists().where(
        Candidate.exam_id == exam_id, Candidate.officer_id == officer_id, Candidate.replaced_at.is_(None)))))
