"""Exams: definitions, candidates and draws, attempts on phones, grading, live board."""
from flask import Flask

from ..web import register_home_panel, register_nav


def init_app(app: Flask) -> None:
    """Register the exams area: models, API, pages, nav, home panel, demo step."""
    from .. import api
    from ..extensions import UNTHROTTLED_ENDPOINTS
    from . import demo, models  # noqa: F401  (demo registers its step)
    from .api import blp as api_blp
    from .manage import bp as manage_bp
    from .views import bp, my_exams_panel

    app.register_blueprint(bp)
    app.register_blueprint(manage_bp)
    api.register(app, api_blp)
    # Saves are owner-only, idempotent and cheap; throttling them would only refuse
    # answers in the minute that matters, and the limiter's checks cost the hot path.
    UNTHROTTLED_ENDPOINTS.add("api_exams.AttemptAnswer")
    register_nav("我的考试", "exams.my_exams", ("officer", "organiser", "admin"), order=20)
    register_nav("考试管理", "manage_exams.index", ("organiser", "admin"), order=40)
    register_home_panel("exams/_home_officer.html", ("officer", "organiser", "admin"), order=5, context=my_exams_panel)
