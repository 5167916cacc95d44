"""A question as one officer sees it in practice and mock exams: options in his own shuffled order,
the key in the letters he saw, the right options named by their text, and the marks on the options
after answering (right green, a wrong choice red)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from ..banks.models import Question
from ..banks.types import QUESTION_TYPES, normalise_text
from .shuffling import SHUFFLED_TYPES, ShownOptions, shown_options

RIGHT, WRONG = "right", "wrong"


@dataclass
class PracticeQuestion:
    """What the practice templates and the API read; grading stays with the question's own letters."""

    question: Question
    shown: ShownOptions | None = None

    # What the shared input macros and the page templates read of a question.
    @property
    def id(self) -> int:
        return self.question.id

    @property
    def type(self) -> str:
        return self.question.type

    @property
    def stem(self) -> str:
        return self.question.stem

    @property
    def chapter(self) -> str:
        return self.question.chapter

    @property
    def explanation(self) -> str:
        return self.question.explanation or ""

    @property
    def citation(self) -> str:
        return self.question.citation

    @property
    def qtype(self):
        return QUESTION_TYPES[self.question.type]

    @property
    def answer(self):
        """The key in the question's own shape: fill blanks are counted from it (never shown before answering)."""
        return self.question.answer

    @property
    def options(self) -> list[dict]:
        return list(self.shown.options) if self.shown else list(self.question.options or [])

    # Answers: in from the officer's letters, out in them.
    def original_answer(self, answer):
        """An officer's answer (shown letters) in the question's own letters, for grading and storing."""
        return self.shown.original_answer(answer) if self.shown and answer is not None else answer

    def shown_answer(self, answer):
        """A stored answer or key in the letters this officer saw."""
        return self.shown.shown_answer(answer) if self.shown and answer is not None else answer

    @cached_property
    def key(self):
        """The right answer in the letters this officer saw."""
        return self.shown_answer(self.question.answer)

    @cached_property
    def key_text(self) -> str:
        """The right answer for a person: letters with the options' texts (B. 维护社会治安秩序)."""
        if self.type not in SHUFFLED_TYPES:
            return self.qtype.describe_key(self.question.answer)
        texts = {o["key"]: o["text"] for o in self.options}
        letters = [self.key] if self.type == "single" else self.key
        return "；".join(f"{letter}. {texts.get(letter, '')}" for letter in letters)

    def marks(self, given) -> dict:
        """How each option (or blank) shows after answering: the right ones green, a wrong choice red."""
        if self.type == "judge":
            marks = {("true" if self.question.answer else "false"): RIGHT}
            if given is not None and given is not self.question.answer:
                marks["true" if given else "false"] = WRONG
            return marks
        if self.type == "fill":
            return _blank_marks(self.question.answer, list(given or []), bool(self.question.any_order))
        right = {self.key} if self.type == "single" else set(self.key)
        chosen = {given} if isinstance(given, str) else set(given or [])
        return {**{letter: WRONG for letter in chosen - right}, **{letter: RIGHT for letter in right}}


def _blank_marks(key: list[list[str]], given: list[str], any_order: bool) -> dict[int, str]:
    """Each blank right or wrong; with 乱序 (any order) a blank may match any blank not matched yet."""
    accepted = [{normalise_text(alternative) for alternative in alternatives} for alternatives in key]
    marks = {}
    for index in range(len(key)):
        answer = normalise_text(given[index]) if index < len(given) else ""
        candidates = range(len(accepted)) if any_order else [index]
        match = next((c for c in candidates if accepted[c] is not None and answer in accepted[c]), None)
        if match is not None and any_order:
            accepted[match] = None
        marks[index] = RIGHT if match is not None else WRONG
    return marks


def for_officer(officer_id: int, question: Question) -> PracticeQuestion:
    """The question as this officer sees it: choice options in his own stable order."""
    if question.type in SHUFFLED_TYPES and question.options:
        return PracticeQuestion(question, shown_options(officer_id, question.id, list(question.options)))
    return PracticeQuestion(question)
