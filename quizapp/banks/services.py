"""Question-bank use cases: import, export, create, rename and delete banks.

Question editing lives in questions.py and is re-exported here. Every function that writes does it in one transaction and commits once; the web
pages, the API, the CLI and the demo all call these same functions.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

import sqlalchemy as sa

from .. import timeutil
from ..audit.services import field_changes, record, register_actions
from ..extensions import db
from ..transactions import transaction
from .chapters import chapter_sort_key
from .formats import ParseError, ParsedQuestion, parse_file
from .formats.common import export_shape, safe
from .errors import BankError, QuestionInvalid  # noqa: F401  (re-exported)
from .models import CATEGORIES, Question, QuestionBank
from .questions import (QuestionFilter, QuestionInput, bank_chapters, create_question,  # noqa: F401  (re-exported)
                        question_query, set_retired, update_question)
from .types import TYPE_LABELS, question_identity, stem_key
from .usage import bank_in_use  # noqa: F401  (re-exported: the pages and API ask here)

register_actions({
    "bank.import": "导入题库",
    "bank.create": "新建题库",
    "bank.update": "修改题库",
    "bank.delete": "删除题库",
    "question.create": "新增试题",
    "question.update": "修改试题",
    "question.retire": "停用试题",
    "question.restore": "恢复试题",
})

DUPLICATE_MODES = {"skip": "跳过（保留题库中的原题）", "update": "用文件中的内容更新原题"}
MAX_BANK_NAME = 100
SAMPLES_PER_TYPE = 3


# ---------------------------------------------------------------- import

@dataclass
class ImportReport:
    """What an import did, or on a dry run would do."""

    filename: str
    format: str = ""
    bank_name: str = ""
    new_bank: bool = False
    dry_run: bool = False
    valid_only: bool = False
    on_duplicate: str = "skip"
    total: int = 0
    imported: int = 0
    updated: int = 0
    skipped: int = 0
    duplicates: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    errors: list[ParseError] = field(default_factory=list)
    warnings: list[ParseError] = field(default_factory=list)
    written: bool = False
    bank_id: int | None = None
    samples: dict[str, list[ParsedQuestion]] = field(default_factory=dict)
    # What the import writes, by the question's number in the file: new ones, and (bank id, number) updates.
    planned_inserts: list[tuple[int, ParsedQuestion]] = field(default_factory=list)
    planned_updates: list[tuple[int, int, ParsedQuestion]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the file goes in: no errors, or the admin asked for the valid rows only."""
        return (not self.errors or self.valid_only) and self.total > 0

    @property
    def count_labels(self) -> list[tuple[str, int]]:
        return [(TYPE_LABELS[code], self.counts.get(code, 0)) for code in TYPE_LABELS]

    def as_dict(self) -> dict:
        return {
            "ok": self.ok, "dry_run": self.dry_run, "format": self.format, "bank": self.bank_name,
            "bank_id": self.bank_id, "new_bank": self.new_bank, "imported": self.imported, "updated": self.updated,
            "skipped": self.skipped, "duplicates": self.duplicates, "counts": self.counts,
            "errors": [e.as_dict() for e in self.errors], "warnings": [w.as_dict() for w in self.warnings],
        }


def find_bank(name: str) -> QuestionBank | None:
    """The bank with exactly this name."""
    return db.session.scalar(sa.select(QuestionBank).where(QuestionBank.name == name.strip()))


def _check_bank_fields(name: str, category: str) -> None:
    if not name:
        raise BankError("请填写题库名称。")
    if len(name) > MAX_BANK_NAME:
        raise BankError(f"题库名称不能超过{MAX_BANK_NAME}字。")
    if category not in CATEGORIES:
        raise BankError(f"题库分类“{category}”无效，应为 {'、'.join(CATEGORIES)}。")


def _row(question: ParsedQuestion, bank_id: int, key: str, moment) -> dict:
    return {
        "created_at": moment, "updated_at": moment,
        "bank_id": bank_id, "type": question.type, "stem": question.stem, "stem_key": key,
        "options": question.options, "answer": question.answer, "explanation": question.explanation,
        "chapter": question.chapter, "difficulty": question.difficulty, "tags": question.tags,
        "source_document": question.source_document, "source_article": question.source_article,
        "retired": question.retired, "any_order": question.any_order,
    }


COPY_COLUMNS = ("bank_id", "type", "stem", "stem_key", "options", "answer", "explanation", "chapter", "difficulty",
                "tags", "source_document", "source_article", "retired", "any_order", "created_at", "updated_at")
JSON_COLUMNS = {"options", "answer", "tags"}


def _insert_rows(rows: list[dict]) -> None:
    """Insert many questions in the session's transaction: COPY on PostgreSQL, executemany elsewhere."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg":
        import json

        columns = ", ".join(COPY_COLUMNS)
        with connection.connection.driver_connection.cursor() as cursor:
            with cursor.copy(f"COPY {Question.__tablename__} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([json.dumps(row[c], ensure_ascii=False) if c in JSON_COLUMNS else row[c]
                                    for c in COPY_COLUMNS])
        return
    db.session.execute(sa.insert(Question), rows)


def import_bank(filename: str, data: bytes, bank_name: str | None = None, category: str | None = None,
                actor=None, *, dry_run: bool = False, valid_only: bool = False,
                on_duplicate: str = "skip", parsed=None) -> ImportReport:
    """Import a file into a bank (created when new) in one transaction.

    Any bad row rejects the whole file unless ``valid_only`` (then questions of types we
    do not store become warnings); duplicates (same type, normalised stem and set of
    option texts, in the bank or earlier in the file) are skipped or, with
    ``on_duplicate="update"``, overwrite the bank's question.
    """
    if on_duplicate not in DUPLICATE_MODES:
        raise BankError("重复题的处理方式应为 skip（跳过）或 update（更新）。")
    report = ImportReport(filename=filename, dry_run=dry_run, valid_only=valid_only, on_duplicate=on_duplicate)
    parsed = parsed or parse_file(filename, data)
    report.format = parsed.format
    report.errors = [e for e in parsed.errors if not (valid_only and e.unsupported)]
    report.warnings = [replace(e, message=e.message.replace("未导入", "已跳过")) for e in parsed.errors
                       if valid_only and e.unsupported] + list(parsed.warnings)
    report.total = len(parsed.questions)
    report.counts = dict(Counter(q.type for q in parsed.questions))
    for question in parsed.questions:
        samples = report.samples.setdefault(question.type, [])
        if len(samples) < SAMPLES_PER_TYPE:
            samples.append(question)

    name = safe(bank_name or parsed.bank.get("name") or "")
    bank = find_bank(name) if name else None
    report.bank_name = name
    report.new_bank = bank is None
    category = category or (bank.category if bank else parsed.bank.get("category")) or "other"
    try:
        _check_bank_fields(name, category)
    except BankError as error:
        report.errors.insert(0, ParseError(None, "题库", str(error)))
        return report

    existing: dict[tuple, int] = {}
    if bank is not None:
        for question_id, type_, stem, options in db.session.execute(
            sa.select(Question.id, Question.type, Question.stem, Question.options).where(Question.bank_id == bank.id)
            .order_by(Question.id)
        ):
            existing.setdefault(question_identity(type_, stem, options), question_id)

    inserts: list[tuple[ParsedQuestion, str]] = []
    updates: list[tuple[int, ParsedQuestion, str]] = []
    seen: set[tuple] = set()
    for number, question in enumerate(parsed.questions, start=1):
        identity = question_identity(question.type, question.stem, question.options)
        if identity in seen:
            report.duplicates += 1
            report.skipped += 1
            continue
        seen.add(identity)
        key = identity[1]
        if identity in existing:
            report.duplicates += 1
            if on_duplicate == "update":
                updates.append((existing[identity], question, key))
                report.planned_updates.append((existing[identity], number, question))
            else:
                report.skipped += 1
            continue
        inserts.append((question, key))
        report.planned_inserts.append((number, question))

    report.bank_id = bank.id if bank else None
    if not report.ok:
        report.skipped = 0
        return report
    report.imported, report.updated = len(inserts), len(updates)
    if dry_run:
        return report

    with transaction():
        if bank is None:
            bank = QuestionBank(name=name, category=category, description=parsed.bank.get("description", ""),
                                owner_id=getattr(actor, "id", None))
            db.session.add(bank)
            db.session.flush()
        moment = timeutil.now()
        if inserts:
            _insert_rows([_row(q, bank.id, key, moment) for q, key in inserts])
        if updates:
            rows = []
            for question_id, question, key in updates:
                row = _row(question, bank.id, key, moment)
                del row["created_at"]
                row["id"] = question_id
                rows.append(row)
            db.session.execute(sa.update(Question), rows)
        record(actor, "bank.import", target=bank,
               summary=(f"导入题库“{bank.name}”（文件“{filename}”）：新增{report.imported}题，更新{report.updated}题，"
                        f"跳过重复{report.skipped}题" + (f"，跳过错误{len(report.errors)}处" if report.errors else "")),
               filename=filename, format=report.format, imported=report.imported, updated=report.updated,
               skipped=report.skipped, errors=len(report.errors))
    report.bank_id = bank.id
    report.written = True
    db.session.expire_all()
    return report


# ---------------------------------------------------------------- export

def export_document(bank: QuestionBank) -> dict:
    """The bank in our JSON export shape (PRODUCT.md §4.2)."""
    questions = db.session.scalars(sa.select(Question).where(Question.bank_id == bank.id).order_by(Question.id))
    items = [export_shape(question) for question in questions]
    bank_data = {"name": bank.name, "category": bank.category}
    if bank.description:
        bank_data["description"] = bank.description
    return {"bank": bank_data, "questions": items}


def export_bank(bank: QuestionBank, fmt: str) -> bytes:
    """The bank as JSON or as an xlsx in our import template (active questions only in xlsx)."""
    from .template import questions_xlsx

    if fmt == "json":
        import json

        return json.dumps(export_document(bank), ensure_ascii=False, indent=1).encode("utf-8")
    if fmt == "xlsx":
        questions = db.session.scalars(
            sa.select(Question).where(Question.bank_id == bank.id, Question.retired.is_(False)).order_by(Question.id))
        return questions_xlsx(questions)
    raise BankError("导出格式应为 json 或 xlsx。")


# ---------------------------------------------------------------- banks

def create_bank(actor, name: str, category: str, description: str = "") -> QuestionBank:
    """A new, empty bank."""
    name, description = safe(name), safe(description)
    _check_bank_fields(name, category)
    if find_bank(name):
        raise BankError(f"已有名为“{name}”的题库。")
    bank = QuestionBank(name=name, category=category, description=description,
                        owner_id=getattr(actor, "id", None))
    db.session.add(bank)
    db.session.flush()
    record(actor, "bank.create", target=bank, summary=f"新建题库“{name}”")
    db.session.commit()
    return bank


def _bank_fields(bank: QuestionBank) -> dict[str, str]:
    """A bank's editable fields as the audit log shows them."""
    return {"名称": bank.name, "分类": CATEGORIES.get(bank.category, bank.category), "说明": bank.description or ""}


def update_bank(actor, bank: QuestionBank, name: str, category: str, description: str = "") -> None:
    """Rename or recategorise a bank."""
    name, description = safe(name), safe(description)
    _check_bank_fields(name, category)
    other = find_bank(name)
    if other is not None and other.id != bank.id:
        raise BankError(f"已有名为“{name}”的题库。")
    old = bank.name
    before = _bank_fields(bank)
    bank.name, bank.category, bank.description = name, category, description
    record(actor, "bank.update", target=bank, summary=f"修改题库“{old}”" + (f"，改名为“{name}”" if old != name else ""),
           changes=field_changes(before, _bank_fields(bank)))
    db.session.commit()


def delete_bank(actor, bank: QuestionBank, confirm_name: str) -> None:
    """Delete a bank and its questions, only when its name is typed again and no exam uses it."""
    if (confirm_name or "").strip() != bank.name:
        raise BankError("请输入完整的题库名称以确认删除。")
    usage = bank_in_use(bank)
    if usage:
        raise BankError(f"题库“{bank.name}”已被考试使用（{usage}），不能删除；可以停用其中的试题。")
    count = db.session.scalar(sa.select(sa.func.count()).where(Question.bank_id == bank.id))
    record(actor, "bank.delete", target=bank, summary=f"删除题库“{bank.name}”（{count}题）", questions=count)
    db.session.execute(sa.delete(Question).where(Question.bank_id == bank.id))
    db.session.delete(bank)
    db.session.commit()


@dataclass
class BankSummary:
    """A bank with its question counts (active questions)."""

    bank: QuestionBank
    total: int = 0
    retired: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    chapters: list[tuple[str, int]] = field(default_factory=list)


def bank_summaries(banks=None) -> list[BankSummary]:
    """Every bank (or the given ones) with counts by type and by chapter, in two GROUP BY queries."""
    if banks is None:
        banks = list(db.session.scalars(sa.select(QuestionBank).order_by(QuestionBank.category, QuestionBank.name)))
    summaries = {bank.id: BankSummary(bank) for bank in banks}
    if not summaries:
        return []
    for bank_id, type_, retired, count in db.session.execute(
        sa.select(Question.bank_id, Question.type, Question.retired, sa.func.count())
        .where(Question.bank_id.in_(summaries)).group_by(Question.bank_id, Question.type, Question.retired)
    ):
        summary = summaries[bank_id]
        if retired:
            summary.retired += count
        else:
            summary.total += count
            summary.by_type[type_] = summary.by_type.get(type_, 0) + count
    for bank_id, chapter, count in db.session.execute(
        sa.select(Question.bank_id, Question.chapter, sa.func.count())
        .where(Question.bank_id.in_(summaries), Question.retired.is_(False))
        .group_by(Question.bank_id, Question.chapter)
    ):
        summaries[bank_id].chapters.append((chapter, count))
    for summary in summaries.values():
        summary.chapters = [(chapter or "（未分章节）", count) for chapter, count
                            in sorted(summary.chapters, key=lambda pair: chapter_sort_key(pair[0]))]
    return list(summaries.values())
