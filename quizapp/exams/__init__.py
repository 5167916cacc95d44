"""Exams: definitions, candidates and draws, attempts on phones, grading, live board."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the exams area: models, API, pages, nav, home panel, demo step."""
    from .. import api
    from . import models  # noqa: F401
    from .api import blp as api_blp

    api.register(app, api_blp)
