"""Report charts: department names are drawn whole, inside the picture."""
import re

from quizapp.reports.charts import STYLE, label_width, pass_rate_chart
from quizapp.reports.services import DepartmentRow


def _row(name: str, rate: float) -> DepartmentRow:
    return DepartmentRow(name, 10, 10, int(rate * 10), rate, 80.0)


def test_department_names_are_neither_shortened_nor_pushed_off_the_left_edge():
    names = ["城南派出所", "政治处", "市公安局/刑侦大队/重案中队"]
    svg = str(pass_rate_chart([_row(n, 0.9) for n in names]))

    plot_left = float(re.search(r'transform="translate\(([\d.]+)[^"]*" class="plot"', svg).group(1))
    for name in names:
        # Drawn right-aligned at x=-5 from the plot's left edge: its start must stay inside the SVG.
        text = re.search(rf'<text x="(-?[\d.]+)"[^>]*>{re.escape(name)}</text>', svg)
        assert text, f"{name} is not drawn whole"
        assert plot_left + float(text.group(1)) - label_width(name, STYLE.label_font_size) >= 0
