"""What the phones, the big screen and the host console are shown, as small JSON documents.

Phones poll one document per contest with a conditional request: its ETag is the
contest's ``version``, read by one primary-key query on an autocommit connection, so
the usual answer is a cheap 304. The document itself is the same for every phone and
built once per process and version (the cache is keyed by the version read from the
database, so it is never stale and several processes or servers agree). What is an
officer's own (his answer, points and place) is a second, small document fetched only
when ``scores_version`` moves or after his own actions.

Fairness: the question's content is in the document only from "shown" on, and its key
only once revealed; standings count revealed questions only.
"""
from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from .. import timeutil
from ..banks.types import TYPE_LABELS
from ..extensions import db
from ..roster.models import Officer
from . import live_rules
from .models import (PHASES, ROUND_KINDS, LiveAnswer, LiveContest, LiveCorrection, LiveParticipant, LiveQuestion,
                     LiveRound, LiveStake)
from .ranking import Placed, Result, TeamStanding, rank_individuals, rank_teams

CONTENT_PHASES = ("shown", "open", "closed", "revealed")
# How often phones poll, by phase (the document tells them): often while the next step
# decides what everyone sees at once (the question shown, answering opened), seldom
# while answering runs or results are up. bench/README.md has the measurements.
FAST_POLL_MS = 500
MEDIUM_POLL_MS = 1000
SLOW_POLL_MS = 1500
FAST_PHASES = ("ready", "staking")  # the show is next: it must reach every phone within a second
MEDIUM_PHASES = ("shown",)  # the opening is next: phones learn it before it happens (OPEN_LEAD)
STANDINGS_PHASES = ("revealed", "leaderboard", "podium")
TOP = 10


class VersionedCache:
    """Values built for an immutable key (a contest at a version), least recently used out."""

    def __init__(self, capacity: int = 256):
        self.capacity = capacity
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


PUBLIC_DOCS = VersionedCache()
STANDINGS = VersionedCache(64)


def clear_caches() -> None:
    """Forget the built documents (tests empty the tables between cases)."""
    PUBLIC_DOCS.clear()
    STANDINGS.clear()


def epoch_ms(moment: datetime | None) -> int | None:
    return None if moment is None else int(moment.timestamp() * 1000)


# ---------------------------------------------------------------- versions (the hot read)

_VERSION = (sa.select(LiveContest.version, LiveContest.screen_token)
            .where(LiveContest.id == sa.bindparam("contest_id", type_=sa.Integer)))


def read_version(contest_id: int) -> tuple[int, str] | None:
    """The contest's version (and an instance mark for cache keys), in one query on an
    autocommit connection; None when there is no such contest."""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        row = connection.execute(_VERSION, {"contest_id": contest_id}).first()
    return None if row is None else (row.version, row.screen_token[:8])


# ---------------------------------------------------------------- standings

@dataclass(frozen=True)
class Standings:
    """Published standings: individuals placed, teams ranked."""

    individuals: list[Placed]
    teams: list[TeamStanding]

    def place_of(self, officer_id: int) -> Placed | None:
        return next((p for p in self.individuals if p.result.person == officer_id), None)

    def team_of(self, team: str) -> TeamStanding | None:
        return next((t for t in self.teams if t.team == team), None)


def standings(contest: LiveContest) -> Standings:
    """Scores of revealed questions plus corrections, placed by score, answering time and
    last answer; teams by the sum or average of their members. Cached per scores version."""
    key = (contest.id, contest.screen_token, contest.scores_version)
    cached = STANDINGS.get(key)
    if cached is not None:
        return cached
    answered = (sa.select(LiveAnswer.officer_id, sa.func.sum(LiveAnswer.points).label("points"),
                          sa.func.sum(LiveAnswer.elapsed_ms).label("elapsed"),
                          sa.func.max(LiveAnswer.received_at).label("last"))
                .join(LiveQuestion, LiveQuestion.id == LiveAnswer.question_id)
                .where(LiveAnswer.contest_id == contest.id, LiveQuestion.revealed_at.is_not(None))
                .group_by(LiveAnswer.officer_id).subquery())
    corrected = (sa.select(LiveCorrection.officer_id, sa.func.sum(LiveCorrection.points).label("points"))
                 .where(LiveCorrection.contest_id == contest.id).group_by(LiveCorrection.officer_id).subquery())
    rows = db.session.execute(
        sa.select(LiveParticipant.officer_id, LiveParticipant.team, LiveParticipant.joined_at, Officer.name,
                  Officer.badge, answered.c.points, answered.c.elapsed, answered.c.last,
                  corrected.c.points.label("corrections"))
        .join(Officer, Officer.id == LiveParticipant.officer_id)
        .outerjoin(answered, answered.c.officer_id == LiveParticipant.officer_id)
        .outerjoin(corrected, corrected.c.officer_id == LiveParticipant.officer_id)
        .where(LiveParticipant.contest_id == contest.id)).all()
    results = [Result(person=row.officer_id, score=round((row.points or 0) + (row.corrections or 0), 1),
                      seconds=round((row.elapsed or 0) / 1000, 3), submitted_at=row.last or row.joined_at,
                      team=row.team, extra={"name": row.name, "badge": row.badge})
               for row in rows]
    table = Standings(rank_individuals(results), rank_teams(results, method=contest.team_scoring))
    STANDINGS.put(key, table)
    return table


def individual_row(placed: Placed) -> dict:
    return {"rank": placed.rank, "badge": placed.badge, "name": placed.result.extra["name"],
            "team": placed.result.team, "score": placed.result.score}


def team_row(team: TeamStanding) -> dict:
    return {"rank": team.rank, "team": team.team, "members": team.participants, "score": team.score or 0}


# ---------------------------------------------------------------- documents

def phone_options(question: LiveQuestion) -> list[dict]:
    """The options as buttons: judge questions get 正确 / 错误."""
    if question.type == "judge":
        return [{"key": "true", "text": "正确"}, {"key": "false", "text": "错误"}]
    return [{"key": o["key"], "text": o["text"]} for o in question.options or []]


def phone_key(question: LiveQuestion):
    """The key in the options' terms: "B", ["A", "C"], or "true" / "false"."""
    if question.type == "judge":
        return "true" if question.key else "false"
    return question.key


def key_label(question: LiveQuestion) -> str:
    if question.type == "judge":
        return "正确" if question.key else "错误"
    return "".join(question.key) if isinstance(question.key, list) else str(question.key)


def taken_at(question: LiveQuestion) -> datetime | None:
    """抢答: when the earliest right answer was received."""
    return db.session.scalar(sa.select(sa.func.min(LiveAnswer.received_at)).where(
        LiveAnswer.question_id == question.id, LiveAnswer.correct.is_(True)))


def contest_question(contest: LiveContest) -> LiveQuestion | None:
    if contest.current_position is None:
        return None
    # populate_existing: a session that loaded this row before must not show its old times.
    return db.session.scalar(sa.select(LiveQuestion).where(
        LiveQuestion.contest_id == contest.id, LiveQuestion.position == contest.current_position)
        .execution_options(populate_existing=True))


def poll_interval(phase: str) -> int:
    """How often phones should ask in this phase (ms)."""
    if phase in FAST_PHASES:
        return FAST_POLL_MS
    return MEDIUM_POLL_MS if phase in MEDIUM_PHASES else SLOW_POLL_MS


def public_doc(contest: LiveContest) -> dict:
    """The document every phone gets: phase, round, and the question once shown."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(LiveQuestion)
                              .where(LiveQuestion.contest_id == contest.id)) or 0
    doc = {"v": contest.version, "title": contest.title, "status": contest.status, "phase": contest.phase,
           "phase_label": PHASES[contest.phase], "paused": contest.paused_at is not None, "total": total,
           "scores_version": contest.scores_version,
           "poll_ms": poll_interval(contest.phase)}
    question = contest_question(contest)
    if question is not None:
        doc.update(_question_part(contest, question))
    if contest.phase == "podium":
        doc["podium"] = [individual_row(p) for p in standings(contest).individuals if p.rank <= 3]
    return doc


def _question_part(contest: LiveContest, question: LiveQuestion) -> dict:
    live_round = question.round
    part = {"position": question.position, "number": question.position + 1,
            "round": {"kind": live_round.kind, "label": ROUND_KINDS[live_round.kind], "points": live_round.points,
                      "seconds": live_round.seconds, "penalty": live_round.penalty}}
    if contest.phase in CONTENT_PHASES:
        part["question"] = {"type": question.type, "type_label": TYPE_LABELS[question.type], "stem": question.stem,
                            "options": phone_options(question)}
    if question.opened_at is not None and contest.phase in ("open", "closed", "revealed"):
        part["opens_ms"] = epoch_ms(question.opened_at)
        part["deadline_ms"] = epoch_ms(question.closed_at or question.deadline)
        if contest.paused_at is not None and contest.phase == "open":
            part["remaining_ms"] = max(0, epoch_ms(question.deadline) - epoch_ms(contest.paused_at))
    if live_round.kind == "buzz" and contest.phase == "open":
        part["taken"] = taken_at(question) is not None
    if question.revealed_at is not None and contest.phase in ("revealed", "leaderboard"):
        part["key"] = phone_key(question)
        part["key_label"] = key_label(question)
        part["explanation"] = question.explanation
    return part


def public_doc_for(contest_id: int, version_mark: tuple[int, str]) -> tuple[dict, bytes] | None:
    """The phones' document at this version and its JSON, built once per process."""
    key = (contest_id, version_mark[1], version_mark[0])
    built = PUBLIC_DOCS.get(key)
    if built is None:
        contest = db.session.get(LiveContest, contest_id, populate_existing=True)
        if contest is None:
            return None
        doc = public_doc(contest)
        built = (doc, json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode())
        PUBLIC_DOCS.put((contest_id, contest.screen_token[:8], doc["v"]), built)
    return built


def personal_doc(contest: LiveContest, officer_id: int) -> dict:
    """An officer's own view: his team, his answer (and stake) to the current question,
    and his points and place in the published standings."""
    participant = db.session.scalar(sa.select(LiveParticipant).where(
        LiveParticipant.contest_id == contest.id, LiveParticipant.officer_id == officer_id))
    doc = {"joined": participant is not None, "scores_version": contest.scores_version}
    if participant is None:
        return doc
    doc["team"] = participant.team
    question = contest_question(contest)
    if question is not None:
        mine = db.session.execute(sa.select(LiveAnswer.answer, LiveAnswer.points, LiveAnswer.correct).where(
            LiveAnswer.question_id == question.id, LiveAnswer.officer_id == officer_id)).first()
        stake = db.session.scalar(sa.select(LiveStake.stake).where(
            LiveStake.question_id == question.id, LiveStake.officer_id == officer_id))
        doc["position"] = question.position
        doc["stake"] = stake
        if mine is not None:
            doc["answer"] = phone_answer(mine.answer)
            if question.revealed_at is not None:
                doc["correct"] = bool(mine.correct)
                doc["points"] = mine.points
    table = standings(contest)
    placed = table.place_of(officer_id)
    team = table.team_of(participant.team)
    doc["score"] = placed.result.score if placed else 0
    doc["rank"] = placed.rank if placed else None
    doc["of"] = len(table.individuals)
    doc["team_rank"] = team.rank if team else None
    doc["team_score"] = team.score if team else None
    doc["teams"] = len(table.teams)
    return doc


def phone_answer(answer):
    """A stored answer in the buttons' terms (judge: "true" / "false")."""
    if isinstance(answer, bool):
        return "true" if answer else "false"
    return answer


# ---------------------------------------------------------------- big screen and host

_SCREEN_MARK = (
    sa.select(LiveContest.id, LiveContest.version, LiveContest.phase, LiveQuestion.id.label("question_id"),
              LiveQuestion.deadline, LiveQuestion.closed_at,
              sa.select(sa.func.count()).select_from(LiveParticipant)
              .where(LiveParticipant.contest_id == LiveContest.id).scalar_subquery().label("joined"),
              sa.select(sa.func.count()).select_from(LiveAnswer)
              .where(LiveAnswer.question_id == LiveQuestion.id).scalar_subquery().label("answered"))
    .outerjoin(LiveQuestion, sa.and_(LiveQuestion.contest_id == LiveContest.id,
                                     LiveQuestion.position == LiveContest.current_position))
)


def screen_mark(contest_id: int | None = None, screen_token: str | None = None, now: datetime | None = None):
    """What the big screen's document depends on, in one query: (contest id, ETag), or None."""
    query = _SCREEN_MARK.where(LiveContest.id == contest_id) if contest_id is not None \
        else _SCREEN_MARK.where(LiveContest.screen_token == screen_token)
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        row = connection.execute(query).first()
    if row is None:
        return None
    now = now or timeutil.now()
    time_up = row.phase == "open" and row.deadline is not None and now >= row.deadline
    return row.id, f'"{row.version}-{row.joined}-{row.answered or 0}-{int(time_up)}"'


def screen_doc(contest: LiveContest, now: datetime | None = None) -> dict:
    """The big screen: the phones' document plus counts, distribution, standings and podium."""
    now = now or timeutil.now()
    doc = public_doc(contest)
    doc["code"] = contest.code
    teams = db.session.execute(
        sa.select(LiveParticipant.team, sa.func.count()).where(LiveParticipant.contest_id == contest.id)
        .group_by(LiveParticipant.team).order_by(sa.func.count().desc(), LiveParticipant.team)).all()
    doc["joined"] = sum(count for _team, count in teams)
    doc["joined_teams"] = [{"team": team, "count": count} for team, count in teams]
    question = contest_question(contest)
    if question is not None:
        answers = db.session.execute(sa.select(LiveAnswer.answer).where(LiveAnswer.question_id == question.id)
                                     ).scalars().all()
        doc["answered"] = len(answers)
        doc["time_up"] = contest.phase == "open" and question.deadline is not None and now >= question.deadline
        if contest.phase in ("closed", "revealed") or doc["time_up"]:
            keys = [o["key"] for o in phone_options(question)]
            doc["distribution"] = live_rules.distribution(keys, [phone_answer(a) for a in answers])
        if contest.phase == "staking":
            doc["staked"] = db.session.scalar(sa.select(sa.func.count()).select_from(LiveStake)
                                              .where(LiveStake.question_id == question.id))
        if question.revealed_at is not None and contest.phase == "revealed":
            doc["result"] = question_result(question)
    if contest.phase in STANDINGS_PHASES:
        table = standings(contest)
        doc["top"] = [individual_row(p) for p in table.individuals[:TOP]]
        doc["teams"] = [team_row(t) for t in table.teams]
    if contest.phase == "podium":
        from .live_export import summary_sentence

        doc["summary"] = summary_sentence(contest, standings(contest))
    return doc


def question_result(question: LiveQuestion) -> dict:
    """After the reveal: how many were right, and who won the 抢答 or answered right fastest."""
    rows = db.session.execute(
        sa.select(Officer.name, LiveParticipant.team, LiveAnswer.correct, LiveAnswer.points, LiveAnswer.elapsed_ms)
        .join(Officer, Officer.id == LiveAnswer.officer_id)
        .join(LiveParticipant, sa.and_(LiveParticipant.officer_id == LiveAnswer.officer_id,
                                       LiveParticipant.contest_id == LiveAnswer.contest_id))
        .where(LiveAnswer.question_id == question.id)
        .order_by(LiveAnswer.received_at, LiveAnswer.id)).all()
    right = [row for row in rows if row.correct]
    result = {"answered": len(rows), "right": len(right)}
    if question.round.kind == "buzz":
        winner = next((row for row in right if row.points > 0), None)
        result["winner"] = {"name": winner.name, "team": winner.team, "points": winner.points} if winner else None
        result["wrong_buzzes"] = [{"name": row.name, "team": row.team, "points": row.points}
                                  for row in rows if not row.correct and row.points < 0]
    elif right:
        fastest = min(right, key=lambda row: row.elapsed_ms)
        result["fastest"] = {"name": fastest.name, "team": fastest.team, "seconds": round(fastest.elapsed_ms / 1000, 1)}
    return result


def host_doc(contest: LiveContest, now: datetime | None = None) -> dict:
    """The host console: the screen's document, the key at all times, the next steps,
    the questions, the answers to the current question in order of receipt."""
    now = now or timeutil.now()
    doc = screen_doc(contest, now)
    total = doc["total"]
    position = contest.current_position if contest.current_position is not None else -1
    doc["actions"] = [{"action": action, "label": live_rules.ACTIONS[action][0]} for action in
                      live_rules.allowed_actions(contest.phase, contest.status, contest.paused_at is not None,
                                                 position + 1 < total)]
    question = contest_question(contest)
    if question is not None:
        doc["host_key"] = key_label(question)
        doc["host_question"] = {"stem": question.stem, "options": phone_options(question),
                                "explanation": question.explanation}
        received = db.session.execute(
            sa.select(Officer.name, Officer.badge, LiveParticipant.team, LiveAnswer.answer, LiveAnswer.correct,
                      LiveAnswer.received_at, LiveAnswer.elapsed_ms, LiveAnswer.points)
            .join(Officer, Officer.id == LiveAnswer.officer_id)
            .join(LiveParticipant, sa.and_(LiveParticipant.officer_id == LiveAnswer.officer_id,
                                           LiveParticipant.contest_id == LiveAnswer.contest_id))
            .where(LiveAnswer.question_id == question.id)
            .order_by(LiveAnswer.received_at, LiveAnswer.id).limit(20)).all()
        doc["first_answers"] = [
            {"name": r.name, "badge": r.badge, "team": r.team, "answer": _answer_label(phone_answer(r.answer)),
             "correct": bool(r.correct), "seconds": round(r.elapsed_ms / 1000, 2),
             "points": r.points if question.settled_at else None} for r in received]
    table = standings(contest)
    doc["top"] = [individual_row(p) for p in table.individuals[:TOP]]
    doc["teams"] = [team_row(t) for t in table.teams]
    return doc


def _answer_label(answer) -> str:
    if answer == "true":
        return "正确"
    if answer == "false":
        return "错误"
    return "".join(answer) if isinstance(answer, list) else str(answer)


def question_list(contest_id: int) -> list[dict]:
    """The contest's questions with their rounds, for the host's overview."""
    rows = db.session.execute(
        sa.select(LiveQuestion.position, LiveQuestion.stem, LiveQuestion.type, LiveRound.kind, LiveRound.points,
                  LiveQuestion.revealed_at)
        .join(LiveRound, LiveRound.id == LiveQuestion.round_id)
        .where(LiveQuestion.contest_id == contest_id).order_by(LiveQuestion.position)).all()
    return [{"number": r.position + 1, "stem": r.stem, "type_label": TYPE_LABELS[r.type],
             "round": ROUND_KINDS[r.kind], "points": r.points, "done": r.revealed_at is not None} for r in rows]
