"""The `quizapp` command: a Flask CLI group on the app factory."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from .extensions import db


def _create_app_for_cli() -> Flask:
    import os

    from . import create_app
    from .config import ConfigError

    # The demo is development by definition: a local SQLite file and a local key.
    if len(sys.argv) > 1 and sys.argv[1] == "demo":
        os.environ.setdefault("QUIZAPP_ENV", "development")
    try:
        return create_app()
    except ConfigError as error:
        fail(str(error))


@click.group(cls=FlaskGroup, create_app=_create_app_for_cli, add_default_commands=True)
def main() -> None:
    """quizapp: study, practice and knowledge tests for a police bureau."""


def fail(message: str) -> None:
    """Print an error to stderr and exit non-zero."""
    click.echo(f"错误：{message}", err=True)
    sys.exit(1)


def upgrade_database() -> None:
    """Bring the schema to the newest migration (the only way tables are made)."""
    from flask_migrate import upgrade

    upgrade(directory=current_app.extensions["migrate"].directory)


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Create the demo data and exit.")
def demo_command(host: str, port: int, no_serve: bool) -> None:
    """Create (or reuse) the SQLite demo bureau, print logins and serve it."""
    from .demo import build_demo

    upgrade_database()
    context = build_demo()
    click.echo("演示数据已" + ("创建" if context.created else "存在，直接使用") + f"：{db.engine.url.render_as_string(hide_password=True)}")
    click.echo("演示账号（警号 / 密码）：")
    for badge, password, who in context.logins:
        click.echo(f"  {badge} / {password}    {who}")
    if no_serve:
        return
    click.echo(f"打开 http://{host}:{port} 登录。按 Ctrl+C 停止。")
    serve(current_app._get_current_object(), host, port)


def serve(app: Flask, host: str, port: int) -> None:
    """Serve with werkzeug's threaded server (Flask's app.run refuses inside the CLI)."""
    from werkzeug.serving import run_simple

    run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)


@click.command("create-admin")
@click.option("--badge", required=True)
@click.option("--name", required=True)
@click.option("--password", required=True)
@click.option("--department", default=None,
              help="The admin's department, e.g. 市局/指挥中心; without it the account is a service account.")
@with_appcontext
def create_admin_command(badge: str, name: str, password: str, department: str | None) -> None:
    """Create an admin (or make an existing officer one); without --department a service account."""
    from .roster.services import RosterError, create_admin

    try:
        officer = create_admin(badge, name, password, department)
    except RosterError as error:
        fail(str(error))
    kind = "服务账号（不计入民警，不参加考试）" if officer.is_service_account else "管理员"
    click.echo(f"{kind} {officer.name}（{officer.badge}）已就绪。")


@click.command("import-roster")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and report without writing.")
@click.option("--deactivate-absent", is_flag=True, help="Deactivate active officers missing from the file.")
@with_appcontext
def import_roster_command(path: Path, dry_run: bool, deactivate_absent: bool) -> None:
    """Import the roster (xlsx, xls or csv)."""
    from .roster.services import import_roster

    report = import_roster(path.name, path.read_bytes(), None, dry_run=dry_run, deactivate_absent=deactivate_absent)
    if not report.ok:
        for error in report.errors:
            click.echo(str(error), err=True)
        fail(f"名单有{len(report.errors)}处错误，未导入任何数据。")
    prefix = "（试运行，未写入）" if dry_run else ""
    click.echo(f"{prefix}新增{len(report.new)}人，变更{len(report.changed)}人，未变{report.unchanged}人，"
               f"名单外{len(report.absent)}人" + (f"，停用{len(report.deactivated)}人" if report.deactivated else "") + "。")
    for change in report.changed:
        click.echo(f"  变更 {change.badge} {change.name}：{'；'.join(change.changes)}")
    for entry in report.absent:
        click.echo(f"  名单外 {entry['badge']} {entry['name']}（{entry['department']}）")
    if report.generated_passwords:
        click.echo("初始密码（仅显示这一次）：")
        for item in report.generated_passwords:
            click.echo(f"  {item['badge']} {item['name']} {item['password']}")


COMMANDS = [demo_command, create_admin_command, import_roster_command]


def init_app(app: Flask) -> None:
    """Attach the quizapp commands (areas add theirs to COMMANDS)."""
    for command in COMMANDS:
        if command.name not in app.cli.commands:
            app.cli.add_command(command)
