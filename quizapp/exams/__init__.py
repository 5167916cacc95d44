"""Exams: definitions, candidates and draws, attempts on phones, grading, live board."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the exams area."""
    from . import models  # noqa: F401
