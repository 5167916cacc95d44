"""题库体检 as a pure function: each check against banks built to trip it, or not."""
from __future__ import annotations

import itertools
import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.banks import health
from quizapp.banks.health import ExamItem, HealthQuestion, chi_square_p_value, check_bank
from quizapp.banks.near_duplicates import jaccard, question_text, shingles, similar_pairs
from quizapp.reports.statistics import ItemStatistics

TEXTS = ["维护国家安全", "维护社会治安秩序", "保护公民的人身安全", "预防制止和惩治违法犯罪活动"]


def text(seed, length) -> str:
    """Text of its own for each seed (CJK characters at random: no two questions are alike)."""
    rng = random.Random(str(seed))
    return "".join(chr(0x4E00 + rng.randrange(20000)) for _ in range(length))


def single(ref, answer, texts=None, explanation="解析", chapter="第一章", stem=None):
    texts = texts or [text((ref, k), 8) for k in "ABCD"]
    options = tuple({"key": k, "text": t} for k, t in zip("ABCDEFGH", texts))
    return HealthQuestion(ref, "single", stem or text(ref, 16), options, answer, explanation, chapter)


def multiple(ref, answer, count=4):
    options = tuple({"key": k, "text": text((ref, k), 8)} for k in "ABCDEFGH"[:count])
    return HealthQuestion(ref, "multiple", text(ref, 16), options, answer, "解析", "第一章")


def judge(ref, answer):
    return HealthQuestion(ref, "judge", text(ref, 24), (), answer, "解析", "第一章")


def codes(report):
    return {f.code for f in report.findings}


def by_code(report, code):
    return next(f for f in report.findings if f.code == code)


@pytest.mark.parametrize("statistic, degrees, p", [(3.841459, 1, 0.05), (7.814728, 3, 0.05), (11.344867, 3, 0.01),
                                                   (2.0, 2, math.exp(-1)), (0.5, 3, 0.918891), (40.0, 7, 1.25879e-06)])
def test_chi_square_p_values_match_the_tables(statistic, degrees, p):
    assert chi_square_p_value(statistic, degrees) == pytest.approx(p, rel=1e-4)


def test_an_even_bank_has_no_warnings():
    letters = itertools.cycle("ABCD")
    questions = [single(n, next(letters)) for n in range(1, 41)]
    questions += [multiple(100 + n, answer) for n, answer in enumerate(
        [["A", "C"], ["B", "D"], ["A", "D"], ["B", "C", "D"], ["A", "B", "D"], ["C", "D"], ["B", "C"], ["A", "C", "D"]] * 2)]
    questions += [judge(200 + n, n % 2 == 0) for n in range(20)]
    report = check_bank(questions)
    assert report.warnings == []
    assert codes(report) == {"chapter_coverage"}
    assert report.questions == 76 and report.by_type == {"single": 40, "multiple": 16, "judge": 20}


def test_answers_piled_on_one_letter_are_a_warning_naming_those_questions():
    answers = "B" * 22 + "A" * 10 + "C" * 16 + "D"
    report = check_bank(single(n, a) for n, a in enumerate(answers, start=1))
    finding = by_code(report, "single_letters")
    assert finding.severity == "warning" and "B 22题" in finding.detail and "D 1题" in finding.detail
    # The letters well above their share (B 22 and C 16 against 12.25 each) are the ones to move.
    assert finding.questions == [n for n, a in enumerate(answers, start=1) if a in "BC"]
    assert "只选这个字母" in finding.why


def test_a_small_deviation_in_a_big_bank_is_no_warning():
    # 560 / 440 / 500 / 500: significant (p = 0.002), but no letter is a quarter off its share.
    answers = "A" * 560 + "B" * 440 + "C" * 500 + "D" * 500
    assert "single_letters" not in codes(check_bank(single(n, a) for n, a in enumerate(answers)))


def test_the_longest_option_being_right_is_a_warning():
    texts = ["甲", "乙", "丙", "丁"]
    questions = []
    for n, answer in enumerate(itertools.islice(itertools.cycle("ABCD"), 20), start=1):
        options = [t if k != answer else "这是一个写得很完整的正确选项" for k, t in zip("ABCD", texts)]
        questions.append(single(n, answer, options))
    finding = by_code(check_bank(questions), "longest_right")
    assert "答对100%" in finding.detail and "约25%" in finding.detail
    assert finding.questions == list(range(1, 21))
    # Equally long options give no hint: not a warning however often the answer is A.
    even = [single(n, "ABCD"[n % 4], [text((n, k), 6) for k in "ABCD"]) for n in range(20)]
    assert "longest_right" not in codes(check_bank(even))


def test_multiple_choice_prefixes_and_all_right_options():
    questions = [multiple(n, ["A", "B"] if n % 2 else ["A", "B", "C"]) for n in range(1, 10)]
    questions.append(multiple(10, ["A", "B", "C", "D"]))
    report = check_bank(questions)
    prefix = by_code(report, "multiple_prefix")
    assert prefix.questions == list(range(1, 10)) and "90%" in prefix.detail
    assert ("D", "1/10题为正确选项") in prefix.table
    assert by_code(report, "all_options_right").questions == [10]


def test_judge_balance():
    report = check_bank(judge(n, n < 18) for n in range(25))
    finding = by_code(report, "judge_balance")
    assert "18道为“正确”（72%）" in finding.detail and finding.questions == list(range(18))
    assert "judge_balance" not in codes(check_bank(judge(n, n < 13) for n in range(25)))


def test_near_duplicates_are_listed_in_pairs_within_a_type():
    a = single(1, "A", TEXTS, stem="人民警察的任务是维护国家安全，维护社会治安秩序（ ）。")
    b = single(2, "B", TEXTS[::-1], stem="人民警察的任务是维护国家安全、维护社会治安秩序。（　）")  # options reordered
    c = single(3, "C", TEXTS, stem="人民警察必须以宪法和法律为活动准则（ ）。")
    d = HealthQuestion(4, "judge", a.stem, (), True, "解析", "第一章")  # same stem, another type
    finding = by_code(check_bank([a, b, c, d]), "near_duplicates")
    assert [(x, y) for x, y, _ in finding.pairs] == [(1, 2)]
    assert finding.pairs[0][2] == 1.0 and finding.questions == [1, 2]


def test_missing_explanations_chapters_and_chapter_coverage():
    questions = [single(1, "A", explanation=""), single(2, "B", chapter=""), single(3, "C", chapter="第二章"),
                 single(4, "D", chapter="第一章"), single(5, "A", chapter="第一章"), single(6, "B", chapter="第一章")]
    report = check_bank(questions)
    assert by_code(report, "missing_explanations").questions == [1]
    assert by_code(report, "missing_chapters").questions == [2]
    coverage = by_code(report, "chapter_coverage")
    assert coverage.severity == "notice" and coverage.table == [("第一章", 4), ("第二章", 1)]
    assert coverage.questions == [3] and "第二章" in coverage.detail


def stats(attempts, correct, flags=()):
    return ItemStatistics(attempts, correct, correct / attempts, correct / attempts, 0.3, tuple(flags))


def test_exam_statistics_pool_over_exams_and_carry_their_flags():
    questions = [judge(n, n % 2 == 0) for n in range(1, 5)]
    items = [
        ExamItem(1, 10, "一季度测试", stats(15, 15)), ExamItem(1, 11, "二季度测试", stats(15, 14)),  # 29/30 right
        ExamItem(2, 10, "一季度测试", stats(25, 2, ["too_hard"])),                                  # 2/25 right
        ExamItem(3, 10, "一季度测试", stats(12, 6, ["negative_discrimination"])),
        ExamItem(4, 10, "一季度测试", stats(10, 10)),                                               # too few answers
        ExamItem(99, 10, "一季度测试", stats(30, 0)),                                               # retired since
    ]
    report = check_bank(questions, items)
    assert by_code(report, "almost_all_right").questions == [1]
    assert by_code(report, "almost_all_wrong").questions == [2]
    flagged = by_code(report, "discrimination_flags")
    assert flagged.questions == [2, 3]
    assert ("#3", "一季度测试：成绩好的考生反而答错更多，请检查题目是否有歧义") in flagged.table
    assert report.exam_answers == 77  # answers to the retired question 99 do not count


def test_warnings_come_before_notices_and_the_report_serialises():
    report = check_bank([single(1, "A", explanation="", chapter="第一章")])
    assert [f.severity for f in report.findings] == ["warning", "notice"]
    data = report.as_dict()
    assert data["warnings"] == 1 and data["notices"] == 1
    assert data["findings"][0] == {"code": "missing_explanations", "severity": "warning", "title": "缺少解析",
                                   "detail": "1道题没有解析。", "why": health._missing([single(1, "A", explanation="")])[0].why,
                                   "questions": [1]}


WORDS = st.text(alphabet="党员干部组织纪律国家安全警察任务义务", min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(WORDS, min_size=2, max_size=25), threshold=st.sampled_from([0.5, 0.7, 0.8, 1.0]))
def test_prefix_filter_finds_exactly_the_pairs_that_comparing_all_finds(texts, threshold):
    items = [(n, shingles(question_text(t))) for n, t in enumerate(texts)]
    expected = {(a, b) for (a, x), (b, y) in itertools.combinations(items, 2) if jaccard(x, y) >= threshold - 1e-9}
    assert {(a, b) for a, b, _ in similar_pairs(items, threshold)} == expected


def test_explanations_that_name_options_by_letter_are_a_warning():
    questions = [single(1, "A", explanation="B项错误，因为……"), single(2, "B", explanation="答案为B。"),
                 single(3, "C", explanation="依据第三条，A级风险应当上报。"),
                 HealthQuestion(4, "judge", "陈述", (), True, "答案为B的说法不适用于判断题", "第一章")]
    finding = by_code(check_bank(questions), "explanation_letters")
    assert finding.questions == [1, 2] and "顺序因人而异" in finding.why
