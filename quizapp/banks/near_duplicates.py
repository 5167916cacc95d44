"""Near-duplicate questions: character n-gram (shingle) sets compared by Jaccard similarity.

Pure functions, no database. A question's text is its stem and its option texts
(sorted, so that the same options in another order compare equal), normalised:
full/half width and case folded, spaces, punctuation and blank marks removed.

Comparing every pair of a 10,000-question bank is 50 million comparisons. The
prefix filter of the AllPairs algorithm (Bayardo et al., WWW 2007) finds exactly
the same pairs while comparing only a few: order each set's shingles from the
rarest to the commonest; two sets with Jaccard ≥ t share at least ⌈t·|x|⌉
shingles (x the larger), and then at least k of them lie among the first
``|x| − ⌈t·|x|⌉ + k`` of each. Only those prefixes are indexed; a candidate is
compared only if it shares k prefix shingles (k = 2: a single common rare word
is no reason to compare) and its size allows the threshold (``|y| ≥ t·|x|``).
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
SHARED_IN_PREFIX = 3
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
    index: dict[int, list[int]] = defaultdict(list)
    found: list[tuple[int, int, float]] = []
    for position, tokens in ordered:
        size = len(tokens)
        overlap = math.ceil(threshold * size - 1e-9)  # the least any partner shares with this set
        prefix = min(size, size - overlap + SHARED_IN_PREFIX)
        needed = min(SHARED_IN_PREFIX, overlap)
        # Counting in C (Counter over the posting lists) is what keeps a large bank fast.
        shared = Counter(itertools.chain.from_iterable(index[token] for token in tokens[:prefix] if token in index))
        for other, count in shared.items():
            # Sets come in size order, so ``other`` is never larger; the size filter drops the hopeless.
            if count < needed or len(items[other][1]) < threshold * size - 1e-9:
                continue
            similarity = jaccard(items[position][1], items[other][1])
            if similarity >= threshold - 1e-9:
                first, second = sorted((position, other))
                found.append((first, second, similarity))
        if limit is not None and len(found) >= limit:
            found = found[:limit]
            break
        for token in tokens[:prefix]:
            index[token].append(position)
    found.sort(key=lambda pair: (-pair[2], pair[0], pair[1]))
    return [(items[a][0], items[b][0], round(s, 4)) for a, b, s in found]
