"""The ranking core: places, ties and badges; departments as teams; prize lists."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.contests.prizes import (
    PrizeRuleError, award_prizes, counts_from_shares, organisation_awards, prize_counts,
)
from quizapp.contests.ranking import (
    Result, TeamStanding, badge, best_per_person, competition_ranks, rank_individuals, rank_teams, team_score,
)

T0 = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


results = st.lists(
    st.builds(Result, person=st.integers(1, 40), score=st.sampled_from([0, 60, 75.5, 80, 90, 100]),
              seconds=st.integers(30, 120), submitted_at=st.integers(0, 5).map(at),
              team=st.sampled_from(["治安大队", "刑侦大队", "城关派出所"])),
    max_size=40,
)


def test_score_then_time_then_submission_decides_the_order():
    placed = rank_individuals([
        Result("slow", 90, 300, at(6)),
        Result("late", 90, 200, at(9)),
        Result("top", 95, 900, at(20)),
        Result("early", 90, 200, at(5)),
    ])
    assert [(p.result.person, p.rank, p.badge) for p in placed] == [
        ("top", 1, "🥇"), ("early", 2, "🥈"), ("late", 3, "🥉"), ("slow", 4, "")]


def test_equal_in_all_three_share_a_place_and_the_next_place_is_skipped():
    placed = rank_individuals([
        Result("a", 100, 60, at(1)), Result("b", 90, 60, at(1)), Result("c", 90, 60, at(1)),
        Result("d", 80, 60, at(1)),
    ])
    assert [p.rank for p in placed] == [1, 2, 2, 4]
    assert [p.badge for p in placed] == ["🥇", "🥈", "🥈", ""]


def test_chinese_badges_for_the_first_three():
    assert [badge(rank, "chinese") for rank in range(1, 5)] == ["一", "二", "三", ""]
    assert badge(0) == ""


@given(results)
def test_ranks_follow_the_order_and_ties_are_exactly_equal_results(items):
    placed = rank_individuals(items)
    assert len(placed) == len(items)
    for before, after in zip(placed, placed[1:]):
        assert before.result.order_key() <= after.result.order_key()
        if before.result.order_key() == after.result.order_key():
            assert after.rank == before.rank
        else:
            assert after.rank > before.rank
    for index, entry in enumerate(placed):
        better = sum(1 for other in items if other.order_key() < entry.result.order_key())
        assert entry.rank == better + 1  # competition ranking: one plus everyone strictly better
        assert entry.rank <= index + 1


@given(st.lists(st.integers(0, 5), max_size=30).map(sorted))
def test_competition_ranks_skip_after_a_tie(keys):
    ranks = competition_ranks(keys)
    for index, key in enumerate(keys):
        assert ranks[index] == keys.index(key) + 1


def test_best_attempt_counts_per_person():
    best = best_per_person([
        Result("a", 70, 100, at(1)), Result("a", 90, 500, at(30)), Result("a", 90, 400, at(50)),
        Result("b", 60, 100, at(2)),
    ])
    assert sorted((r.person, r.score, r.seconds) for r in best) == [("a", 90, 400), ("b", 60, 100)]


@given(results)
def test_best_per_person_keeps_one_result_each_no_worse_than_any_of_theirs(items):
    best = {r.person: r for r in best_per_person(items)}
    assert set(best) == {r.person for r in items}
    for r in items:
        assert best[r.person].order_key() <= r.order_key()


def test_departments_rank_by_average_of_best_scores_with_participation_beside_it():
    teams = rank_teams([
        Result(1, 100, 60, at(1), "治安大队"), Result(1, 60, 60, at(0), "治安大队"),  # best 100 counts
        Result(2, 80, 60, at(1), "治安大队"),
        Result(3, 95, 60, at(1), "刑侦大队"),
    ], candidates={"治安大队": 4, "刑侦大队": 2, "城南派出所": 5})
    assert [(t.rank, t.team, t.participants, t.candidates, t.participation_rate, t.score) for t in teams] == [
        (1, "刑侦大队", 1, 2, 0.5, 95.0),
        (2, "治安大队", 2, 4, 0.5, 90.0),
        (3, "城南派出所", 0, 5, 0.0, None),
    ]


def test_equal_team_scores_are_split_by_participation_then_shared():
    teams = rank_teams([
        Result(1, 90, 1, at(1), "甲"), Result(2, 90, 1, at(1), "乙"), Result(3, 90, 1, at(1), "丙"),
    ], candidates={"甲": 1, "乙": 2, "丙": 2})
    assert {(t.team, t.rank) for t in teams} == {("甲", 1), ("乙", 2), ("丙", 2)}


def test_team_methods_sum_average_and_top_n():
    scores = [100, 80, 30]
    assert team_score(scores, "average") == 70.0
    assert team_score(scores, "sum") == 210
    assert team_score(scores, "top_n", 2) == 90.0
    assert team_score([100], "top_n", 3) == 33.33  # missing places count 0
    assert team_score([], "top_n", 3) is None
    with pytest.raises(ValueError):
        team_score(scores, "top_n")


@given(results)
def test_every_team_with_candidates_or_participants_is_ranked_once(items):
    candidates = {"治安大队": 10, "刑侦大队": 10, "城关派出所": 10, "城南派出所": 3}
    teams = rank_teams(items, candidates)
    assert sorted(t.team for t in teams) == sorted(candidates)
    for team in teams:
        members = {r.person for r in items if r.team == team.team}
        # a person appears in the team of their best result
        assert team.participants <= len(members)
        assert 0 <= team.participation_rate <= 1
    scored = [t.score for t in teams if t.score is not None]
    assert scored == sorted(scored, reverse=True)


def test_prizes_by_counts_widen_on_a_tie_at_the_boundary():
    placed = rank_individuals([Result(p, s, 60, at(1)) for p, s in
                               [("a", 100), ("b", 95), ("c", 95), ("d", 90), ("e", 80), ("f", 70)]])
    prizes = award_prizes(placed, counts=(1, 1, 2))
    assert [(p.placed.result.person, p.label) for p in prizes] == [
        ("a", "一等奖"), ("b", "二等奖"), ("c", "二等奖"), ("d", "三等奖")]
    # b and c share place 2, within n1+n2 = 2; d is place 4 = n1+n2+n3; e (5) gets nothing


def test_prizes_by_shares_round_half_up_and_respect_a_minimum_score():
    assert counts_from_shares((0.1, 0.2, 0.3), 25) == (3, 5, 8)  # 2.5 → 3, 5, 7.5 → 8
    placed = rank_individuals([Result(i, 100 - i, 60, at(1)) for i in range(10)] + [Result("zero", 0, 1, at(0))])
    prizes = award_prizes(placed, shares=(0.1, 0.1, 0.1))
    assert [p.label for p in prizes] == ["一等奖", "二等奖", "三等奖"]
    everyone = award_prizes(placed, counts=(11, 0, 0), min_score=1)
    assert "zero" not in [p.placed.result.person for p in everyone]


def test_prize_rules_refuse_bad_counts_and_shares():
    with pytest.raises(PrizeRuleError):
        prize_counts(10)
    with pytest.raises(PrizeRuleError):
        prize_counts(10, counts=(1, 2), shares=(0.1, 0.1, 0.1))
    with pytest.raises(PrizeRuleError):
        prize_counts(10, shares=(0.5, 0.4, 0.3))
    with pytest.raises(PrizeRuleError):
        prize_counts(10, counts=(1, -1, 2))
    with pytest.raises(PrizeRuleError):
        prize_counts(10, counts=(1, 2))


@given(results, st.tuples(st.integers(0, 5), st.integers(0, 5), st.integers(0, 5)))
def test_prize_levels_follow_places_and_ties_never_split(items, counts):
    placed = rank_individuals(best_per_person(items))
    prizes = award_prizes(placed, counts=counts)
    level_of = {id(p.placed): p.level for p in prizes}
    for before, after in zip(placed, placed[1:]):
        if before.rank == after.rank:
            assert level_of.get(id(before)) == level_of.get(id(after))
        a, b = level_of.get(id(before), 4), level_of.get(id(after), 4)
        assert a <= b  # a better place never gets a lower prize
    # nobody wins beyond the last cutoff
    assert all(p.placed.rank <= sum(counts) for p in prizes)


def test_organisation_award_goes_to_the_highest_participation_ties_included():
    teams = [
        TeamStanding(1, "治安大队", 10, 8, 0.8, 90), TeamStanding(2, "刑侦大队", 5, 5, 1.0, 85),
        TeamStanding(3, "城关派出所", 4, 4, 1.0, 80), TeamStanding(4, "政治处", 3, 0, 0.0, None),
    ]
    assert {t.team for t in organisation_awards(teams, count=1)} == {"城关派出所", "刑侦大队"}
    assert [t.team for t in organisation_awards(teams, count=3)][-1] == "治安大队"
    assert organisation_awards(teams, count=3, min_rate=0.9) == organisation_awards(teams, count=1)
    assert organisation_awards(teams, count=0) == []
