"""Question banks: models, the question-type registry, importers and pages."""
from flask import Flask

from ..web import register_home_panel, register_nav


def _admin_home(user) -> dict:
    """Counts for the admin's home panel."""
    import sqlalchemy as sa

    from ..extensions import db
    from .models import Question, QuestionBank

    return {
        "banks": db.session.scalar(sa.select(sa.func.count()).select_from(QuestionBank)),
        "questions": db.session.scalar(sa.select(sa.func.count()).where(Question.retired.is_(False))),
    }


def init_app(app: Flask) -> None:
    """Register the banks area: pages, API, CLI commands and the demo step."""
    from .. import api, cli, uploads  # noqa: F401  (uploads registers its table)
    from . import demo, models, source_views  # noqa: F401  (demo registers its step; source_views adds pages to bp)
    from .api import blp as api_blp
    from .cli import COMMANDS
    from .views import bp

    from .types import QUESTION_TYPES

    app.register_blueprint(bp)
    api.register(app, api_blp)
    # Pages render a question's input by the macro its type names (templates/questions/_inputs.html).
    app.jinja_env.globals["question_input_macro"] = lambda code: QUESTION_TYPES[code].macro
    for command in COMMANDS:
        if command not in cli.COMMANDS:
            cli.COMMANDS.append(command)
    register_nav("题库管理", "banks.index", ("organiser", "admin"), order=40)
    register_home_panel("banks/_home_admin.html", ("admin",), order=20, context=_admin_home)
