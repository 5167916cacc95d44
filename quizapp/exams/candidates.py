"""Candidates: who sits an exam — every eligible officer of the chosen departments (kept
up to date as the roster changes), or a seeded, recorded draw — and replacements.

Each public function is one transaction (or documented as the caller's), called the
same way by pages, the API, the roster's changes and the scheduler.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from .. import timeutil
from ..audit.services import record
from ..extensions import db
from ..notifications.services import notify
from ..roster.models import PATH_SEPARATOR, Department, Officer, OfficerTag
from ..transactions import transaction
from .access import require_manager, resolve_departments
from .errors import ExamError
from .models import ALLOCATIONS, Attempt, Candidate, Draw, Exam
from .queries import has_attempts, latest_attempt, latest_draw
from .sampling import ALLOCATION_METHODS, SamplingError, allocate, draw_replacement, draw_sample


def eligible_officers(exam: Exam):
    """Select (officer id, department id, department path) of the officers the exam is for."""
    return officers_for(exam.departments, exam.groups)


def officers_for(departments, groups):
    """Select (officer id, department id, department path) of those who count as officers (active, not
    service accounts) in these departments' subtrees (none: everyone) of these groups (政治面貌 or tags;
    none: everyone)."""
    query = (sa.select(Officer.id, Officer.department_id, Department.path)
             .join(Department, Department.id == Officer.department_id)
             .where(Officer.counts_as_officer))
    if departments:
        query = query.where(sa.or_(*[d.subtree_clause() for d in departments]))
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
    return _admit(exam, {officer.id}, send_notice=False) == 1


def admit_to_open_exams(officer_ids) -> int:
    """Invite these officers to every open or coming full-staff exam they are eligible for but
    not yet in (caller commits): after the roster changed for them. Returns how many invitations."""
    officer_ids = set(officer_ids)
    if not officer_ids:
        return 0
    admitted = 0
    for exam in db.session.scalars(_admitting_exams()):
        admitted += _admit(exam, officer_ids)
    return admitted


def withdraw_from_open_exams(officer_ids) -> int:
    """Remove these officers from the exams not yet closed that they have not started (caller
    commits): they became service accounts, which are never candidates. Returns how many left."""
    officer_ids = set(officer_ids)
    if not officer_ids:
        return 0
    started = sa.select(Attempt.id).where(Attempt.exam_id == Candidate.exam_id, Attempt.officer_id == Candidate.officer_id)
    open_exams = sa.select(Exam.id).where(~Exam.is_closed)
    return db.session.execute(sa.delete(Candidate).where(
        Candidate.officer_id.in_(officer_ids), Candidate.exam_id.in_(open_exams), ~sa.exists(started),
        Candidate.replaced_by_id.is_(None)).execution_options(synchronize_session=False)).rowcount


def admit_latecomers() -> int:
    """The periodic sweep: invite every eligible officer not yet in an open or coming full-staff
    exam (one the roster change did not reach, e.g. a database edited by hand). Idempotent. Commits."""
    with transaction():
        return sum(_admit(exam) for exam in db.session.scalars(_admitting_exams()).all())


def _admitting_exams():
    """Full-staff exams that still take candidates: not makeups, not closed."""
    return sa.select(Exam).where(Exam.mode == "full", Exam.makeup_of_id.is_(None), Exam.closed_at.is_(None),
                                 Exam.closes_at > timeutil.now()).order_by(Exam.id)


def _admit(exam: Exam, officer_ids: set[int] | None = None, send_notice: bool = True) -> int:
    """Add the eligible officers (of ``officer_ids``, or all) who are not candidates yet (caller commits)."""
    eligible = eligible_officers(exam).where(
        Officer.id.not_in(sa.select(Candidate.officer_id).where(Candidate.exam_id == exam.id)))
    if officer_ids is not None:
        eligible = eligible.where(Officer.id.in_(officer_ids))
    rows = [dict(exam_id=exam.id, officer_id=row.id, department_id=row.department_id, source="full",
                 created_at=timeutil.now()) for row in db.session.execute(eligible)]
    if rows:
        db.session.execute(sa.insert(Candidate), rows)
        if send_notice:
            notify_invited(exam, [row["officer_id"] for row in rows])
    return len(rows)


def notify_invited(exam: Exam, officer_ids=None) -> int:
    """Tell invited candidates (or these officers) about the exam, once each (caller commits)."""
    if officer_ids is None:
        officer_ids = db.session.scalars(sa.select(Candidate.officer_id).where(
            Candidate.exam_id == exam.id, Candidate.replaced_at.is_(None)))
    window = f"{timeutil.format_local(exam.opens_at)} 至 {timeutil.format_local(exam.closes_at)}"
    return notify(list(officer_ids), "exam", f"考试通知：{exam.title}",
                  f"考试时间：{window}，时长{exam.duration_minutes}分钟。", link=f"/exams/{exam.id}",
                  dedupe_key=f"exam-{exam.id}-invite")


def notify_candidates(exam: Exam) -> int:
    """Tell every invited candidate about the exam (once each). Commits; returns how many were told."""
    with transaction():
        return notify_invited(exam)


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
    departments one level below the chosen one; without departments, one level below
    every top-level department (the whole bureau, however many roots it has). A parent
    with children is a unit of its own too, for the officers placed directly in it.
    """
    if unit_paths:
        units = resolve_departments(None, unit_paths)
    elif len(exam.departments) > 1:
        units = list(exam.departments)
    else:
        parents = list(exam.departments) or list(db.session.scalars(
            sa.select(Department).where(Department.parent_id.is_(None)).order_by(Department.id)
            .options(selectinload(Department.children))))
        units = []
        for parent in parents:
            units.extend(parent.children)
            units.append(parent)
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


def draw_departments(exam: Exam) -> list[DrawUnit]:
    """The departments a sample exam's draw is spread over, each with its active officers."""
    if exam.mode != "sample":
        raise ExamError("只有随机抽测需要抽取考生。", status=409, code="not_sample")
    return _draw_units(exam)


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
        where = {"field": error.field, "department": error.department}
        raise ExamError(str(error), **{k: v for k, v in where.items() if v is not None}) from error
    for path, count in counts.items():
        by_path[path].allocated = count
    return units


def draw_candidates(actor, exam: Exam, size: int | None, allocation: str = "proportional", seed: int | None = None,
                    fixed: dict | None = None, departments=None, notify_candidates: bool = True) -> Draw:
    """Draw the sample of a mode=sample exam from a recorded seed. Commits; audited.

    Drawing again before anyone starts replaces the previous sample.
    """
    require_manager(actor, exam)
    if exam.is_closed:
        raise ExamError("考试已结束，不能抽取考生。", status=409, code="exam_closed")
    if has_attempts(exam):
        raise ExamError("已有考生开始答题，不能重新抽取。", status=409, code="exam_started")
    units = plan_draw(exam, size, allocation, fixed, departments)
    seed = secrets.randbelow(10**9) if seed is None else int(seed)
    sample = draw_sample({u.path: u.officers for u in units}, {u.path: u.allocated for u in units}, seed)
    with transaction():
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
               summary=f"为“{exam.title}”随机抽取{total}人（种子{seed}，{ALLOCATIONS.get(allocation, allocation)}）",
               seed=seed, allocation=allocation, size=total,
               departments={u.path: u.allocated for u in units},
               officers=sorted(oid for ids in sample.values() for oid in ids))
        if notify_candidates:
            notify_invited(exam, [row["officer_id"] for row in rows])
    return draw


def replace_candidate(actor, candidate: Candidate) -> Candidate:
    """Replace an absent (not started) candidate by a random one from the same department. Commits; audited."""
    exam = db.session.get(Exam, candidate.exam_id)
    require_manager(actor, exam)
    if candidate.replaced_at is not None:
        raise ExamError("该考生已被替换。", status=409, code="already_replaced")
    if exam.is_closed:
        raise ExamError("考试已结束，不能替换考生。", status=409, code="exam_closed")
    if latest_attempt(candidate.officer_id, exam.id) is not None:
        raise ExamError("该考生已开始答题，不能替换。", status=409, code="candidate_started")
    draw = latest_draw(exam)
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
    with transaction():
        substitute = Candidate(exam_id=exam.id, officer_id=officer.id, department_id=officer.department_id,
                               source="replacement", draw_id=candidate.draw_id)
        db.session.add(substitute)
        db.session.flush()
        candidate.replaced_at = timeutil.now()
        candidate.replaced_by_id = substitute.id
        record(actor, "exam.replace", target=exam,
               summary=f"“{exam.title}”考生{old.name}（{old.badge}）缺考，由{officer.name}（{officer.badge}）替补",
               old=old.id, new=officer.id, department=unit_path)
        notify_invited(exam, [officer.id])
    return substitute
