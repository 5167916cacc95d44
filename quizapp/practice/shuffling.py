"""Options shuffled per officer in practice and mock exams, as exams shuffle them (pure, no database).

The order is a function of the officer and the question alone, so a question
looks the same each time the same officer meets it (the wrong-answer book, a
mock exam, memorising) and different for the officer beside him. The officer
sees the options relabelled A, B, C… in the shuffled order and answers in those
letters; grading and everything stored use the question's own letters.
"""
from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass

OPTION_LETTERS = "ABCDEFGH"
SHUFFLED_TYPES = ("single", "multiple")


def option_order(officer_id: int, question_id: int, count: int) -> list[int]:
    """The positions of a question's options in the order this officer sees them (stable)."""
    digest = hashlib.sha256(f"practice-options:{officer_id}:{question_id}".encode()).digest()
    order = list(range(count))
    random.Random(int.from_bytes(digest[:8], "big")).shuffle(order)
    return order


@dataclass(frozen=True)
class ShownOptions:
    """A choice question's options as one officer sees them, and the letters' translation both ways."""

    options: tuple[dict, ...]          # [{"key": shown letter, "text"}], in the order shown
    to_original: dict[str, str]        # shown letter → the question's own letter

    @property
    def to_shown(self) -> dict[str, str]:
        return {original: shown for shown, original in self.to_original.items()}

    def original_answer(self, answer):
        """An answer in shown letters ("B" or ["A", "C"]) → the question's own letters (sorted for multiple)."""
        if isinstance(answer, list):
            return sorted(self.to_original.get(letter, letter) for letter in answer)
        return self.to_original.get(answer, answer)

    def shown_answer(self, answer):
        """An answer or key in the question's own letters → the letters this officer saw."""
        back = self.to_shown
        if isinstance(answer, list):
            return sorted(back.get(letter, letter) for letter in answer)
        return back.get(answer, answer)


def shown_options(officer_id: int, question_id: int, options: list[dict]) -> ShownOptions:
    """The officer's own order of a question's options, relabelled A, B, C…."""
    order = option_order(officer_id, question_id, len(options))
    shown, mapping = [], {}
    for letter, position in zip(OPTION_LETTERS, order):
        shown.append({"key": letter, "text": options[position]["text"]})
        mapping[letter] = options[position]["key"]
    return ShownOptions(tuple(shown), mapping)
