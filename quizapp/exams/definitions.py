"""Defining exams: create, edit, clone, close and make up — each one transaction, committed
here, called the same way by the pages, the API and the scheduler.

The definition arrives as an ``ExamSpec`` (``spec.py``); what only the database can tell
(banks, enough questions, departments in the actor's scope) is checked here.
"""
from __future__ import annotations

from dataclasses import fields, replace
from datetime import datetime, timedelta

import sqlalchemy as sa

from .. import signals, timeutil
from ..audit.services import field_changes, record, register_actions
from ..banks.amendments import held_for_review
from ..banks.models import Question, QuestionBank
from ..banks.types import TYPE_LABELS
from ..extensions import db
from ..roster.models import Officer
from ..transactions import transaction
from .access import require_manager, resolve_departments
from .attempts import submit_open_attempts
from .candidates import notify_invited, sync_full_candidates
from .errors import ExamError
from .models import MODES, SHOW_RESULTS, BlueprintRule, Candidate, Exam, ExamGroup, ExamQuestion
from .progress import makeup_officer_ids
from .queries import has_attempts
from .spec import ExamSpec, FieldError, RuleSpec, SpecError

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

# What an exam row holds as it is in the spec (the rest are rows of their own).
_PLAIN_FIELDS = tuple(f.name for f in fields(ExamSpec)
                      if f.name not in {"departments", "groups", "blueprint", "questions", "question_points"})


def _resolve_bank(bank) -> QuestionBank | None:
    if isinstance(bank, int) or (isinstance(bank, str) and bank.isdigit()):
        return db.session.get(QuestionBank, int(bank))
    return db.session.scalar(sa.select(QuestionBank).where(QuestionBank.name == str(bank).strip()))


def _available(bank_id: int, qtype: str, chapter: str | None) -> int:
    query = sa.select(sa.func.count()).select_from(Question).where(
        Question.bank_id == bank_id, Question.type == qtype, Question.in_circulation)
    if chapter:
        query = query.where(Question.chapter == chapter)
    return db.session.scalar(query) or 0


def _blueprint_rows(spec: ExamSpec, errors: list[FieldError]) -> list[BlueprintRule]:
    """The blueprint as rows; each bank missing or too small for its rules adds a FieldError."""
    rows, wanted = [], {}
    for index, rule in enumerate(spec.blueprint):
        where = f"paper.blueprint[{index}]"
        bank = _resolve_bank(rule.bank)
        if bank is None:
            errors.append(FieldError(f"{where}.bank", f"题库“{rule.bank}”不存在。"))
            continue
        chapter = (rule.chapter or "").strip() or None
        available = _available(bank.id, rule.type, chapter)
        label = f"“{bank.name}”" + (f"章节“{chapter}”" if chapter else "")
        if rule.count > available:
            errors.append(FieldError(f"{where}.count", f"题库{label}只有{available}道{TYPE_LABELS[rule.type]}题，"
                                     f"组卷规则要求{rule.count}道，请减少题数或补充题目。", "not_enough_questions"))
        wanted[(bank.id, rule.type)] = wanted.get((bank.id, rule.type), 0) + rule.count
        total = _available(bank.id, rule.type, None)
        if rule.count <= available and wanted[(bank.id, rule.type)] > total:
            errors.append(FieldError(f"{where}.count", f"题库“{bank.name}”共有{total}道{TYPE_LABELS[rule.type]}题，"
                                     f"组卷规则合计要求{wanted[(bank.id, rule.type)]}道。", "not_enough_questions"))
        rows.append(BlueprintRule(position=index + 1, bank_id=bank.id, type=rule.type, chapter=chapter,
                                  count=int(rule.count), points=float(rule.points)))
    return rows


def _fixed_rows(spec: ExamSpec, errors: list[FieldError]) -> list[ExamQuestion]:
    """The fixed paper as rows; questions missing, retired or awaiting review (待复核) add a FieldError."""
    ids = list(dict.fromkeys(int(i) for i in spec.questions))
    found = set(db.session.scalars(sa.select(Question.id).where(Question.id.in_(ids), Question.retired.is_(False))))
    missing = [i for i in ids if i not in found]
    if missing:
        errors.append(FieldError("paper.questions", f"题目不存在或已停用：{', '.join(map(str, missing[:10]))}。"))
    held = sorted(held_for_review(ids))
    if held:
        errors.append(FieldError("paper.questions",
                                 f"题目待复核（所依据的条文已修订，复核前不能组卷）：{', '.join(map(str, held[:10]))}。"))
    return [ExamQuestion(question_id=qid, position=n, points=float(spec.question_points))
            for n, qid in enumerate(ids, start=1)]


def _checked(actor, spec: ExamSpec):
    """The spec's departments and paper rows; SpecError with every problem, ExamError for departments."""
    departments = resolve_departments(actor, spec.departments)
    errors = spec.problems()
    paper_readable = not any(error.field.startswith("paper") for error in errors)
    rules_rows = _blueprint_rows(spec, errors) if spec.blueprint and paper_readable else []
    fixed_rows = _fixed_rows(spec, errors) if spec.questions and paper_readable else []
    if errors:
        raise SpecError(errors)
    return departments, rules_rows, fixed_rows


def check_exam(actor, spec: ExamSpec) -> None:
    """Refuse a definition exactly as creating the exam would, and create nothing (a schedule's
    template, a form shown again with every problem)."""
    _checked(actor, spec)


def _apply(actor, exam: Exam, spec: ExamSpec) -> None:
    """Give the exam the spec's definition; SpecError with every problem, ExamError for departments."""
    departments, rules_rows, fixed_rows = _checked(actor, spec)
    for name in _PLAIN_FIELDS:
        setattr(exam, name, getattr(spec, name))
    exam.title = spec.title.strip()
    exam.departments = departments
    exam.group_rows = [ExamGroup(name=g.strip()) for g in dict.fromkeys(spec.groups) if g.strip()]
    exam.rules_rows = rules_rows
    exam.fixed_rows = fixed_rows


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
        start_delay_seconds=exam.start_delay_seconds, rules=exam.rules, ranked=exam.ranked,
        team_top_n=exam.team_top_n,
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
    with transaction():
        _insert_exam(actor, exam, spec, notify_candidates)
        record(actor, "exam.create", target=exam,
               summary=f"创建考试“{exam.title}”（{exam.mode_label}，{exam.question_count}题）")
        signals.exam_created.send(exam)
    return exam


def _yes_no(value: bool) -> str:
    return "是" if value else "否"


def shown_spec(spec: ExamSpec) -> dict[str, str]:
    """An exam's definition as the audit log shows it: Chinese field names, values as people read them."""
    # A rule names its bank by id (stored exams) or by name (documents, templates).
    bank_ids = {rule.bank for rule in spec.blueprint if isinstance(rule.bank, int)}
    banks = {bank_id: name for bank_id, name in db.session.execute(
        sa.select(QuestionBank.id, QuestionBank.name).where(QuestionBank.id.in_(bank_ids)))} if bank_ids else {}
    blueprint = "；".join(
        f"{banks.get(r.bank, '（已删除的题库）') if isinstance(r.bank, int) else r.bank}{'·' + r.chapter if r.chapter else ''}"
        f"{TYPE_LABELS.get(r.type, r.type)}{r.count}题×{r.points:g}分" for r in spec.blueprint)
    return {
        "考试名称": spec.title,
        "开始时间": timeutil.format_local(spec.opens_at),
        "结束时间": timeutil.format_local(spec.closes_at),
        "考试方式": MODES.get(spec.mode, spec.mode),
        "参考部门": "、".join(spec.departments) or "全局",
        "参考群体": "、".join(spec.groups),
        "组卷规则": blueprint,
        "固定试题": f"{len(spec.questions)}题，每题{spec.question_points:g}分" if spec.questions else "",
        "合格线": f"{spec.pass_mark:g}",
        "满分": f"{spec.total_points:g}",
        "考试时长（分钟）": str(spec.duration_minutes),
        "允许作答次数": str(spec.attempts_allowed),
        "题目乱序": _yes_no(spec.shuffle_questions),
        "选项乱序": _yes_no(spec.shuffle_options),
        "多选题少选得部分分": _yes_no(spec.partial_credit),
        "成绩显示": SHOW_RESULTS.get(spec.show_results, spec.show_results),
        "随机延迟进入（秒）": str(spec.start_delay_seconds),
        "考试须知": spec.rules,
    }


def update_exam(actor, exam: Exam, spec: ExamSpec) -> Exam:
    """Give an exam a new definition before it opens. Commits; audited (with the fields that changed)."""
    require_manager(actor, exam)
    if exam.status != "upcoming" or has_attempts(exam):
        raise ExamError("考试已开始或已结束，不能再修改。", status=409, code="exam_started")
    changes = field_changes(shown_spec(spec_from_exam(exam)), shown_spec(spec))
    with transaction():
        _apply(actor, exam, spec)
        if exam.mode == "full" and exam.makeup_of_id is None:
            sync_full_candidates(exam)
        record(actor, "exam.update", target=exam, summary=f"修改考试“{exam.title}”", changes=changes)
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
    with transaction():
        _insert_exam(actor, clone, spec, notify=False)
        record(actor, "exam.clone", target=clone, summary=f"复制考试“{exam.title}”为“{clone.title}”", source=exam.id)
        signals.exam_created.send(clone)
    return clone


def close_exam(actor, exam: Exam) -> int:
    """Close an exam now: open attempts are submitted with the answers they have. Commits; audited."""
    require_manager(actor, exam)
    if exam.closed_at is not None:
        return 0
    with transaction():
        exam.closed_at = timeutil.now()
        record(actor, "exam.close", target=exam, summary=f"关闭考试“{exam.title}”")
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
    # A makeup is a second chance to pass, not a second contest: never ranked (nor its points).
    spec = replace(spec_from_exam(exam), title=f"{exam.title}（补考）", opens_at=opens_at, closes_at=closes_at,
                   ranked=False, team_top_n=None)
    makeup = Exam(created_by_id=getattr(actor, "id", None), makeup_of_id=exam.id)
    with transaction():
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
    return makeup
