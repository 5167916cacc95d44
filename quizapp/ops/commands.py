"""`quizapp doctor` and `quizapp backup`."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..extensions import db

MARKS = {"ok": "[ OK ]", "warn": "[WARN]", "fail": "[FAIL]"}


@click.command("doctor")
@click.option("--strict", is_flag=True, help="Warnings count as failures too.")
@with_appcontext
def doctor_command(strict: bool) -> None:
    """Check configuration, database, migrations, Redis, scheduler and SMTP (体检)."""
    from .doctor import FAIL, WARN, run_checks

    findings = run_checks(current_app._get_current_object())
    for finding in findings:
        click.echo(f"{MARKS[finding.status]} {finding.name}: {finding.message}")
    failures = [f for f in findings if f.status == FAIL or (strict and f.status == WARN)]
    warnings = [f for f in findings if f.status == WARN]
    if failures:
        click.echo(f"发现{len(failures)}个问题 ({len(failures)} problem(s) to fix).", err=True)
        sys.exit(1)
    click.echo("体检通过 (all checks passed)" + (f"，{len(warnings)}条提醒 ({len(warnings)} warning(s))" if warnings else "") + "。")


@click.command("backup")
@click.argument("path", type=click.Path(path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Copy the live SQLite database to PATH (a file, or a directory for a dated name)."""
    from ..cli import fail
    from .backup import BackupError, backup_sqlite

    try:
        result = backup_sqlite(db.engine, path)
    except BackupError as error:
        fail(str(error))
    rows = sum(result.row_counts.values())
    click.echo(f"已备份到 {result.path}（{result.size // 1024} KB，{len(result.row_counts)}张表，{rows}行）"
               f" (backup written and checked).")
