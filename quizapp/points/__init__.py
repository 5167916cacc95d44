"""Points: a ledger fed by study, practice and exams, corrections and leaderboards."""
from flask import Flask

from ..web import register_nav


def init_app(app: Flask) -> None:
    """Register points pages, the exam-submission receiver and audit labels."""
    from ..audit.services import register_actions
    from ..signals import attempt_submitted
    from . import models  # noqa: F401
    from .services import on_attempt_submitted
    from .views import bp

    app.register_blueprint(bp)
    # Strong reference on a module-level function: connecting again is a no-op.
    attempt_submitted.connect(on_attempt_submitted)
    register_nav("积分", "points.mine", ("officer", "organiser", "admin"), order=30)
    register_nav("积分排行", "points.leaderboard_page", ("organiser", "admin"), order=70)
    register_actions({"points.adjust": "调整积分"})
