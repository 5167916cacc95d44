"""Practice: modes, the wrong-answer book, favourites, progress and mock exams."""
from flask import Flask

from ..web import register_nav


def init_app(app: Flask) -> None:
    """Register practice pages and API."""
    from .. import api
    from . import models  # noqa: F401
    from .api import blp as api_blp
    from .api import fill_blanks
    from .views import bp

    app.register_blueprint(bp)
    api.register(app, api_blp)
    app.jinja_env.globals["fill_blanks"] = fill_blanks
    register_nav("练习", "practice.index", ("officer", "organiser", "admin"), order=20)
