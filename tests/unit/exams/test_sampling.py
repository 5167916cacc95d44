"""The seeded draw: sizes, allocation, reproducibility, never an inactive officer."""
from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from quizapp.exams.sampling import SamplingError, allocate, draw_sample

department_sizes = st.dictionaries(st.sampled_from(["政治处", "治安大队", "刑侦大队", "城关所", "城南所", "指挥中心"]),
                                   st.integers(0, 40), min_size=1)


@given(department_sizes, st.data(), st.sampled_from(["equal", "proportional"]))
def test_allocation_sums_to_size_and_fits_every_department(sizes, data, method):
    population = sum(sizes.values())
    assume(population > 0)
    size = data.draw(st.integers(1, population))
    counts = allocate(sizes, size, method)
    assert sum(counts.values()) == size
    assert all(0 <= counts[d] <= sizes[d] for d in sizes)


@given(department_sizes, st.data())
def test_equal_allocation_differs_by_at_most_one_where_departments_are_big_enough(sizes, data):
    population = sum(sizes.values())
    assume(population > 0)
    size = data.draw(st.integers(1, population))
    counts = allocate(sizes, size, "equal")
    unfilled = [counts[d] for d in sizes if counts[d] < sizes[d]]
    assume(unfilled)  # every department gave everyone: nothing to compare
    assert max(unfilled) - min(unfilled) <= 1
    # a department that gave everyone never got more than one above the unfilled ones
    assert max(counts.values()) - min(unfilled) <= 1


@given(department_sizes, st.data())
def test_proportional_allocation_is_within_one_of_the_exact_quota(sizes, data):
    population = sum(sizes.values())
    assume(population > 0)
    size = data.draw(st.integers(1, population))
    counts = allocate(sizes, size, "proportional")
    for department, n in sizes.items():
        quota = size * n / population
        assert quota - 1 < counts[department] < quota + 1


def test_proportional_uses_largest_remainder():
    # quotas 5.4, 3.3, 1.3 → floors 5, 3, 1 and the one left goes to the .4
    assert allocate({"A": 54, "B": 33, "C": 13}, 10, "proportional") == {"A": 6, "B": 3, "C": 1}


def test_fixed_allocation_takes_the_given_counts_and_refuses_too_many():
    assert allocate({"A": 5, "B": 3}, None, "fixed", {"A": 2, "B": 3}) == {"A": 2, "B": 3}
    with pytest.raises(SamplingError, match="只有3人"):
        allocate({"A": 5, "B": 3}, None, "fixed", {"B": 4})
    with pytest.raises(SamplingError, match="不一致"):
        allocate({"A": 5, "B": 3}, 4, "fixed", {"A": 2, "B": 3})


def test_a_sample_larger_than_the_population_is_refused_in_chinese():
    with pytest.raises(SamplingError, match="只有8名"):
        allocate({"A": 5, "B": 3}, 9, "equal")


rosters = st.dictionaries(
    st.sampled_from(["政治处", "治安大队", "刑侦大队", "城关所"]),
    st.lists(st.tuples(st.integers(1, 10_000), st.booleans()), max_size=30, unique_by=lambda t: t[0]),
    min_size=1,
)


@settings(max_examples=60)
@given(rosters, st.integers(0, 2**31), st.data(), st.sampled_from(["equal", "proportional"]))
def test_same_seed_and_roster_give_the_same_sample_and_never_an_inactive_officer(roster, seed, data, method):
    # Officer ids must be unique across departments, as in a real roster.
    seen, population = set(), {}
    for department, officers in roster.items():
        population[department] = [oid for oid, active in officers if active and oid not in seen]
        seen.update(oid for oid, _ in officers)
    inactive = {oid for officers in roster.values() for oid, active in officers if not active}
    total = sum(len(ids) for ids in population.values())
    assume(total > 0)
    size = data.draw(st.integers(1, total))
    counts = allocate({d: len(ids) for d, ids in population.items()}, size, method)
    first = draw_sample(population, counts, seed)
    # the same roster given in another order draws the same officers
    shuffled = {d: list(reversed(ids)) for d, ids in reversed(list(population.items()))}
    assert draw_sample(shuffled, counts, seed) == first
    drawn = [oid for ids in first.values() for oid in ids]
    assert len(drawn) == len(set(drawn)) == size
    assert not set(drawn) & (inactive - set().union(*map(set, population.values())))
    for department, ids in first.items():
        assert set(ids) <= set(population[department])
        assert len(ids) == counts[department]


def test_five_seeds_draw_five_different_samples():
    population = {"A": list(range(1, 101))}
    samples = {tuple(draw_sample(population, {"A": 10}, seed)["A"]) for seed in range(5)}
    assert len(samples) == 5
