"""Practice use cases: serving the next question, answering, the wrong-answer book,
favourites, progress and mock exams. Plain functions; each write commits once.

Choice options are shuffled per officer (presenting.py): answers arrive in the
letters the officer saw and are stored and graded in the question's own letters.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from .. import timeutil
from ..banks.chapters import chapter_sort_key
from ..banks.models import Question, QuestionBank
from ..banks.types import QUESTION_TYPES, AnswerError, grading_key
from ..errors import DomainError
from ..extensions import db
from ..transactions import transaction
from ..upsert import insert_ignore
from .models import PracticeAnswer, PracticeCursor, PracticeState
from .presenting import PracticeQuestion, for_officer

MODES = {"sequential": "顺序练习", "random": "随机练习", "wrong": "错题本", "favourites": "我的收藏"}
# A question leaves the wrong-answer book after this many right answers in a row.
RIGHT_STREAK_TO_LEAVE_BOOK = 2


class PracticeError(DomainError):
    """A practice request refused: an HTTP-like status, a code and a Chinese message."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message, status=status, code=code)


@dataclass
class Served:
    """A question served for practice, with its place in the mode's list."""

    question: Question
    position: int
    total: int


@dataclass
class Feedback:
    """What an officer learns right after answering, in the letters he saw (options are shuffled per officer)."""

    answer_id: int
    view: PracticeQuestion
    given: object
    correct: bool
    in_wrong_book: bool
    favourite: bool

    @property
    def question(self) -> Question:
        return self.view.question

    @property
    def marks(self) -> dict:
        """How the options show: the right ones green, a wrong choice red."""
        return self.view.marks(self.given)


@dataclass
class ChapterProgress:
    chapter: str
    total: int
    answered: int
    attempts: int
    correct: int

    @property
    def rate(self) -> float | None:
        """Share of answers that were right (None before any answer)."""
        return self.correct / self.attempts if self.attempts else None


@dataclass
class BankProgress(ChapterProgress):
    wrong_book: int = 0
    favourites: int = 0
    chapters: list[ChapterProgress] = field(default_factory=list)


# ---------------------------------------------------------------- questions

def active_questions(bank_id: int, chapter: str | None = None):
    """Questions of a bank that may be served: in circulation (neither retired nor awaiting review, 待复核).

    A question awaiting review may state a provision as it was before an amendment;
    practice would teach the old text, so it waits, like new exam papers, until reviewed.
    """
    query = sa.select(Question).where(Question.bank_id == bank_id, Question.in_circulation)
    if chapter:
        query = query.where(Question.chapter == chapter)
    return query


def get_bank(bank_id: int) -> QuestionBank:
    """A bank, or PracticeError 404."""
    bank = db.session.get(QuestionBank, bank_id)
    if bank is None:
        raise PracticeError(404, "not_found", "题库不存在。")
    return bank


def get_active_question(question_id: int) -> Question:
    """A question that may be practised, or PracticeError 404."""
    question = db.session.get(Question, question_id)
    if question is None or question.retired:
        raise PracticeError(404, "not_found", "题目不存在或已停用。")
    return question


def practice_banks(officer_id: int) -> list[dict]:
    """Banks with questions to practise, each with the officer's answered count."""
    answered = (
        sa.select(PracticeState.bank_id, sa.func.count().label("answered"))
        .join(Question, Question.id == PracticeState.question_id)
        .where(PracticeState.officer_id == officer_id, PracticeState.attempts > 0, Question.in_circulation)
        .group_by(PracticeState.bank_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(QuestionBank, sa.func.count(Question.id), sa.func.coalesce(sa.func.max(answered.c.answered), 0))
        .join(Question, sa.and_(Question.bank_id == QuestionBank.id, Question.in_circulation))
        .outerjoin(answered, answered.c.bank_id == QuestionBank.id)
        .group_by(QuestionBank.id)
        .order_by(QuestionBank.category, QuestionBank.name)
    ).all()
    return [{"bank": bank, "total": total, "answered": done} for bank, total, done in rows]


def chapters(bank_id: int) -> list[tuple[str, int]]:
    """The bank's chapters with their active question counts, in natural Chinese order."""
    rows = db.session.execute(
        sa.select(Question.chapter, sa.func.count())
        .where(Question.bank_id == bank_id, Question.in_circulation)
        .group_by(Question.chapter)
    ).all()
    return sorted(((chapter, count) for chapter, count in rows), key=lambda pair: chapter_sort_key(pair[0]))


def _count(query) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))


def next_question(officer_id: int, bank_id: int, mode: str, chapter: str | None = None) -> Served | None:
    """The question to practise next in a mode, or None when the mode has nothing."""
    get_bank(bank_id)
    chapter = chapter or None
    if mode == "sequential":
        return _next_sequential(officer_id, bank_id, chapter)
    if mode == "random":
        query = active_questions(bank_id, chapter)
        total = _count(query)
        if not total:
            return None
        question = db.session.scalar(query.order_by(sa.func.random()).limit(1))
        return Served(question, 0, total)
    if mode in ("wrong", "favourites"):
        flag = PracticeState.in_wrong_book if mode == "wrong" else PracticeState.favourite
        query = (
            active_questions(bank_id, chapter)
            .join(PracticeState, sa.and_(PracticeState.question_id == Question.id,
                                         PracticeState.officer_id == officer_id))
            .where(flag.is_(True))
        )
        total = _count(query)
        if not total:
            return None
        # Least recently answered first, so the list cycles.
        question = db.session.scalar(
            query.order_by(PracticeState.last_answered_at.asc().nulls_first(), Question.id).limit(1)
        )
        return Served(question, 0, total)
    raise PracticeError(422, "invalid_mode", "练习模式无效。")


def _next_sequential(officer_id: int, bank_id: int, chapter: str | None) -> Served | None:
    """The first question after where the officer stopped, wrapping round at the end."""
    last = db.session.scalar(
        sa.select(PracticeCursor.last_question_id).where(
            PracticeCursor.officer_id == officer_id, PracticeCursor.bank_id == bank_id,
            PracticeCursor.chapter == (chapter or ""),
        )
    ) or 0
    query = active_questions(bank_id, chapter)
    question = db.session.scalar(query.where(Question.id > last).order_by(Question.id).limit(1))
    if question is None:
        question = db.session.scalar(query.order_by(Question.id).limit(1))
    if question is None:
        return None
    position = _count(query.where(Question.id <= question.id))
    return Served(question, position, _count(query))


def sequential_resume_position(officer_id: int, bank_id: int) -> int:
    """How many questions of the whole bank lie at or before where sequential practice stopped."""
    last = db.session.scalar(
        sa.select(PracticeCursor.last_question_id).where(
            PracticeCursor.officer_id == officer_id, PracticeCursor.bank_id == bank_id, PracticeCursor.chapter == ""
        )
    ) or 0
    return _count(active_questions(bank_id).where(Question.id <= last)) if last else 0


def memorise_question(bank_id: int, position: int, chapter: str | None = None) -> Served | None:
    """The question at a 1-based position, for memorising with its answer shown."""
    query = active_questions(bank_id, chapter or None)
    total = _count(query)
    if not total:
        return None
    position = min(max(position, 1), total)
    question = db.session.scalar(query.order_by(Question.id).offset(position - 1).limit(1))
    return Served(question, position, total)


# ---------------------------------------------------------------- answering

def parse_answer(question: Question, raw) -> object:
    """A practice answer in canonical form, or PracticeError 422 with the type's message."""
    qtype = QUESTION_TYPES[question.type]
    try:
        answer = qtype.parse_answer(raw, question.options or [])
    except AnswerError as error:
        raise PracticeError(422, "invalid_answer", str(error)) from None
    if qtype.is_blank(answer):
        raise PracticeError(422, "blank_answer", "请先作答再提交。")
    return answer


def _state(officer_id: int, question: Question) -> PracticeState:
    """The officer's state row for a question, created race-free when missing."""
    insert_ignore(PracticeState, {"officer_id": officer_id, "question_id": question.id, "bank_id": question.bank_id,
                                  "attempts": 0, "correct_count": 0, "right_streak": 0,
                                  "in_wrong_book": False, "favourite": False},
                  ["officer_id", "question_id"])
    return db.session.scalar(
        sa.select(PracticeState)
        .where(PracticeState.officer_id == officer_id, PracticeState.question_id == question.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def apply_wrong_book_rule(state: PracticeState, correct: bool, moment) -> None:
    """Wrong answers enter the book; two right answers in a row take a question out."""
    state.attempts += 1
    state.last_answered_at = moment
    if correct:
        state.correct_count += 1
        state.right_streak += 1
        if state.in_wrong_book and state.right_streak >= RIGHT_STREAK_TO_LEAVE_BOOK:
            state.in_wrong_book = False
            state.wrong_since = None
    else:
        state.right_streak = 0
        if not state.in_wrong_book:
            state.in_wrong_book = True
            state.wrong_since = moment


def record_answer(officer_id: int, question_id: int, raw_answer, mode: str = "sequential",
                  chapter: str | None = None) -> Feedback:
    """Grade a practice answer, update the book, progress, cursor and points. Commits."""
    from ..points.services import award_practice_answer

    question = get_active_question(question_id)
    view = for_officer(officer_id, question)
    given = parse_answer(question, raw_answer)  # in the letters the officer saw
    answer = view.original_answer(given)
    qtype = QUESTION_TYPES[question.type]
    correct = qtype.grade(grading_key(question.type, question.answer, question.any_order), answer, 1.0).correct
    moment = timeutil.now()
    mode = mode if mode in MODES else "sequential"
    with transaction():
        state = _state(officer_id, question)
        apply_wrong_book_rule(state, correct, moment)
        row = PracticeAnswer(officer_id=officer_id, bank_id=question.bank_id, question_id=question.id, mode=mode,
                             answer=answer, correct=correct, answered_at=moment)
        db.session.add(row)
        if mode == "sequential":
            _move_cursor(officer_id, question.bank_id, chapter or "", question.id)
        db.session.flush()
        if correct:
            award_practice_answer(officer_id, row.id, moment)
        feedback = Feedback(answer_id=row.id, view=view, given=given, correct=correct,
                            in_wrong_book=state.in_wrong_book, favourite=state.favourite)
    return feedback


def _move_cursor(officer_id: int, bank_id: int, chapter: str, question_id: int) -> None:
    insert_ignore(PracticeCursor, {"officer_id": officer_id, "bank_id": bank_id, "chapter": chapter,
                                   "last_question_id": 0, "updated_at": timeutil.now()},
                  ["officer_id", "bank_id", "chapter"])
    db.session.execute(
        sa.update(PracticeCursor)
        .where(PracticeCursor.officer_id == officer_id, PracticeCursor.bank_id == bank_id,
               PracticeCursor.chapter == chapter)
        .values(last_question_id=question_id, updated_at=timeutil.now())
    )


def feedback_for(officer_id: int, answer_id: int) -> Feedback:
    """The feedback of one of the officer's own earlier answers (for the page after a POST)."""
    row = db.session.get(PracticeAnswer, answer_id)
    if row is None or row.officer_id != officer_id:
        raise PracticeError(404, "not_found", "答题记录不存在。")
    question = row.question
    state = db.session.get(PracticeState, (officer_id, question.id))
    view = for_officer(officer_id, question)
    return Feedback(answer_id=row.id, view=view, given=view.shown_answer(row.answer), correct=row.correct,
                    in_wrong_book=bool(state and state.in_wrong_book), favourite=bool(state and state.favourite))


def set_favourite(officer_id: int, question_id: int, favourite: bool) -> bool:
    """Add a question to or remove it from the officer's favourites. Commits."""
    question = get_active_question(question_id)
    with transaction():
        state = _state(officer_id, question)
        state.favourite = favourite
    return favourite


def is_favourite(officer_id: int, question_id: int) -> bool:
    """Whether the officer keeps this question among his favourites."""
    return bool(db.session.scalar(
        sa.select(PracticeState.favourite).where(PracticeState.officer_id == officer_id,
                                                 PracticeState.question_id == question_id)
    ))


# ---------------------------------------------------------------- progress

def bank_progress(officer_id: int, bank_id: int) -> BankProgress:
    """Answered questions and correct rate for a bank, in total and by chapter (one GROUP BY)."""
    answered = sa.case((PracticeState.attempts > 0, 1), else_=0)
    in_book = sa.case((PracticeState.in_wrong_book.is_(True), 1), else_=0)
    favourite = sa.case((PracticeState.favourite.is_(True), 1), else_=0)
    rows = db.session.execute(
        sa.select(
            Question.chapter, sa.func.count(Question.id), sa.func.coalesce(sa.func.sum(answered), 0),
            sa.func.coalesce(sa.func.sum(PracticeState.attempts), 0),
            sa.func.coalesce(sa.func.sum(PracticeState.correct_count), 0),
            sa.func.coalesce(sa.func.sum(in_book), 0), sa.func.coalesce(sa.func.sum(favourite), 0),
            sa.func.min(Question.id),
        )
        .outerjoin(PracticeState, sa.and_(PracticeState.question_id == Question.id,
                                          PracticeState.officer_id == officer_id))
        .where(Question.bank_id == bank_id, Question.in_circulation)
        .group_by(Question.chapter)
        .order_by(sa.func.min(Question.id))
    ).all()
    progress = BankProgress("", 0, 0, 0, 0)
    for chapter, total, done, attempts, correct, book, favs, _ in sorted(rows, key=lambda r: chapter_sort_key(r[0])):
        progress.chapters.append(ChapterProgress(chapter, total, int(done), int(attempts), int(correct)))
        progress.total += total
        progress.answered += int(done)
        progress.attempts += int(attempts)
        progress.correct += int(correct)
        progress.wrong_book += int(book)
        progress.favourites += int(favs)
    return progress
