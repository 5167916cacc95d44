"""Knowledge contests (知识竞赛): the ranking core shared by online and live contests,
online contests (ranked exams: ``online*.py``) and live contests in a hall (host
console, big screen, officers' phones: ``live_*.py``)."""
from flask import Flask

from ..web import register_home_panel, register_nav


def init_app(app: Flask) -> None:
    """Register the contests area: models, pages, JSON, nav, home panel, audit labels, demo step."""
    from ..audit.services import register_actions
    from . import demo, models  # noqa: F401  (demo registers its step)
    from .. import api
    from .api import init_api
    from .online_api import blp as online_api_blp
    from .online_views import bp as online_bp
    from .views import bp, running_contests_panel

    app.register_blueprint(bp)
    app.register_blueprint(online_bp)
    init_api(app)
    api.register(app, online_api_blp)
    register_nav("知识竞赛", "contests.index", ("organiser", "admin"), order=45)
    register_nav("竞赛", "contests.join", ("officer",), order=25)
    register_home_panel("contests/_home_panel.html", ("officer", "organiser", "admin"), order=6,
                        context=running_contests_panel)
    register_actions({
        "contest.live_create": "创建现场竞赛",
        "contest.live_delete": "删除现场竞赛",
        "contest.live_start": "开始现场竞赛",
        "contest.live_finish": "结束现场竞赛",
        "contest.live_correct": "更正竞赛得分",
    })
