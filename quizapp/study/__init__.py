"""Study: materials (weekly series), honest study minutes and the minutes dashboard."""
import mimetypes

from flask import Flask

from ..web import register_home_panel, register_nav


def _home_minutes(user) -> dict:
    """The officer's minutes and unread materials for the home page."""
    from . import materials, minutes

    return {"summary": minutes.minutes_summary(user.id), "unread": materials.unread_count(user)}


def init_app(app: Flask) -> None:
    """Register study pages, the heartbeat API, the home panel and audit labels."""
    from .. import api
    from ..audit.services import register_actions
    from ..extensions import UNTHROTTLED_ENDPOINTS
    from . import demo  # noqa: F401  (registers the demo step)
    from . import models  # noqa: F401
    from .api import blp as api_blp
    from .views import bp

    # pdf.js ships as ES modules; browsers refuse a module served as octet-stream,
    # and Python knows .mjs only from some systems' mime.types.
    mimetypes.add_type("text/javascript", ".mjs")
    app.register_blueprint(bp)
    api.register(app, api_blp)
    # Heartbeats credit at most the real elapsed time, so throttling them protects
    # nothing, and the limiter's per-request checks would cost the hot path.
    UNTHROTTLED_ENDPOINTS.add("api_study.Heartbeat")
    register_nav("学习", "study.index", ("officer", "organiser", "admin"), order=15)
    register_nav("发布资料", "study.manage", ("organiser", "admin"), order=45)
    register_home_panel("study/_home_minutes.html", ("officer", "organiser", "admin"), order=20,
                        context=_home_minutes)
    register_actions({
        "study.material_publish": "发布学习资料",
        "study.material_edit": "修改学习资料",
        "study.material_delete": "删除学习资料",
    })
