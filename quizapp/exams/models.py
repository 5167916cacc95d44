"""Exams, their candidates, attempts, papers and answers.

Reports aggregate over these tables:
- ``Candidate`` rows with ``replaced_at IS NULL`` are the invited candidates;
  ``department_id`` is the officer's department when invited (a snapshot).
- ``Attempt`` rows with ``submitted_at IS NOT NULL`` are sat attempts, with
  ``score`` on the exam's scale (``Exam.total_points``) and ``passed``.
- ``PaperItem`` rows are the questions of one attempt's paper, snapshotted, with
  ``earned`` and ``correct`` filled in at grading: per-question statistics are a
  GROUP BY on ``PaperItem.question_id``.
"""
from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import timeutil
from ..extensions import UTCDateTime, db
from ..labels import ALLOCATIONS, CANDIDATE_SOURCES, SHOW_RESULTS, SUBMIT_REASONS
from ..labels import EXAM_MODES as MODES
from ..labels import EXAM_STATUSES as STATUS_LABELS

MAX_START_DELAY_SECONDS = 300


# Lower case without look-alikes (0/o, 1/l/i): a link read off a printed notice is typed right.
LINK_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
LINK_CODE_LENGTH = 6


def new_link_code() -> str:
    """A random short-link code (31^6, about 9·10^8 codes: collisions are negligible)."""
    return "".join(secrets.choice(LINK_ALPHABET) for _ in range(LINK_CODE_LENGTH))


class Exam(db.Model):
    """A test (考试): its paper definition, window and rules."""

    __tablename__ = "exams"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    rules: Mapped[str] = mapped_column(sa.Text, default="")
    mode: Mapped[str] = mapped_column(sa.String(10), default="full")
    pass_mark: Mapped[float] = mapped_column(sa.Float, default=60)
    total_points: Mapped[float] = mapped_column(sa.Float, default=100)
    duration_minutes: Mapped[int] = mapped_column(sa.Integer, default=60)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    attempts_allowed: Mapped[int] = mapped_column(sa.Integer, default=1)
    shuffle_questions: Mapped[bool] = mapped_column(default=True)
    shuffle_options: Mapped[bool] = mapped_column(default=True)
    partial_credit: Mapped[bool] = mapped_column(default=False)
    show_results: Mapped[str] = mapped_column(sa.String(12), default="immediately")
    # Spreads the entry of a very large exam: each candidate may start up to this
    # many seconds after opening (a fixed per-candidate offset).
    start_delay_seconds: Mapped[int] = mapped_column(sa.Integer, default=0)
    # Absences shorter than this are tolerated (not flagged); None: the app setting.
    absence_grace_seconds: Mapped[int | None] = mapped_column(sa.Integer)
    # An online contest (线上竞答): ranked by score, then time used, then submission
    # (quizapp/contests/online.py). ``team_top_n``: departments also rank by the
    # average of their best N; None: by the average of all their participants.
    ranked: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    team_top_n: Mapped[int | None] = mapped_column(sa.Integer)
    # When the contest's points were awarded (once, after it closed); None: not yet.
    contest_points_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last sample drawn (mode=sample); None until drawn.
    sample_size: Mapped[int | None] = mapped_column(sa.Integer)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("officers.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=timeutil.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=timeutil.now, onupdate=timeutil.now)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cloned_from_id: Mapped[int | None] = mapped_column(sa.ForeignKey("exams.id", ondelete="SET NULL"))
    makeup_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("exams.id", ondelete="SET NULL"), index=True)
    # Hooks for schedules: which template/schedule fired this exam, and for which
    # period (unique, so firing twice for one period creates nothing new).
    template_id: Mapped[int | None] = mapped_column(sa.Integer)
    schedule_key: Mapped[str | None] = mapped_column(sa.String(100), unique=True)
    # The code of the exam's short link (/k/<code>) and QR code: fixed at creation, so a
    # notice printed or a link sent in the work group keeps working after any edit.
    link_code: Mapped[str] = mapped_column(sa.String(12), unique=True, default=new_link_code)

    created_by = relationship("Officer", foreign_keys=[created_by_id])
    departments = relationship("Department", secondary="exam_departments", order_by="Department.path")
    group_rows: Mapped[list[ExamGroup]] = relationship(cascade="all, delete-orphan", order_by="ExamGroup.name")
    rules_rows: Mapped[list[BlueprintRule]] = relationship(cascade="all, delete-orphan",
                                                           order_by="BlueprintRule.position")
    fixed_rows: Mapped[list[ExamQuestion]] = relationship(cascade="all, delete-orphan",
                                                          order_by="ExamQuestion.position")
    makeup_of = relationship("Exam", remote_side=[id], foreign_keys=[makeup_of_id])

    __table_args__ = (
        sa.CheckConstraint("mode in ('full', 'sample')", name="mode"),
        sa.CheckConstraint("show_results in ('immediately', 'after_close', 'never')", name="show_results"),
        sa.CheckConstraint("closes_at > opens_at", name="window"),
        sa.CheckConstraint("duration_minutes > 0", name="duration"),
        sa.CheckConstraint("attempts_allowed > 0", name="attempts"),
        sa.CheckConstraint("team_top_n IS NULL OR team_top_n > 0", name="team_top_n"),
    )

    @hybrid_property
    def is_closed(self) -> bool:
        """Closed by hand or past its window."""
        return self.closed_at is not None or self.closes_at <= timeutil.now()

    @is_closed.inplace.expression
    @classmethod
    def _is_closed_expression(cls):
        return sa.or_(cls.closed_at.is_not(None), cls.closes_at <= timeutil.now())

    @hybrid_property
    def is_open(self) -> bool:
        """Within its window and not closed: candidates may sit it."""
        moment = timeutil.now()
        return self.closed_at is None and self.opens_at <= moment < self.closes_at

    @is_open.inplace.expression
    @classmethod
    def _is_open_expression(cls):
        moment = timeutil.now()
        return sa.and_(cls.closed_at.is_(None), cls.opens_at <= moment, cls.closes_at > moment)

    @hybrid_property
    def status(self) -> str:
        """upcoming / open / closed."""
        if self.is_closed:
            return "closed"
        return "open" if self.opens_at <= timeutil.now() else "upcoming"

    @status.inplace.expression
    @classmethod
    def _status_expression(cls):
        return sa.case(
            (sa.or_(cls.closed_at.is_not(None), cls.closes_at <= timeutil.now()), "closed"),
            (cls.opens_at <= timeutil.now(), "open"),
            else_="upcoming",
        )

    @property
    def closed_early(self) -> bool:
        """Closed by an organiser before the end of its window (closed_at says when)."""
        return self.closed_at is not None and self.closed_at < self.closes_at

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def mode_label(self) -> str:
        return MODES.get(self.mode, self.mode)

    @property
    def groups(self) -> list[str]:
        return [g.name for g in self.group_rows]

    @property
    def paper_kind(self) -> str:
        """'blueprint' or 'fixed'."""
        return "blueprint" if self.rules_rows else "fixed"

    @property
    def question_count(self) -> int:
        if self.fixed_rows:
            return len(self.fixed_rows)
        return sum(rule.count for rule in self.rules_rows)

    @property
    def raw_points(self) -> float:
        """The paper's points before normalising to ``total_points``."""
        if self.fixed_rows:
            return sum(row.points for row in self.fixed_rows)
        return sum(rule.count * rule.points for rule in self.rules_rows)

    def results_visible(self) -> bool:
        """Whether candidates may see their score and review now."""
        if self.show_results == "immediately":
            return True
        if self.show_results == "after_close":
            return self.is_closed
        return False

    def __repr__(self) -> str:
        return f"<Exam {self.id} {self.title}>"


# The departments (each with its subtree) an exam is for; none: the whole bureau.
exam_departments = sa.Table(
    "exam_departments",
    db.metadata,
    sa.Column("exam_id", sa.ForeignKey("exams.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("department_id", sa.ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True),
)


class ExamGroup(db.Model):
    """Narrows candidates to officers in a group (政治面貌 or 标签)."""

    __tablename__ = "exam_groups"

    exam_id: Mapped[int] = mapped_column(sa.ForeignKey("exams.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(50), primary_key=True)


class BlueprintRule(db.Model):
    """Draw ``count`` questions of ``type`` (from a bank, optionally a chapter), each worth ``points``."""

    __tablename__ = "exam_blueprint_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(sa.ForeignKey("exams.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(sa.Integer, default=0)
    bank_id: Mapped[int | None] = mapped_column(sa.ForeignKey("question_banks.id", ondelete="SET NULL"))
    type: Mapped[str] = mapped_column(sa.String(16))
    chapter: Mapped[str | None] = mapped_column(sa.String(200))
    count: Mapped[int] = mapped_column(sa.Integer)
    points: Mapped[float] = mapped_column(sa.Float)

    bank = relationship("QuestionBank")

    __table_args__ = (sa.CheckConstraint("count > 0", name="count"), sa.CheckConstraint("points > 0", name="points"))


class ExamQuestion(db.Model):
    """One question of a fixed paper."""

    __tablename__ = "exam_questions"

    exam_id: Mapped[int] = mapped_column(sa.ForeignKey("exams.id", ondelete="CASCADE"), primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(sa.Integer, default=0)
    points: Mapped[float] = mapped_column(sa.Float)

    question = relationship("Question")


class Candidate(db.Model):
    """An officer invited to an exam (all of the chosen departments, or drawn)."""

    __tablename__ = "exam_candidates"

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(sa.ForeignKey("exams.id", ondelete="CASCADE"), index=True)
    officer_id: Mapped[int] = mapped_column(sa.ForeignKey("officers.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id"))
    source: Mapped[str] = mapped_column(sa.String(12), default="full")
    draw_id: Mapped[int | None] = mapped_column(sa.ForeignKey("exam_draws.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=timeutil.now)
    replaced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replaced_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("exam_candidates.id", ondelete="SET NULL"))

    officer = relationship("Officer")
    department = relationship("Department")

    __table_args__ = (sa.UniqueConstraint("exam_id", "officer_id"),)

    @property
    def invited(self) -> bool:
        return self.replaced_at is None


class Draw(db.Model):
    """A recorded random draw of candidates: same seed and roster, same sample."""

    __tablename__ = "exam_draws"

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(sa.ForeignKey("exams.id", ondelete="CASCADE"), index=True)
    seed: Mapped[int] = mapped_column(sa.BigInteger)
    allocation: Mapped[str] = mapped_column(sa.String(12))
    size: Mapped[int] = mapped_column(sa.Integer)
    # [{"department_id", "department", "population", "allocated"}]
    departments: Mapped[list] = mapped_column(sa.JSON, default=list)
    drawn_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("officers.id", ondelete="SET NULL"))
    drawn_at: Mapped[datetime] = mapped_column(UTCDateTime, default=timeutil.now)

    drawn_by = relationship("Officer")


class Attempt(db.Model):
    """One sitting (答卷) of an exam by an officer, with its own paper."""

    __tablename__ = "exam_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(sa.ForeignKey("exams.id", ondelete="CASCADE"), index=True)
    officer_id: Mapped[int] = mapped_column(sa.ForeignKey("officers.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(sa.Integer, default=1)
    paper_seed: Mapped[int] = mapped_column(sa.BigInteger)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submit_reason: Mapped[str | None] = mapped_column(sa.String(10))
    score: Mapped[float | None] = mapped_column(sa.Float)
    passed: Mapped[bool | None] = mapped_column()

    exam: Mapped[Exam] = relationship()
    officer = relationship("Officer")
    items: Mapped[list[PaperItem]] = relationship(order_by="PaperItem.position", cascade="all, delete-orphan",
                                                  passive_deletes=True)

    __table_args__ = (
        sa.UniqueConstraint("exam_id", "officer_id", "number"),
        sa.Index("ix_exam_attempts_open_deadline", "submitted_at", "deadline"),
    )

    @hybrid_property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    @is_submitted.inplace.expression
    @classmethod
    def _is_submitted_expression(cls):
        return cls.submitted_at.is_not(None)

    def remaining_seconds(self, moment: datetime | None = None) -> int:
        """Whole seconds until the deadline (0 once past or submitted)."""
        if self.submitted_at is not None:
            return 0
        moment = moment or timeutil.now()
        return max(0, int((self.deadline - moment).total_seconds()))


class PaperItem(db.Model):
    """A question on one attempt's paper: a snapshot, so later edits change nothing.

    ``options`` are in the order shown, relabelled A, B, … ; ``option_map`` maps a
    shown key to the question's original key; ``key`` is in shown keys.
    """

    __tablename__ = "exam_paper_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("exam_attempts.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(sa.Integer)
    # No foreign key: the snapshot outlives the bank question.
    question_id: Mapped[int] = mapped_column(sa.Integer, index=True)
    type: Mapped[str] = mapped_column(sa.String(16))
    stem: Mapped[str] = mapped_column(sa.Text)
    options: Mapped[list] = mapped_column(sa.JSON, default=list)
    option_map: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    key: Mapped[object] = mapped_column(sa.JSON)
    explanation: Mapped[str] = mapped_column(sa.Text, default="")
    points: Mapped[float] = mapped_column(sa.Float)
    earned: Mapped[float | None] = mapped_column(sa.Float)
    correct: Mapped[bool | None] = mapped_column()

    __table_args__ = (sa.UniqueConstraint("attempt_id", "question_id"),)


class Answer(db.Model):
    """The latest answer to one paper question; written by upsert, later ``seq`` wins."""

    __tablename__ = "exam_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("exam_attempts.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(sa.Integer)
    answer: Mapped[object | None] = mapped_column(sa.JSON)
    seq: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (sa.UniqueConstraint("attempt_id", "question_id"),)


class Absence(db.Model):
    """A time the exam page was hidden (tab or app switch), for the organiser's review."""

    __tablename__ = "exam_absences"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("exam_attempts.id", ondelete="CASCADE"), index=True)
    left_at: Mapped[datetime] = mapped_column(UTCDateTime)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    seconds: Mapped[int] = mapped_column(sa.Integer, default=0)
    tolerated: Mapped[bool] = mapped_column(default=True)
