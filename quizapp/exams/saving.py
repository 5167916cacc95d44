"""Saving one answer: the hottest request of an exam day.

Every save runs on one connection in autocommit, with no BEGIN or COMMIT round trips
(on SQLite the write commits itself instead: ``_save_connection`` says why).
The usual save is a single statement: an INSERT … ON CONFLICT that writes the answer
only if the caller's token or login session is live and owns the attempt, the
attempt is within its deadline plus the network grace, and the question's paper
item is still ungraded, under a FOR SHARE lock on that item. ``submit_attempt``
locks the attempt's items FOR NO KEY UPDATE before it reads the answers, so a save
either commits before the grading reads (and is graded) or waits for the submit and
then finds its item graded (and writes nothing: 409). "earned IS NULL" is that test
because ``submit_attempt`` grades every item in the transaction that submits.

What the checks before the write need and which never changes once an attempt has
started — its officer, deadline and paper seed, each question's type and option
letters — is kept per process (``PAPERS``), loaded with the caller check in one query
the first time a process sees the attempt. The write itself re-checks the owner, the
paper seed and the deadline against the database, so a stale entry can never let a
save through nor keep one out.

The save fails closed. Anything but a clean write is explained by ``_refusal``, which
reads everything afresh, in the order a caller should learn it (401, 404, 403, 409,
404 question, 422), or names a ``Refusal`` that is nobody's fault; and a write that
changed nothing is taken for success only when the stored answer's seq is at least
the requested one. Otherwise the caller gets an error, never "saved".
"""
from __future__ import annotations

import enum
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from .. import timeutil
from ..auth.models import ApiToken, LoginSession
from ..auth.services import live_session_clauses, live_token_clauses
from ..banks.types import QUESTION_TYPES, AnswerError
from ..extensions import db
from ..roster.models import Officer
from ..write_turns import write_turn
from .attempts import network_grace, submit_overdue
from .errors import ExamError
from .models import Answer, Attempt, PaperItem

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Paper:
    """An attempt's facts that never change once it has started."""

    officer_id: int
    deadline: datetime
    paper_seed: int
    items: dict[int, tuple[str, str]]  # question id -> (type, option letters)


class PaperCache:
    """The papers this process has seen, least recently used first out."""

    def __init__(self, capacity: int = 4096):
        self.capacity = capacity
        self._papers: OrderedDict[int, Paper] = OrderedDict()
        self._lock = threading.Lock()
        # (type, letters) pairs repeat across every paper: keep one copy of each.
        self._shapes: dict[tuple[str, str], tuple[str, str]] = {}

    def get(self, attempt_id: int) -> Paper | None:
        with self._lock:
            paper = self._papers.get(attempt_id)
            if paper is not None:
                self._papers.move_to_end(attempt_id)
            return paper

    def put(self, attempt_id: int, paper: Paper) -> None:
        with self._lock:
            items = {question_id: self._shapes.setdefault(shape, shape) for question_id, shape in paper.items.items()}
            self._papers[attempt_id] = Paper(paper.officer_id, paper.deadline, paper.paper_seed, items)
            self._papers.move_to_end(attempt_id)
            while len(self._papers) > self.capacity:
                self._papers.popitem(last=False)

    def discard(self, attempt_id: int) -> None:
        with self._lock:
            self._papers.pop(attempt_id, None)

    def clear(self) -> None:
        with self._lock:
            self._papers.clear()


PAPERS = PaperCache()


# ---------------------------------------------------------------- one save

@dataclass(frozen=True)
class AnswerSave:
    """One save request: the caller's credential, the attempt and question, the answer and its seq."""

    attempt_id: int
    question_id: int
    answer: object
    seq: int
    now: datetime
    officer_id: int | None = None  # a caller already known
    token_hash: str | None = None  # the SHA-256 of a bearer token
    login_session: tuple[str, int] | None = None  # (session id, officer id) from the cookie

    @property
    def credential(self) -> str:
        """Which caller check the statements carry: "token", "session" or "officer"."""
        if self.token_hash is not None:
            return "token"
        if self.login_session is not None:
            return "session"
        return "officer"

    def parameters(self) -> dict:
        """The bind parameters every statement of this save shares."""
        values = {"attempt_id": self.attempt_id, "question_id": self.question_id, "now": self.now}
        if self.token_hash is not None:
            values["token_hash"] = self.token_hash
        elif self.login_session is not None:
            values["session_id"], values["session_officer_id"] = self.login_session
        else:
            values["caller_officer_id"] = self.officer_id
        return values


class Refusal(enum.Enum):
    """Why a save wrote nothing when the caller did nothing wrong."""

    PAST_DEADLINE = "past the deadline plus the network grace: submit the attempt, refuse the save"
    STALE_PAPER = "the cached paper disagrees with the database: drop it and try again"
    SEQ_NOT_NEWER = "an answer with this seq or a later one is stored: nothing to do"


NOT_SAVED_MESSAGE = "本次答案未能保存，请重试；之前已保存的答案不会丢失。"


# ---------------------------------------------------------------- statements

class _DriverStatement:
    """A statement compiled once for a dialect and run as the driver's own SQL.

    SQLAlchemy caches a statement's compiled form, but still computes its cache key (a
    walk over the whole INSERT … SELECT with its subqueries) and sets up an execution
    context on every execution: a sixth of an answer save's CPU. Here the SQL text and
    each parameter's type conversion are taken from one compilation; an execution only
    converts the values and hands text and values to the driver."""

    def __init__(self, statement, dialect):
        compiled = statement.compile(dialect=dialect)
        self.sql = compiled.string
        self.positions = tuple(compiled.positiontup) if compiled.positional else None
        self.processors = {}
        for name, bind in compiled.binds.items():
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                self.processors[name] = processor

    def execute(self, connection: sa.Connection, values: dict) -> sa.CursorResult:
        """Run with ``values`` (bind name -> Python value), converted as SQLAlchemy would."""
        processors = self.processors
        converted = {name: processors[name](value) if name in processors else value for name, value in values.items()}
        if self.positions is not None:
            return connection.exec_driver_sql(self.sql, tuple(converted[name] for name in self.positions))
        return connection.exec_driver_sql(self.sql, converted)


@dataclass(frozen=True)
class _Statements:
    caller: sa.Select  # the live caller's officer id, or NULL
    paper: sa.Select  # the attempt, its items and the caller, for the cache
    lookup: sa.Select  # the attempt, one item, its stored seq and the caller, for explaining a refusal
    upsert: _DriverStatement


_STATEMENTS: dict[tuple[str, str, str], _Statements] = {}


def _statements(dialect, credential: str) -> _Statements:
    """Built once per dialect and credential ("token", "session" or "officer", see AnswerSave)."""
    key = (dialect.name, dialect.driver, credential)
    if key not in _STATEMENTS:
        caller = _caller_select(credential)
        caller_id = caller.scalar_subquery()
        attempt_id = sa.bindparam("attempt_id", type_=sa.Integer)
        question_id = sa.bindparam("question_id", type_=sa.Integer)
        paper = (sa.select(Attempt.officer_id, Attempt.deadline, Attempt.paper_seed, Attempt.submitted_at,
                           PaperItem.question_id, PaperItem.type, PaperItem.options, caller_id.label("caller_id"))
                 .outerjoin(PaperItem, PaperItem.attempt_id == Attempt.id)
                 .where(Attempt.id == attempt_id))
        lookup = (sa.select(Attempt.officer_id, Attempt.deadline, Attempt.paper_seed, Attempt.submitted_at,
                            PaperItem.type, PaperItem.options, Answer.seq.label("stored_seq"),
                            caller_id.label("caller_id"))
                  .outerjoin(PaperItem, sa.and_(PaperItem.attempt_id == Attempt.id,
                                                PaperItem.question_id == question_id))
                  .outerjoin(Answer, sa.and_(Answer.attempt_id == Attempt.id, Answer.question_id == question_id))
                  .where(Attempt.id == attempt_id))
        # The deadline is checked here as well as before the write: the database's deadline
        # rules, whatever a process's cached paper says.
        owned = sa.exists().where(Attempt.id == attempt_id,
                                  Attempt.paper_seed == sa.bindparam("paper_seed", type_=sa.BigInteger),
                                  Attempt.officer_id == caller_id,
                                  Attempt.deadline >= sa.bindparam("deadline_not_before",
                                                                   type_=Attempt.__table__.c.deadline.type))
        values = (sa.select(attempt_id, question_id, sa.bindparam("answer", type_=sa.JSON),
                            sa.bindparam("seq", type_=sa.BigInteger),
                            sa.bindparam("saved_at", type_=Answer.__table__.c.saved_at.type))
                  .select_from(PaperItem)
                  .where(PaperItem.attempt_id == attempt_id, PaperItem.question_id == question_id,
                         PaperItem.earned.is_(None), owned)
                  .with_for_update(read=True, of=PaperItem))  # FOR SHARE; SQLite has one writer anyway
        insert = postgresql.insert if dialect.name == "postgresql" else sqlite.insert
        upsert = insert(Answer.__table__).from_select(["attempt_id", "question_id", "answer", "seq", "saved_at"],
                                                      values)
        upsert = upsert.on_conflict_do_update(
            index_elements=["attempt_id", "question_id"],
            set_={"answer": upsert.excluded.answer, "seq": upsert.excluded.seq, "saved_at": upsert.excluded.saved_at},
            where=upsert.excluded.seq > Answer.__table__.c.seq,
        ).returning(Answer.__table__.c.seq)  # rowcount is not reliable for INSERT … SELECT on psycopg
        _STATEMENTS[key] = _Statements(sa.select(caller_id), paper, lookup, _DriverStatement(upsert, dialect))
    return _STATEMENTS[key]


def _caller_select(credential: str) -> sa.Select:
    now = sa.bindparam("now", type_=ApiToken.__table__.c.expires_at.type)
    if credential == "token":
        return (sa.select(ApiToken.officer_id).join(Officer, Officer.id == ApiToken.officer_id)
                .where(*live_token_clauses(sa.bindparam("token_hash", type_=sa.String), now)))
    if credential == "session":
        return (sa.select(LoginSession.officer_id).join(Officer, Officer.id == LoginSession.officer_id)
                .where(*live_session_clauses(sa.bindparam("session_id", type_=sa.String),
                                             sa.bindparam("session_officer_id", type_=sa.Integer), now)))
    return sa.select(sa.bindparam("caller_officer_id", type_=sa.Integer))


# ---------------------------------------------------------------- the service

def save_caller_id(token_hash: str | None = None, login_session: tuple[str, int] | None = None,
                   now: datetime | None = None) -> int | None:
    """The active officer behind a live bearer token (by its SHA-256) or login session
    (session id, officer id), without loading him; None when it is not live."""
    probe = AnswerSave(0, 0, None, 0, now or timeutil.now(), token_hash=token_hash, login_session=login_session)
    statements = _statements(db.session.get_bind().dialect, probe.credential)
    return db.session.scalar(statements.caller, probe.parameters())


def save_answer(officer_id: int | None, attempt_id: int, question_id: int, answer, seq: int,
                now: datetime | None = None, token_hash: str | None = None,
                login_session: tuple[str, int] | None = None) -> datetime:
    """Save one answer (idempotent; a larger ``seq`` wins); returns the save time.

    The caller is ``officer_id``, or the officer of the bearer token whose SHA-256 is
    ``token_hash``, or of the login session ``(session id, officer id)`` from the cookie;
    token and session are checked by the save's own statements (401 when not live).
    Refused with 409 once submitted or past the deadline plus the network grace
    (and the overdue attempt is then submitted). Returns only once the answer, or a
    later one, is stored: otherwise raises (500, ``not_saved``).
    """
    if isinstance(seq, bool) or not isinstance(seq, int) or not 0 <= seq < 2**62:
        raise ExamError("seq 应为非负整数。", status=422, code="invalid_seq")
    save = AnswerSave(attempt_id, question_id, answer, seq, now or timeutil.now(), officer_id, token_hash,
                      login_session)
    parameters = save.parameters()
    for _ in range(2):  # a second pass only after dropping a stale cached paper
        with _save_connection() as connection:
            statements = _statements(connection.dialect, save.credential)
            paper = PAPERS.get(attempt_id) or _load_paper(connection, statements, parameters)
            if _write(connection, statements, parameters, paper, save):
                return save.now
            refusal = _refusal(connection, statements, parameters, save, paper)
        if refusal is Refusal.SEQ_NOT_NEWER:
            return save.now
        if refusal is Refusal.PAST_DEADLINE:
            submit_overdue(attempt_id, now=save.now)
            raise ExamError("考试时间已到，答卷已自动提交。", status=409, code="deadline_passed")
    log.error("answer save wrote nothing twice for a stale paper: attempt %s question %s", attempt_id, question_id)
    raise ExamError(NOT_SAVED_MESSAGE, status=500, code="not_saved")


def _save_connection() -> sa.Connection:
    """The connection a save runs on: in autocommit on PostgreSQL, so that no BEGIN or COMMIT
    round trip is added to the statements. Not on SQLite: a connection switched to
    autocommit is switched back when it returns to the pool, by a PRAGMA that expires every
    statement SQLite has prepared on it, so each save's upsert was compiled afresh (half
    the CPU of a save). There the driver runs reads outside any transaction, as in
    autocommit, and opens one for the write, which _write commits at once."""
    engine = db.engine
    if engine.dialect.name == "sqlite":
        return engine.connect()
    return engine.connect().execution_options(isolation_level="AUTOCOMMIT")


def _write(connection, statements: _Statements, parameters: dict, paper: Paper | None, save: AnswerSave) -> bool:
    """The single-statement save; False when it wrote nothing or was not even tried."""
    shape = paper.items.get(save.question_id) if paper else None
    if shape is None or save.now > paper.deadline + network_grace():
        return False
    try:
        stored = _stored_answer(shape, save.answer)
    except ExamError:
        return False  # _refusal says so, after the caller has been checked
    with write_turn(connection):
        written = statements.upsert.execute(connection, {
            **parameters, "answer": stored, "seq": save.seq, "saved_at": save.now, "paper_seed": paper.paper_seed,
            "deadline_not_before": save.now - network_grace()}).first() is not None
        connection.commit()  # SQLite's write transaction, inside the write turn; nothing to do in autocommit
        return written


def _load_paper(connection, statements: _Statements, parameters: dict) -> Paper | None:
    """The attempt's paper, cached when the caller owns it; None when he does not, it does not
    exist or it is submitted (_refusal then says which)."""
    rows = connection.execute(statements.paper, parameters).all()
    first = rows[0] if rows else None
    if first is None or first.caller_id is None or first.caller_id != first.officer_id or first.submitted_at:
        return None
    paper = Paper(first.officer_id, first.deadline, first.paper_seed,
                  {row.question_id: (row.type, _letters(row.options)) for row in rows if row.question_id is not None})
    PAPERS.put(parameters["attempt_id"], paper)
    return paper


def _letters(options) -> str:
    """A question's option letters as one string ("ABCD"; "" for judge and fill)."""
    return "".join(option["key"] for option in options or ())


def _stored_answer(shape: tuple[str, str], answer):
    """The answer in its stored form, None when blank; ExamError 422 for a wrong shape."""
    qtype = QUESTION_TYPES[shape[0]]
    if answer is None or qtype.is_blank(answer):
        return None
    try:
        return qtype.parse_answer(answer, [{"key": letter} for letter in shape[1]])
    except AnswerError as error:
        raise ExamError(str(error), status=422, code="invalid_answer") from error


def _refusal(connection, statements: _Statements, parameters: dict, save: AnswerSave,
             paper: Paper | None) -> Refusal:
    """Why a save wrote nothing, read afresh: raises the ExamError a caller should see, or names
    the Refusal that is nobody's fault. With no reason found it raises 500 ``not_saved``: a
    save is never reported as stored when it is not."""
    row = connection.execute(statements.lookup, parameters).first()
    officer_id = row.caller_id if row is not None else connection.execute(statements.caller, parameters).scalar()
    if officer_id is None:
        raise ExamError("请先登录或提供有效的令牌。", status=401, code="unauthorized")
    if row is None:
        raise ExamError("答卷不存在。", status=404, code="not_found")
    if row.officer_id != officer_id:
        raise ExamError("这不是您的答卷。", status=403, code="forbidden")
    if row.submitted_at is not None:
        PAPERS.discard(save.attempt_id)
        raise ExamError("答卷已提交，不能再修改。", status=409, code="submitted")
    if save.now > row.deadline + network_grace():
        PAPERS.discard(save.attempt_id)
        return Refusal.PAST_DEADLINE
    if row.type is None:
        raise ExamError("这道题不在您的试卷中。", status=404, code="question_not_found")
    _stored_answer((row.type, _letters(row.options)), save.answer)  # raises 422
    if paper is not None and (paper.paper_seed, paper.deadline) != (row.paper_seed, row.deadline):
        PAPERS.discard(save.attempt_id)
        return Refusal.STALE_PAPER
    if row.stored_seq is not None and row.stored_seq >= save.seq:
        return Refusal.SEQ_NOT_NEWER
    log.error("answer save wrote nothing and found no reason: attempt %s question %s seq %s (stored %s)",
              save.attempt_id, save.question_id, save.seq, row.stored_seq)
    raise ExamError(NOT_SAVED_MESSAGE, status=500, code="not_saved")
