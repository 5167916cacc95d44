"""Question banks: models, the question-type registry, importers and pages."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the banks area."""
    from . import models  # noqa: F401
