"""Exam use cases for organisers: define, clone, close, candidates, draws, board, makeup.

Each public function is one transaction, committed once here, and is called the
same way by the pages, the API and the scheduler. Taking an exam (start, save,
submit, overdue sweep) lives in ``taking.py`` and is re-exported below.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timedelta

import sqlalchemy as sa

from .. import signals, timeutil
from ..audit.services import record, register_actions
from ..banks.models import Question, QuestionBank
from ..banks.types import QUESTION_TYPES, TYPE_LABELS
from ..extensions import db
from ..notifications.services import notify
from ..roster.models import PATH_SEPARATOR, Department, Officer, OfficerTag
from ..roster.services import in_scope, scope_departments
from .errors import ExamError
from .models import (MAX_START_DELAY_SECONDS, MODES, SHOW_RESULTS, Attempt, BlueprintRule, Candidate, Draw, Exam,
                     ExamGroup, ExamQuestion)
from .sampling import ALLOCATION_METHODS, SamplingError, allocate, draw_replacement, draw_sample
from .taking import (attempt_for_officer, close_overdue_attempts, log_absence, save_answer, start_attempt,  # noqa: F401
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


# ---------------------------------------------------------------- access

def can_manage(user, exam: Exam) -> bool:
    """Admins, and organisers whose scope covers every department of the exam."""
    if user is None or user.role not in ("organiser", "admin"):
        return False
    if scope_departments(user) is None:
        return True
    return bool(exam.departments) and all(in_scope(user, d) for d in exam.departments)


def exams_for_organiser(user):
    """A select of the exams the organiser may manage, newest first."""
    query = sa.select(Exam).order_by(Exam.opens_at.desc(), Exam.id.desc())
    scopes = scope_departments(user)
    if scopes is None:
        return query
    from .models import exam_departments

    outside = (sa.select(exam_departments.c.exam_id).join(Department, Department.id == exam_departments.c.department_id)
               .where(sa.not_(sa.or_(*[d.subtree_clause() for d in scopes]))))
    inside = sa.select(exam_departments.c.exam_id)
    return query.where(Exam.id.in_(inside), Exam.id.not_in(outside))


# ---------------------------------------------------------------- definition

def _resolve_departments(actor, paths) -> list[Department]:
    departments = []
    for path in paths:
        path = str(path).strip().strip(PATH_SEPARATOR)
        department = db.session.scalar(sa.select(Department).where(Department.path == path))
        if department is None:
            raise ExamError(f"部门“{path}”不存在。")
        if actor is not None and not in_scope(actor, department):
            raise ExamError(f"部门“{path}”不在您的管理范围内。", status=403, code="out_of_scope")
        departments.append(department)
    if not departments and actor is not None:
        departments = scope_departments(actor) or []
    return departments


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
        Question.bank_id == bank_id, Question.type == qtype, Question.retired.is_(False))
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
    return [ExamQuestion(question_id=qid, position=n, points=float(spec.question_points))
            for n, qid in enumerate(ids, start=1)]


def _apply(actor, exam: Exam, spec: ExamSpec) -> None:
    _validate(spec)
    departments = _resolve_departments(actor, spec.departments)
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


def _commit_or_raise():
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


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
        _apply(actor, exam, spec)
        db.session.add(exam)
        db.session.flush()
        if exam.mode == "full":
            sync_full_candidates(exam)
            if notify_candidates:
                _notify_invited(exam)
        record(actor, "exam.create", target=exam,
               summary=f"创建考试“{exam.title}”（{exam.mode_label}，{exam.question_count}题）")
        signals.exam_created.send(exam)
    except Exception:
        db.session.rollback()
        raise
    _commit_or_raise()
    return exam


def update_exam(actor, exam: Exam, changes: dict) -> Exam:
    """Change an exam before it opens (plain values as in ExamSpec). Commits; audited."""
    _require_manager(actor, exam)
    if exam.status != "upcoming" or _has_attempts(exam):
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
    _commit_or_raise()
    return exam


def clone_exam(actor, exam: Exam, opens_at: datetime | None = None, closes_at: datetime | None = None,
               title: str | None = None) -> Exam:
    """A new exam with the same definition; by default a week later. Commits; audited."""
    _require_manager(actor, exam)
    length = exam.closes_at - exam.opens_at
    if opens_at is None:
        opens_at = exam.opens_at
        while opens_at <= timeutil.now():
            opens_at += timedelta(days=7)
    spec = replace(spec_from_exam(exam), title=title or f"{exam.title}（副本）", opens_at=opens_at,
                   closes_at=closes_at or opens_at + length)
    clone = Exam(created_by_id=getattr(actor, "id", None), cloned_from_id=exam.id)
    try:
        _apply(actor, clone, spec)
        db.session.add(clone)
        db.session.flush()
        if clone.mode == "full":
            sync_full_candidates(clone)
        record(actor, "exam.clone", target=clone, summary=f"复制考试“{exam.title}”为“{clone.title}”", source=exam.id)
        signals.exam_created.send(clone)
    except Exception:
        db.session.rollback()
        raise
    _commit_or_raise()
    return clone


def close_exam(actor, exam: Exam) -> int:
    """Close an exam now: open attempts are submitted with the answers they have. Commits; audited."""
    _require_manager(actor, exam)
    if exam.closed_at is not None:
        return 0
    exam.closed_at = timeutil.now()
    record(actor, "exam.close", target=exam, summary=f"关闭考试“{exam.title}”")
    _commit_or_raise()
    return submit_open_attempts(exam.id, reason="closed")


def _require_manager(actor, exam: Exam) -> None:
    if actor is not None and not can_manage(actor, exam):
        raise ExamError("没有权限管理这场考试。", status=403, code="forbidden")


def _has_attempts(exam: Exam) -> bool:
    return db.session.scalar(sa.select(sa.exists().where(Attempt.exam_id == exam.id)))


# ---------------------------------------------------------------- candidates

def eligible_officers(exam: Exam):
    """Select (officer id, department id, department path) of active officers the exam is for."""
    query = (sa.select(Officer.id, Officer.department_id, Department.path)
             .join(Department, Department.id == Officer.department_id)
             .where(Officer.active.is_(True)))
    if exam.departments:
        query = query.where(sa.or_(*[d.subtree_clause() for d in exam.departments]))
    groups = exam.groups
    if groups:
        query = query.where(sa.or_(
            Officer.political_status.in_(groups),
            Officer.id.in_(sa.select(OfficerTag.officer_id).where(OfficerTag.tag.in_(groups))),
        ))
    return query.order_by(Officer.id)


def sync_full_candidates(exam: Exam) -> int:
    """Make the candidates of a full-staff exam the eligible officers (caller commits)."""
    eligible = {row.id: row.department_id for row in db.session.execute(eligible_officers(exam))}
    current = {c.officer_id: c for c in db.session.scalars(sa.select(Candidate).where(Candidate.exam_id == exam.id))}
    started = set(db.session.scalars(sa.select(Attempt.officer_id).where(Attempt.exam_id == exam.id)))
    for officer_id, candidate in current.items():
        if officer_id not in eligible and officer_id not in started:
            db.session.delete(candidate)
    new = [dict(exam_id=exam.id, officer_id=oid, department_id=dep, source="full", created_at=timeutil.now())
           for oid, dep in eligible.items() if oid not in current]
    if new:
        db.session.execute(sa.insert(Candidate), new)
    db.session.flush()
    return len(new)


def admit_latecomer(officer, exam: Exam) -> bool:
    """Invite an officer who joined the roster after a full-staff exam was created, if eligible (caller commits)."""
    if exam.mode != "full" or exam.makeup_of_id is not None or exam.is_closed:
        return False
    row = db.session.execute(eligible_officers(exam).where(Officer.id == officer.id)).first()
    if row is None:
        return False
    db.session.add(Candidate(exam_id=exam.id, officer_id=officer.id, department_id=row.department_id, source="full"))
    db.session.flush()
    return True


def admit_to_open_exams(officer) -> int:
    """Invite the officer to every open or coming full-staff exam he is eligible for but not yet in. Commits."""
    invited = sa.select(Candidate.exam_id).where(Candidate.officer_id == officer.id)
    exams = db.session.scalars(sa.select(Exam).where(
        Exam.mode == "full", Exam.makeup_of_id.is_(None), Exam.closed_at.is_(None),
        Exam.closes_at > timeutil.now(), Exam.id.not_in(invited)))
    admitted = sum(admit_latecomer(officer, exam) for exam in exams)
    if admitted:
        _commit_or_raise()
    return admitted


def _notify_invited(exam: Exam, officer_ids=None) -> int:
    if officer_ids is None:
        officer_ids = db.session.scalars(sa.select(Candidate.officer_id).where(
            Candidate.exam_id == exam.id, Candidate.replaced_at.is_(None)))
    window = f"{timeutil.format_local(exam.opens_at)} 至 {timeutil.format_local(exam.closes_at)}"
    return notify(list(officer_ids), "exam", f"考试通知：{exam.title}",
                  f"考试时间：{window}，时长{exam.duration_minutes}分钟。", link=f"/exams/{exam.id}",
                  dedupe_key=f"exam-{exam.id}-invite")


def notify_candidates(exam: Exam) -> int:
    """Tell every invited candidate about the exam (once each). Commits; returns how many were told."""
    count = _notify_invited(exam)
    _commit_or_raise()
    return count


@dataclass
class DrawUnit:
    """One department of a draw: who may be drawn and how many will be."""

    department_id: int
    path: str
    officers: list[int] = field(default_factory=list)
    allocated: int = 0

    @property
    def population(self) -> int:
        return len(self.officers)


def _draw_units(exam: Exam, unit_paths=None) -> list[DrawUnit]:
    """Group the eligible officers into the departments a sample is spread over.

    By default these are the exam's departments when it names several, else the
    departments one level below the chosen one (or below the root).
    """
    if unit_paths:
        units = _resolve_departments(None, unit_paths)
    elif len(exam.departments) > 1:
        units = list(exam.departments)
    else:
        parent = exam.departments[0] if exam.departments else db.session.scalar(
            sa.select(Department).where(Department.parent_id.is_(None)).order_by(Department.id))
        units = list(parent.children) if parent is not None and parent.children else ([parent] if parent else [])
        if parent is not None and parent.children:
            units.append(parent)  # officers placed directly in the parent department
    # Each officer belongs to the deepest unit containing him, so a parent listed
    # beside its children takes only the officers placed directly in it.
    units.sort(key=lambda d: -len(d.path))
    by_unit = {d.id: DrawUnit(d.id, d.path) for d in units}
    for row in db.session.execute(eligible_officers(exam)):
        for unit in units:
            if row.path == unit.path or row.path.startswith(unit.path + PATH_SEPARATOR):
                by_unit[unit.id].officers.append(row.id)
                break
    return sorted((u for u in by_unit.values() if u.population or unit_paths), key=lambda u: u.path)


def plan_draw(exam: Exam, size: int | None, allocation: str, fixed: dict | None = None,
              departments=None) -> list[DrawUnit]:
    """Each department's population and allocation for a draw (nothing written)."""
    if exam.mode != "sample":
        raise ExamError("只有随机抽测需要抽取考生。", status=409, code="not_sample")
    if allocation not in ALLOCATION_METHODS:
        raise ExamError("分配方式应为 equal、proportional 或 fixed。")
    units = _draw_units(exam, departments)
    if not units:
        raise ExamError("抽取范围内没有在岗民警。")
    by_path = {u.path: u for u in units}
    try:
        counts = allocate({u.path: u.population for u in units}, size, allocation,
                          {str(k): v for k, v in (fixed or {}).items()})
    except SamplingError as error:
        raise ExamError(str(error)) from error
    for path, count in counts.items():
        by_path[path].allocated = count
    return units


def draw_candidates(actor, exam: Exam, size: int | None, allocation: str = "proportional", seed: int | None = None,
                    fixed: dict | None = None, departments=None, notify_candidates: bool = True) -> Draw:
    """Draw the sample of a mode=sample exam from a recorded seed. Commits; audited.

    Drawing again before anyone starts replaces the previous sample.
    """
    _require_manager(actor, exam)
    if exam.is_closed:
        raise ExamError("考试已结束，不能抽取考生。", status=409, code="exam_closed")
    if _has_attempts(exam):
        raise ExamError("已有考生开始答题，不能重新抽取。", status=409, code="exam_started")
    units = plan_draw(exam, size, allocation, fixed, departments)
    seed = secrets.randbelow(10**9) if seed is None else int(seed)
    sample = draw_sample({u.path: u.officers for u in units}, {u.path: u.allocated for u in units}, seed)
    try:
        db.session.execute(sa.delete(Candidate).where(Candidate.exam_id == exam.id))
        total = sum(u.allocated for u in units)
        draw = Draw(exam_id=exam.id, seed=seed, allocation=allocation, size=total, drawn_by_id=getattr(actor, "id", None),
                    departments=[{"department_id": u.department_id, "department": u.path, "population": u.population,
                                  "allocated": u.allocated} for u in units])
        db.session.add(draw)
        db.session.flush()
        departments_of = dict(db.session.execute(sa.select(Officer.id, Officer.department_id).where(
            Officer.id.in_([oid for ids in sample.values() for oid in ids]))).all())
        rows = [dict(exam_id=exam.id, officer_id=oid, department_id=departments_of[oid], source="drawn",
                     draw_id=draw.id, created_at=timeutil.now()) for ids in sample.values() for oid in ids]
        if rows:
            db.session.execute(sa.insert(Candidate), rows)
        exam.sample_size = total
        record(actor, "exam.draw", target=exam,
               summary=f"为“{exam.title}”随机抽取{total}人（种子{seed}，{allocation}）",
               seed=seed, allocation=allocation, size=total,
               departments={u.path: u.allocated for u in units},
               officers=sorted(oid for ids in sample.values() for oid in ids))
        if notify_candidates:
            _notify_invited(exam, [row["officer_id"] for row in rows])
    except Exception:
        db.session.rollback()
        raise
    _commit_or_raise()
    return draw


def replace_candidate(actor, candidate: Candidate) -> Candidate:
    """Replace an absent (not started) candidate by a random one from the same department. Commits; audited."""
    exam = db.session.get(Exam, candidate.exam_id)
    _require_manager(actor, exam)
    if candidate.replaced_at is not None:
        raise ExamError("该考生已被替换。", status=409, code="already_replaced")
    if exam.is_closed:
        raise ExamError("考试已结束，不能替换考生。", status=409, code="exam_closed")
    if db.session.scalar(sa.select(sa.exists().where(Attempt.exam_id == exam.id,
                                                      Attempt.officer_id == candidate.officer_id))):
        raise ExamError("该考生已开始答题，不能替换。", status=409, code="candidate_started")
    draw = db.session.scalar(sa.select(Draw).where(Draw.exam_id == exam.id).order_by(Draw.id.desc()))
    department = db.session.get(Department, candidate.department_id)
    unit_path = department.path
    if draw is not None:
        matching = [d["department"] for d in draw.departments
                    if department.path == d["department"] or department.path.startswith(d["department"] + PATH_SEPARATOR)]
        if matching:
            unit_path = max(matching, key=len)
    taken = set(db.session.scalars(sa.select(Candidate.officer_id).where(Candidate.exam_id == exam.id)))
    pool = [row.id for row in db.session.execute(eligible_officers(exam))
            if (row.path == unit_path or row.path.startswith(unit_path + PATH_SEPARATOR)) and row.id not in taken]
    chosen = draw_replacement(pool, draw.seed if draw else exam.id, unit_path, f"replace-{candidate.id}")
    if chosen is None:
        raise ExamError(f"“{unit_path}”已没有可替换的在岗民警。", status=409, code="nobody_left")
    officer = db.session.get(Officer, chosen)
    old = candidate.officer
    try:
        substitute = Candidate(exam_id=exam.id, officer_id=officer.id, department_id=officer.department_id,
                               source="replacement", draw_id=candidate.draw_id)
        db.session.add(substitute)
        db.session.flush()
        candidate.replaced_at = timeutil.now()
        candidate.replaced_by_id = substitute.id
        record(actor, "exam.replace", target=exam,
               summary=f"“{exam.title}”考生{old.name}（{old.badge}）缺考，由{officer.name}（{officer.badge}）替补",
               old=old.id, new=officer.id, department=unit_path)
        _notify_invited(exam, [officer.id])
    except Exception:
        db.session.rollback()
        raise
    _commit_or_raise()
    return substitute


# ---------------------------------------------------------------- board, reminders, makeup

def board(exam: Exam) -> dict:
    """Invited / started / submitted / not started, overall and per department (SQL aggregates)."""
    started = (sa.select(Attempt.officer_id, sa.func.max(sa.case((Attempt.submitted_at.is_not(None), 1), else_=0))
                         .label("submitted"))
               .where(Attempt.exam_id == exam.id).group_by(Attempt.officer_id).subquery())
    rows = db.session.execute(
        sa.select(Department.path, sa.func.count(Candidate.id), sa.func.count(started.c.officer_id),
                  sa.func.coalesce(sa.func.sum(started.c.submitted), 0))
        .select_from(Candidate)
        .join(Department, Department.id == Candidate.department_id)
        .outerjoin(started, started.c.officer_id == Candidate.officer_id)
        .where(Candidate.exam_id == exam.id, Candidate.replaced_at.is_(None))
        .group_by(Department.path).order_by(Department.path)
    ).all()
    departments = [{"department": path, "invited": invited, "started": int(begun), "submitted": int(done),
                    "not_started": invited - int(begun)} for path, invited, begun, done in rows]
    totals = {key: sum(d[key] for d in departments) for key in ("invited", "started", "submitted", "not_started")}
    return {**totals, "departments": departments}


def not_started_officer_ids(exam: Exam) -> list[int]:
    """Invited candidates who have not started the exam."""
    return list(db.session.scalars(
        sa.select(Candidate.officer_id).where(
            Candidate.exam_id == exam.id, Candidate.replaced_at.is_(None),
            Candidate.officer_id.not_in(sa.select(Attempt.officer_id).where(Attempt.exam_id == exam.id)))
    ))


def remind_not_started(actor, exam: Exam) -> int:
    """Send an in-app reminder to candidates who have not started (at most once an hour). Commits."""
    _require_manager(actor, exam)
    if exam.is_closed:
        raise ExamError("考试已结束。", status=409, code="exam_closed")
    stamp = timeutil.now().strftime("%Y%m%d%H")
    count = notify(not_started_officer_ids(exam), "reminder", f"请尽快参加考试：{exam.title}",
                   f"考试将于{timeutil.format_local(exam.closes_at)}结束，请及时完成。", link=f"/exams/{exam.id}",
                   dedupe_key=f"exam-{exam.id}-remind-{stamp}")
    record(actor, "exam.remind", target=exam, summary=f"提醒“{exam.title}”未参考人员{count}人", count=count)
    _commit_or_raise()
    return count


def makeup_officer_ids(exam: Exam) -> list[int]:
    """Invited candidates who failed the exam or never submitted it."""
    passed = sa.select(Attempt.officer_id).where(Attempt.exam_id == exam.id, Attempt.passed.is_(True))
    return list(db.session.scalars(
        sa.select(Candidate.officer_id).where(Candidate.exam_id == exam.id, Candidate.replaced_at.is_(None),
                                              Candidate.officer_id.not_in(passed)).order_by(Candidate.officer_id)))


def create_makeup(actor, exam: Exam, opens_at: datetime | None = None, closes_at: datetime | None = None) -> Exam:
    """A makeup exam (补考) for everyone who failed or missed this one. Commits; audited."""
    _require_manager(actor, exam)
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
        _notify_invited(makeup, officer_ids)
        signals.exam_created.send(makeup)
    except Exception:
        db.session.rollback()
        raise
    _commit_or_raise()
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
