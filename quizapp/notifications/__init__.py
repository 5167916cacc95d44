"""In-app inbox; e-mail is added by the schedules area when SMTP is configured."""
from flask import Flask
from flask_login import current_user

from ..web import register_nav


def init_app(app: Flask) -> None:
    """Register the inbox and the unread badge in the navigation."""
    from . import models  # noqa: F401
    from .services import unread_count
    from .views import bp

    app.register_blueprint(bp)
    register_nav("消息", "notifications.inbox", ("officer", "organiser", "admin"), order=90)

    @app.context_processor
    def _unread():
        if getattr(current_user, "is_authenticated", False):
            return {"unread_notifications": lambda: unread_count(current_user.id)}
        return {"unread_notifications": lambda: 0}
