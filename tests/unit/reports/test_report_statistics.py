"""Report statistics against figures computed by hand."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.reports.statistics import (
    correlation, correlation_from_sums, item_from_sums, item_statistics, percent, score_bins, summarise, summary_sentence,
)


def test_summary_of_four_scores_with_a_tie_for_highest():
    figures = summarise(5, [97, 100, 95.8, 100], pass_mark=60)
    assert figures.participated == 4
    assert figures.participation_rate == 0.8
    assert figures.pass_rate == 1.0
    assert figures.average == 98.2  # 392.8 / 4
    assert figures.highest == 100 and figures.lowest == 95.8


def test_score_exactly_on_the_pass_mark_passes():
    figures = summarise(3, [60, 59.5, 80], pass_mark=60)
    assert figures.passed == 2
    assert figures.pass_rate == pytest.approx(0.6667)


def test_zero_candidates_and_all_absent_give_no_rates_instead_of_dividing_by_zero():
    empty = summarise(0, [], pass_mark=60)
    assert empty.participation_rate is None and empty.pass_rate is None and empty.average is None
    absent = summarise(12, [], pass_mark=60)
    assert absent.participation_rate == 0.0
    assert absent.pass_rate is None and absent.highest is None and absent.lowest is None


def test_score_bins_put_full_marks_in_the_last_band_and_zero_in_the_first():
    bins = score_bins([0, 9.9, 10, 59, 60, 99.5, 100, 100])
    assert [b.count for b in bins] == [2, 1, 0, 0, 0, 1, 1, 0, 0, 3]
    assert bins[0].label == "0–10" and bins[-1].label == "90–100"
    assert sum(b.count for b in bins) == 8


def test_discrimination_matches_the_worked_example():
    # x = item score, t = total; rest y = t - x = [9, 7, 4, 6, 3].
    # x̄ = 0.6, ȳ = 5.8, Σdxdy = 4.6, Σdx² = 1.2, Σdy² = 22.8 → D = 4.6/√27.36 = 0.8794
    stats = item_statistics([1, 1, 0, 1, 0], [10, 8, 4, 7, 3], max_points=1)
    assert stats.attempts == 5 and stats.correct == 3
    assert stats.correct_rate == 0.6
    assert stats.facility == 0.6
    assert stats.discrimination == 0.8794


def test_negative_discrimination_and_low_facility_are_flagged_once_there_is_enough_evidence():
    # The two strongest candidates miss it, the two weakest get it: rest y = [10, 9, 1, 0],
    # Σdxdy = -9, Σdx² = 1, Σdy² = 82 → D = -9/√82 = -0.9939.
    stats = item_statistics([0, 0, 1, 1], [10, 9, 2, 1], max_points=1, min_attempts=4)
    assert stats.discrimination == -0.9939
    assert stats.flags == ("negative_discrimination",)
    hard = item_statistics([0] * 9 + [1], list(range(50, 60)), max_points=1)
    assert hard.facility == 0.1 and "too_hard" in hard.flags
    few = item_statistics([0, 0, 1, 1], [10, 9, 2, 1], max_points=1)
    assert few.flags == ()


def test_facility_uses_partial_credit_while_correct_rate_counts_full_marks_only():
    stats = item_statistics([2, 1, 0, 2], [90, 70, 40, 80], max_points=2)
    assert stats.facility == 0.625  # 5 / (4 × 2)
    assert stats.correct_rate == 0.5


def test_discrimination_is_undefined_when_everyone_answered_alike():
    stats = item_statistics([1, 1, 1], [90, 80, 70], max_points=1)
    assert stats.discrimination is None and stats.facility == 1.0
    assert item_statistics([], [], max_points=1).facility is None


@given(st.lists(st.tuples(st.floats(0, 5), st.floats(0, 95)), min_size=2, max_size=30))
def test_correlation_stays_within_minus_one_and_one(pairs):
    value = correlation([p[0] for p in pairs], [p[1] for p in pairs])
    assert value is None or -1.000001 <= value <= 1.000001


def test_summary_sentences_in_the_bureaus_words():
    full = summarise(99, [97.6] * 99, pass_mark=60)
    assert summary_sentence("full", full) == "全局共99名民警参加全员普测，合格率100%，平均分97.6。"
    sample = summarise(20, [98.4] * 20, pass_mark=60)
    assert summary_sentence("sample", sample) == "从各部门随机抽取20名民警进行集中抽测，合格率100%，平均分98.4。"


def test_summary_sentence_mentions_absentees_and_nobody_taking_part():
    partial = summarise(20, [100] * 17 + [50], pass_mark=60)
    assert summary_sentence("sample", partial) == (
        "从各部门随机抽取20名民警进行集中抽测，实际参加18人（参考率90%），合格率94.4%，平均分97.2。")
    full = summarise(10, [80] * 8, pass_mark=60)
    assert summary_sentence("full", full, scope="治安大队") == (
        "治安大队共8名民警参加全员普测（应参加10名，参考率80%），合格率100%，平均分80。")
    assert summary_sentence("full", summarise(5, [], 60)) == "全局应参加全员普测民警5名，无人参加。"
    assert summary_sentence("sample", summarise(5, [], 60)) == "从各部门随机抽取5名民警进行集中抽测，无人参加。"


def test_percent_drops_a_trailing_zero():
    assert percent(1.0) == "100%" and percent(0.9467) == "94.7%" and percent(None) == "—"


def test_sums_give_the_same_discrimination_as_the_worked_example():
    x, t = [1, 1, 0, 1, 0], [10, 8, 4, 7, 3]
    y = [b - a for a, b in zip(x, t)]
    stats = item_from_sums(5, 3, sum(x), 5, sum(x), sum(y), sum(a * a for a in x), sum(b * b for b in y),
                           sum(a * b for a, b in zip(x, y)))
    assert stats == item_statistics(x, t, max_points=1)
    assert correlation_from_sums(3, 3, 6, 3, 14, 6) is None  # x constant


@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 96)), min_size=2, max_size=40))
def test_correlation_from_sums_matches_the_direct_formula(pairs):
    xs, ys = [p[0] for p in pairs], [p[1] for p in pairs]
    direct = correlation(xs, ys)
    summed = correlation_from_sums(len(xs), sum(xs), sum(ys), sum(a * a for a in xs), sum(b * b for b in ys),
                                   sum(a * b for a, b in pairs))
    assert (direct is None) == (summed is None)
    if direct is not None:
        assert summed == pytest.approx(direct, abs=1e-9)


def test_summary_sentence_for_a_group_and_for_a_makeup_exam():
    activists = summarise(12, [90] * 12, pass_mark=60)
    assert summary_sentence("full", activists, who="入党积极分子") == (
        "全局共12名入党积极分子参加全员普测，合格率100%，平均分90。")
    makeup = summarise(3, [70, 65, 50], pass_mark=60)
    assert summary_sentence("makeup", makeup, scope="治安大队") == "治安大队共3名民警参加补考，合格率66.7%，平均分61.7。"
