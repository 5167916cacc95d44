"""Time the exam report (API figures and the xlsx) for a large full-staff exam.

Builds, with bulk inserts, one exam of OFFICERS candidates in 40 departments of
which 95 % submitted a 50-question paper drawn from a 300-question bank, then
times `reports.services.exam_report` and the xlsx export, best of --repeat.

    /tmp/venv/bin/python bench/bench_report.py [--database URL] [--officers 20000]
"""
from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

SCHEMA = "bench_reports"


def populate(officers: int, questions_per_paper: int = 50, bank_size: int = 300, seed: int = 3) -> int:
    """Insert departments, officers, a bank, one exam, candidates, attempts and paper items; return the exam id."""
    from quizapp import timeutil
    from quizapp.banks.models import Question, QuestionBank
    from quizapp.exams.models import Attempt, Candidate, Exam, PaperItem
    from quizapp.extensions import db
    from quizapp.roster.models import Department, Officer

    rng = random.Random(seed)
    now = timeutil.now()
    root = Department(name="市公安局", path="市公安局")
    db.session.add(root)
    db.session.flush()
    departments = [Department(name=f"派出所{i:02d}", path=f"市公安局/派出所{i:02d}", parent_id=root.id) for i in range(40)]
    db.session.add_all(departments)
    bank = QuestionBank(name="基准题库", category="theory")
    db.session.add(bank)
    db.session.flush()
    db.session.execute(sa.insert(Officer), [
        dict(badge=f"B{i:06d}", name=f"民警{i}", department_id=departments[i % 40].id, role="officer", active=True,
             password_hash="x", must_change_password=False, created_at=now) for i in range(officers)])
    db.session.execute(sa.insert(Question), [
        dict(bank_id=bank.id, type="judge", stem=f"基准题{i}", stem_key=f"q{i}", options=[], answer=True,
             explanation="", chapter="", difficulty=2, tags=[], source="", retired=False, created_at=now,
             updated_at=now) for i in range(bank_size)])
    exam = Exam(title="基准考试", opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=1))
    db.session.add(exam)
    db.session.flush()
    officer_rows = db.session.execute(sa.select(Officer.id, Officer.department_id)).all()
    question_ids = db.session.scalars(sa.select(Question.id)).all()
    db.session.execute(sa.insert(Candidate), [
        dict(exam_id=exam.id, officer_id=oid, department_id=dep, source="full", start_offset_seconds=0,
             created_at=now) for oid, dep in officer_rows])
    points = 100 / questions_per_paper
    attempts, items = [], []
    sitters = [row for row in officer_rows if rng.random() < 0.95]
    for number, (oid, _) in enumerate(sitters, start=1):
        ability = rng.uniform(0.4, 1.0)
        picked = rng.sample(question_ids, questions_per_paper)
        right = [rng.random() < ability for _ in picked]
        score = round(points * sum(right), 2)
        attempts.append(dict(id=number, exam_id=exam.id, officer_id=oid, number=1, paper_seed=number, started_at=now,
                             deadline=now, submitted_at=now, submit_reason="officer", score=score,
                             passed=score >= 60))
        items.extend(dict(attempt_id=number, position=p, question_id=q, type="judge", stem=f"基准题{q}", options=[],
                          option_map={}, key=True, explanation="", points=points, earned=points if ok else 0.0,
                          correct=ok) for p, (q, ok) in enumerate(zip(picked, right), start=1))
    db.session.execute(sa.insert(Attempt), attempts)
    for start in range(0, len(items), 20_000):
        db.session.execute(sa.insert(PaperItem), items[start:start + 20_000])
    db.session.commit()
    return exam.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="SQLAlchemy URL (default: a temporary SQLite file)")
    parser.add_argument("--officers", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from quizapp import create_app
    from quizapp.exams.models import Exam
    from quizapp.extensions import db
    from quizapp.reports.services import exam_report
    from quizapp.reports.xlsx import exam_report_xlsx

    url = args.database or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    settings = {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "QUIZAPP_ENV": "testing",
                "QUIZAPP_SCHEDULER": "off", "RATELIMIT_STORAGE_URI": "memory://"}
    if url.startswith("postgresql"):
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
            connection.execute(sa.text(f"CREATE SCHEMA {SCHEMA}"))
        engine.dispose()
        settings["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"options": f"-csearch_path={SCHEMA}"}}
    app = create_app(settings)
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        exam_id = populate(args.officers)
        print(f"populated {args.officers} candidates in {time.perf_counter() - started:.1f} s")
        if db.engine.dialect.name == "postgresql":
            # What autovacuum does shortly after large writes; without statistics the
            # planner takes the fresh tables for empty ones.
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
        exam = db.session.get(Exam, exam_id)
        report_times, xlsx_times = [], []
        for _ in range(args.repeat):
            started = time.perf_counter()
            report = exam_report(exam)
            report_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            data = exam_report_xlsx(exam_report(exam, with_officers=True))
            xlsx_times.append(time.perf_counter() - started)
        print(report.summary)
        print(f"backend: {db.engine.dialect.name}, questions: {len(report.questions)}, xlsx {len(data) / 1024:.0f} KiB")
        print(f"report (API figures): {min(report_times):.2f} s")
        print(f"report + xlsx:        {min(xlsx_times):.2f} s")
        if db.engine.dialect.name == "postgresql":
            db.session.remove()
            with db.engine.begin() as connection:
                connection.execute(sa.text(f"DROP SCHEMA {SCHEMA} CASCADE"))


if __name__ == "__main__":
    main()
