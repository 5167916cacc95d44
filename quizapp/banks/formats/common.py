"""Plain data every import format produces, and the checks they share (no database)."""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field

from ..citations import CitationError, check_citation, format_citation, parse_citation
from ..types import OPTION_KEYS, QUESTION_TYPES, AnswerError
from .layout import difficulty_word, judge_word, letters_of  # noqa: F401  (letters_of re-exported)

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_QUESTIONS = 50_000
MAX_STEM = 5000
MAX_OPTION = 1000
MAX_TEXT = 5000
MAX_SHORT = 200
MAX_TAGS = 20

BLANK_MARK = re.compile(r"[（(]\s*[）)]|_{2,}")
# Control characters (but tab and newline) and lone surrogates: no database stores them well.
UNSAFE_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


class ParseFailure(Exception):
    """A whole file cannot be read; the message is Chinese."""


@dataclass
class ParseError:
    """One problem (an error or a warning), located where a person finds it.

    ``kind`` says what ``row`` counts: ``"line"`` (a text line or docx paragraph, with
    ``question`` the question's number), ``"row"`` (a spreadsheet row, with ``cell``
    the column letter) or ``"item"`` (a JSON question). ``unsupported`` marks a
    question of a type we do not store, which valid-only imports skip with a warning.
    """

    row: int | None
    column: str
    message: str
    kind: str = "line"
    question: int | None = None
    cell: str = ""
    unsupported: bool = False

    @property
    def where(self) -> str:
        """第N题（第L行） in text, 第R行 第C列 in sheets, 第N题 in JSON, or 文件."""
        if not self.row:
            return "文件"
        if self.kind == "row":
            return f"第{self.row}行" + (f" 第{self.cell}列" if self.cell else "")
        if self.kind == "item":
            return f"第{self.row}题"
        return f"第{self.question}题（第{self.row}行）" if self.question else f"第{self.row}行"

    def as_dict(self) -> dict:
        data = {"row" if self.kind != "line" else "line": self.row, "column": self.column, "message": self.message,
                "where": self.where}
        if self.kind == "line" and self.question:
            data["question"] = self.question
        if self.cell:
            data["cell"] = self.cell
        return data

    def __str__(self) -> str:
        if not self.column:
            column = ""
        else:
            column = f"（{self.column}）" if self.kind == "row" else f" {self.column}"
        return f"{self.where}{column}：{self.message}"


@dataclass
class ParsedQuestion:
    """One question as a file states it, already in canonical export shape."""

    type: str
    stem: str
    options: list[dict] = field(default_factory=list)
    answer: object = None
    explanation: str = ""
    chapter: str = ""
    difficulty: int = 2
    tags: list[str] = field(default_factory=list)
    source_document: str = ""
    source_article: str = ""
    retired: bool = False
    line: int | None = None
    any_order: bool = False

    @property
    def citation(self) -> str:
        """The source as people write it: 《中国共产党章程》第三条."""
        return format_citation(self.source_document, self.source_article)

    def as_export(self) -> dict:
        """The question in the JSON export shape (PRODUCT.md §4.2)."""
        return export_shape(self)


def export_shape(question) -> dict:
    """A question (parsed or stored) in the JSON export shape; "source" only when it cites one."""
    data = {
        "type": question.type, "stem": question.stem, "options": question.options, "answer": question.answer,
        "explanation": question.explanation, "chapter": question.chapter, "difficulty": question.difficulty,
        "tags": question.tags,
    }
    if question.source_document:
        data["source"] = {"document": question.source_document, "article": question.source_article}
    if question.any_order:
        data["any_order"] = True
    if question.retired:
        data["retired"] = True
    return data


@dataclass
class ParseResult:
    """What a parser read: questions, errors, and the bank a JSON export names."""

    format: str
    questions: list[ParsedQuestion] = field(default_factory=list)
    errors: list[ParseError] = field(default_factory=list)
    warnings: list[ParseError] = field(default_factory=list)
    bank: dict = field(default_factory=dict)

    def fail(self, row: int | None, column: str, message: str, **where) -> None:
        self.errors.append(ParseError(row, column, message, **where))

    def warn(self, row: int | None, message: str, **where) -> None:
        self.warnings.append(ParseError(row, "", message, **where))

    def to_stash(self) -> bytes:
        """The parse as JSON, kept between the preview and the confirm so that exactly this is imported."""
        return json.dumps({
            "format": self.format, "bank": self.bank,
            "questions": [asdict(q) for q in self.questions],
            "errors": [asdict(e) for e in self.errors], "warnings": [asdict(w) for w in self.warnings],
        }, ensure_ascii=False).encode("utf-8")

    @classmethod
    def from_stash(cls, data: bytes) -> "ParseResult":
        """The parse ``to_stash`` kept."""
        stash = json.loads(data.decode("utf-8"))
        return cls(stash["format"], questions=[ParsedQuestion(**q) for q in stash["questions"]],
                   errors=[ParseError(**e) for e in stash["errors"]],
                   warnings=[ParseError(**w) for w in stash["warnings"]], bank=stash["bank"])


class InvalidQuestion(ValueError):
    """A question that breaks a rule: the column it concerns and a Chinese message."""

    def __init__(self, column: str, message: str, unsupported: bool = False):
        super().__init__(message)
        self.column = column
        self.message = message
        self.unsupported = unsupported


def safe(text) -> str:
    """Text without control characters or lone surrogates, trimmed."""
    return UNSAFE_CHARS.sub("", str(text or "")).strip()


def difficulty_of(raw) -> int:
    """1–3 or 易/偏易/适中/偏难/难 (blank means 2); InvalidQuestion otherwise."""
    level = difficulty_word(raw)
    if level is None:
        raise InvalidQuestion("难度", f"难度“{raw}”无效，应为1、2、3（或 易/偏易/适中/偏难/难）。")
    return level


def split_tags(raw) -> list[str]:
    """Tags from a list or a comma/semicolon separated text."""
    if isinstance(raw, list):
        items = [safe(t) for t in raw]
    else:
        items = re.split(r"[,，;；、|]", safe(raw))
    tags = []
    for tag in (t.strip() for t in items):
        if tag and tag not in tags:
            tags.append(tag[:50])
    return tags[:MAX_TAGS]


def judge_options(options: list[dict]) -> bool:
    """Two options 对/错 (正确/错误, √/×): a judge question written as a choice."""
    return len(options) == 2 and judge_word(options[0]["text"]) is True and judge_word(options[1]["text"]) is False


def make_options(texts: list[str], column: str = "选项") -> list[dict]:
    """Consecutive option texts → [{"key": "A", "text": …}]; a gap or too many is an error."""
    while texts and not texts[-1].strip():
        texts = texts[:-1]
    if len(texts) > len(OPTION_KEYS):
        raise InvalidQuestion(column, f"选项最多{len(OPTION_KEYS)}个（A–H）。")
    options = []
    for key, text in zip(OPTION_KEYS, texts):
        text = text.strip()
        if not text:
            raise InvalidQuestion(f"{column}{key}", f"选项{key}为空，但后面还有选项；选项应从A起连续填写。")
        if len(text) > MAX_OPTION:
            raise InvalidQuestion(f"{column}{key}", f"选项{key}超过{MAX_OPTION}字。")
        options.append({"key": key, "text": text})
    return options


def citation_of(text: str, column: str = "出处") -> tuple[str, str]:
    """A written citation ('《中国共产党章程》第三条') → (document, article); InvalidQuestion when unreadable."""
    try:
        citation = parse_citation(safe(text))
        citation = citation and check_citation(citation.document, citation.article)
    except CitationError as error:
        raise InvalidQuestion(column, str(error)) from None
    return (citation.document, citation.article) if citation else ("", "")


def build_question(*, type_: str, stem: str, options: list[dict], answer, explanation: str = "",
                   chapter: str = "", difficulty=2, tags=None, source: tuple[str, str] = ("", ""),
                   line: int | None = None, retired: bool = False, any_order: bool = False) -> ParsedQuestion:
    """Check one question through the type registry; InvalidQuestion names the column at fault.

    ``source`` is the (document, article) pair of the question's citation.
    """
    if type_ not in QUESTION_TYPES:
        raise InvalidQuestion("题型", f"题型“{type_}”无效，应为单选、多选、判断或填空。")
    qtype = QUESTION_TYPES[type_]
    stem = safe(stem)
    explanation, chapter = safe(explanation), safe(chapter)
    try:
        citation = check_citation(safe(source[0]), safe(source[1]))
    except CitationError as error:
        raise InvalidQuestion("出处", str(error)) from None
    options = [{"key": o["key"], "text": safe(o["text"])} for o in options]
    if any(not o["text"] for o in options):
        raise InvalidQuestion("选项", "选项内容不能为空。")
    if isinstance(answer, str):
        answer = safe(answer)
    elif isinstance(answer, list):
        answer = [[safe(a) for a in item] if isinstance(item, list) else safe(item) if isinstance(item, str) else item
                  for item in answer]
    if not stem:
        raise InvalidQuestion("题干", "题干不能为空。")
    if len(stem) > MAX_STEM:
        raise InvalidQuestion("题干", f"题干超过{MAX_STEM}字。")
    if answer in (None, "", []):
        raise InvalidQuestion("答案", "答案不能为空。")
    if type_ == "judge" and options:
        # 考试宝 style: options 对/错 (or 正确/错误) and the answer a letter.
        if not judge_options(options):
            raise InvalidQuestion("选项", "判断题只能有“对/错”（或“正确/错误”）两个选项，或不填选项。")
        letter = letters_of(answer) if isinstance(answer, str) else None
        if letter and len(letter) == 1:
            chosen = next((o["text"] for o in options if o["key"] == letter[0]), None)
            if chosen is None:
                raise InvalidQuestion("答案", f"答案“{answer}”不是已有的选项。")
            answer = chosen
        options = []
    if not qtype.has_options and options:
        raise InvalidQuestion("选项", f"{qtype.label}题不应有选项。")
    try:
        key = qtype.validate_key(answer, options)
    except AnswerError as error:
        raise InvalidQuestion("答案", str(error)) from None
    if type_ == "fill" and any(len(alt) > MAX_OPTION for blank in key for alt in blank):
        raise InvalidQuestion("答案", f"填空答案超过{MAX_OPTION}字。")
    for value, label, limit in ((explanation, "解析", MAX_TEXT), (chapter, "章节", MAX_SHORT)):
        if len(value or "") > limit:
            raise InvalidQuestion(label, f"{label}超过{limit}字。")
    if isinstance(difficulty, bool) or not (isinstance(difficulty, int) and 1 <= difficulty <= 3):
        difficulty = difficulty_of(difficulty)
    return ParsedQuestion(
        type=type_, stem=stem, options=options if qtype.has_options else [], answer=key,
        explanation=(explanation or "").strip(), chapter=(chapter or "").strip(), difficulty=difficulty,
        tags=split_tags(tags or []), source_document=citation.document if citation else "",
        source_article=citation.article if citation else "", retired=retired, line=line,
        any_order=bool(any_order) and type_ == "fill" and len(key) > 1,
    )
