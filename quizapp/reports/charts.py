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
    title_font_size=16,
)
_SCRIPT = re.compile(r"<script.*?</script>", re.S)


def _render(chart, name: str) -> Markup:
    """The chart as inline SVG; pygal's config script is dropped (the CSP forbids inline script),
    and its untitled chart's "Pygal" title, which screen readers announce, named in Chinese."""
    svg = chart.render(is_unicode=True)
    return Markup(_SCRIPT.sub("", svg).replace("<title>Pygal</title>", f"<title>{escape(name)}</title>", 1))


MARGIN = 12


def _wide_shortfall(labels: Sequence[str]) -> int:
    """Pixels pygal leaves too few left of the axis for these labels: it reckons every
    character 0.6 em wide, a Chinese one takes a full em ("城南派出所" showed as "南派出所")."""
    wide = max((sum(unicodedata.east_asian_width(c) in "WF" for c in text) for text in labels), default=0)
    return math.ceil(wide * 0.45 * STYLE.label_font_size)


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
    rows = [r for r in rows if r.pass_rate is not None]
    chart = pygal.HorizontalBar(**_options(None, range=(0, 100), height=max(200, 56 * len(rows) + 110),
                                           margin_left=MARGIN + _wide_shortfall([r.department for r in rows])))
    chart.x_labels = [r.department for r in rows]
    chart.add("合格率", [round(r.pass_rate * 100, 1) for r in rows])
    return _render(chart, "各部门合格率图")
