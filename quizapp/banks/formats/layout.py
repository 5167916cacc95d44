"""What Chinese question banks look like, taught once for the text, docx and sheet parsers.

Numbering styles, option labels (``A.`` ``A、`` ``Ａ．`` ``(A)`` ``A-``), answer markers
(``答案：`` ``正确答案`` ``【答案】`` …), answers written into the stem ``（B）`` or glued to
the last option, judge vocabulary, difficulty words, section headings and the noise
that quiz exports add. Everything here is pure: text in, plain values out. Patterns
match on text folded by ``fold_line`` (full-width → half-width, one character for
one, so positions found in the folded text cut the original text too).
"""
from __future__ import annotations

import re
import unicodedata

from ..types import OPTION_KEYS, judge_word  # noqa: F401  (judge_word re-exported: one vocabulary)

# ---------------------------------------------------------------- folding

ZERO_WIDTH = re.compile("[\ufeff\u200b\u200c\u200d\u2060\ufe0e\ufe0f]")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’]")


# Full-width ASCII (！ to ～) → ASCII, the ideographic space and tabs → spaces: one character for one.
FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: " ", 0x09: " "}


def fold_line(text: str) -> str:
    """Full-width letters, digits and punctuation made half-width, one character for one (positions carry over)."""
    return text.translate(FOLD)


def strip_invisible(text: str) -> str:
    """Byte-order marks, zero-width characters and variation selectors removed (several BOMs included)."""
    return ZERO_WIDTH.sub("", text)


def join_wrapped(first: str, second: str) -> str:
    """Two wrapped pieces of one sentence: no space between Chinese characters, one space otherwise."""
    if not first:
        return second
    if not second:
        return first
    if CJK.match(first[-1]) or CJK.match(second[0]):
        return first + second
    return first + " " + second


# ---------------------------------------------------------------- numbering and labels

# "1." "1、" "1．" "(1)" "1)" "第1题" "1 题干" "1<TAB>题干" (Word numbering typed as text).
STEM_NUMBER = re.compile(
    r"^\s*(?:第\s*(\d{1,5})\s*题\s*[.、:]?|\(\s*(\d{1,4})\s*\)"
    r"|(\d{1,5})\s*[.、:)\]](?:(?!\d)|(?=\d{4}年))"  # "1." but not "3.14"; "9.2025年…" is question 9
    r"|(\d{1,3})\s+(?=\S))\s*(.*)$")
# "题目：……" / "题干：……" without a number.
STEM_LABEL = re.compile(r"^\s*(?:题目|题干|试题)\s*[:：]\s*(.+)$")
OPTION_LINE = re.compile(
    r"^\s*(?:\(\s*([A-Ha-h])\s*\)|([A-Ha-h])\s*[.、:)\]]|([A-H])\s+(?=[^\x00-\x7f]))\s*(.*)$")
# An option label inside a line: at the start, or after a space, a separator or a closing bracket.
INLINE_LABEL = re.compile(r"(?:(?<=[\s,;|)？?。:])|^)\(?([A-H])\)?\s*[.、:)．\-]\s*")
GLUED_LABEL = r"(?<=[^\s,;|(])({key})\s*[.、:)]"
JUDGE_OPTION_LINE = re.compile(
    r"^\s*(?:true|false|t|f|对|错|正确|错误|√|×)\s*[.、:]\s*(?:正确|错误|对|错)?\s*$", re.IGNORECASE)
SEPARATOR = re.compile(r"^\s*[-=—_*·~#＝－]{3,}\s*$")
TITLED_SEPARATOR = re.compile(r"^\s*[-=—_*#]{2,}\s*(.+?)\s*[-=—_*#]{2,}\s*$")
CHINESE_NUMBER = r"[一二三四五六七八九十百零〇]+"
SECTION_NUMBER = re.compile(
    rf"^\s*(?:第\s*{CHINESE_NUMBER}\s*[部分章节]+\s*|\(?{CHINESE_NUMBER}\)?\s*[、.:]?\s*|[IVX]+\s*[.、]\s*)(.*)$")
CHAPTER_HEADING = re.compile(r"^\s*(第\s*[一二三四五六七八九十百零〇\d]+\s*[章节讲编篇部分单元课].*)$")
TYPE_TAG = re.compile(r"^\s*[【\[(]\s*(单选题|多选题|判断题|填空题|单选|多选|判断|填空|单项选择题|多项选择题|不定项选择题"
                      r"|不定项|选择题|简答题|问答题|论述题)\s*[】\])]\s*")
BRACKETED = re.compile(r"^\s*[【\[]\s*([^】\]]{1,30})\s*[】\]]\s*$")


def stem_start(folded: str) -> tuple[int, str | None] | None:
    """(where the stem text starts, the printed number) when a line opens a question, else None."""
    match = STEM_NUMBER.match(folded)
    if match:
        number = next((g for g in match.groups()[:4] if g), None)
        return match.start(5), number
    label = STEM_LABEL.match(folded)
    if label:
        return label.start(1), None
    return None


def option_start(folded: str) -> tuple[str, int] | None:
    """(option letter, where its text starts) when a line starts with an option label."""
    match = OPTION_LINE.match(folded)
    if not match:
        return None
    letter = next(g for g in match.groups()[:3] if g).upper()
    return letter, match.start(4)


def split_labelled(folded: str, raw: str, first: int = 0, anywhere: bool = False) -> tuple[int, list[str]] | None:
    """Options written one after another, ``A.甲 B.乙 C.丙`` → (where the first label starts, texts).

    The labels must run on in order from ``OPTION_KEYS[first]``; with ``anywhere`` the
    first label may stand after other text (options written on the stem's line).
    """
    wanted, picked = first, []
    for match in INLINE_LABEL.finditer(folded):
        if wanted < len(OPTION_KEYS) and match.group(1) == OPTION_KEYS[wanted]:
            if not picked and not anywhere and match.start() != 0:
                return None
            picked.append(match)
            wanted += 1
    if not picked or (anywhere and len(picked) < 2):
        return None
    texts = []
    for index, match in enumerate(picked):
        end = picked[index + 1].start() if index + 1 < len(picked) else len(folded)
        texts.append(raw[match.end():end].strip().rstrip(";；|,，").strip())
    return picked[0].start(), texts


def glued_label(text: str, key: str) -> str | None:
    """The text around an option label written without a space before it (``甲B、乙``), if any."""
    match = re.search(GLUED_LABEL.format(key=key), fold_line(text))
    if not match:
        return None
    return text[max(0, match.start() - 6):match.end() + 6]


def split_option_cell(cell: str) -> list[str] | None:
    """All options in one spreadsheet cell: ``A-甲|B-乙``, ``A.甲 B.乙``, ``A、甲；B、乙`` → texts."""
    folded = fold_line(cell)
    if "|" in folded or "\n" in folded:
        parts = [p for p in re.split(r"[|\n]", cell) if p.strip()]
        texts = []
        for key, part in zip(OPTION_KEYS, parts):
            match = re.match(rf"^\s*\(?{key}\)?\s*[.、:)\-．]\s*", fold_line(part), re.IGNORECASE)
            if not match:
                break
            texts.append(part[match.end():].strip())
        if len(texts) == len(parts) and len(texts) >= 2:
            return texts
    found = split_labelled(folded, cell)
    if found and len(found[1]) >= 2:
        return found[1]
    return None


CELL_LABELS = {key: re.compile(rf"^\s*\(?{key}\)?\s*[.、:)．\-]\s*(?=\S)", re.IGNORECASE) for key in OPTION_KEYS}
ANY_CELL_LABEL = re.compile(r"^\s*[A-H]\s*[、．]\s*(?=\S)")


def strip_option_label(text: str, key: str) -> str:
    """``A、北京`` in the 选项A column → ``北京`` (a mistyped label, ``C、印度`` in 选项D, goes too)."""
    if not text:
        return ""
    folded = fold_line(text)
    match = CELL_LABELS[key].match(folded) or ANY_CELL_LABEL.match(folded)
    return text[match.end():].strip() if match else text.strip()


STEM_NUMBER_PREFIX = re.compile(r"^\s*\d{1,4}\s*[、.．](?!\d)\s*(?=\S)")


def numbered_stem(text: str) -> bool:
    """Whether a stem cell starts with a question number, ``1、题干``."""
    return bool(STEM_NUMBER_PREFIX.match(fold_line(text)))


def strip_stem_number(text: str) -> str:
    """A sheet stem copied with its number, ``1、题干`` → ``题干`` (``3.14…`` keeps its digits)."""
    match = STEM_NUMBER_PREFIX.match(fold_line(text))
    return text[match.end():] if match else text


DECORATION = re.compile(r"^\s*(?:\*{1,3}\s+|[★☆●◆■]\s*)(?=\S)")


def decorated(stem: str) -> bool:
    """Whether a stem starts with an export mark: ``** 题干`` (starred), ``★题干``."""
    return bool(DECORATION.match(stem))


def strip_decoration(stem: str) -> str:
    """The stem without its export mark."""
    return DECORATION.sub("", stem, count=1)


# ---------------------------------------------------------------- answers

ANSWER_WORDS = "正确答案|参考答案|标准答案|答案"
ANSWER_LINE = re.compile(
    rf"^\s*(?:[【\[(]\s*(?:{ANSWER_WORDS})\s*[】\])]\s*[:;]?|(?:{ANSWER_WORDS})\s*[:;]|(?:{ANSWER_WORDS})\s+(?=\S))"
    r"\s*(.*)$")
ANSWER_GLUED = re.compile(rf"(?:[【\[(]\s*)?(?:{ANSWER_WORDS})\s*[】\])]?\s*[:;]\s*(\S.*)$")
FIELD_LINE = re.compile(
    r"^\s*[【\[]?\s*(答案解析|试题解析|解析|解答|章节|知识点|难度|标签|来源|出处|题型)\s*[】\]]?\s*[:;]?\s*(.*)$")
FIELD_NAMES = {"答案解析": "explanation", "试题解析": "explanation", "解析": "explanation", "解答": "explanation",
               "章节": "chapter", "知识点": "tags", "难度": "difficulty", "标签": "tags", "来源": "source",
               "出处": "source", "题型": "type"}
STEM_ANSWER = re.compile(r"([(（])\s*([A-Ha-hＡ-Ｈａ-ｈ](?:\s*[、,，]?\s*[A-Ha-hＡ-Ｈａ-ｈ]){0,7})\s*([)）])")
STEM_JUDGE = re.compile(r"[(（]\s*(√|×|✓|✗|✔|✘|❌|对|错|正确|错误)\s*[)）]\s*[。.]?\s*$")
ANY_ORDER = re.compile(r"[【\[(（]?\s*乱序(?:匹配)?\s*[】\])）]?")
BLANK_GROUPS = re.compile(r"[(（]([^()（）]*)[)）]")


def answer_line(folded: str) -> int | None:
    """Where the answer starts when the line is an answer line (``答案：B``, ``【答案】B``, ``答案 B``)."""
    match = ANSWER_LINE.match(folded)
    return match.start(1) if match else None


def answer_after(folded: str, after_space: bool = True) -> tuple[int, int] | None:
    """(where the marker starts, where the answer starts) for an answer written after other text.

    ``题目……  答案：正确`` needs a space before the marker (so that a stem asking for
    "正确答案：" stays whole); after the last option (``D、丁答案：B``) none is needed.
    """
    for match in ANSWER_GLUED.finditer(folded):
        if match.start() == 0:
            continue
        if after_space and not folded[match.start() - 1].isspace():
            continue
        return match.start(), match.start(1)
    return None


def looks_like_option(answer: str) -> bool:
    """``C．先缓后急``: an answer written as a labelled option (letter, separator, text)."""
    return bool(re.match(r"^\s*\(?[A-Ha-h]\)?\s*[.、:)]\s*\S", fold_line(answer)))


def answer_in_stem(stem: str) -> tuple[str, str] | None:
    """``……是（ AB ）。`` → (``……是（ ）。``, ``AB``): the answer written into the stem's brackets."""
    match = STEM_ANSWER.search(stem)
    if not match:
        return None
    letters = re.sub(r"[\s、,，]", "", unicodedata.normalize("NFKC", match.group(2))).upper()
    return stem[:match.start()] + match.group(1) + " " + match.group(3) + stem[match.end():], letters


def judge_in_stem(stem: str) -> tuple[str, str] | None:
    """``……。（√）`` → (``……。``, ``√``): a judge question's answer written after its stem."""
    match = STEM_JUDGE.search(stem)
    if not match:
        return None
    return stem[:match.start()].rstrip(), match.group(1)


def letters_of(raw) -> list[str] | None:
    """``ABD``, ``A,B,D``, ``A、B、D``, ``a b`` → ``['A','B','D']``; None unless the text is only option letters."""
    text = unicodedata.normalize("NFKC", str(raw or "")).strip().rstrip("。.")
    text = re.sub(r"[\s,，、;；/|]+", "", text).upper()
    if text and all(ch in OPTION_KEYS for ch in text):
        return list(dict.fromkeys(text))
    return None


BLANK_LABEL = re.compile(r"^\s*(?:第\s*[一二三四五六七八九十\d]+\s*空|空\s*\d+)\s*[:：]\s*")


def split_answer_cell(cell: str) -> tuple[str, str, str]:
    """An answer cell → (answer, explanation, ignored text).

    Exports put more than the answer in the cell: ``错⏎答案解析：⏎……`` (the explanation)
    or ``对⏎章节测验⏎已完成`` (page text); blanks come as ``第一空：…`` lines.
    """
    lines = [line.strip() for line in cell.splitlines() if line.strip()]
    if not lines:
        return "", "", ""
    explanation = ""
    for index, line in enumerate(lines):
        field = FIELD_LINE.match(fold_line(line))
        if index and field and FIELD_NAMES[field.group(1)] == "explanation":
            explanation = "\n".join([line[field.start(2):].strip()] + lines[index + 1:]).strip()
            lines = lines[:index]
            break
    if all(BLANK_LABEL.match(line) for line in lines):
        return "|".join(BLANK_LABEL.sub("", line) for line in lines), explanation, ""
    if len(lines) > 1 and (letters_of(lines[0]) or judge_word(lines[0]) is not None):
        return lines[0], explanation, " ".join(lines[1:])
    return "|".join(lines) if len(lines) > 1 else lines[0], explanation, ""


def fill_blanks(raw: str) -> tuple[str, bool]:
    """A fill answer as typed → (blanks separated by ``|``, alternatives by ``/``; any order?).

    ``(四)(4)`` groups are one blank each; ``乱序匹配`` marks blanks that may be answered
    in any order; otherwise blanks are separated by ``|`` ``；`` or ``;``.
    """
    any_order = bool(ANY_ORDER.search(raw))
    text = ANY_ORDER.sub("", raw).strip()
    groups = BLANK_GROUPS.findall(text)
    if groups and not BLANK_GROUPS.sub("", text).strip():
        return "|".join(g.strip() for g in groups), any_order
    if "|" in text:
        return text, any_order
    return "|".join(part.strip() for part in re.split(r"[;；]", text) if part.strip()), any_order


# ---------------------------------------------------------------- types, headings, difficulty

# Declared types: the four we store, plus "indefinite" (不定项: multiple with one or more right),
# "choice" (选择题: single or multiple by the answer) and "unsupported".
TYPE_WORDS = [
    ("不定项选择题", "indefinite"), ("不定项选择", "indefinite"), ("不定项", "indefinite"),
    ("单项选择题", "single"), ("单项选择", "single"), ("单选题", "single"), ("单选", "single"),
    ("多项选择题", "multiple"), ("多项选择", "multiple"), ("多选题", "multiple"), ("多选", "multiple"),
    ("判断题", "judge"), ("是非题", "judge"), ("判断", "judge"), ("填空题", "fill"), ("填空", "fill"),
    ("选择题", "choice"),
]
UNSUPPORTED_WORDS = ["简答题", "简答", "问答题", "论述题", "论述", "计算题", "排序题", "案例分析题", "案例分析",
                     "材料分析题", "名词解释", "综合题", "应用题", "分析题", "主观题", "匹配题", "连线题", "作文"]
ENGLISH_TYPES = {"single": "single", "multiple": "multiple", "judge": "judge", "fill": "fill",
                 "singlechoice": "single", "multiplechoice": "multiple", "truefalse": "judge", "sc": "single",
                 "mc": "multiple", "tf": "judge"}
DECLARED_LABELS = {"single": "单选题", "multiple": "多选题", "indefinite": "不定项选择题", "judge": "判断题",
                   "fill": "填空题", "choice": "选择题"}


def declared_type(raw: str) -> str | None:
    """A 题型 cell or label (单选/单选题/单项选择题/不定项选择题/判断题/简答题…) → declared code, None if unknown."""
    text = re.sub(r"\s+", "", fold_line(raw or "")).lower()
    text = re.sub(r"[(（【\[][^)）】\]]*[)）】\]]", "", text).strip("【】[]()")
    if not text:
        return None
    if text in ENGLISH_TYPES:
        return ENGLISH_TYPES[text]
    for word, code in TYPE_WORDS:
        if text == word:
            return code
    if any(text == word for word in UNSUPPORTED_WORDS):
        return "unsupported"
    return None


def heading_type(folded: str) -> str | None:
    """A section heading's type: ``一、单项选择题（每题1分）``, ``单选题``, ``【判断题】`` → declared code.

    None when the line is not a type heading. Questions are never headings: a line
    with a blank ``（ ）`` or a question mark is left alone.
    """
    text = SECTION_NUMBER.match(folded).group(1) if SECTION_NUMBER.match(folded) else folded
    text = re.sub(r"[【】\[\]]", "", text).strip()
    text = re.sub(r"\s*[(（][^)）]*[)）]\s*$", "", text).strip()  # "（每题1分，共20分）"
    text = re.sub(r"^[-=—*#\s]+|[-=—*#:：\s]+$", "", text)
    if not text or len(text) > 12 or "?" in text or "？" in text:
        return None
    for word, code in TYPE_WORDS:
        if text == word or text in (word + "部分", word + "类"):
            return code
    for word in UNSUPPORTED_WORDS:
        if text == word or text in (word + "部分", word + "类"):
            return "unsupported"
    return None


def section_title(folded: str) -> str | None:
    """A numbered section title that is not a type (``一、总则``, ``第01讲 工程伦理概论``): the chapter it names."""
    chapter = CHAPTER_HEADING.match(folded)
    if chapter:
        return chapter.group(1).strip()
    titled = TITLED_SEPARATOR.match(folded)
    if titled:
        return titled.group(1).strip()
    bracket = BRACKETED.match(folded)
    if bracket:
        return bracket.group(1).strip()
    match = re.match(rf"^\s*{CHINESE_NUMBER}\s*[、.]\s*(.+)$", folded)
    if match and len(match.group(1)) <= 30:
        return match.group(1).strip()
    return None


DIFFICULTY_WORDS = {
    "1": 1, "易": 1, "简单": 1, "容易": 1, "较易": 1, "偏易": 1, "低": 1, "easy": 1,
    "2": 2, "中": 2, "中等": 2, "一般": 2, "适中": 2, "普通": 2, "medium": 2,
    "3": 3, "难": 3, "困难": 3, "较难": 3, "偏难": 3, "高": 3, "hard": 3,
}


def difficulty_word(raw) -> int | None:
    """1–3, 易/偏易/适中/偏难/难 and friends → 1–3; blank → 2; None when unknown."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(raw or ""))).lower()
    if not text:
        return 2
    if text.endswith(".0"):
        text = text[:-2]
    return DIFFICULTY_WORDS.get(text)


# ---------------------------------------------------------------- noise

# Lines that quiz exports add after each question: skipped and counted as warnings.
NOISE = re.compile(
    r"^\s*(我的答案|你的答案|学生答案|考生答案|分值|得分|本题得分|满分|命题单位|命题人|出题人|出题单位|审核人|正确率"
    r"|答题人数|作答人数|难度系数|批语|答案状态|本题分数)\s*[:：]?")
PAGE_NUMBER = re.compile(r"^\s*(?:第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|-\s*\d+\s*-|\d+\s*/\s*\d+|page\s*\d+)\s*$",
                         re.IGNORECASE)


def noise_kind(folded: str) -> str | None:
    """The kind of export noise a line is (``我的答案``, ``分值``, ``页码``), or None."""
    match = NOISE.match(folded)
    if match:
        return match.group(1)
    if PAGE_NUMBER.match(folded):
        return "页码"
    return None
