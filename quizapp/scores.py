"""The one rounding rule for scores shown to people: one decimal, halves rounded up.

Pages (the ``score`` filter), summary sentences and xlsx exports all go through
here, so a tile, a sentence and a spreadsheet never disagree (77.99 is 78
everywhere, not 77.99 on one and 78 on another).
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

PLACES = Decimal("0.1")


def round_score(value) -> float | None:
    """A score rounded to one decimal, half up (77.95 → 78.0); None stays None."""
    if value is None:
        return None
    # Through str() so that a binary float such as 77.95 rounds as written, not as stored.
    return float(Decimal(str(value)).quantize(PLACES, rounding=ROUND_HALF_UP))


def format_score(value) -> str:
    """A score as people read it: one decimal at most, no trailing ".0" (77.99 → "78"); None → "—"."""
    rounded = round_score(value)
    if rounded is None:
        return "—"
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:.1f}"
