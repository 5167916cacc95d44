"""Benchmark: import a generated 10,000-question xlsx end to end, against parsing alone.

    python bench/bench_import.py                      # SQLite (a temp file)
    python bench/bench_import.py --database postgresql+psycopg://postgres@127.0.0.1:5432/test

Prints the parse-only time, the end-to-end import time (parse, validate,
deduplicate, write, commit) and their ratio; best of --repeat runs.
"""
from __future__ import annotations

import argparse
import io
import random
import tempfile
import time
from pathlib import Path

import openpyxl
import sqlalchemy as sa


def generate_xlsx(count: int, seed: int = 7) -> bytes:
    """A template-shaped workbook with ``count`` distinct questions of all four types."""
    rng = random.Random(seed)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("题库")
    sheet.append(["题型", "题干", "选项A", "选项B", "选项C", "选项D", "选项E", "选项F", "选项G", "选项H",
                  "答案", "解析", "章节", "难度"])
    for n in range(count):
        kind = n % 4
        stem = f"第{n}题：根据相关规定，下列关于第{rng.randint(1, 99)}条的说法（ ）是正确的？"
        options = [f"选项内容{n}-{k}" for k in range(4)] + [""] * 4
        if kind == 0:
            row = ["单选", stem, *options, "ABCD"[n % 4]]
        elif kind == 1:
            row = ["多选", stem, *options, "AC"]
        elif kind == 2:
            row = ["判断", stem, *[""] * 8, "正确" if n % 2 else "错误"]
        else:
            row = ["填空", stem, *[""] * 8, f"答案{n}/备选{n}|第二空"]
        sheet.append(row + [f"解析：见第{n % 50}条。", f"第{n % 12 + 1}章", str(n % 3 + 1)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="SQLAlchemy URL (default: a temporary SQLite file)")
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from quizapp import create_app
    from quizapp.banks.formats import parse_file
    from quizapp.banks.models import Question, QuestionBank
    from quizapp.banks.services import import_bank
    from quizapp.extensions import db

    data = generate_xlsx(args.count)
    print(f"file: {args.count} questions, {len(data) / 1024:.0f} KiB")

    parse_times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        result = parse_file("bench.xlsx", data)
        parse_times.append(time.perf_counter() - started)
    assert not result.errors and len(result.questions) == args.count, result.errors[:3]

    tmp = tempfile.mkdtemp()
    url = args.database or f"sqlite:///{Path(tmp) / 'bench.db'}"
    settings = {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "QUIZAPP_ENV": "testing",
                "QUIZAPP_SCHEDULER": "off", "RATELIMIT_STORAGE_URI": "memory://"}
    if url.startswith("postgresql"):
        # A schema of its own, so the benchmark never touches anyone's tables.
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA IF EXISTS bench_banks CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA bench_banks"))
        engine.dispose()
        settings["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"options": "-csearch_path=bench_banks"}}
    app = create_app(settings)
    import_times = []
    with app.app_context():
        db.create_all()
        for attempt in range(args.repeat):
            db.session.execute(sa.delete(Question))
            db.session.execute(sa.delete(QuestionBank))
            db.session.commit()
            started = time.perf_counter()
            report = import_bank("bench.xlsx", data, "基准题库", "regulations", None)
            import_times.append(time.perf_counter() - started)
            assert report.written and report.imported == args.count, report.errors[:3]
        db.session.execute(sa.delete(Question))
        db.session.execute(sa.delete(QuestionBank))
        db.session.commit()
        backend = db.engine.dialect.name
        if backend == "postgresql":
            db.session.remove()
            with db.engine.begin() as connection:
                connection.execute(sa.text("DROP SCHEMA bench_banks CASCADE"))
    parse, end_to_end = min(parse_times), min(import_times)
    print(f"backend: {backend}")
    print(f"parse only:  {parse:.2f} s")
    print(f"end to end:  {end_to_end:.2f} s  ({end_to_end / parse:.1f}x parse)")


if __name__ == "__main__":
    main()
