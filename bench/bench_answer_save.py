"""Exam benchmarks, run by hand (never by the test suite); loopback only, bounded runs.

  save   answer saves under gunicorn (2 workers x 4 threads) driven by wrk at 32
         connections: the real PUT /api/v1/attempts/{id}/answers/{q} (bearer token,
         ownership and deadline checks, conditional upsert) against a bare Flask
         endpoint written below that only parses the same JSON and upserts one row,
         both served by the same gunicorn command on the same database.
  start  N officers (default 1,000) starting the same exam at once (PostgreSQL).
  login  logins per second through POST /api/v1/auth/token with the configured hash.

  python bench/bench_answer_save.py save  [--database URL] [--duration 20]
  python bench/bench_answer_save.py start --database postgresql+psycopg://postgres@127.0.0.1:5432/test
  python bench/bench_answer_save.py login --database postgresql+psycopg://postgres@127.0.0.1:5432/test

Without --database a temporary SQLite file is used. PostgreSQL runs use their own
schema (bench_exams), dropped afterwards.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

VENV_BIN = Path(sys.executable).parent
GUNICORN = shutil.which("gunicorn", path=str(VENV_BIN)) or "gunicorn"
WRK = shutil.which("wrk") or "/usr/bin/wrk"
SCHEMA = os.environ.get("BENCH_SCHEMA", "bench_exams")
PASSWORD = "Bench2026!"


# ---------------------------------------------------------------- the bare endpoint

def same_pragmas_as_the_app(engine) -> None:
    """On SQLite, give a bare engine the pragmas the real app sets (quizapp/__init__.py)."""
    import sqlalchemy as sa

    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _pragmas(connection, _record):
        cursor = connection.cursor()
        for pragma in ("journal_mode=WAL", "busy_timeout=10000", "foreign_keys=ON", "synchronous=NORMAL"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()


def bare_app():
    """A Flask app with one endpoint: parse the JSON body, upsert one answer row. Nothing else."""
    import sqlalchemy as sa
    from flask import Flask, jsonify, request
    from sqlalchemy.dialects import postgresql, sqlite

    url = os.environ["BENCH_DATABASE_URL"]
    engine = sa.create_engine(url)  # no pre-ping: the app pings only idle connections (quizapp._tune_engine)
    same_pragmas_as_the_app(engine)
    answers = sa.Table("exam_answers", sa.MetaData(), autoload_with=engine)
    insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
    app = Flask("bare")

    @app.put("/bare/attempts/<int:attempt_id>/answers/<int:question_id>")
    def save(attempt_id, question_id):
        body = request.get_json()
        statement = insert(answers).values(attempt_id=attempt_id, question_id=question_id, answer=body["answer"],
                                           seq=body["seq"], saved_at=sa.func.now())
        statement = statement.on_conflict_do_update(
            index_elements=["attempt_id", "question_id"],
            set_={"answer": statement.excluded.answer, "seq": statement.excluded.seq,
                  "saved_at": statement.excluded.saved_at},
            where=statement.excluded.seq > answers.c.seq)
        with engine.begin() as connection:
            connection.execute(statement)
        return jsonify(saved_at=None)

    return app


# ---------------------------------------------------------------- setup

def database_url(arg: str | None, workdir: Path) -> str:
    if not arg:
        return f"sqlite:///{workdir / 'bench.db'}"
    if arg.startswith("postgres"):
        import sqlalchemy as sa

        engine = sa.create_engine(arg)
        with engine.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
            connection.execute(sa.text(f'CREATE SCHEMA "{SCHEMA}"'))
        engine.dispose()
        separator = "&" if "?" in arg else "?"
        return f"{arg}{separator}options={quote(f'-csearch_path={SCHEMA}')}"
    return arg


def drop_schema(arg: str | None) -> None:
    if arg and arg.startswith("postgres"):
        import sqlalchemy as sa

        engine = sa.create_engine(arg)
        with engine.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        engine.dispose()


def app_env(url: str) -> dict:
    env = dict(os.environ, DATABASE_URL=url, BENCH_DATABASE_URL=url, SECRET_KEY="bench-secret-key-not-for-production",
               QUIZAPP_ENV="production", QUIZAPP_SCHEDULER="off")
    env.pop("REDIS_URL", None)
    return env


def seed(url: str, officers: int, start: bool, password_hash: str | None = None) -> dict:
    """Schema, a bank, officers with tokens, one open exam; optionally every attempt started."""
    os.environ.update(app_env(url))
    from quizapp import create_app, timeutil
    from quizapp.auth.passwords import hash_password
    from quizapp.auth.services import issue_token
    from quizapp.banks.models import Question, QuestionBank
    from quizapp.banks.types import stem_key
    from quizapp.exams import attempts, definitions
    from quizapp.exams.spec import ExamSpec, RuleSpec
    from quizapp.extensions import db
    from quizapp.roster.models import Officer
    from quizapp.roster.services import ensure_department

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.create_all()
        bank = QuestionBank(name="基准题库", category="theory")
        db.session.add(bank)
        options = [{"key": k, "text": f"选项{k}"} for k in "ABCD"]
        for n in range(300):
            qtype = ("single", "multiple", "judge", "fill")[n % 4]
            answer = {"single": "A", "multiple": ["A", "C"], "judge": True, "fill": [["答案"]]}[qtype]
            stem = f"基准第{n}题"
            db.session.add(Question(bank=bank, type=qtype, stem=stem, stem_key=stem_key(stem), answer=answer,
                                    options=options if qtype in ("single", "multiple") else []))
        departments = [ensure_department(f"市公安局/第{n}派出所") for n in range(10)]
        hashed = password_hash or hash_password(PASSWORD)
        people = [Officer(badge=f"5{n:05d}", name=f"民警{n}", department=departments[n % 10], password_hash=hashed)
                  for n in range(officers)]
        admin = Officer(badge="499999", name="管理员", department=departments[0], role="admin", password_hash=hashed)
        db.session.add_all(people + [admin])
        db.session.commit()
        now = timeutil.now()
        exam = definitions.create_exam(admin, ExamSpec(
            title="基准考试", opens_at=now - timedelta(minutes=1), closes_at=now + timedelta(hours=10),
            duration_minutes=600, blueprint=(RuleSpec(bank.id, "single", 20, 2),
                                             RuleSpec(bank.id, "judge", 20, 2),
                                             RuleSpec(bank.id, "multiple", 5, 4),
                                             RuleSpec(bank.id, "fill", 5, 2))), notify_candidates=False)
        tokens, saves = [], []
        for officer in people:
            token, _ = issue_token(officer)
            tokens.append(token)
            if start:
                attempt = attempts.start_attempt(officer, exam)
                for item in attempt.items:
                    if item.type == "single":
                        saves.append((token, attempt.id, item.question_id))
        result = {"exam_id": exam.id, "tokens": tokens, "saves": saves, "badges": [o.badge for o in people]}
        db.session.remove()
        db.engine.dispose()
    return result


# ---------------------------------------------------------------- serving

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


DEPLOY_CONFIG = Path(__file__).resolve().parent.parent / "deploy" / "gunicorn.conf.py"


class Gunicorn:
    """The production gunicorn config (deploy/gunicorn.conf.py) with 2 workers x 4 threads on
    loopback and no access log: the same command for every app a benchmark compares."""

    def __init__(self, target: str, env: dict):
        self.port = free_port()
        env = dict(env, GUNICORN_WORKERS="2", GUNICORN_THREADS="4", GUNICORN_BIND=f"127.0.0.1:{self.port}",
                   GUNICORN_ACCESS_LOG="", GUNICORN_LOG_LEVEL="warning")
        self.process = subprocess.Popen(
            [GUNICORN, "-c", str(DEPLOY_CONFIG), "--pythonpath", str(Path(__file__).parent), target],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        # The port opens before the workers have imported the app: wait until requests are
        # answered quickly, as a server that has been up since before the exam would.
        deadline, quick = time.monotonic() + 60, 0
        while time.monotonic() < deadline and quick < 20:
            started = time.perf_counter()
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                connection.request("GET", "/healthz")
                connection.getresponse().read()
                connection.close()
                quick = quick + 1 if time.perf_counter() - started < 0.05 else 0
            except (OSError, http.client.HTTPException):
                time.sleep(0.2)
        if quick < 20:
            self.stop()
            raise RuntimeError("gunicorn did not start: " + self.process.stderr.read().decode()[-2000:])

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


# ---------------------------------------------------------------- wrk

WRK_THREADS = 4
# Each wrk thread owns every WRK_THREADS-th save, as each phone owns its attempt, so the
# seq of any one answer only grows (os.time() * 1000 + a per-thread counter), as a real
# phone's does; stale seqs (a retry overtaken by a newer save) stay the rare case.
LUA = """
local saves = {%s}
local threads = %d
local counter = 0
local slot = 0
local prefix = "%s"
local auth = %s
local per_thread = math.floor(#saves / threads)
local next_slot = 0
function setup(thread)
  thread:set("slot", next_slot)
  next_slot = next_slot + 1
end
request = function()
  counter = counter + 1
  local s = saves[slot + threads * (counter %% per_thread) + 1]
  local headers = {["Content-Type"] = "application/json"}
  if auth then headers["Authorization"] = "Bearer " .. s[1] end
  local body = '{"answer": "' .. (counter %% 2 == 0 and "A" or "B") .. '", "seq": ' .. (os.time() * 1000 + counter) .. '}'
  return wrk.format("PUT", prefix .. s[2] .. "/answers/" .. s[3], headers, body)
end
"""


def wrk_script(path: Path, saves, prefix: str, auth: bool) -> None:
    rows = ",".join(f'{{"{token}",{attempt},{question}}}' for token, attempt, question in saves)
    path.write_text(LUA % (rows, WRK_THREADS, prefix, "true" if auth else "false"))


def run_wrk(port: int, script: Path, duration: int, connections: int) -> dict:
    output = subprocess.run(
        [WRK, f"-t{WRK_THREADS}", f"-c{connections}", f"-d{duration}s", "--timeout", "5s", "--latency", "-s", str(script),
         f"http://127.0.0.1:{port}"], capture_output=True, text=True, timeout=duration + 60).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    def percentile_ms(label):
        found = re.search(label + r"%\s+([\d.]+)(us|ms|s)\b", output)
        return float(found.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[found.group(2)]

    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = int(non2xx.group(1)) if non2xx else 0
    if socket_errors:
        errors += sum(int(x) for x in socket_errors.groups())
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    return {"rps": rps, "p50_ms": percentile_ms("50"), "p90_ms": percentile_ms("90"), "p99_ms": percentile_ms("99"),
            "errors": errors, "requests": requests}


def bench_save(args) -> None:
    """Both servers up side by side; short wrk rounds alternate between them so that the
    load of other jobs on the machine weighs on both alike."""
    workdir = Path(tempfile.mkdtemp(prefix="bench-save-"))
    url = database_url(args.database, workdir)
    servers = {}
    try:
        data = seed(url, officers=64, start=True)
        env = app_env(url)
        scripts = {}
        for name, target, prefix, auth in (("bare", "bench_answer_save:bare_app()", "/bare/attempts/", False),
                                           ("quizapp", "quizapp:create_app()", "/api/v1/attempts/", True)):
            scripts[name] = workdir / f"{name}.lua"
            wrk_script(scripts[name], data["saves"], prefix, auth)
            servers[name] = Gunicorn(target, env)
        rounds = {name: [] for name in servers}
        for number in range(args.rounds + 1):
            for name, server in servers.items():
                result = run_wrk(server.port, scripts[name], max(2, args.duration // args.rounds), args.connections)
                if number:  # the first round warms up
                    rounds[name].append(result)
        backend = url.split(":")[0]
        summary = {}
        for name, results in rounds.items():
            requests = sum(r["requests"] for r in results)
            rps = sum(r["rps"] for r in results) / len(results)
            summary[name] = rps
            print(f"{backend:24} {name:8} {rps:8.0f} req/s  p50 {statistics.median(r['p50_ms'] for r in results):6.1f} "
                  f"p99 (median of rounds) {statistics.median(r['p99_ms'] for r in results):7.1f} ms, "
                  f"worst {max(r['p99_ms'] for r in results):7.1f} ms  errors {sum(r['errors'] for r in results)}  "
                  f"({requests} requests)")
            print(f"{'':24} {name:8} p99 per round: " + " ".join(f"{r['p99_ms']:.0f}" for r in results)
                  + f" ms ({sum(r['p99_ms'] < 100 for r in results)} of {len(results)} under 100 ms)")
        per_round = ", ".join(f"{q['rps'] / b['rps']:.0%}" for q, b in zip(rounds["quizapp"], rounds["bare"]))
        print(f"{backend:24} ratio    {summary['quizapp'] / summary['bare']:.0%} of the bare endpoint "
              f"(per round: {per_round})")
    finally:
        for server in servers.values():
            server.stop()
        drop_schema(args.database)
        shutil.rmtree(workdir, ignore_errors=True)


# ---------------------------------------------------------------- starts and logins (Python client)

def timed_requests(port: int, requests, concurrency: int, spread: float = 0) -> tuple[list[float], int, float]:
    """Send (method, path, body, headers) requests with a pool of clients; latencies in seconds.

    With ``spread`` the requests arrive evenly over that many seconds (open loop:
    request i is sent at i × spread / n whatever the server's pace), else as fast as
    ``concurrency`` clients can send them.
    """
    latencies, errors, lock = [], [0], threading.Lock()
    failures: dict[int, bytes] = {}
    timeline: list[tuple[float, float]] = []
    began = time.perf_counter()

    def send(numbered):
        number, (method, path, body, headers) = numbered
        if spread:
            time.sleep(max(0.0, began + number * spread / len(requests) - time.perf_counter()))
        # One connection per officer, as each phone opens its own.
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        started = time.perf_counter()
        try:
            connection.request(method, path, body=json.dumps(body) if body is not None else None,
                               headers={"Content-Type": "application/json", **headers})
            response = connection.getresponse()
            payload = response.read()
            ok = response.status < 300
            if not ok:
                with lock:
                    failures.setdefault(response.status, payload[:300])
        except (OSError, http.client.HTTPException) as error:
            ok = False
            with lock:
                failures.setdefault(0, repr(error).encode())
        finally:
            connection.close()
        elapsed = time.perf_counter() - started
        with lock:
            latencies.append(elapsed)
            timeline.append((started - began, elapsed))
            errors[0] += not ok

    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(send, enumerate(requests)))
    for status, payload in failures.items():
        print(f"  first HTTP {status}: {payload.decode(errors='replace')}", file=sys.stderr)
    slowest = sorted(timeline, key=lambda item: -item[1])[:8]
    print("  slowest (sent at s: took ms): " + ", ".join(f"{at:.1f}: {took * 1000:.0f}" for at, took in slowest),
          file=sys.stderr)
    return latencies, errors[0], time.perf_counter() - began


def percentile(values, fraction) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def bench_start(args) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="bench-start-"))
    url = database_url(args.database, workdir)
    try:
        data = seed(url, officers=args.officers + args.warmup, start=False)
        server = Gunicorn("quizapp:create_app()", app_env(url))
        try:
            requests = [("POST", f"/api/v1/exams/{data['exam_id']}/attempts", None, {"Authorization": f"Bearer {t}"})
                        for t in data["tokens"]]
            # A few officers start first, unmeasured, so that each worker has run the start path once.
            timed_requests(server.port, requests[:args.warmup], 4)
            latencies, errors, wall = timed_requests(server.port, requests[args.warmup:], args.concurrency, args.spread)
        finally:
            server.stop()
        how = (f"arriving evenly over {args.spread:g} s" if args.spread else f"{args.concurrency} at a time")
        print(f"{args.officers} officers start the exam (50-question paper each), {how}: "
              f"{wall:.1f} s in all, p50 {statistics.median(latencies) * 1000:.0f} ms, "
              f"p99 {percentile(latencies, 0.99) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms, errors {errors}")
    finally:
        drop_schema(args.database)
        shutil.rmtree(workdir, ignore_errors=True)


def bench_login(args) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="bench-login-"))
    url = database_url(args.database, workdir)
    try:
        os.environ.update(app_env(url))
        from quizapp import create_app
        from quizapp.auth.passwords import hash_password

        from werkzeug.security import check_password_hash

        with create_app({"SQLALCHEMY_DATABASE_URI": url}).app_context():
            hashed = hash_password(PASSWORD)
            method = hashed.split("$")[0]
        timings = []
        for _ in range(20):
            started = time.perf_counter()
            check_password_hash(hashed, PASSWORD)
            timings.append(time.perf_counter() - started)
        best = min(timings)
        print(f"one {method} check: best {best * 1000:.0f} ms, median {statistics.median(timings) * 1000:.0f} ms "
              f"on one core: at best {2 / best:.1f} logins/s on 2 cores; 1,000 logins {1000 * best / 2:.0f} s, "
              f"20,000 logins {20000 * best / 2 / 60:.1f} min")
        data = seed(url, officers=args.logins, start=False, password_hash=hashed)
        server = Gunicorn("quizapp:create_app()", app_env(url))
        try:
            requests = [("POST", "/api/v1/auth/token", {"badge": badge, "password": PASSWORD}, {})
                        for badge in data["badges"]]
            latencies, errors, wall = timed_requests(server.port, requests, args.concurrency)
        finally:
            server.stop()
        rate = len(requests) / wall
        print(f"{len(requests)} logins ({method}), {args.concurrency} at a time on 2 workers x 4 threads: "
              f"{rate:.1f} logins/s, p50 {statistics.median(latencies) * 1000:.0f} ms, "
              f"p99 {percentile(latencies, 0.99) * 1000:.0f} ms, errors {errors}; "
              f"1,000 logins take {1000 / rate:.0f} s, 20,000 take {20000 / rate / 60:.1f} min")
    finally:
        drop_schema(args.database)
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    save = sub.add_parser("save", help="answer saves vs a bare upsert endpoint (wrk)")
    save.add_argument("--database")
    save.add_argument("--duration", type=int, default=40, help="seconds of load per server, split into rounds")
    save.add_argument("--rounds", type=int, default=8)
    save.add_argument("--connections", type=int, default=32)
    start = sub.add_parser("start", help="N officers starting the same exam")
    start.add_argument("--database")
    start.add_argument("--officers", type=int, default=1000)
    start.add_argument("--concurrency", type=int, default=64)
    start.add_argument("--warmup", type=int, default=16, help="officers who start first, unmeasured")
    start.add_argument("--spread", type=float, default=60, help="seconds over which they arrive (0: all at once)")
    login = sub.add_parser("login", help="logins per second")
    login.add_argument("--database")
    login.add_argument("--logins", type=int, default=200)
    login.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    {"save": bench_save, "start": bench_start, "login": bench_login}[args.command](args)


if __name__ == "__main__":
    main()
