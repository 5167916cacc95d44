"""The exam document: what defines an exam, as plain values, and the checks that need no database.

Every door speaks one shape — the JSON body of ``POST /api/v1/exams``, a schedule's
exam template and the organiser's form alike become an ``ExamSpec`` through
``ExamSpec.from_document``. Problems are collected, not stopped at: each is a
``FieldError`` naming the field it belongs to (``paper.blueprint[2].count``), so a
page can show every one at once beside its field.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import UTC, datetime

from .. import timeutil
from ..banks.types import QUESTION_TYPES
from .errors import ExamError
from .models import MAX_START_DELAY_SECONDS, MODES, SHOW_RESULTS


@dataclass(frozen=True)
class FieldError:
    """One problem of an exam document, with the field it belongs to."""

    field: str
    message: str
    code: str = "invalid"

    def as_dict(self) -> dict:
        return {"field": self.field, "message": self.message}


class SpecError(ExamError):
    """An exam definition refused: every problem found, each with its field (``extra["errors"]``)."""

    def __init__(self, errors: list[FieldError]):
        super().__init__("".join(error.message for error in errors), status=422, code=errors[0].code,
                         errors=[error.as_dict() for error in errors])
        self.errors = list(errors)


@dataclass(frozen=True)
class RuleSpec:
    """One blueprint row: ``count`` questions of ``type`` from ``bank`` (id or name)."""

    bank: int | str
    type: str
    count: int
    points: float
    chapter: str | None = None


@dataclass(frozen=True)
class ExamSpec:
    """Everything that defines an exam, as plain values (from a form, the API or a template)."""

    title: str
    opens_at: datetime
    closes_at: datetime
    mode: str = "full"
    departments: tuple[str, ...] = ()  # department paths; empty: the whole bureau (or the organiser's scope)
    groups: tuple[str, ...] = ()
    blueprint: tuple[RuleSpec, ...] = ()
    questions: tuple[int, ...] = ()  # a fixed paper instead of a blueprint
    question_points: float = 1.0
    pass_mark: float = 60
    total_points: float = 100
    duration_minutes: int = 60
    attempts_allowed: int = 1
    shuffle_questions: bool = True
    shuffle_options: bool = True
    partial_credit: bool = False
    show_results: str = "immediately"
    start_delay_seconds: int = 0
    rules: str = ""
    ranked: bool = False  # an online contest (线上竞答)
    team_top_n: int | None = None  # departments also ranked by the average of their best N

    @classmethod
    def from_document(cls, document: Mapping, base: ExamSpec | None = None, *, check: bool = True,
                      **overrides) -> ExamSpec:
        """The spec of an exam document (the POST /api/v1/exams shape); raises SpecError with every
        problem. With ``base``, fields the document leaves out keep the base's values (a partial
        change); ``overrides`` are spec values that win over the document. ``check=False`` leaves
        the checks of the values to the caller: creating or changing an exam checks them together
        with what needs the database, so that every problem is told at once."""
        reader = _DocumentReader(document)
        values = reader.values()
        if base is not None:
            values = {**{f.name: getattr(base, f.name) for f in fields(cls)}, **values}
        values.update(overrides)
        for name in ("title", "opens_at", "closes_at"):
            if name not in values and name not in reader.failed:
                reader.fail(name, REQUIRED_MESSAGES[name])
        if "blueprint" not in values and "questions" not in values and "paper" not in reader.failed:
            reader.fail("paper", PAPER_ONE_KIND)
        if reader.errors:
            # Check what could be read as well, so that every problem is told at once.
            stand_in = cls(**{**_STAND_INS, **values})
            raise SpecError(reader.errors + [problem for problem in stand_in.problems()
                                             if not _DEPENDS_ON.get(problem.field.split(".")[0], set())
                                             & reader.failed])
        spec = cls(**values)
        if check:
            spec.check()
        return spec

    def problems(self) -> list[FieldError]:
        """Everything wrong with the spec that can be told without the database."""
        errors = []

        def fail(field, message):
            errors.append(FieldError(field, message))

        if not self.title.strip():
            fail("title", REQUIRED_MESSAGES["title"])
        elif len(self.title.strip()) > 200:
            fail("title", "考试名称不能超过200字。")
        if self.mode not in MODES:
            fail("mode", "考试方式应为全员普测（full）或随机抽测（sample）。")
        if self.opens_at.tzinfo is None or self.closes_at.tzinfo is None:
            fail("opens_at", "开始和结束时间须带时区。")
        elif self.closes_at <= self.opens_at:
            fail("closes_at", "结束时间应晚于开始时间。")
        if not 1 <= self.duration_minutes <= 24 * 60:
            fail("duration_minutes", "考试时长应在1到1440分钟之间。")
        if not 0 < self.total_points <= 1000:
            fail("total_points", "总分应在0到1000之间。")
        elif not 0 <= self.pass_mark <= self.total_points:
            fail("pass_mark", f"合格线应在0到总分{self.total_points:g}之间。")
        if not 1 <= self.attempts_allowed <= 10:
            fail("attempts_allowed", "允许作答次数应在1到10之间。")
        if self.show_results not in SHOW_RESULTS:
            fail("show_results", "成绩显示方式应为 immediately、after_close 或 never。")
        if not 0 <= self.start_delay_seconds <= MAX_START_DELAY_SECONDS:
            fail("start_delay_seconds", f"随机延迟进入应在0到{MAX_START_DELAY_SECONDS}秒之间。")
        if self.team_top_n is not None and not 1 <= self.team_top_n <= 1000:
            fail("team_top_n", "团体前N名平均分的N应在1到1000之间。")
        if bool(self.blueprint) == bool(self.questions):
            fail("paper", PAPER_ONE_KIND)
        for position, rule in enumerate(self.blueprint, start=1):
            where = f"paper.blueprint[{position - 1}]"
            if rule.type not in QUESTION_TYPES:
                fail(f"{where}.type", f"第{position}条组卷规则的题型无效。")
            if not 1 <= rule.count <= 500:
                fail(f"{where}.count", f"第{position}条组卷规则的题数应在1到500之间。")
            if not rule.points or rule.points <= 0:
                fail(f"{where}.points", f"第{position}条组卷规则的每题分值应大于0。")
        if self.questions and self.question_points <= 0:
            fail("paper.points", "每题分值应大于0。")
        return errors

    def check(self) -> None:
        """Raise SpecError with every problem ``problems`` finds."""
        errors = self.problems()
        if errors:
            raise SpecError(errors)


SPEC_FIELDS = frozenset(f.name for f in fields(ExamSpec))
# Values put in for fields a document left out or gave wrongly, only to check the rest;
# a check is skipped when a field it reads is one of those.
_STAND_INS = {"title": "—", "opens_at": datetime(2000, 1, 1, tzinfo=UTC), "closes_at": datetime(2000, 1, 2, tzinfo=UTC)}
_DEPENDS_ON = {"title": {"title"}, "opens_at": {"opens_at", "closes_at"}, "closes_at": {"opens_at", "closes_at"},
               "total_points": {"total_points"}, "pass_mark": {"pass_mark", "total_points"}, "paper": {"paper"},
               "duration_minutes": {"duration_minutes"}, "attempts_allowed": {"attempts_allowed"},
               "mode": {"mode"}, "show_results": {"show_results"}, "start_delay_seconds": {"start_delay_seconds"},
               "team_top_n": {"team_top_n"}}
REQUIRED_MESSAGES = {"title": "请填写考试名称。", "opens_at": "请填写开始时间。", "closes_at": "请填写结束时间。"}
PAPER_ONE_KIND = "请设置组卷规则或指定题目（二者选一）。"

# The document's fields: the spec's own, except that the paper is one nested object
# and ``shuffle`` sets both kinds of shuffling.
DOCUMENT_FIELDS = frozenset({"title", "mode", "departments", "groups", "paper", "pass_mark", "total_points",
                             "duration_minutes", "opens_at", "closes_at", "attempts_allowed", "shuffle",
                             "shuffle_questions", "shuffle_options", "partial_credit", "show_results",
                             "start_delay_seconds", "rules", "ranked", "team_top_n"})
_INTEGERS = ("duration_minutes", "attempts_allowed", "start_delay_seconds")
_NUMBERS = ("pass_mark", "total_points")
_FLAGS = ("shuffle_questions", "shuffle_options", "partial_credit", "ranked")
_TEXTS = ("title", "mode", "show_results", "rules")


class _DocumentReader:
    """Reads a document into spec values, noting a FieldError for each value of the wrong kind."""

    def __init__(self, document: Mapping):
        self.document = document
        self.errors: list[FieldError] = []
        self.failed: set[str] = set()

    def fail(self, field: str, message: str) -> None:
        self.errors.append(FieldError(field, message))
        self.failed.add(field.split(".")[0])

    def values(self) -> dict:
        document = self.document
        if not isinstance(document, Mapping):
            self.fail("", "考试定义应为 JSON 对象。")
            return {}
        unknown = sorted(set(document) - DOCUMENT_FIELDS)
        if unknown:
            self.fail(unknown[0], f"无法识别的字段：{'、'.join(map(str, unknown))}。")
        values = {}
        for name in _TEXTS:
            if name in document:
                values[name] = self._text(name, document[name])
        for name in _INTEGERS:
            if name in document:
                values[name] = self._integer(name, document[name])
        for name in _NUMBERS:
            if name in document:
                values[name] = self._number(name, document[name])
        if "team_top_n" in document:  # null: every participant counts
            value = document["team_top_n"]
            values["team_top_n"] = None if value in (None, "") else self._integer("team_top_n", value)
        if "shuffle" in document:
            both = self._flag("shuffle", document["shuffle"])
            values["shuffle_questions"] = values["shuffle_options"] = both
        for name in _FLAGS:  # an explicit kind wins over ``shuffle``
            if name in document:
                values[name] = self._flag(name, document[name])
        for name in ("opens_at", "closes_at"):
            if name in document:
                values[name] = self._moment(name, document[name])
        for name in ("departments", "groups"):
            if name in document:
                values[name] = self._texts(name, document[name])
        if "paper" in document:
            values.update(self._paper(document["paper"]))
        return {name: value for name, value in values.items() if value is not _INVALID}

    def _text(self, field, value):
        if value is None and field == "rules":
            return ""
        if not isinstance(value, str):
            self.fail(field, f"{field} 应为文字。")
            return _INVALID
        return value

    def _texts(self, field, value):
        if value is None:
            return ()
        if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
            self.fail(field, f"{field} 应为文字列表。")
            return _INVALID
        return tuple(value)

    def _integer(self, field, value):
        number = _as_number(value)
        if number is None or number != int(number):
            self.fail(field, f"{field} 应为整数。")
            return _INVALID
        return int(number)

    def _number(self, field, value):
        number = _as_number(value)
        if number is None:
            self.fail(field, f"{field} 应为数字。")
            return _INVALID
        return float(number)

    def _flag(self, field, value):
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        if isinstance(value, str) and value.strip().lower() in _FLAG_WORDS:
            return _FLAG_WORDS[value.strip().lower()]
        self.fail(field, f"{field} 应为 true 或 false。")
        return _INVALID

    def _moment(self, field, value):
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value.strip())
            except ValueError:
                value = None
        if not isinstance(value, datetime):
            self.fail(field, f"{field} 应为 ISO 8601 时间。")
            return _INVALID
        return timeutil.as_utc(value)

    def _paper(self, paper) -> dict:
        if not isinstance(paper, Mapping) or not (paper.get("blueprint") or paper.get("questions")):
            self.fail("paper", "考试需要 paper.blueprint（组卷规则）或 paper.questions（固定题目）。")
            return {}
        unknown = sorted(set(paper) - {"blueprint", "questions", "points"})
        if unknown:
            self.fail(f"paper.{unknown[0]}", f"paper 中无法识别的字段：{'、'.join(map(str, unknown))}。")
        if paper.get("blueprint") and paper.get("questions"):
            self.fail("paper", PAPER_ONE_KIND)
            return {}
        if paper.get("blueprint"):
            rules = paper["blueprint"]
            if not isinstance(rules, (list, tuple)):
                self.fail("paper.blueprint", "paper.blueprint 应为组卷规则的列表。")
                return {}
            read = [self._rule(n, rule) for n, rule in enumerate(rules)]
            return {"blueprint": tuple(read), "questions": ()} if all(read) else {}
        questions = paper["questions"]
        ids = [_as_number(q) for q in questions] if isinstance(questions, (list, tuple)) else [None]
        values = {"blueprint": ()}
        if any(i is None or i != int(i) for i in ids):
            self.fail("paper.questions", "paper.questions 应为题目编号（整数）的列表。")
        else:
            values["questions"] = tuple(int(i) for i in ids)
        points = _as_number(paper.get("points", 1))
        if points is None:
            self.fail("paper.points", "paper.points 应为数字。")
        else:
            values["question_points"] = float(points)
        return values

    def _rule(self, index: int, rule) -> RuleSpec | None:
        where = f"paper.blueprint[{index}]"
        if not isinstance(rule, Mapping):
            self.fail(where, f"第{index + 1}条组卷规则应为 JSON 对象。")
            return None
        problems = len(self.errors)
        unknown = sorted(set(rule) - {"bank", "type", "count", "points", "chapter"})
        if unknown:
            self.fail(f"{where}.{unknown[0]}", f"第{index + 1}条组卷规则中无法识别的字段：{'、'.join(map(str, unknown))}。")
        for name in ("bank", "type", "count", "points"):
            if rule.get(name) in (None, ""):
                self.fail(f"{where}.{name}", f"第{index + 1}条组卷规则缺少 {name}。")
        bank, qtype, chapter = rule.get("bank"), rule.get("type"), rule.get("chapter")
        if bank is not None and (isinstance(bank, bool) or not isinstance(bank, (int, str))):
            self.fail(f"{where}.bank", f"第{index + 1}条组卷规则的 bank 应为题库名称或编号。")
        if qtype is not None and not isinstance(qtype, str):
            self.fail(f"{where}.type", f"第{index + 1}条组卷规则的题型无效。")
        if chapter is not None and not isinstance(chapter, str):
            self.fail(f"{where}.chapter", f"第{index + 1}条组卷规则的 chapter 应为文字。")
        count, points = _as_number(rule.get("count")), _as_number(rule.get("points"))
        if rule.get("count") is not None and (count is None or count != int(count)):
            self.fail(f"{where}.count", f"第{index + 1}条组卷规则的题数应为整数。")
        if rule.get("points") is not None and points is None:
            self.fail(f"{where}.points", f"第{index + 1}条组卷规则的每题分值应为数字。")
        if len(self.errors) > problems:
            return None
        return RuleSpec(bank=bank, type=qtype, count=int(count), points=float(points), chapter=chapter)


_INVALID = object()
_FLAG_WORDS = {"true": True, "false": False, "1": True, "0": False, "y": True, "n": False, "yes": True, "no": False}


def _as_number(value) -> float | None:
    """A JSON number, or a string of one (as a template typed by hand may hold); None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)):
        return value
    return None
