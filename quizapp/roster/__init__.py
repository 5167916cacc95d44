"""Departments, officers and the roster import."""
from flask import Flask

from ..web import register_home_panel, register_nav


def _admin_home(user) -> dict:
    """Counts for the admin's home panel."""
    import sqlalchemy as sa

    from ..extensions import db
    from .models import Department, Officer

    counted = db.session.scalar(sa.select(sa.func.count()).where(Officer.counts_as_officer))
    inactive = db.session.scalar(sa.select(sa.func.count()).where(
        Officer.active.is_(False), Officer.is_service_account.is_(False)))
    return {
        "officers": counted,
        "inactive": inactive,
        "departments": db.session.scalar(sa.select(sa.func.count()).select_from(Department)),
    }


def init_app(app: Flask) -> None:
    """Register roster pages and API."""
    from .. import api, uploads  # noqa: F401  (uploads registers its table)
    from . import demo  # noqa: F401  (registers the demo step)
    from .api import blp as api_blp
    from .views import bp

    app.register_blueprint(bp)
    api.register(app, api_blp)
    register_nav("人员管理", "roster.officers", ("admin",), order=60)
    register_nav("导入名单", "roster.import_upload", ("admin",), order=61)
    register_home_panel("roster/_home_admin.html", ("admin",), order=10, context=_admin_home)
