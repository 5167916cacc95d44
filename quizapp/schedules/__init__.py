"""Schedules (exam templates on a calendar rule) and the one scheduler that runs the sweeps."""
from __future__ import annotations

import atexit
import threading

from flask import Flask

from ..web import register_home_panel, register_nav

ACTIONS = {
    "schedule.create": "创建定时计划",
    "schedule.update": "修改定时计划",
    "schedule.pause": "暂停定时计划",
    "schedule.resume": "恢复定时计划",
    "schedule.fire": "定时计划创建考试",
    "schedule.fire_failed": "定时计划创建考试失败",
}


def _health_panel(_user) -> dict:
    from .services import scheduler_health, schedules_needing_attention

    return {"health": scheduler_health(), "broken": schedules_needing_attention()}


def start_inprocess_scheduler(app: Flask) -> None:
    """Start this process's scheduler supervisor once (it leads only if it gets the lock)."""
    with _start_lock:
        if "quizapp_scheduler" in app.extensions:
            return
        from .runner import SchedulerRunner

        runner = SchedulerRunner(app)
        app.extensions["quizapp_scheduler"] = runner
        runner.start_background()
        atexit.register(runner.stop)


_start_lock = threading.Lock()


def init_app(app: Flask) -> None:
    """Register models, pages, the CLI command, audit labels and the in-process scheduler."""
    from . import demo, models  # noqa: F401
    from .. import api
    from ..audit.services import register_actions
    from ..cli import COMMANDS
    from .cli import scheduler_command
    from .api import blp as api_blp
    from .views import bp

    app.register_blueprint(bp)
    api.register(app, api_blp)
    register_actions(ACTIONS)
    register_nav("定时计划", "schedules.index", ("organiser", "admin"), order=60)
    register_home_panel("schedules/_home_panel.html", ("organiser", "admin"), order=1, context=_health_panel)
    if scheduler_command not in COMMANDS:
        COMMANDS.append(scheduler_command)

    # In-process mode starts with the first request the web server handles, so
    # CLI commands (migrations, reports) never start a scheduler; tests set "off".
    if app.config.get("QUIZAPP_SCHEDULER") == "inprocess" and not app.testing:
        @app.before_request
        def _ensure_scheduler():
            if "quizapp_scheduler" not in app.extensions:
                start_inprocess_scheduler(app)
