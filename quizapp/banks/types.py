"""The question-type registry: each type validates its key and a candidate's
answer, grades, and names the template macro that renders its input.

Keys and answers use the JSON export shapes (PRODUCT.md §4.2 and §5.2):
single "B"; multiple ["A", "D"]; judge true/false; fill [["four", "4"], ...] as the
key (accepted alternatives per blank) and ["four", ...] as an answer.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..labels import QUESTION_TYPES as QUESTION_TYPE_LABELS

OPTION_KEYS = "ABCDEFGH"
MAX_BLANKS = 20


class AnswerError(ValueError):
    """A key or answer of the wrong shape; the message is Chinese."""


@dataclass(frozen=True)
class Grade:
    """The outcome of grading one answer."""

    score: float
    correct: bool


def normalise_text(text: str) -> str:
    """Full/half width, case and spaces folded: what fill answers are compared by."""
    text = unicodedata.normalize("NFKC", str(text))
    return re.sub(r"\s+", "", text).casefold()


def option_keys(options: list[dict]) -> list[str]:
    return [o["key"] for o in options]


class QuestionType:
    """Base of the four types."""

    code = ""
    label = ""
    macro = ""
    has_options = True

    def validate_key(self, key, options: list[dict]):
        """Return the key in canonical form or raise AnswerError."""
        raise NotImplementedError

    def parse_answer(self, answer, options: list[dict]):
        """Return a candidate's answer in canonical form or raise AnswerError."""
        raise NotImplementedError

    def grade(self, key, answer, points: float, partial_credit: bool = False) -> Grade:
        """Score a canonical answer against a canonical key."""
        raise NotImplementedError

    def is_blank(self, answer) -> bool:
        """Whether an answer is empty (counts as unanswered)."""
        return answer in (None, "", [], {})

    def describe_key(self, key) -> str:
        """The key as a person reads it (for explanations and exports)."""
        return str(key)


class SingleChoice(QuestionType):
    code, macro = "single", "single_input"
    label = QUESTION_TYPE_LABELS[code]

    def validate_key(self, key, options):
        if len(options) < 2:
            raise AnswerError("单选题至少需要两个选项。")
        if not isinstance(key, str) or key.strip().upper() not in option_keys(options):
            raise AnswerError(f"单选题答案应为一个已有选项的字母（{'/'.join(option_keys(options))}）。")
        return key.strip().upper()

    def parse_answer(self, answer, options):
        if not isinstance(answer, str) or answer.upper() not in option_keys(options):
            raise AnswerError("单选题的答案应为一个选项字母。")
        return answer.upper()

    def grade(self, key, answer, points, partial_credit=False):
        correct = answer == key
        return Grade(points if correct else 0.0, correct)


class MultipleChoice(QuestionType):
    code, macro = "multiple", "multiple_input"
    label = QUESTION_TYPE_LABELS[code]

    def _letters(self, value, options, what: str) -> list[str]:
        if isinstance(value, str):
            value = [c for c in re.split(r"[\s,，、]*", value.upper()) if c]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise AnswerError(f"多选题{what}应为选项字母的列表。")
        letters = sorted({v.strip().upper() for v in value})
        allowed = option_keys(options)
        if not letters or any(v not in allowed for v in letters):
            raise AnswerError(f"多选题{what}只能包含已有选项的字母（{'/'.join(allowed)}）。")
        return letters

    def validate_key(self, key, options):
        if len(options) < 2:
            raise AnswerError("多选题至少需要两个选项。")
        # One right option is allowed: 不定项选择题 are stored as multiple choice.
        return self._letters(key, options, "答案")

    def parse_answer(self, answer, options):
        return self._letters(answer, options, "的答案")

    def grade(self, key, answer, points, partial_credit=False):
        chosen, right = set(answer or []), set(key)
        if chosen == right:
            return Grade(points, True)
        if partial_credit and chosen and chosen < right:
            return Grade(points / 2, False)
        return Grade(0.0, False)

    def describe_key(self, key):
        return "".join(key)


# Judge vocabulary, also read with trailing punctuation ("正确。", "对！"): see judge_word.
JUDGE_TRUE = {"对", "正确", "√", "✓", "✔", "☑", "t", "true", "是", "y", "yes", "ok"}
JUDGE_FALSE = {"错", "错误", "×", "✗", "✘", "❌", "☒", "x", "f", "false", "否", "n", "no"}
INVISIBLE = re.compile("[\ufeff\u200b\u200c\u200d\u2060\ufe0e\ufe0f]")


def judge_word(value) -> bool | None:
    """对/错/正确/错误/√/×/✔/✘/❌/T/F/true/false/是/否 (trailing punctuation allowed) → bool, else None."""
    text = INVISIBLE.sub("", unicodedata.normalize("NFKC", str(value or ""))).strip().lower()
    text = re.sub(r"[\s。.!！;；,，]+$", "", text)
    if text in JUDGE_TRUE:
        return True
    if text in JUDGE_FALSE:
        return False
    return None


def parse_judge(value) -> bool:
    """A judge word, or A/B for 正确/错误 → bool, or AnswerError."""
    if isinstance(value, bool):
        return value
    word = judge_word(value)
    if word is not None:
        return word
    letter = unicodedata.normalize("NFKC", str(value)).strip().lower()
    if letter in ("a", "b"):
        return letter == "a"
    raise AnswerError("判断题答案应为 正确/错误（对/错、√/×、A/B 也可）。")


class Judge(QuestionType):
    code, macro = "judge", "judge_input"
    label = QUESTION_TYPE_LABELS[code]
    has_options = False

    def validate_key(self, key, options):
        return parse_judge(key)

    def parse_answer(self, answer, options):
        if not isinstance(answer, bool):
            raise AnswerError("判断题的答案应为 true 或 false。")
        return answer

    def grade(self, key, answer, points, partial_credit=False):
        correct = answer is key
        return Grade(points if correct else 0.0, correct)

    def is_blank(self, answer):
        return answer is None

    def describe_key(self, key):
        return "正确" if key else "错误"


class Fill(QuestionType):
    code, macro = "fill", "fill_input"
    label = QUESTION_TYPE_LABELS[code]
    has_options = False

    def validate_key(self, key, options):
        if isinstance(key, str):
            key = [[alt for alt in blank.split("/")] for blank in key.split("|")]
        if not isinstance(key, list) or not key or len(key) > MAX_BLANKS:
            raise AnswerError(f"填空题答案应为1到{MAX_BLANKS}个空，每空用“|”分隔，同一空的多个答案用“/”分隔。")
        blanks = []
        for index, blank in enumerate(key, start=1):
            if isinstance(blank, str):
                blank = [blank]
            if not isinstance(blank, list):
                raise AnswerError(f"第{index}空的答案格式不正确。")
            alternatives = [str(a).strip() for a in blank if str(a).strip()]
            if not alternatives:
                raise AnswerError(f"第{index}空没有答案。")
            blanks.append(alternatives)
        return blanks

    def parse_answer(self, answer, options):
        if isinstance(answer, str):
            answer = [answer]
        if not isinstance(answer, list) or len(answer) > MAX_BLANKS or not all(isinstance(a, str) for a in answer):
            raise AnswerError("填空题的答案应为每空一个字符串的列表。")
        if any(len(a) > 500 for a in answer):
            raise AnswerError("填空内容过长。")
        return [a.strip() for a in answer]

    def grade(self, key, answer, points, partial_credit=False):
        """Each blank against its alternatives; an any-order key (see ``grading_key``) matches blanks in any order."""
        any_order = isinstance(key, dict) and key.get("any_order")
        blanks = key_blanks(key)
        answer = list(answer or [])
        if len(answer) < len(blanks):
            answer += [""] * (len(blanks) - len(answer))
        accepted = [{normalise_text(alt) for alt in alternatives} for alternatives in blanks]
        given = [normalise_text(a) for a in answer[:len(blanks)]]
        if any_order:
            correct = _match_all(given, accepted)
        else:
            correct = all(g in a for g, a in zip(given, accepted))
        return Grade(points if correct else 0.0, correct)

    def is_blank(self, answer):
        return not answer or all(not str(a).strip() for a in answer)

    def describe_key(self, key):
        blanks = key_blanks(key)
        text = "；".join("/".join(blank) for blank in blanks)
        return text + "（顺序不限）" if isinstance(key, dict) and key.get("any_order") else text


def _match_all(given: list[str], accepted: list[set[str]]) -> bool:
    """Whether every given answer fills a different blank it is accepted for (a perfect matching)."""
    owner: dict[int, int] = {}  # blank → index of the answer that fills it

    def place(index: int, seen: set[int]) -> bool:
        for blank, alternatives in enumerate(accepted):
            if given[index] in alternatives and blank not in seen:
                seen.add(blank)
                if blank not in owner or place(owner[blank], seen):
                    owner[blank] = index
                    return True
        return False

    return all(given[i] and place(i, set()) for i in range(len(given)))


def key_blanks(key) -> list[list[str]]:
    """A fill key's blanks, whether or not it is marked any-order."""
    return key["blanks"] if isinstance(key, dict) else key


def grading_key(type_: str, key, any_order: bool = False):
    """The key grading takes: a fill key whose blanks may come in any order is marked so."""
    if type_ == "fill" and any_order and isinstance(key, list):
        return {"blanks": key, "any_order": True}
    return key


QUESTION_TYPES: dict[str, QuestionType] = {t.code: t for t in (SingleChoice(), MultipleChoice(), Judge(), Fill())}
TYPE_LABELS = {code: t.label for code, t in QUESTION_TYPES.items()}


def has_options(type_code: str | None) -> bool:
    """Whether questions of this type (a code, possibly unknown) are answered by choosing options."""
    question_type = QUESTION_TYPES.get(type_code) if isinstance(type_code, str) else None
    return question_type is not None and question_type.has_options


def question_identity(type_: str, stem: str, options: list[dict] | None) -> tuple:
    """What makes two questions duplicates: same type, same normalised stem, same set of normalised option texts."""
    return type_, stem_key(stem), frozenset(normalise_text(o["text"]) for o in options or [])


def stem_key(stem: str) -> str:
    """The normalised stem duplicates are found by (same type + same key = duplicate)."""
    text = normalise_text(stem)
    text = re.sub(r"[（(]\s*[）)]|_{2,}|＿+", "", text)
    text = re.sub(r"[。．.？?！!：:；;，,、\"'“”‘’]", "", text)
    return text[:255]
