"""Study heartbeat benchmark, run by hand (never by the test suite); loopback only, bounded runs.

The real POST /api/v1/study/heartbeat (bearer token checked and the officer's
state row read in one query, the credit worked out, compare-and-swap of that row
together with the day's total, points check) against a bare Flask
endpoint that only parses the same JSON and upserts one row, both served by the
same gunicorn command (2 workers x 4 threads) on the same database and driven by
wrk at 32 connections. The gunicorn, wrk and schema plumbing is shared with
bench_answer_save.py.

Beats rotate over 2,000 officers, so at the rates measured here each officer's
gap is a second or more: every heartbeat credits time and takes the full path.

  python bench/bench_heartbeat.py [--database URL] [--duration 20] [--officers 2000]

Without --database a temporary SQLite file is used; PostgreSQL runs use their own
schema (bench_study), dropped afterwards.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import bench_answer_save  # noqa: E402
from bench_answer_save import (Gunicorn, app_env, database_url, drop_schema, run_wrk,  # noqa: E402
                               same_pragmas_as_the_app)

# Our own PostgreSQL schema, so that this bench and the answer-save bench can run side by side.
bench_answer_save.SCHEMA = "bench_study"

PASSWORD = "Bench2026!"


def bare_app():
    """A Flask app with one endpoint: parse the heartbeat JSON, upsert one state row. Nothing else."""
    import time

    import sqlalchemy as sa
    from flask import Flask, jsonify, request
    from sqlalchemy.dialects import postgresql, sqlite

    url = os.environ["BENCH_DATABASE_URL"]
    engine = sa.create_engine(url)  # as the app: no pre-ping (quizapp._tune_engine pings idle ones only)
    same_pragmas_as_the_app(engine)
    states = sa.Table("study_heartbeat_states", sa.MetaData(), autoload_with=engine)
    insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
    app = Flask("bare")

    @app.post("/bare/study/heartbeat/<int:officer_id>")
    def heartbeat(officer_id):
        body = request.get_json()
        now_ms = int(time.time() * 1000) if body["visible"] else None
        statement = insert(states).values(officer_id=officer_id, last_beat_ms=now_ms, day=sa.func.current_date(),
                                          today_seconds=0)
        statement = statement.on_conflict_do_update(index_elements=["officer_id"],
                                                    set_={"last_beat_ms": statement.excluded.last_beat_ms})
        with engine.begin() as connection:
            connection.execute(statement)
        return jsonify(credited_seconds=0, today_minutes=0)

    return app


def seed(url: str, officers: int) -> list[tuple[str, int]]:
    """Schema and officers with bearer tokens: [(token, officer id)]."""
    os.environ.update(app_env(url))
    from quizapp import create_app
    from quizapp.auth.models import ApiToken
    from quizapp.auth.passwords import hash_password
    from quizapp.auth.services import token_digest
    from quizapp.extensions import db
    from quizapp.roster.models import Officer
    from quizapp.roster.services import ensure_department
    from quizapp import timeutil
    from datetime import timedelta
    import secrets

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.create_all()
        departments = [ensure_department(f"市公安局/第{n}派出所") for n in range(10)]
        hashed = hash_password(PASSWORD)
        people = [Officer(badge=f"6{n:05d}", name=f"民警{n}", department=departments[n % 10], password_hash=hashed)
                  for n in range(officers)]
        db.session.add_all(people)
        db.session.flush()
        pairs = []
        expires = timeutil.now() + timedelta(hours=10)
        for officer in people:
            token = secrets.token_urlsafe(32)
            db.session.add(ApiToken(officer_id=officer.id, token_hash=token_digest(token), expires_at=expires))
            pairs.append((token, officer.id))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return pairs


LUA = """
local beats = {%s}
local counter = 0
local offset = 0
local prefix = "%s"
local auth = %s
function setup(thread)
  thread:set("offset", math.random(1, #beats))
end
request = function()
  counter = counter + 1
  local b = beats[((offset + counter) %% #beats) + 1]
  local headers = {["Content-Type"] = "application/json"}
  local path = prefix
  if auth then headers["Authorization"] = "Bearer " .. b[1] else path = prefix .. b[2] end
  return wrk.format("POST", path, headers, '{"material_id": 1, "visible": true}')
end
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database")
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--officers", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2,
                        help="alternate bare and quizapp runs this many times; the median round counts")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-heartbeat-"))
    url = database_url(args.database, workdir)
    try:
        pairs = seed(url, args.officers)
        rows = ",".join(f'{{"{token}",{officer_id}}}' for token, officer_id in pairs)
        env = app_env(url)
        runs = {"bare": [], "quizapp": []}
        # Alternating runs share out the noise of a busy machine between the two.
        for _ in range(args.rounds):
            for name, target, prefix, auth in (("bare", "bench_heartbeat:bare_app()", "/bare/study/heartbeat/", False),
                                               ("quizapp", "quizapp:create_app()", "/api/v1/study/heartbeat", True)):
                script = workdir / f"{name}.lua"
                script.write_text(LUA % (rows, prefix, "true" if auth else "false"))
                server = Gunicorn(target, env)
                try:
                    run_wrk(server.port, script, 3, args.connections)  # warm-up
                    runs[name].append(run_wrk(server.port, script, args.duration, args.connections))
                finally:
                    server.stop()
        results = {name: sorted(found, key=lambda r: r["rps"])[len(found) // 2] for name, found in runs.items()}
        credited = credited_seconds(url)
        backend = url.split(":")[0]
        for name, r in results.items():
            print(f"{backend:24} {name:8} {r['rps']:8.0f} req/s  p99 {r['p99_ms']:7.1f} ms  "
                  f"errors {r['errors']}  ({r['requests']} requests; all runs: "
                  f"{', '.join(str(round(x['rps'])) for x in runs[name])} req/s)")
        # Each round's two runs are adjacent in time, so their ratio is the least disturbed
        # by other load on the machine; the median round is the headline figure.
        pairs = sorted(app["rps"] / bare["rps"] for bare, app in zip(runs["bare"], runs["quizapp"]))
        print(f"{backend:24} ratio    {pairs[len(pairs) // 2]:.0%} of the bare endpoint (median of rounds: "
              f"{', '.join(f'{r:.0%}' for r in pairs)}; medians of runs: "
              f"{results['quizapp']['rps'] / results['bare']['rps']:.0%}); {credited} s of study credited in all")
    finally:
        drop_schema(args.database)
        shutil.rmtree(workdir, ignore_errors=True)


def credited_seconds(url: str) -> int:
    """Total seconds in study_days after the run (proves the credit path was taken)."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as connection:
        total = connection.execute(sa.text("SELECT COALESCE(SUM(seconds), 0) FROM study_days")).scalar()
    engine.dispose()
    return int(total)


if __name__ == "__main__":
    main()
