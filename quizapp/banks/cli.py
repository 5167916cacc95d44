"""`quizapp import-bank`, `quizapp export-bank` and `quizapp check-bank`."""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import click
from flask.cli import with_appcontext

from ..cli import fail
from .models import CATEGORIES


@click.command("import-bank")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--bank", "bank_name", help="Bank name (new or existing); a JSON export names its own.")
@click.option("--category", type=click.Choice(sorted(CATEGORIES)), help="Category of a new bank.")
@click.option("--dry-run", is_flag=True, help="Check and report without writing.")
@click.option("--valid-only", is_flag=True, help="Import the valid questions even if some are bad.")
@click.option("--update-duplicates", is_flag=True, help="Overwrite duplicates instead of skipping them.")
@with_appcontext
def import_bank_command(path: Path, bank_name, category, dry_run, valid_only, update_duplicates) -> None:
    """Import questions from xlsx, xls, csv, docx, txt, GIFT, Aiken or JSON."""
    from .formats import MAX_FILE_BYTES
    from .services import BankError, import_bank

    if path.stat().st_size > MAX_FILE_BYTES:
        fail(f"文件超过{MAX_FILE_BYTES // 1024 // 1024}MB，请拆分后分批导入。")
    try:
        report = import_bank(path.name, path.read_bytes(), bank_name, category, None, dry_run=dry_run,
                             valid_only=valid_only, on_duplicate="update" if update_duplicates else "skip")
    except BankError as error:
        fail(str(error))
    for error in report.errors:
        click.echo(f"错误 {error}", err=True)
    for warning in report.warnings:
        click.echo(f"提示 {warning}", err=True)
    if not report.ok:
        fail(f"文件有{len(report.errors)}处错误，未导入任何题目。" if report.errors else "文件中没有题目。")
    counts = "，".join(f"{label}{count}" for label, count in report.count_labels if count)
    prefix = "（试运行，未写入）" if dry_run else ""
    click.echo(f"{prefix}题库“{report.bank_name}”{'（新建）' if report.new_bank else ''}：新增{report.imported}题，"
               f"更新{report.updated}题，跳过重复{report.skipped}题" +
               (f"，跳过有错误的{len(report.errors)}处" if report.errors else "") + f"。文件中：{counts}。"
               + (f"另有{len(report.warnings)}处提示（见上）。" if report.warnings else ""))
    _echo_import_health(report)


def _echo_import_health(report) -> None:
    """One line per 题库体检 warning of the bank the import leaves, so that a guessable bank shows at once."""
    from .checkup import after_import_health

    health = after_import_health(report)
    click.echo(f"题库体检：{len(health.warnings)}项警告，{len(health.notices)}项提示"
               + (f"（详情：quizapp check-bank {report.bank_name}）" if not report.dry_run else "") + "。")
    for finding in health.warnings:
        click.echo(f"  [警告] {finding.title}：{finding.detail}")


@click.command("export-bank")
@click.argument("name")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def export_bank_command(name: str, path: Path) -> None:
    """Export a bank to FILE (.json or .xlsx by extension)."""
    from .services import export_bank, find_bank

    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("json", "xlsx"):
        fail("导出文件的扩展名应为 .json 或 .xlsx。")
    bank = find_bank(name)
    if bank is None:
        fail(f"没有名为“{name}”的题库。")
    data = export_bank(bank, fmt)
    # Write beside the target and rename, so a failure never leaves half a file.
    directory = path.resolve().parent
    if not directory.is_dir():
        fail(f"目录不存在：{directory}")
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".export-", suffix=path.suffix)
    try:
        with os.fdopen(handle, "wb") as output:
            output.write(data)
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        fail(f"无法写入文件：{error}")
    click.echo(f"已导出题库“{bank.name}”到 {path}。")


# Exit status of check-bank when it finds warnings (1 stays what every command means: an error).
EXIT_WARNINGS = 3
LISTED_QUESTIONS = 20


def _echo_finding(finding, label) -> None:
    click.echo(f"[{finding.severity_label}] {finding.title}：{finding.detail}")
    click.echo(f"    为什么重要：{finding.why}")
    for name, value in finding.table:
        click.echo(f"    {name}：{value}")
    if finding.pairs:
        for first, second, similarity in finding.pairs[:LISTED_QUESTIONS]:
            click.echo(f"    {label(first)} ↔ {label(second)}（相似度{round(similarity * 100)}%）")
        if len(finding.pairs) > LISTED_QUESTIONS:
            click.echo(f"    另有{len(finding.pairs) - LISTED_QUESTIONS}对未列出。")
    elif finding.questions:
        shown = "、".join(label(ref) for ref in finding.questions[:LISTED_QUESTIONS])
        more = f"等{len(finding.questions)}题" if len(finding.questions) > LISTED_QUESTIONS else ""
        click.echo(f"    涉及试题：{shown}{more}")


@click.command("check-bank")
@click.argument("name", required=False)
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Check a bank file (any import format) instead of a stored bank.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@with_appcontext
def check_bank_command(name, path, as_json) -> None:
    """题库体检: list what makes a bank guessable or weak. Exit 3 when it finds warnings."""
    import json

    from .checkup import bank_health, file_health
    from .formats import parse_file
    from .services import find_bank

    if bool(name) == bool(path):
        fail("请给出题库名称，或用 --file 指定题库文件（二者选一）。")
    if path:
        parsed = parse_file(path.name, path.read_bytes())
        if parsed.errors:
            for error in parsed.errors:
                click.echo(str(error), err=True)
            fail(f"文件有{len(parsed.errors)}处错误，无法体检。")
        report, title, label = file_health(parsed.questions), f"文件“{path.name}”", "第{}题".format
    else:
        bank = find_bank(name)
        if bank is None:
            fail(f"没有名为“{name}”的题库。")
        report, title, label = bank_health(bank), f"题库“{bank.name}”", "#{}".format
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
    else:
        click.echo(f"{title}体检：{report.questions}题，{len(report.warnings)}项警告，{len(report.notices)}项提示。")
        for finding in report.findings:
            _echo_finding(finding, label)
    if report.warnings:
        sys.exit(EXIT_WARNINGS)


COMMANDS = [import_bank_command, export_bank_command, check_bank_command]
