"""Benchmark: 题库体检 of a 10,000-question bank, against the checks without the near-duplicate search.

    python bench/bench_health.py                  # the pure check, 5 alternating rounds
    python bench/bench_health.py --naive 2000     # also compare every pair of the first 2,000

The bank is generated from real text: an order-2 character Markov chain trained
on the shipped banks (stems, options, explanations) and on the bureau's work
reports in /work/shared/seeds, so that its character bigrams are as common or as
rare as in real questions (uniform random characters would flatter the prefix
filter, a tiny alphabet would ruin it). 1 % of the questions are near-copies
(one or two characters changed, options reordered), as a careless bank has.

Prints CPU seconds of this process (time.process_time: on a shared machine wall
time mostly measures the other jobs), per round and as medians: the full check (``health.check_bank``), the
same checks with the near-duplicate search left out (the ceiling: what the
other checks cost alone), and the pairs found. With ``--naive N``, the exact
all-pairs comparison of the first N questions against the prefix filter.
"""
from __future__ import annotations

import argparse
import itertools
import json
import random
import statistics
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = Path("/work/shared/seeds")


def corpus() -> str:
    """Real Chinese text to train the chain on."""
    parts = []
    for path in sorted((ROOT / "question_banks").glob("*.json")):
        for question in json.loads(path.read_text(encoding="utf-8"))["questions"]:
            parts += [question["stem"], question.get("explanation", "")]
            parts += [o["text"] for o in question.get("options", [])]
    if SEEDS.is_dir():
        parts += [p.read_text(encoding="utf-8", errors="ignore") for p in sorted(SEEDS.glob("*.txt"))]
    return "\n".join(parts)


class Chain:
    """An order-2 character Markov chain."""

    def __init__(self, text: str):
        self.next: dict[str, list[str]] = defaultdict(list)
        for a, b, c in zip(text, text[1:], text[2:]):
            if "\n" not in (a, b, c):
                self.next[a + b].append(c)
        self.starts = [key for key in self.next if len(self.next[key]) > 2]

    def text(self, rng: random.Random, length: int) -> str:
        state = rng.choice(self.starts)
        out = list(state)
        while len(out) < length:
            choices = self.next.get(state)
            if not choices:
                state = rng.choice(self.starts)
                out += list(state)
                continue
            out.append(rng.choice(choices))
            state = out[-2] + out[-1]
        return "".join(out[:length])


def generate_bank(count: int, seed: int = 16):
    """``count`` HealthQuestions of the four types, 1 % of them near-copies of another."""
    from quizapp.banks.health import HealthQuestion

    rng = random.Random(seed)
    chain = Chain(corpus())
    questions = []
    for ref in range(1, count + 1):
        if questions and rng.random() < 0.01:
            original = rng.choice(questions)
            stem = list(original.stem)
            for _ in range(rng.randint(1, 2)):
                stem[rng.randrange(len(stem))] = rng.choice("的是在和了")
            options = list(original.options)
            rng.shuffle(options)
            options = tuple({"key": k, "text": o["text"]} for k, o in zip("ABCDEFGH", options))
            questions.append(HealthQuestion(ref, original.type, "".join(stem), options, original.answer,
                                            original.explanation, original.chapter))
            continue
        kind = rng.choices(["single", "multiple", "judge", "fill"], [50, 20, 20, 10])[0]
        stem = chain.text(rng, rng.randint(15, 60))
        options: tuple = ()
        if kind in ("single", "multiple"):
            options = tuple({"key": k, "text": chain.text(rng, rng.randint(4, 20))} for k in "ABCD")
        answer = {"single": lambda: rng.choice("ABCD"),
                  "multiple": lambda: sorted(rng.sample("ABCD", rng.randint(2, 3))),
                  "judge": lambda: rng.random() < 0.5,
                  "fill": lambda: [["答案"]]}[kind]()
        questions.append(HealthQuestion(ref, kind, stem, options, answer, "解析", f"第{rng.randint(1, 12)}章"))
    return questions


def timed(function, *args):
    """CPU seconds of this process (the machine is shared: wall time mostly measures the others)."""
    started = time.process_time()
    result = function(*args)
    return time.process_time() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--naive", type=int, default=0, help="also compare all pairs of the first N questions")
    args = parser.parse_args()

    from quizapp.banks import health
    from quizapp.banks.near_duplicates import jaccard, question_text, shingles, similar_pairs

    questions = generate_bank(args.count)
    real_search = health._near_duplicates
    full, ceiling, pairs = [], [], 0
    for round_number in range(args.rounds):
        for kind in ("full", "ceiling") if round_number % 2 == 0 else ("ceiling", "full"):
            health._near_duplicates = real_search if kind == "full" else (lambda _questions: None)
            seconds, report = timed(health.check_bank, questions)
            (full if kind == "full" else ceiling).append(seconds)
            if kind == "full":
                pairs = next((len(f.pairs) for f in report.findings if f.code == "near_duplicates"), 0)
        health._near_duplicates = real_search
        print(f"round {round_number + 1}: full check {full[-1]:.3f} s, without the near-duplicate search "
              f"{ceiling[-1]:.3f} s")
    print(f"{args.count} questions, {pairs} near-duplicate pairs found; median full check "
          f"{statistics.median(full):.3f} s, median without near duplicates {statistics.median(ceiling):.3f} s")

    if args.naive:
        subset = questions[:args.naive]
        items_by_type = defaultdict(list)
        for q in subset:
            items_by_type[q.type].append((q.ref, shingles(question_text(q.stem, (o["text"] for o in q.options)))))
        filtered, found = timed(lambda: [p for items in items_by_type.values()
                                         for p in similar_pairs(items, health.NEAR_DUPLICATE_SIMILARITY)])
        naive, expected = timed(lambda: [(a, b) for items in items_by_type.values()
                                         for (a, x), (b, y) in itertools.combinations(items, 2)
                                         if jaccard(x, y) >= health.NEAR_DUPLICATE_SIMILARITY])
        assert {(a, b) for a, b, _ in found} == set(expected)
        print(f"first {args.naive}: prefix filter {filtered:.3f} s, all pairs {naive:.3f} s, "
              f"same {len(expected)} pairs")


if __name__ == "__main__":
    main()
