"""Saving one answer: the hottest request of an exam day.

Every save runs on one autocommit connection, with no BEGIN or COMMIT round trips.
The usual save is a single statement: an INSERT … ON CONFLICT that writes the answer
only if the caller's token or login session is live and owns the attempt, and the
question's paper item is still ungraded, under a FOR SHARE lock on that item.
``submit_attempt`` locks the attempt's items FOR NO KEY UPDATE before it reads the
answers, so a save either commits before the grading reads (and is graded) or waits
for the submit and then finds its item graded (and writes nothing: 409). "earned IS
NULL" is that test because ``submit_attempt`` grades every item in the transaction
that submits.

What the checks before the write need and which never changes once an attempt has
started — its officer, deadline and paper seed, each question's type and option
letters — is kept per process (``PAPERS``), loaded with the caller check in one query
the first time a process sees the attempt. The write itself re-checks the owner and
the paper seed against the database, so a stale entry can never let a save through.
Anything but a clean write (refused, stale seq, submitted, past the deadline, a wrong
answer shape) is explained by ``_refusal``, which reads everything afresh, in the
order a caller should learn it: 401, 404, 403, 409, 404 question, 422.
"""
from __future__ import annotations

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
from .errors import ExamError
from .models import Answer, Attempt, PaperItem
from .taking import network_grace, submit_attempt


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


# ---------------------------------------------------------------- statements

@dataclass(frozen=True)
class _Statements:
    caller: sa.Select  # the live caller's officer id, or NULL
    paper: sa.Select  # the attempt, its items and the caller, for the cache
    lookup: sa.Select  # the attempt, one item and the caller, for explaining a refusal
    upsert: sa.Insert


_STATEMENTS: dict[tuple[str, str], _Statements] = {}


def _statements(dialect: str, credential: str) -> _Statements:
    """Built once per dialect and credential: "token", "session", or "officer" when the
    caller is already known (``caller_officer_id``)."""
    key = (dialect, credential)
    if key not in _STATEMENTS:
        caller = _caller_select(credential)
        caller_id = caller.scalar_subquery()
        paper = (sa.select(Attempt.officer_id, Attempt.deadline, Attempt.paper_seed, Attempt.submitted_at,
                           PaperItem.question_id, PaperItem.type, PaperItem.options, caller_id.label("caller_id"))
                 .outerjoin(PaperItem, PaperItem.attempt_id == Attempt.id)
                 .where(Attempt.id == sa.bindparam("attempt_id", type_=sa.Integer)))
        lookup = (sa.select(Attempt.officer_id, Attempt.deadline, Attempt.paper_seed, Attempt.submitted_at,
                            PaperItem.type, PaperItem.options, caller_id.label("caller_id"))
                  .outerjoin(PaperItem, sa.and_(PaperItem.attempt_id == Attempt.id,
                                                PaperItem.question_id == sa.bindparam("question_id",
                                                                                      type_=sa.Integer)))
                  .where(Attempt.id == sa.bindparam("attempt_id", type_=sa.Integer)))
        owned = sa.exists().where(Attempt.id == sa.bindparam("attempt_id", type_=sa.Integer),
                                  Attempt.paper_seed == sa.bindparam("paper_seed", type_=sa.BigInteger),
                                  Attempt.officer_id == caller_id)
        values = (sa.select(sa.bindparam("attempt_id", type_=sa.Integer), sa.bindparam("question_id", type_=sa.Integer),
                            sa.bindparam("answer", type_=sa.JSON), sa.bindparam("seq", type_=sa.BigInteger),
                            sa.bindparam("saved_at", type_=Answer.__table__.c.saved_at.type))
                  .select_from(PaperItem)
                  .where(PaperItem.attempt_id == sa.bindparam("attempt_id", type_=sa.Integer),
                         PaperItem.question_id == sa.bindparam("question_id", type_=sa.Integer),
                         PaperItem.earned.is_(None), owned)
                  .with_for_update(read=True, of=PaperItem))  # FOR SHARE; SQLite has one writer anyway
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        upsert = insert(Answer.__table__).from_select(["attempt_id", "question_id", "answer", "seq", "saved_at"],
                                                      values)
        upsert = upsert.on_conflict_do_update(
            index_elements=["attempt_id", "question_id"],
            set_={"answer": upsert.excluded.answer, "seq": upsert.excluded.seq, "saved_at": upsert.excluded.saved_at},
            where=upsert.excluded.seq > Answer.__table__.c.seq,
        ).returning(Answer.__table__.c.seq)  # rowcount is not reliable for INSERT … SELECT on psycopg
        _STATEMENTS[key] = _Statements(sa.select(caller_id), paper, lookup, upsert)
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


def _credential(officer_id, token_hash, login_session) -> tuple[str, dict]:
    if token_hash is not None:
        return "token", {"token_hash": token_hash}
    if login_session is not None:
        return "session", {"session_id": login_session[0], "session_officer_id": login_session[1]}
    return "officer", {"caller_officer_id": officer_id}


# ---------------------------------------------------------------- the service

def save_caller_id(token_hash: str | None = None, login_session: tuple[str, int] | None = None,
                   now: datetime | None = None) -> int | None:
    """The active officer behind a live bearer token (by its SHA-256) or login session
    (session id, officer id), without loading him; None when it is not live."""
    credential, params = _credential(None, token_hash, login_session)
    statements = _statements(db.session.get_bind().dialect.name, credential)
    return db.session.scalar(statements.caller, {**params, "now": now or timeutil.now()})


def save_answer(officer_id: int | None, attempt_id: int, question_id: int, answer, seq: int,
                now: datetime | None = None, token_hash: str | None = None,
                login_session: tuple[str, int] | None = None) -> datetime:
    """Save one answer (idempotent; a larger ``seq`` wins); returns the save time.

    The caller is ``officer_id``, or the officer of the bearer token whose SHA-256 is
    ``token_hash``, or of the login session ``(session id, officer id)`` from the cookie;
    token and session are checked by the save's own statements (401 when not live).
    Refused with 409 once submitted or past the deadline plus the network grace
    (and the overdue attempt is then submitted).
    """
    now = now or timeutil.now()
    if isinstance(seq, bool) or not isinstance(seq, int) or not 0 <= seq < 2**62:
        raise ExamError("seq 应为非负整数。", status=422, code="invalid_seq")
    credential, params = _credential(officer_id, token_hash, login_session)
    params.update(attempt_id=attempt_id, question_id=question_id, now=now)
    for _ in range(2):  # a second pass only after dropping a stale cached paper
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            statements = _statements(connection.dialect.name, credential)
            paper = PAPERS.get(attempt_id) or _load_paper(connection, statements, params)
            if _write(connection, statements, params, paper, answer, seq):
                return now
            refusal = _refusal(connection, statements, params, answer, paper)
        if refusal == "deadline":
            submit_attempt(attempt_id, reason="deadline", now=now)
            raise ExamError("考试时间已到，答卷已自动提交。", status=409, code="deadline_passed")
        if refusal != "stale paper":
            break
    return now  # nothing to refuse: a stale or repeated seq, which is harmless


def _write(connection, statements: _Statements, params: dict, paper: Paper | None, answer, seq: int) -> bool:
    """The single-statement save; False when it wrote nothing or was not even tried."""
    shape = paper.items.get(params["question_id"]) if paper else None
    if shape is None or params["now"] > paper.deadline + network_grace():
        return False
    try:
        stored = _stored_answer(shape, answer)
    except ExamError:
        return False  # _refusal says so, after the caller has been checked
    with write_turn(connection):
        return connection.execute(statements.upsert, {
            **params, "answer": stored, "seq": seq, "saved_at": params["now"],
            "paper_seed": paper.paper_seed}).first() is not None


def _load_paper(connection, statements: _Statements, params: dict) -> Paper | None:
    """The attempt's paper, cached when the caller owns it; None when he does not, it does not
    exist or it is submitted (_refusal then says which)."""
    rows = connection.execute(statements.paper, params).all()
    first = rows[0] if rows else None
    if first is None or first.caller_id is None or first.caller_id != first.officer_id or first.submitted_at:
        return None
    paper = Paper(first.officer_id, first.deadline, first.paper_seed,
                  {row.question_id: (row.type, _letters(row.options)) for row in rows if row.question_id is not None})
    PAPERS.put(params["attempt_id"], paper)
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


def _refusal(connection, statements: _Statements, params: dict, answer, paper: Paper | None) -> str:
    """Why a save wrote nothing, read afresh: raises the ExamError a caller should see, or
    returns "deadline" (to be submitted), "stale paper" or "" (a stale seq: nothing wrong)."""
    row = connection.execute(statements.lookup, params).first()
    officer_id = row.caller_id if row is not None else connection.execute(statements.caller, params).scalar()
    if officer_id is None:
        raise ExamError("请先登录或提供有效的令牌。", status=401, code="unauthorized")
    if row is None:
        raise ExamError("答卷不存在。", status=404, code="not_found")
    if row.officer_id != officer_id:
        raise ExamError("这不是您的答卷。", status=403, code="forbidden")
    if row.submitted_at is not None:
        PAPERS.discard(params["attempt_id"])
        raise ExamError("答卷已提交，不能再修改。", status=409, code="submitted")
    if params["now"] > row.deadline + network_grace():
        PAPERS.discard(params["attempt_id"])
        return "deadline"
    if row.type is None:
        raise ExamError("这道题不在您的试卷中。", status=404, code="question_not_found")
    _stored_answer((row.type, _letters(row.options)), answer)  # raises 422
    if paper is not None and paper.paper_seed != row.paper_seed:
        PAPERS.discard(params["attempt_id"])
        return "stale paper"
    return ""
