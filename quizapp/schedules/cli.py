"""`quizapp scheduler`: the scheduler as its own process."""
from __future__ import annotations

import signal

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("scheduler")
@click.option("--heartbeat", type=int, default=None, help="Seconds between heartbeats (default 30).")
@click.option("--lease", type=int, default=None, help="Seconds another process waits after a silent holder "
                                                       "before taking over (default 3 heartbeats).")
@with_appcontext
def scheduler_command(heartbeat: int | None, lease: int | None) -> None:
    """Run the scheduler until stopped; waits while another process holds the lock."""
    from .runner import SchedulerRunner

    app = current_app._get_current_object()
    runner = SchedulerRunner(app, heartbeat=heartbeat, lease=lease)
    runner.on_lead = lambda holder: click.echo(f"调度器已启动（{holder}）。", err=False)

    def _stop(_signum, _frame):
        runner.stopping.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    click.echo(f"调度进程 {runner.lock.holder} 等待获得调度锁……")
    runner.run()
    click.echo("调度器已停止。")
