"""Builders for practice, study and points tests: a small bank with known keys."""
from __future__ import annotations

from quizapp.banks.models import Question, QuestionBank
from quizapp.banks.types import stem_key
from quizapp.extensions import db

OPTIONS = [{"key": k, "text": f"选项{k}"} for k in "ABCD"]
KEYS = {"single": "B", "multiple": ["A", "C"], "judge": True, "fill": [["四", "4"]]}
RIGHT = {"single": "B", "multiple": ["A", "C"], "judge": True, "fill": ["4"]}
WRONG = {"single": "A", "multiple": ["A"], "judge": False, "fill": ["五"]}


def make_practice_bank(name: str = "党章练习题库", chapters: dict[str, list[str]] | None = None) -> QuestionBank:
    """A bank whose questions follow ``chapters`` ({chapter: [type, …]}), keys as in KEYS."""
    chapters = chapters or {"第一章 总纲": ["single", "multiple", "judge"], "第二章 党员": ["fill", "single"]}
    bank = QuestionBank(name=name, category="theory")
    db.session.add(bank)
    number = 0
    for chapter, types in chapters.items():
        for qtype in types:
            number += 1
            stem = f"{name}第{number}题（{qtype}）"
            db.session.add(Question(bank=bank, type=qtype, stem=stem, stem_key=stem_key(stem),
                                    options=OPTIONS if qtype in ("single", "multiple") else [],
                                    answer=KEYS[qtype], explanation=f"第{number}题的解析", chapter=chapter))
    db.session.commit()
    return bank


def questions_of(bank: QuestionBank) -> list[Question]:
    return sorted(bank.questions, key=lambda q: q.id)


def right_for(officer_id: int, question: Question):
    """The right answer as this officer sends it: choice options are shuffled per officer."""
    from quizapp.practice.presenting import for_officer

    view = for_officer(officer_id, question)
    return view.key if question.type in ("single", "multiple") else RIGHT[question.type]


def wrong_for(officer_id: int, question: Question):
    """A wrong answer in this officer's letters."""
    from quizapp.practice.presenting import for_officer

    view = for_officer(officer_id, question)
    if question.type == "single":
        return next(o["key"] for o in view.options if o["key"] != view.key)
    if question.type == "multiple":
        return [next(o["key"] for o in view.options if o["key"] not in view.key)]
    return WRONG[question.type]
