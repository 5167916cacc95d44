"""Server-side SVG charts (pygal): no script of their own, readable on a phone."""
from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence

import pygal
from markupsafe import Markup, escape
from pygal.style import Style

from .services import DepartmentRow
from .statistics import Bin

STYLE = Style(
    background="transparent", plot_background="transparent", foreground="#333", foreground_strong="#111",
    foreground_subtle="#ccc", colors=("#1d4ed8", "#16a34a", "#dc2626", "#d97706"),
    font_family="'Noto Sans CJK SC', 'WenQuanYi Micro Hei', 'Microsoft YaHei', sans-serif",
    label_font_size=14, major_label_font_size=14, value_font_size=14, value_label_font_size=14,
    title_font_size=16, no_data_font_size=18,
)
MARGIN = 12
_SCRIPT = re.compile(r"<script.*?</script>", re.S)


def _render(chart, name: str) -> Markup:
    """The chart as inline SVG; pygal's config script is dropped (the CSP forbids inline script),
    and its untitled chart's "Pygal" title, which screen readers announce, named in Chinese."""
    svg = chart.render(is_unicode=True)
    return Markup(_SCRIPT.sub("", svg).replace("<title>Pygal</title>", f"<title>{escape(name)}</title>", 1))


def label_width(text: str, font_size: float) -> float:
    """Rendered width of a label: a CJK character is a full em, Latin about 0.6 em."""
    return sum(font_size if unicodedata.east_asian_width(c) in "WF" else 0.6 * font_size for c in text)


def _left_margin_for(labels: Sequence[str]) -> int:
    """Extra left margin so the widest label fits.

    pygal sizes the label column as 0.6 em per character, which cuts Chinese
    names off at the left edge ("城南派出所" shows as "南派出所"); add the difference.
    """
    size = STYLE.label_font_size
    shortfall = max((label_width(t, size) - 0.6 * size * len(t) for t in labels), default=0)
    return MARGIN + math.ceil(shortfall) + 4


def _options(title: str | None, **extra) -> dict:
    options = dict(title=title, style=STYLE, js=[], disable_xml_declaration=True, show_legend=False,
                   width=420, height=320, tooltips=False, print_values=True, margin=MARGIN, no_data_text="暂无数据")
    options.update(extra)
    return options


def distribution_chart(bins: Sequence[Bin]) -> Markup:
    """Bars of participants per score band (whole numbers on the axis)."""
    chart = pygal.Bar(**_options(None, x_label_rotation=-35))
    highest = max((b.count for b in bins), default=0)
    step = max(1, math.ceil(highest / 5))
    chart.y_labels = list(range(0, max(highest, 1) + step, step))
    chart.x_labels = [b.label for b in bins]
    chart.add("人数", [b.count for b in bins])
    return _render(chart, "成绩分布图")


def pass_rate_chart(rows: Sequence[DepartmentRow]) -> Markup:
    """Horizontal bars of each department's pass rate, in percent."""
    # pygal draws the first bar at the bottom: reversed, the chart reads top-down like the table below it.
    rows = [r for r in reversed(rows) if r.pass_rate is not None]
    labels = [r.department for r in rows]
    # truncate_label=-1: never shorten a department's name; the margin makes room for it.
    chart = pygal.HorizontalBar(**_options(None, range=(0, 100), truncate_label=-1,
                                           margin_left=_left_margin_for(labels),
                                           height=max(200, 56 * len(rows) + 110)))
    chart.x_labels = labels
    chart.add("合格率", [round(r.pass_rate * 100, 1) for r in rows])
    return _render(chart, "各部门合格率图")
