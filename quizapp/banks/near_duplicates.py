"""Near-duplicate questions: character n-gram (shingle) sets compared by Jaccard similarity.

Pure functions, no database. A question's text is its stem and its option texts
(sorted, so that the same options in another order compare equal), normalised:
full/half width and case folded, spaces, punctuation and blank marks removed.

Comparing every pair of a 10,000-question bank is 50 million comparisons. The
prefix filter of the AllPairs algorithm (Bayardo et al., WWW 2007) finds exactly
the same pairs while comparing only a few: order each set's shingles from the
rarest to the commonest; two sets with Jaccard ≥ t share at least ⌈t·|x|⌉
shingles (x the larger), and then at least k of them lie among the first
``|x| − ⌈t·|x|⌉ + k`` of x and ``|y| − ⌈2t/(1+t)·|y|⌉ + k`` of y (the smaller,
indexed earlier: the overlap needed is at least ⌈t/(1+t)·(|x|+|y|)⌉). Only those
prefixes are indexed; a candidate is compared only if it shares k of them (a few
common rare words are no reason to compare; k = 5 measured fastest) and its size
allows the threshold (``|y| ≥ t·|x|``).
"""
from __future__ import annotations

import itertools
import math
import operator
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence

SHINGLE_SIZE = 2  # Chinese words are mostly two characters: bigrams compare wording, not single characters
# Candidates must share this many shingles of their prefixes (each prefix one longer per extra shingle).
SHARED_IN_PREFIX = 5
PUNCTUATION = re.compile(r"[\W_]+", re.UNICODE)
BLANK_MARKS = re.compile(r"[（(]\s*[）)]|_{2,}|＿+")


def normalise(text: str) -> str:
    """NFKC, case-folded, without blank marks, spaces or punctuation."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    text = BLANK_MARKS.sub("", text)
    return PUNCTUATION.sub("", text).casefold()


def question_text(stem: str, option_texts: Iterable[str] = ()) -> str:
    """The text a question is compared by: stem, then its option texts in sorted order."""
    return normalise(stem) + "|" + "|".join(sorted(normalise(t) for t in option_texts))


def shingles(text: str, size: int = SHINGLE_SIZE) -> frozenset[str]:
    """The set of character n-grams of a text (the text itself when shorter)."""
    if len(text) <= size:
        return frozenset([text]) if text else frozenset()
    if size == 2:  # the usual case, joined in C
        return frozenset(map(operator.add, text, text[1:]))
    return frozenset(text[i:i + size] for i in range(len(text) - size + 1))


def jaccard(first: frozenset, second: frozenset) -> float:
    """|A ∩ B| / |A ∪ B| (1.0 for two empty sets)."""
    if not first and not second:
        return 1.0
    common = len(first & second)
    return common / (len(first) + len(second) - common)


def similar_pairs(items: Sequence[tuple[Hashable, frozenset]], threshold: float,
                  limit: int | None = None) -> list[tuple[Hashable, Hashable, float]]:
    """Every pair of items whose shingle sets have Jaccard ≥ threshold, most similar first.

    ``items`` are (reference, shingle set); the result is (reference, reference,
    similarity) with the earlier item first. Exact: the same pairs as comparing all.
    With ``limit``, the search stops once it has found that many pairs (a bank of
    near-copies has millions, and the first few hundred say enough).
    """
    if not 0 < threshold <= 1:
        raise ValueError("threshold must be in (0, 1]")
    frequency = Counter(itertools.chain.from_iterable(tokens for _, tokens in items))
    # Each shingle becomes its rank, rarest first, so that sorting a set's ranks orders it rarest first.
    rank = {token: number for number, token in enumerate(sorted(frequency, key=lambda t: (frequency[t], t)))}
    ordered = sorted(((index, sorted(map(rank.__getitem__, tokens))) for index, (_, tokens) in enumerate(items)),
                     key=lambda entry: len(entry[1]))
    lengths = [len(tokens) for _, tokens in items]
    index: dict[int, list[int]] = defaultdict(list)
    # Posting lists fill in size order, so the sets too small for this one (and for every larger one
    # after it) sit at their front: each list keeps where its still-useful part starts.
    starts: dict[int, int] = defaultdict(int)
    found: list[tuple[int, int, float]] = []
    for position, tokens in ordered:
        size = len(tokens)
        smallest = threshold * size - 1e-9  # a partner smaller than this cannot reach the threshold
        overlap = math.ceil(smallest)  # the least any partner shares with this set
        prefix = min(size, size - overlap + SHARED_IN_PREFIX)
        needed = min(SHARED_IN_PREFIX, overlap)
        postings = []
        for token in tokens[:prefix]:
            posting = index.get(token)
            if posting:
                start = starts[token]
                while start < len(posting) and lengths[posting[start]] < smallest:
                    start += 1
                starts[token] = start
                postings.append(itertools.islice(posting, start, None))
        # Counting in C (Counter over the posting lists) is what keeps a large bank fast.
        shared = Counter(itertools.chain.from_iterable(postings))
        for other in [other for other, count in shared.items() if count >= needed]:
            similarity = jaccard(items[position][1], items[other][1])
            if similarity >= threshold - 1e-9:
                first, second = sorted((position, other))
                found.append((first, second, similarity))
        if limit is not None and len(found) >= limit:
            found = found[:limit]
            break
        # A later (larger) partner shares at least ⌈2t/(1+t)·size⌉ with this set: a shorter prefix is indexed.
        indexed = min(size, size - math.ceil(2 * threshold / (1 + threshold) * size - 1e-9) + SHARED_IN_PREFIX)
        for token in tokens[:indexed]:
            index[token].append(position)
    found.sort(key=lambda pair: (-pair[2], pair[0], pair[1]))
    return [(items[a][0], items[b][0], round(s, 4)) for a, b, s in found]
