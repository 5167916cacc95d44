"""Schedule use cases: define, pause, fire (idempotently) and watch the scheduler."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from .. import timeutil
from ..audit.services import record
from ..errors import DomainError
from ..extensions import db
from ..labels import ISO_WEEKDAYS
from .lock import LEASE_NAME
from .models import Schedule, ScheduleFiring, SchedulerLease
from .rules import CalendarRule, RuleError, due_firing, next_firings, period_fields, period_key

log = logging.getLogger("quizapp.scheduler")


class ScheduleError(DomainError):
    """A schedule change refused, with a Chinese message."""


@dataclass
class ScheduleInput:
    """What an organiser sets on a schedule (validated values)."""

    name: str
    template: dict
    month: str = "1,4,7,10"
    day: str = "1st mon"
    day_of_week: str = "*"
    hour: int = 9
    minute: int = 0
    open_days: int = 7

    @classmethod
    def of(cls, schedule: Schedule) -> ScheduleInput:
        """What a stored schedule holds, as the form and the API set it."""
        return cls(schedule.name, schedule.template, schedule.month, schedule.day, schedule.day_of_week,
                   schedule.hour, schedule.minute, schedule.open_days)

    def rule(self) -> CalendarRule:
        return CalendarRule(self.month, self.day, self.day_of_week, self.hour, self.minute, self.open_days,
                            timeutil.local_zone().key)


@dataclass(frozen=True)
class Problem:
    """One problem of a schedule, with the form field it belongs to (an exam document's field name,
    or ``name``, ``draw.size``, ``rule``, ``open_days``)."""

    field: str
    message: str

    def as_dict(self) -> dict:
        return {"field": self.field, "message": self.message}


def schedule_problems(values: ScheduleInput, actor) -> list[Problem]:
    """Every reason the schedule cannot be saved, at once: its rule, and its template checked exactly
    as creating the exam of its next period would check it (banks, types, chapters, counts, points)."""
    problems = []
    if not values.name.strip():
        problems.append(Problem("name", "请填写计划名称。"))
    if not 1 <= values.open_days <= 90:
        problems.append(Problem("open_days", "开放天数应在1到90之间。"))
    try:
        upcoming = next_firings(values.rule(), timeutil.now(), count=1)
    except RuleError as error:
        problems.append(Problem("rule", str(error)))
        upcoming = None
    else:
        if not upcoming:
            problems.append(Problem("rule", "该日历规则今后不会再触发。"))
    template = values.template
    if not isinstance(template, dict):
        return problems + [Problem("", "考试模板应为 JSON 对象。")]
    if template.get("mode") == "sample":
        size = (template.get("draw") or {}).get("size")
        if not isinstance(size, int) or isinstance(size, bool) or size <= 0:
            problems.append(Problem("draw.size", "随机抽测需要填写抽取人数（正整数）。"))
    moment = upcoming[0] if upcoming else timeutil.now()
    open_days = values.open_days if 1 <= values.open_days <= 90 else 7  # its own problem is told above
    problems += [Problem(p["field"], p["message"]) for p in template_problems(template, moment, open_days, actor)]
    return problems


def template_problems(template: dict, fire_time: datetime, open_days: int, actor=None) -> list[dict]:
    """What would refuse the exam a template makes at ``fire_time`` ({"field", "message"}), checked as
    creating it checks; none when it would be created."""
    from ..exams.definitions import check_exam
    from ..exams.errors import ExamError

    problems = []
    try:
        str(template.get("title", "")).format(**period_fields(fire_time))
    except (KeyError, IndexError, ValueError):
        problems.append({"field": "title", "message": TITLE_PLACEHOLDERS})
        template = {**template, "title": "—"}  # so that the rest is checked too
    try:
        check_exam(actor, exam_spec(template, fire_time, open_days, check=False))
    except ScheduleError as error:
        problems += error.extra.get("errors") or [{"field": error.extra.get("field", "title"), "message": error.message}]
    except ExamError as error:
        problems += error.extra.get("errors") or [{"field": "departments", "message": error.message}]
    return problems


def schedule_health(schedule: Schedule, now: datetime | None = None) -> list[str]:
    """Why a schedule's next firing would fail today (a bank renamed, deleted or emptied since it was
    saved), as messages for its page and the organisers' home page; none when it would work."""
    return [p["message"] for p in schedule_health_problems(schedule, now)]


def schedule_health_problems(schedule: Schedule, now: datetime | None = None) -> list[dict]:
    """schedule_health's problems with the field each belongs to ({"field", "message"}), for the
    edit page to show beside its fields."""
    try:
        upcoming = next_firings(schedule.rule(), now or timeutil.now(), count=1)
    except RuleError as error:
        return [{"field": "rule", "message": str(error)}]
    if not upcoming:
        return []
    return template_problems(schedule.template, upcoming[0], schedule.open_days)


def schedules_needing_attention(schedules=None) -> list[tuple[Schedule, list[str]]]:
    """Active schedules (of ``schedules`` when given, else all) whose next firing would fail, with the reasons."""
    if schedules is None:
        schedules = db.session.scalars(sa.select(Schedule).order_by(Schedule.id))
    found = []
    for schedule in (s for s in schedules if not s.paused):
        problems = schedule_health(schedule)
        if problems:
            found.append((schedule, problems))
    return found


def _check(values: ScheduleInput, actor) -> None:
    """Refuse an unusable schedule before anything is saved, with every problem (``extra["errors"]``)."""
    problems = schedule_problems(values, actor)
    if problems:
        raise ScheduleError("".join(dict.fromkeys(p.message for p in problems)),
                            errors=[p.as_dict() for p in problems])


def create_schedule(values: ScheduleInput, actor) -> Schedule:
    """Create a schedule. Commits."""
    _check(values, actor)
    schedule = Schedule(created_by_id=getattr(actor, "id", None))
    _apply(schedule, values)
    db.session.add(schedule)
    db.session.flush()
    record(actor, "schedule.create", target=schedule, summary=f"创建定时计划“{schedule.name}”：{schedule.rule().describe()}")
    db.session.commit()
    return schedule


def update_schedule(schedule: Schedule, values: ScheduleInput, actor) -> Schedule:
    """Change a schedule's template or rule (periods already fired stay fired). Commits."""
    _check(values, actor)
    _apply(schedule, values)
    schedule.updated_at = timeutil.now()
    record(actor, "schedule.update", target=schedule, summary=f"修改定时计划“{schedule.name}”：{schedule.rule().describe()}")
    db.session.commit()
    return schedule


def _apply(schedule: Schedule, values: ScheduleInput) -> None:
    schedule.name = values.name.strip()
    schedule.template = values.template
    schedule.month, schedule.day, schedule.day_of_week = values.month, values.day, values.day_of_week
    schedule.hour, schedule.minute, schedule.open_days = values.hour, values.minute, values.open_days


def set_paused(schedule: Schedule, paused: bool, actor) -> Schedule:
    """Pause or resume a schedule. Commits."""
    schedule.paused = paused
    schedule.updated_at = timeutil.now()
    record(actor, "schedule.pause" if paused else "schedule.resume", target=schedule,
           summary=f"{'暂停' if paused else '恢复'}定时计划“{schedule.name}”")
    db.session.commit()
    return schedule


@dataclass(frozen=True)
class Firing:
    """One coming fire time as the preview shows it."""

    moment: datetime
    weekday: str  # 周一 … 周日
    weekend: bool


@dataclass(frozen=True)
class ExamPreview:
    """The exam a schedule would create at its next firing."""

    title: str
    questions: int
    points: float  # the paper's points before scaling to the total
    total_points: float
    opens_at: datetime
    closes_at: datetime


def preview_schedule(values: ScheduleInput, count: int = 6) -> tuple[list[Firing], ExamPreview | None]:
    """The next fire times (with Chinese weekdays; weekends flagged) and the exam the first would
    create (None when the rule never fires or the template cannot make one)."""
    try:
        moments = next_firings(values.rule(), timeutil.now(), count=count)
    except RuleError:
        return [], None
    zone = timeutil.local_zone()
    firings = []
    for moment in moments:
        day = moment.astimezone(zone).weekday()
        firings.append(Firing(moment, ISO_WEEKDAYS[day + 1], day >= 5))
    if not moments:
        return firings, None
    try:
        spec = exam_spec(values.template, moments[0], values.open_days, check=False)
    except DomainError:
        return firings, None
    questions = sum(rule.count for rule in spec.blueprint) + len(spec.questions)
    points = sum(rule.count * rule.points for rule in spec.blueprint) + len(spec.questions) * spec.question_points
    return firings, ExamPreview(spec.title, questions, points, spec.total_points, spec.opens_at, spec.closes_at)


def preview(schedule_or_rule, count: int = 4, after: datetime | None = None) -> list[datetime]:
    """The next fire times of a schedule (or a rule)."""
    rule = schedule_or_rule.rule() if isinstance(schedule_or_rule, Schedule) else schedule_or_rule
    return next_firings(rule, after or timeutil.now(), count)


# ---------------------------------------------------------------- firing

def fire_due_schedules(now: datetime | None = None) -> list[ScheduleFiring]:
    """Scheduler sweep: fire every active schedule whose period is due and not yet fired.

    Catches up a period missed while the scheduler was down, as long as the
    period's exam window is still open.
    """
    now = now or timeutil.now()
    fired = []
    for schedule in db.session.scalars(sa.select(Schedule).where(Schedule.paused.is_(False)).order_by(Schedule.id)):
        try:
            moment = due_firing(schedule.rule(), now, not_before=schedule.created_at)
        except RuleError:
            log.warning("schedule %s has an invalid rule", schedule.id)
            continue
        if moment is None:
            continue
        firing = fire_schedule(schedule, moment)
        if firing is not None:
            fired.append(firing)
    return fired


def fire_schedule(schedule: Schedule, fire_time: datetime) -> ScheduleFiring | None:
    """Create the period's exam (draw, notify) once; None when the period was already fired.

    The firing row is claimed first under its unique (schedule, period) key, so
    two firings of one period — a retry, a restart, a second process — create
    one exam. A failure is recorded on the firing for the organiser to see. A
    claim left pending by a process that died mid-way is taken over after
    STALE_PENDING; the exam's schedule_key makes that retry create nothing twice.
    """
    zone = timeutil.local_zone().key
    period = period_key(fire_time, zone)
    schedule_id = schedule.id
    firing_id = _claim_period(schedule_id, period, fire_time)
    if firing_id is None:
        return None
    try:
        exam = create_exam_from_template(schedule, fire_time, period)
    except Exception as error:  # the exams service refused (e.g. a bank too small) or broke
        db.session.rollback()
        firing = db.session.get(ScheduleFiring, firing_id)
        firing.status = "failed"
        firing.error = str(getattr(error, "message", None) or error)[:2000]
        record(None, "schedule.fire_failed", target=firing.schedule,
               summary=f"定时计划“{firing.schedule.name}”在{period}未能创建考试：{firing.error}")
        db.session.commit()
        log.warning("schedule %s period %s failed: %s", schedule_id, period, firing.error)
        return firing
    firing = db.session.get(ScheduleFiring, firing_id)
    firing.exam_id = exam.id
    firing.status = "created"
    record(None, "schedule.fire", target=firing.schedule,
           summary=f"定时计划“{firing.schedule.name}”创建考试“{exam.title}”（{period}）")
    db.session.commit()
    return firing


STALE_PENDING = timedelta(minutes=10)


def _claim_period(schedule_id: int, period: str, fire_time: datetime) -> int | None:
    """Claim a period for firing (commits); the firing's id, or None when fired or being fired."""
    now = timeutil.now()
    existing = db.session.execute(sa.select(ScheduleFiring.id, ScheduleFiring.status, ScheduleFiring.fired_at).where(
        ScheduleFiring.schedule_id == schedule_id, ScheduleFiring.period == period)).first()
    if existing is not None:
        if existing.status != "pending" or existing.fired_at > now - STALE_PENDING:
            return None
        claimed = db.session.execute(
            sa.update(ScheduleFiring)
            .where(ScheduleFiring.id == existing.id, ScheduleFiring.status == "pending",
                   ScheduleFiring.fired_at == existing.fired_at)
            .values(fired_at=now).execution_options(synchronize_session=False)).rowcount
        db.session.commit()
        return existing.id if claimed else None
    firing = ScheduleFiring(schedule_id=schedule_id, period=period, fire_time=fire_time, status="pending", fired_at=now)
    db.session.add(firing)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return firing.id


TITLE_PLACEHOLDERS = "标题中只能使用 {year}、{quarter}、{month}、{date} 占位符。"


def exam_spec(template: dict, fire_time: datetime, open_days: int, *, check: bool = True):
    """The exams area's ExamSpec for one period of a template: an exam document (the POST
    /api/v1/exams shape) without its window, plus ``draw`` for a random sample. ``check=False``
    leaves the values' checks to ``check_exam``, which tells them with the database's own."""
    from ..exams.errors import ExamError
    from ..exams.spec import ExamSpec

    window = sorted({"opens_at", "closes_at"} & set(template))
    if window:
        raise ScheduleError(f"考试模板不能含 {'、'.join(window)}：开放时间由日历规则和开放天数决定。", field="rule")
    document = {key: value for key, value in template.items() if key != "draw"}
    try:
        title = str(template.get("title", "")).format(**period_fields(fire_time, timeutil.local_zone().key))
    except (KeyError, IndexError, ValueError):
        raise ScheduleError(TITLE_PLACEHOLDERS, field="title") from None
    try:
        return ExamSpec.from_document(document, title=title, opens_at=fire_time, check=check,
                                      closes_at=fire_time + timedelta(days=open_days))
    except ExamError as error:
        raise ScheduleError(f"考试模板有误：{error.message}", **error.extra) from error


def create_exam_from_template(schedule: Schedule, fire_time: datetime, period: str):
    """Create the period's exam and, for mode=sample, draw it, through the exams services.

    The exams services notify the candidates (on creation for mode=full, on the draw
    for mode=sample). The exam's schedule_key makes a repeated call return the same exam.
    """
    from ..exams.candidates import draw_candidates
    from ..exams.definitions import create_exam

    spec = exam_spec(schedule.template, fire_time, schedule.open_days)
    exam = create_exam(None, spec, schedule_key=f"schedule:{schedule.id}:{period}", template_id=schedule.id)
    if exam.mode == "sample" and not exam.sample_size:
        draw = schedule.template.get("draw") or {}
        draw_candidates(None, exam, size=draw.get("size"), allocation=draw.get("allocation", "proportional"),
                              seed=draw.get("seed"), fixed=draw.get("fixed"), departments=draw.get("departments"))
    return exam


# ---------------------------------------------------------------- health

@dataclass(frozen=True)
class SchedulerHealth:
    """Whether the scheduler is alive, for the admin banner."""

    alive: bool
    heartbeat_at: datetime | None
    holder: str | None


def scheduler_health(now: datetime | None = None) -> SchedulerHealth:
    """Alive when the heartbeat is younger than three heartbeat intervals."""
    now = now or timeutil.now()
    lease = db.session.get(SchedulerLease, LEASE_NAME)
    if lease is None:
        return SchedulerHealth(False, None, None)
    from .runner import heartbeat_seconds

    interval = heartbeat_seconds(current_app)
    alive = lease.expires_at > now and now - lease.heartbeat_at < timedelta(seconds=3 * interval + 5)
    return SchedulerHealth(alive, lease.heartbeat_at, lease.holder)
