"""What the exam and schedule forms offer to choose from: the department tree, groups, and each
bank's chapters with the number of questions of each type (served to the page as JSON)."""
from __future__ import annotations

import sqlalchemy as sa

from ..banks.chapters import chapter_sort_key
from ..banks.models import Question, QuestionBank
from ..extensions import db
from .candidates import officers_for


def bank_catalogue() -> dict[str, dict]:
    """Per bank id: its name, questions in circulation per type, and its chapters in natural order
    each with the number of questions per type — what a blueprint row can ask for."""
    banks = {str(bank.id): {"name": bank.name, "types": {}, "chapters": []}
             for bank in db.session.scalars(sa.select(QuestionBank).order_by(QuestionBank.name))}
    rows = db.session.execute(
        sa.select(Question.bank_id, Question.chapter, Question.type, sa.func.count())
        .where(Question.in_circulation).group_by(Question.bank_id, Question.chapter, Question.type))
    chapters: dict[str, dict[str, dict[str, int]]] = {}
    for bank_id, chapter, qtype, count in rows:
        bank = banks.get(str(bank_id))
        if bank is None:
            continue
        bank["types"][qtype] = bank["types"].get(qtype, 0) + count
        if chapter:
            chapters.setdefault(str(bank_id), {}).setdefault(chapter, {})[qtype] = count
    for bank_id, by_chapter in chapters.items():
        banks[bank_id]["chapters"] = [{"name": name, "counts": by_chapter[name]}
                                      for name in sorted(by_chapter, key=chapter_sort_key)]
    return banks


def department_tree(departments) -> list[dict]:
    """The departments (sorted by path) as rows of a tree: id, name, path, depth and parent id."""
    known = {d.id for d in departments}
    return [{"id": d.id, "name": d.name, "path": d.path, "depth": d.depth,
             "parent": d.parent_id if d.parent_id in known else None} for d in departments]


def officers_in_scope(departments, groups) -> int:
    """How many active officers an exam for these departments (none: all) and groups would be for."""
    query = officers_for(departments, groups).order_by(None)
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
