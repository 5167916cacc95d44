"""The seeded, auditable draw of a random sample: pure functions, no database.

``allocate`` decides how many to draw from each department; ``draw_sample``
draws them. The same seed and roster always give the same sample, whatever order
the departments or officers are given in.
"""
from __future__ import annotations

import hashlib
import random
from collections.abc import Hashable, Mapping, Sequence

ALLOCATION_METHODS = ("equal", "proportional", "fixed")


class SamplingError(ValueError):
    """A draw that cannot be made, with a Chinese message.

    ``field`` names what is wrong so a form can show the message next to it: "size"
    (the total), "allocation", or "fixed" (the per-department counts; ``department``
    is the one at fault, None for all of them).
    """

    def __init__(self, message: str, field: str | None = None, department: Hashable | None = None):
        super().__init__(message)
        self.field, self.department = field, department


def _order(sizes: Mapping[Hashable, int]) -> list:
    """Departments in a fixed order: larger first, then by key."""
    return sorted(sizes, key=lambda key: (-sizes[key], str(key)))


def allocate(sizes: Mapping[Hashable, int], size: int | None, method: str,
             fixed: Mapping[Hashable, int] | None = None) -> dict:
    """How many to draw from each department.

    equal: the same count from each department (the remainder goes to the larger
    ones; a department too small gives all it has and the rest is spread over the
    others); proportional: largest remainder on department size; fixed: the given
    count per department.
    """
    sizes = {key: int(n) for key, n in sizes.items()}
    if any(n < 0 for n in sizes.values()):
        raise SamplingError("部门人数不能为负数。")
    population = sum(sizes.values())
    if method == "fixed":
        fixed = {key: int(n) for key, n in (fixed or {}).items() if int(n)}
        unknown = [key for key in fixed if key not in sizes]
        if unknown:
            raise SamplingError("指定人数的部门不在抽取范围内。", "fixed", unknown[0])
        for key, n in fixed.items():
            if n < 0:
                raise SamplingError("各部门抽取人数不能为负数。", "fixed", key)
            if n > sizes[key]:
                raise SamplingError(f"“{key}”只有{sizes[key]}人，不能抽取{n}人。", "fixed", key)
        total = sum(fixed.values())
        if total == 0:
            raise SamplingError("请至少为一个部门指定抽取人数。", "fixed")
        if size is not None and size != total:
            raise SamplingError(f"各部门指定人数之和为{total}，与抽取总人数{size}不一致。", "size")
        return {key: fixed.get(key, 0) for key in sizes}
    if method not in ALLOCATION_METHODS:
        raise SamplingError("分配方式应为 equal、proportional 或 fixed。", "allocation")
    if size is None or size <= 0:
        raise SamplingError("抽取人数应为正整数。", "size")
    if size > population:
        raise SamplingError(f"抽取范围内只有{population}名在岗民警，不能抽取{size}人。", "size")
    if method == "proportional":
        return _largest_remainder(sizes, size, population)
    return _equal(sizes, size)


def _largest_remainder(sizes: dict, size: int, population: int) -> dict:
    quotas = {key: size * n / population for key, n in sizes.items()}
    counts = {key: int(quota) for key, quota in quotas.items()}
    left = size - sum(counts.values())
    ranked = sorted(sizes, key=lambda key: (-(quotas[key] - counts[key]), -sizes[key], str(key)))
    for key in ranked[:left]:
        counts[key] += 1
    return counts


def _equal(sizes: dict, size: int) -> dict:
    # Water-filling: the highest level every department can be raised to, then one
    # more each, in a fixed order, for departments that still have officers.
    low, high = 0, max(sizes.values())
    while low < high:
        level = (low + high + 1) // 2
        if sum(min(n, level) for n in sizes.values()) <= size:
            low = level
        else:
            high = level - 1
    counts = {key: min(n, low) for key, n in sizes.items()}
    left = size - sum(counts.values())
    for key in [key for key in _order(sizes) if sizes[key] > low][:left]:
        counts[key] += 1
    return counts


def department_rng(seed: int | str, department: Hashable, salt: str = "") -> random.Random:
    """A random source for one department, fixed by the seed (independent of order)."""
    digest = hashlib.sha256(f"{seed}\x1f{department}\x1f{salt}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def draw_sample(population: Mapping[Hashable, Sequence[int]], counts: Mapping[Hashable, int],
                seed: int | str) -> dict:
    """Draw ``counts[d]`` officer ids from each department's population, reproducibly."""
    sample = {}
    for department, wanted in counts.items():
        officers = sorted(set(population.get(department, ())))
        if wanted > len(officers):
            raise SamplingError(f"“{department}”只有{len(officers)}人，不能抽取{wanted}人。")
        chosen = department_rng(seed, department).sample(officers, wanted) if wanted else []
        sample[department] = sorted(chosen)
    return sample


def draw_replacement(candidates: Sequence[int], seed: int | str, department: Hashable, salt: str) -> int | None:
    """One officer id from ``candidates`` for a replacement, reproducibly; None if there is nobody."""
    pool = sorted(set(candidates))
    if not pool:
        return None
    return department_rng(seed, department, salt).choice(pool)
