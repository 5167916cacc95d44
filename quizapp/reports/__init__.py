"""Exam, study and points reports: pages, API, xlsx exports and `quizapp report`."""
from flask import Flask

from ..web import register_nav


def _pct(rate) -> str:
    from .statistics import percent

    return percent(rate)


def _fixed2(value) -> str:
    return "—" if value is None else f"{value:.2f}"


def init_app(app: Flask) -> None:
    """Register the report pages, the report API, template filters and the CLI command."""
    from ..api import register
    from ..audit.services import register_actions
    from ..cli import COMMANDS
    from .api import blp
    from .cli import report_command
    from .views import bp

    app.register_blueprint(bp)
    register(app, blp)
    register_actions({"report.notify_flagged": "提醒题库负责人检查可疑题目"})
    register_nav("统计报表", "reports.index", ("organiser", "admin"), order=55)
    app.jinja_env.filters.update(pct=_pct, fixed2=_fixed2)
    if report_command not in COMMANDS:
        COMMANDS.append(report_command)
