"""The one rounding rule for scores: one decimal, halves up, no trailing ".0"."""
import pytest

from quizapp.scores import format_score, round_score


@pytest.mark.parametrize(("value", "shown"), [
    (77.99, "78"), (77.95, "78"), (77.94, "77.9"), (66.666, "66.7"), (100, "100"), (0, "0"), (None, "—"),
    (0.05, "0.1"),
])
def test_scores_are_shown_with_one_decimal_rounded_half_up(value, shown):
    assert format_score(value) == shown


def test_rounded_scores_for_spreadsheets_are_numbers():
    assert round_score(77.99) == 78.0 and round_score(2.25) == 2.3 and round_score(None) is None
