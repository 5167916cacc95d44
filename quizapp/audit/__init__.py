"""The audit log: table, service and the admin viewer."""
from flask import Flask

from ..web import register_nav


def init_app(app: Flask) -> None:
    """Register the audit viewer."""
    from . import models  # noqa: F401
    from .views import bp

    app.register_blueprint(bp)
    register_nav("审计日志", "audit.index", ("admin",), order=80)
