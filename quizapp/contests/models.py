"""Live contests (现场竞赛): the contest and its rounds, the questions snapshotted into it,
the officers who joined, their stakes and answers, score corrections and the join log.

The contest row is the one shared truth of where the hall is: ``phase`` and
``current_position`` say what the screen and the phones show, and ``version`` grows
with every change phones must see (a host action, a 抢答 taken), so a phone asking
"anything new since version N?" is answered from this row alone.

Scores are derived, never kept as running totals: an officer's score is the sum of
``LiveAnswer.points`` (set when the question is settled) and ``LiveCorrection.points``.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import timeutil
from ..extensions import UTCDateTime, db
from ..labels import CONTEST_STATUSES as STATUSES
from ..labels import ROUND_KINDS, TEAM_SCORING

PHASES = {
    "lobby": "等待开始",
    "ready": "准备出题",
    "staking": "选择分值",
    "shown": "读题",
    "open": "作答中",
    "closed": "作答结束",
    "revealed": "公布答案",
    "leaderboard": "排行榜",
    "podium": "比赛结束",
}
RISK_STAKES = (10, 20, 30)
# Choice questions only: an officer answers with big buttons, not a keyboard.
LIVE_TYPES = ("single", "multiple", "judge")


class LiveContest(db.Model):
    """A contest in a hall: host console, big screen and phones."""

    __tablename__ = "live_contests"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    # Six digits typed on a phone; unique among contests that have not finished.
    code: Mapped[str] = mapped_column(sa.String(6), index=True)
    # Opens the big-screen page without a login.
    screen_token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    team_scoring: Mapped[str] = mapped_column(sa.String(10), default="sum")
    status: Mapped[str] = mapped_column(sa.String(10), default="lobby")
    phase: Mapped[str] = mapped_column(sa.String(12), default="lobby")
    current_position: Mapped[int | None] = mapped_column(sa.Integer)
    version: Mapped[int] = mapped_column(sa.BigInteger, default=1)
    # Grows when scores change (a question settled, a correction): phones then ask for theirs.
    scores_version: Mapped[int] = mapped_column(sa.Integer, default=0)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("officers.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=timeutil.now)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    points_awarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_by = relationship("Officer")
    rounds: Mapped[list[LiveRound]] = relationship(cascade="all, delete-orphan", order_by="LiveRound.position",
                                                   passive_deletes=True)
    questions: Mapped[list[LiveQuestion]] = relationship(cascade="all, delete-orphan",
                                                         order_by="LiveQuestion.position", passive_deletes=True)

    __table_args__ = (
        sa.CheckConstraint("team_scoring in ('sum', 'average')", name="team_scoring"),
        sa.CheckConstraint("status in ('lobby', 'running', 'finished')", name="status"),
    )

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)

    @property
    def phase_label(self) -> str:
        return PHASES.get(self.phase, self.phase)

    @property
    def team_scoring_label(self) -> str:
        return TEAM_SCORING.get(self.team_scoring, self.team_scoring)


class LiveRound(db.Model):
    """A round (必答 / 抢答 / 风险) with its points and time per question."""

    __tablename__ = "live_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(sa.ForeignKey("live_contests.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(sa.Integer)
    kind: Mapped[str] = mapped_column(sa.String(10))
    points: Mapped[int] = mapped_column(sa.Integer)
    seconds: Mapped[int] = mapped_column(sa.Integer)
    # 抢答: what a wrong buzz costs.
    penalty: Mapped[int] = mapped_column(sa.Integer, default=0)

    __table_args__ = (
        sa.CheckConstraint("kind in ('required', 'buzz', 'risk')", name="kind"),
        sa.CheckConstraint("seconds > 0", name="seconds"),
        sa.CheckConstraint("points >= 0 and penalty >= 0", name="points"),
    )

    @property
    def label(self) -> str:
        return ROUND_KINDS[self.kind]


class LiveQuestion(db.Model):
    """A question of the contest, snapshotted from its bank, with the times of its life."""

    __tablename__ = "live_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(sa.ForeignKey("live_contests.id", ondelete="CASCADE"))
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("live_rounds.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(sa.Integer)  # 0-based, across all rounds
    question_id: Mapped[int | None] = mapped_column(sa.Integer)  # the bank question (no FK: the snapshot outlives it)
    type: Mapped[str] = mapped_column(sa.String(16))
    stem: Mapped[str] = mapped_column(sa.Text)
    options: Mapped[list] = mapped_column(sa.JSON, default=list)
    key: Mapped[object] = mapped_column(sa.JSON)
    explanation: Mapped[str] = mapped_column(sa.Text, default="")
    shown_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Answers count when received before min(deadline, closed_at, taken_at); a pause
    # during answering moves the deadline on by its length at the resume.
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # 抢答: when the earliest right answer so far was received (answers after it are too late).
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Pauses while answering was open, as [start, end] in epoch milliseconds.
    pauses: Mapped[list] = mapped_column(sa.JSON, default=list)
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    round: Mapped[LiveRound] = relationship()

    __table_args__ = (sa.UniqueConstraint("contest_id", "position"),)


class LiveParticipant(db.Model):
    """An officer who joined; his department at joining is his team."""

    __tablename__ = "live_participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(sa.ForeignKey("live_contests.id", ondelete="CASCADE"))
    officer_id: Mapped[int] = mapped_column(sa.ForeignKey("officers.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id"))
    team: Mapped[str] = mapped_column(sa.String(100))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=timeutil.now)

    officer = relationship("Officer")

    __table_args__ = (sa.UniqueConstraint("contest_id", "officer_id"),)


class LiveJoin(db.Model):
    """Every join and rejoin (a reload, a lost connection), for the record."""

    __tablename__ = "live_joins"

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(sa.ForeignKey("live_contests.id", ondelete="CASCADE"), index=True)
    officer_id: Mapped[int] = mapped_column(sa.ForeignKey("officers.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    rejoin: Mapped[bool] = mapped_column(default=False)
    # Where the contest stood: the question position, None in the lobby.
    position: Mapped[int | None] = mapped_column(sa.Integer)
    address: Mapped[str | None] = mapped_column(sa.String(64))


class LiveStake(db.Model):
    """风险题: the stake an officer chose before the question was shown."""

    __tablename__ = "live_stakes"

    question_id: Mapped[int] = mapped_column(sa.ForeignKey("live_questions.id", ondelete="CASCADE"),
                                             primary_key=True)
    officer_id: Mapped[int] = mapped_column(sa.ForeignKey("officers.id", ondelete="CASCADE"), primary_key=True)
    stake: Mapped[int] = mapped_column(sa.Integer)
    chosen_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (sa.CheckConstraint("stake in (10, 20, 30)", name="stake"),)


class LiveAnswer(db.Model):
    """One officer's one answer to a question, stamped with the server's time of receipt.

    ``elapsed_ms`` is the answering time (receipt − opening − pauses); ``points`` and
    ``correct`` are filled in when the question is settled (抢答: the winner is known
    only then).
    """

    __tablename__ = "live_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(sa.ForeignKey("live_contests.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("live_questions.id", ondelete="CASCADE"))
    officer_id: Mapped[int] = mapped_column(sa.ForeignKey("officers.id", ondelete="CASCADE"), index=True)
    answer: Mapped[object] = mapped_column(sa.JSON)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    elapsed_ms: Mapped[int] = mapped_column(sa.Integer)
    correct: Mapped[bool | None] = mapped_column()
    points: Mapped[float] = mapped_column(sa.Float, default=0)

    __table_args__ = (sa.UniqueConstraint("question_id", "officer_id"),)


class LiveCorrection(db.Model):
    """A host's correction of an officer's score, with its reason (also in the audit log)."""

    __tablename__ = "live_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(sa.ForeignKey("live_contests.id", ondelete="CASCADE"), index=True)
    officer_id: Mapped[int] = mapped_column(sa.ForeignKey("officers.id", ondelete="CASCADE"))
    points: Mapped[float] = mapped_column(sa.Float)
    reason: Mapped[str] = mapped_column(sa.String(300))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("officers.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=timeutil.now)

    officer = relationship("Officer", foreign_keys=[officer_id])
    actor = relationship("Officer", foreign_keys=[actor_id])
