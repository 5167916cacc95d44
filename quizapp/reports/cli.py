"""`quizapp report EXAM_ID`: print an exam's figures and write its xlsx."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext


@click.command("report")
@click.argument("exam_id", type=int)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the xlsx (default: <考试名称>成绩报告.xlsx here).")
@with_appcontext
def report_command(exam_id: int, output: Path | None) -> None:
    """Print an exam's summary and write its report workbook."""
    from ..cli import fail
    from ..exams.models import Exam
    from ..extensions import db
    from ..scores import format_score
    from .services import exam_report
    from .statistics import percent
    from .xlsx import exam_report_xlsx, report_filename

    exam = db.session.get(Exam, exam_id)
    if exam is None:
        fail(f"考试 {exam_id} 不存在。")
    report = exam_report(exam, with_officers=True)
    f = report.figures
    click.echo(f"{exam.title}（{exam.mode_label}）")
    click.echo(f"应参加{f.candidates}人，实际参加{f.participated}人，参考率{percent(f.participation_rate)}，"
               f"合格{f.passed}人，合格率{percent(f.pass_rate)}，"
               f"平均分{format_score(f.average)}，最高分{format_score(f.highest)}，最低分{format_score(f.lowest)}")
    for row in report.departments:
        click.echo(f"  {row.department}：应参加{row.candidates}，参加{row.participated}，合格率{percent(row.pass_rate)}，"
                   f"平均分{format_score(row.average)}")
    click.echo(report.summary)
    path = output or Path(report_filename(exam.title))
    data = exam_report_xlsx(report)
    temporary = path.with_name(path.name + ".part")
    try:
        temporary.write_bytes(data)
        temporary.replace(path)  # never leave a half-written workbook behind
    except OSError as error:
        temporary.unlink(missing_ok=True)
        fail(f"无法写入 {path}：{error.strerror}")
    click.echo(f"已写入 {path}")
