"""题库体检: what makes a bank guessable or weak, found by one pure function over its questions.

``check_bank(questions, exam_items)`` takes plain data — the bank's active
questions and, from exams already sat, each question's statistics per exam —
and returns findings. Each finding says what was found, why it matters (in
Chinese, for the bank's admin) and which questions it concerns. No database:
the pages, the CLI, the API and the import preview gather the data and call it.

Warnings are what a bank should not ship with; notices are worth knowing. The
thresholds below are named here and documented in the README.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

from ..reports.statistics import FLAG_LABELS, ItemStatistics
from .chapters import sorted_chapters
from .near_duplicates import question_text, shingles, similar_pairs

# Distributions are judged only over at least this many questions of the type.
MIN_QUESTIONS_FOR_DISTRIBUTION = 8
# Single choice: the right letters differ from an even spread when a chi-square test
# rejects uniformity at this level AND some letter is this far (relative) from its share.
LETTER_SKEW_P_VALUE = 0.01
LETTER_SKEW_MIN_DEVIATION = 0.25
# Single choice: "pick the longest option" may beat blind guessing by at most this share.
LONGEST_RIGHT_MAX_EXCESS = 0.1
# Multiple choice: the right options are the first ones (A, AB, ABC…) in more than this share.
PREFIX_RIGHT_MAX_SHARE = 0.4
# Judge: the share of true statements should lie within this range.
JUDGE_TRUE_SHARE_RANGE = (0.35, 0.65)
# Near duplicates: same type and shingle (character bigram) Jaccard similarity at least this.
NEAR_DUPLICATE_SIMILARITY = 0.7
# The search stops after this many pairs: a bank of near-copies has millions.
MAX_NEAR_DUPLICATE_PAIRS = 500
# An explanation that names options by letter ("A项错误", "选项B", "答案为C", "故选D"): the letters
# are the question's own, but exams and practice show the options shuffled, so an officer reads other letters.
LETTER_REFERENCE = re.compile(r"[A-H]\s*(?:项|选项)|选项\s*[A-H]|答案\s*(?:为|是|应为|应选)?\s*[:：]?\s*[A-H]{1,8}(?![A-Za-z])"
                              r"|(?:故|应|本题)选\s*[A-H]{1,8}(?![A-Za-z])")
# A chapter with fewer questions than this is noted as thin.
THIN_CHAPTER_QUESTIONS = 3
# Exams sat: rates are judged only over at least this many answers.
MIN_ANSWERS_FOR_RATES = 20
ALMOST_ALL_RIGHT_RATE = 0.95
ALMOST_ALL_WRONG_RATE = 0.1

WARNING, NOTICE = "warning", "notice"
SEVERITY_LABELS = {WARNING: "警告", NOTICE: "提示"}
OPTION_LETTERS = "ABCDEFGH"


@dataclass(frozen=True)
class HealthQuestion:
    """What the check reads of one question; ``ref`` identifies it (a question id, or a number in a file)."""

    ref: Hashable
    type: str
    stem: str
    options: tuple[dict, ...] = ()
    answer: object = None
    explanation: str = ""
    chapter: str = ""

    @classmethod
    def of(cls, question, ref: Hashable | None = None) -> HealthQuestion:
        """From a stored Question or a ParsedQuestion (anything with these attributes)."""
        return cls(ref if ref is not None else question.id, question.type, question.stem,
                   tuple(question.options or ()), question.answer, question.explanation or "", question.chapter or "")


@dataclass(frozen=True)
class ExamItem:
    """One question's statistics in one exam sat (from the reports' item statistics)."""

    question_id: Hashable
    exam_id: int
    exam_title: str
    stats: ItemStatistics


@dataclass
class Finding:
    """One thing the check found: what, why it matters, and which questions."""

    code: str
    severity: str
    title: str
    detail: str
    why: str
    questions: list = field(default_factory=list)
    pairs: list[tuple[Hashable, Hashable, float]] = field(default_factory=list)
    table: list[tuple[str, object]] = field(default_factory=list)

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS[self.severity]

    def as_dict(self) -> dict:
        data = {"code": self.code, "severity": self.severity, "title": self.title, "detail": self.detail,
                "why": self.why, "questions": list(self.questions)}
        if self.pairs:
            data["pairs"] = [{"questions": [a, b], "similarity": s} for a, b, s in self.pairs]
        if self.table:
            data["table"] = [{"label": label, "value": value} for label, value in self.table]
        return data


@dataclass
class HealthReport:
    """The findings, warnings first, with the counts the check looked at."""

    questions: int
    by_type: dict[str, int]
    findings: list[Finding]
    exam_answers: int = 0
    stems: dict = field(default_factory=dict)  # ref → stem, for pages that name the questions

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    @property
    def notices(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == NOTICE]

    def as_dict(self) -> dict:
        return {"questions": self.questions, "by_type": self.by_type, "exam_answers": self.exam_answers,
                "warnings": len(self.warnings), "notices": len(self.notices),
                "findings": [f.as_dict() for f in self.findings]}


def percent(share: float) -> str:
    """0.4489 → '44.9%'."""
    value = round(share * 100, 1)
    return f"{int(value)}%" if value == int(value) else f"{value}%"


# ---------------------------------------------------------------- statistics

def chi_square_p_value(statistic: float, degrees: int) -> float:
    """P(χ²_degrees ≥ statistic): the regularised upper incomplete gamma Q(k/2, x/2)."""
    if degrees < 1:
        raise ValueError("degrees must be positive")
    if statistic <= 0:
        return 1.0
    a, x = degrees / 2, statistic / 2
    log_prefix = a * math.log(x) - x - math.lgamma(a)
    if x < a + 1:  # series for the lower function P, then Q = 1 − P
        term = total = 1 / a
        n = a
        while abs(term) > abs(total) * 1e-15:
            n += 1
            term *= x / n
            total += term
        return max(0.0, 1 - total * math.exp(log_prefix))
    # Continued fraction for Q (Lentz's method).
    tiny = 1e-300
    b = x + 1 - a
    c, d = 1 / tiny, 1 / b
    h = d
    for i in range(1, 1000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-15:
            break
    return min(1.0, math.exp(log_prefix) * h)


def _p_text(p_value: float) -> str:
    """'<0.001' or '=0.004': a p-value as a person reads it."""
    return "<0.001" if p_value < 0.001 else f"={p_value:.3f}"


def _length(text: str) -> int:
    return len("".join(unicodedata.normalize("NFKC", text).split()))


# ---------------------------------------------------------------- the checks

def _single_letters(singles: list[HealthQuestion]) -> Finding | None:
    """Right letters of single-choice questions against an even spread over each question's options."""
    if len(singles) < MIN_QUESTIONS_FOR_DISTRIBUTION:
        return None
    observed: Counter = Counter(q.answer for q in singles)
    expected: dict[str, float] = defaultdict(float)
    for question in singles:
        for option in question.options:
            expected[option["key"]] += 1 / len(question.options)
    letters = [k for k in OPTION_LETTERS if expected.get(k)]
    statistic = sum((observed[k] - expected[k]) ** 2 / expected[k] for k in letters)
    p_value = chi_square_p_value(statistic, len(letters) - 1) if len(letters) > 1 else 1.0
    deviations = {k: (observed[k] - expected[k]) / expected[k] for k in letters}
    worst = max(letters, key=lambda k: abs(deviations[k]))
    table = [(f"{k}", f"{observed[k]}题（均匀应约{expected[k]:.1f}题）") for k in letters]
    if p_value >= LETTER_SKEW_P_VALUE or abs(deviations[worst]) < LETTER_SKEW_MIN_DEVIATION:
        return None
    over = [k for k in letters if deviations[k] >= LETTER_SKEW_MIN_DEVIATION]
    spread = "，".join(f"{k} {observed[k]}题" for k in letters)
    return Finding(
        "single_letters", WARNING, "单选题答案字母分布不均",
        f"{len(singles)}道单选题的正确答案：{spread}；均匀分布时每个字母约占"
        f"{percent(1 / len(letters))}（卡方检验 p{_p_text(p_value)}）。",
        "答案集中在某个字母上，考生不看题、只选这个字母也能得分；练习多了还会记住“答案多半是B”这样的规律，成绩反映不了真实掌握程度。",
        questions=[q.ref for q in singles if q.answer in over], table=table)


def _longest_right(singles: list[HealthQuestion]) -> Finding | None:
    """How often "pick the longest option" is right in single-choice questions, against blind guessing.

    A question where the right option ties for the longest with k options counts 1/k
    (the guesser picks one of them).
    """
    if len(singles) < MIN_QUESTIONS_FOR_DISTRIBUTION:
        return None
    score = guess = 0.0
    longest = []
    for question in singles:
        lengths = {o["key"]: _length(o["text"]) for o in question.options}
        top = max(lengths.values())
        tied = [key for key, length in lengths.items() if length == top]
        if question.answer in tied and len(tied) < len(lengths):
            score += 1 / len(tied)
            longest.append(question.ref)
        elif question.answer in tied:
            score += 1 / len(tied)  # every option equally long: no hint, counts as a blind guess
        guess += 1 / len(lengths)
    share, baseline = score / len(singles), guess / len(singles)
    if share <= baseline + LONGEST_RIGHT_MAX_EXCESS:
        return None
    return Finding(
        "longest_right", WARNING, "正确选项往往是最长的",
        f"单选题中，只选最长的选项就能答对{percent(share)}，随机猜只能答对约{percent(baseline)}；"
        f"{len(longest)}道题的正确选项是最长（或并列最长）的一项。",
        "“选最长的”是常见的蒙题技巧：正确选项写得最完整、干扰项写得短，考生不懂也能猜对。干扰项应与正确选项长短相近、表述同样规范。",
        questions=longest)


def _is_prefix(question: HealthQuestion) -> bool:
    keys = [o["key"] for o in question.options]
    right = sorted(question.answer or [])
    return len(right) < len(keys) and right == keys[:len(right)]


def _multiple_positions(multiples: list[HealthQuestion]) -> list[Finding]:
    """Right options of multiple-choice questions always first, or all options right."""
    findings = []
    everything = [q.ref for q in multiples if len(q.answer or []) == len(q.options)]
    if everything:
        findings.append(Finding(
            "all_options_right", WARNING, "多选题的选项全部正确",
            f"{len(everything)}道多选题的每个选项都是正确答案。",
            "没有错误选项的多选题考不出辨别能力：“全选”就能得分。每道多选题至少应有一个似是而非的错误选项。",
            questions=everything))
    if len(multiples) < MIN_QUESTIONS_FOR_DISTRIBUTION:
        return findings
    prefix = [q.ref for q in multiples if _is_prefix(q)]
    share = len(prefix) / len(multiples)
    right_at: Counter = Counter(k for q in multiples for k in (q.answer or []))
    shown_at: Counter = Counter(o["key"] for q in multiples for o in q.options)
    table = [(k, f"{right_at[k]}/{shown_at[k]}题为正确选项") for k in OPTION_LETTERS if shown_at[k]]
    if share > PREFIX_RIGHT_MAX_SHARE:
        findings.append(Finding(
            "multiple_prefix", WARNING, "多选题的正确选项总在前面",
            f"{len(prefix)}道多选题（{percent(share)}）的正确选项是开头连续的几项（A、AB、ABC……），"
            f"超过了{percent(PREFIX_RIGHT_MAX_SHARE)}。",
            "正确选项排在前、错误选项排在后时，“除最后一项外全选”就能拿到大部分分数；练习多了，考生记住的是位置而不是内容。",
            questions=prefix, table=table))
    return findings


def _judge_balance(judges: list[HealthQuestion]) -> Finding | None:
    """The share of true statements among judge questions."""
    if len(judges) < MIN_QUESTIONS_FOR_DISTRIBUTION:
        return None
    true = [q.ref for q in judges if q.answer is True]
    share = len(true) / len(judges)
    low, high = JUDGE_TRUE_SHARE_RANGE
    if low <= share <= high:
        return None
    majority, word = (true, "正确") if share > high else ([q.ref for q in judges if q.answer is not True], "错误")
    return Finding(
        "judge_balance", WARNING, "判断题对错比例失衡",
        f"{len(judges)}道判断题中{len(true)}道为“正确”（{percent(share)}），"
        f"应在{percent(low)}到{percent(high)}之间。",
        f"多数判断题答案为“{word}”时，一律选“{word}”就能得高分。对错大致各半，才能考出是否真正掌握。",
        questions=majority)


def _near_duplicates(questions: list[HealthQuestion]) -> Finding | None:
    """Pairs of questions of one type whose stem and options are nearly the same."""
    by_type: dict[str, list[tuple[Hashable, frozenset]]] = defaultdict(list)
    for question in questions:
        text = question_text(question.stem, (o["text"] for o in question.options))
        by_type[question.type].append((question.ref, shingles(text)))
    pairs: list[tuple[Hashable, Hashable, float]] = []
    for items in by_type.values():
        pairs += similar_pairs(items, NEAR_DUPLICATE_SIMILARITY, MAX_NEAR_DUPLICATE_PAIRS - len(pairs))
        if len(pairs) >= MAX_NEAR_DUPLICATE_PAIRS:
            break
    if not pairs:
        return None
    pairs.sort(key=lambda pair: -pair[2])
    involved = list(dict.fromkeys(ref for a, b, _ in pairs for ref in (a, b)))
    how_many = f"至少{len(pairs)}对（只列出找到的前{len(pairs)}对）" if len(pairs) >= MAX_NEAR_DUPLICATE_PAIRS \
        else f"{len(pairs)}对"
    return Finding(
        "near_duplicates", WARNING, "有相似度很高的重复题",
        f"{how_many}同题型试题的题干和选项几乎相同（相似度≥{percent(NEAR_DUPLICATE_SIMILARITY)}），涉及{len(involved)}道题。",
        "同一知识点反复出现，会挤占其他内容、让试卷重复；随机组卷时同一张试卷可能抽到两道几乎一样的题。请保留一道，改写或停用其余的。",
        questions=involved, pairs=pairs)


MISSING_FIELDS = [
    ("explanation", "missing_explanations", "缺少解析", "没有解析",
     "练习时答完就看解析，是民警学习的主要途径；没有解析，答错了也不知道错在哪里、依据是哪一条。"),
    ("chapter", "missing_chapters", "缺少章节", "没有填写章节",
     "按章节练习和按章节组卷都依据章节；没有章节的题不会出现在章节练习中，组卷时也无法按章节抽取。"),
]


def _missing(questions: list[HealthQuestion]) -> list[Finding]:
    """Questions without an explanation, and without a chapter."""
    findings = []
    for attribute, code, title, phrase, why in MISSING_FIELDS:
        refs = [q.ref for q in questions if not getattr(q, attribute).strip()]
        if refs:
            findings.append(Finding(code, WARNING, title, f"{len(refs)}道题{phrase}。", why, questions=refs))
    return findings


def _letter_references(questions: list[HealthQuestion]) -> Finding | None:
    """Choice questions whose explanation names options by letter."""
    refs = [q.ref for q in questions if q.type in ("single", "multiple") and LETTER_REFERENCE.search(q.explanation)]
    if not refs:
        return None
    return Finding(
        "explanation_letters", WARNING, "解析按字母指称选项",
        f"{len(refs)}道选择题的解析用字母指称选项（如“A项错误”“答案为B”）。",
        "考试和练习中选项的顺序因人而异，民警看到的字母与解析里的字母对不上，反而会被误导。解析应直接写出选项的内容。",
        questions=refs)


def _chapter_coverage(questions: list[HealthQuestion]) -> Finding | None:
    """Questions per chapter, with thin chapters noted."""
    counts = Counter(q.chapter.strip() for q in questions if q.chapter.strip())
    if not counts:
        return None
    thin = sorted((c for c, n in counts.items() if n < THIN_CHAPTER_QUESTIONS), key=lambda c: (counts[c], c))
    order = sorted_chapters(counts)
    detail = f"共{len(counts)}个章节，每章{min(counts.values())}到{max(counts.values())}题。"
    if thin:
        detail += f"{len(thin)}个章节少于{THIN_CHAPTER_QUESTIONS}题：{'、'.join(thin[:10])}{'等' if len(thin) > 10 else ''}。"
    return Finding(
        "chapter_coverage", NOTICE, "各章节题量",
        detail,
        "题量很少的章节在按章节练习和组卷时不够用，也说明这部分内容覆盖不足；题量特别多的章节会在随机组卷中占比过大。",
        questions=[q.ref for q in questions if q.chapter.strip() in thin],
        table=[(chapter, counts[chapter]) for chapter in order])


def _from_exams(items: Sequence[ExamItem], active: set) -> list[Finding]:
    """Pooled correct rates over the exams sat, and the questions the item statistics flag."""
    pooled: dict[Hashable, list[int]] = defaultdict(lambda: [0, 0])
    flagged: dict[Hashable, list[str]] = defaultdict(list)
    for item in items:
        if item.question_id not in active:
            continue
        pooled[item.question_id][0] += item.stats.attempts
        pooled[item.question_id][1] += item.stats.correct
        for flag in item.stats.flags:
            flagged[item.question_id].append(f"{item.exam_title}：{FLAG_LABELS.get(flag, flag)}")
    findings = []
    rate_checks = [
        ("almost_all_wrong", WARNING, "几乎人人答错的题", lambda rate: rate <= ALMOST_ALL_WRONG_RATE,
         f"不超过{percent(ALMOST_ALL_WRONG_RATE)}", "几乎没人答对，往往是答案录错、题干有歧义或依据的条文已经修改，请对照出处核实。"),
        ("almost_all_right", NOTICE, "几乎人人答对的题", lambda rate: rate >= ALMOST_ALL_RIGHT_RATE,
         f"不低于{percent(ALMOST_ALL_RIGHT_RATE)}", "人人都会的题区分不出掌握程度；如果干扰项明显不合理，可以改写得更有迷惑性。"),
    ]
    for code, severity, title, applies, bound, why in rate_checks:
        refs = sorted(q for q, (n, right) in pooled.items() if n >= MIN_ANSWERS_FOR_RATES and applies(right / n))
        if refs:
            findings.append(Finding(
                code, severity, title,
                f"{len(refs)}道题在已进行的考试中答对率{bound}（至少{MIN_ANSWERS_FOR_RATES}人次作答）。", why,
                questions=refs, table=[(f"#{q}", f"答对{pooled[q][1]}/{pooled[q][0]}人次") for q in refs]))
    if flagged:
        refs = sorted(flagged)
        findings.append(Finding(
            "discrimination_flags", WARNING, "考试统计提示可能有误的题",
            f"{len(refs)}道题在考试统计中被标记（难度或区分度异常）。",
            "成绩好的考生反而答错更多、或几乎无人答对，通常说明答案或题干有问题；这类题会让成绩失真。",
            questions=refs, table=[(f"#{q}", "；".join(flagged[q])) for q in refs]))
    return findings


CHECKS_ORDER = ["single_letters", "longest_right", "multiple_prefix", "all_options_right", "judge_balance",
                "near_duplicates", "missing_explanations", "missing_chapters", "explanation_letters", "almost_all_wrong",
                "discrimination_flags", "almost_all_right", "chapter_coverage"]


def check_bank(questions: Iterable[HealthQuestion], exam_items: Sequence[ExamItem] = ()) -> HealthReport:
    """Every check over a bank's active questions (and its questions' statistics in exams sat)."""
    questions = list(questions)
    refs = {q.ref for q in questions}
    by_type: dict[str, list[HealthQuestion]] = defaultdict(list)
    for question in questions:
        by_type[question.type].append(question)
    findings: list[Finding | None] = [
        _single_letters(by_type["single"]), _longest_right(by_type["single"]),
        *_multiple_positions(by_type["multiple"]), _judge_balance(by_type["judge"]),
        _near_duplicates(questions), *_missing(questions), _letter_references(questions),
        _chapter_coverage(questions),
        *_from_exams(exam_items, refs),
    ]
    found = sorted((f for f in findings if f is not None),
                   key=lambda f: (f.severity != WARNING, CHECKS_ORDER.index(f.code)))
    return HealthReport(len(questions), {t: len(qs) for t, qs in by_type.items() if qs}, found,
                        sum(i.stats.attempts for i in exam_items if i.question_id in refs),
                        {q.ref: q.stem for q in questions})
