"""Exam benchmarks, run by hand (never by the test suite); loopback only, bounded runs.

  save   answer saves under gunicorn (2 workers x 4 threads) driven by wrk at 32
         connections: the real PUT /api/v1/attempts/{id}/answers/{q} (bearer token,
         ownership and deadline checks, conditional upsert) against the plain ceiling,
         a bare Flask endpoint that only parses the same JSON and runs one literal-SQL
         upsert (plain_app), and an older ceiling that builds a SQLAlchemy insert per
         request (bare_app); all served by the same gunicorn command on the same
         database, alternating rounds; throughput, p99 and server CPU per request.
  start  N officers (default 1,000) starting the same exam at once (PostgreSQL).
  login  logins per second and server CPU per login through POST /api/v1/auth/token:
         werkzeug's scrypt (the default until now) against Argon2id (the default now),
         one server each on the same database, alternating rounds.

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


def plain_app():
    """The plain ceiling (issue 13): a Flask app with one endpoint that parses the JSON body
    and runs one literal-SQL upsert, ``text()`` with bound parameters. WAL, the busy timeout
    and synchronous=NORMAL on SQLite (the durability the app runs with), foreign keys off;
    no SQLAlchemy construct built or compiled per request."""
    import json as json_module
    from datetime import datetime, timezone

    import sqlalchemy as sa
    from flask import Flask, jsonify, request

    url = os.environ["BENCH_DATABASE_URL"]
    engine = sa.create_engine(url)
    sqlite = engine.dialect.name == "sqlite"
    if sqlite:
        @sa.event.listens_for(engine, "connect")
        def _pragmas(connection, _record):
            cursor = connection.cursor()
            for pragma in ("journal_mode=WAL", "busy_timeout=10000", "synchronous=NORMAL"):
                cursor.execute(f"PRAGMA {pragma}")
            cursor.close()
        answer_value = ":answer"
    else:
        column = sa.Table("exam_answers", sa.MetaData(), autoload_with=engine).c.answer
        answer_value = f"CAST(:answer AS {column.type.compile(dialect=engine.dialect)})"
    upsert = sa.text(
        "INSERT INTO exam_answers (attempt_id, question_id, answer, seq, saved_at) "
        f"VALUES (:attempt_id, :question_id, {answer_value}, :seq, :saved_at) "
        "ON CONFLICT (attempt_id, question_id) DO UPDATE SET answer = excluded.answer, seq = excluded.seq, "
        "saved_at = excluded.saved_at WHERE excluded.seq > exam_answers.seq")
    app = Flask("plain")

    @app.put("/plain/attempts/<int:attempt_id>/answers/<int:question_id>")
    def save(attempt_id, question_id):
        body = request.get_json()
        now = datetime.now(timezone.utc)
        with engine.begin() as connection:
            connection.execute(upsert, {"attempt_id": attempt_id, "question_id": question_id,
                                        "answer": json_module.dumps(body["answer"]), "seq": body["seq"],
                                        "saved_at": now.replace(tzinfo=None) if sqlite else now})
        return jsonify(saved_at=now.isoformat())

    return app


def bare_app():
    """The older, slower ceiling: a Flask app with one endpoint that parses the JSON body and
    upserts one answer row through a SQLAlchemy insert construct built per request, with the
    app's pragmas (foreign keys on)."""
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


def seed(url: str, officers: int, start: bool, password_hashes: list[str] | None = None) -> dict:
    """Schema, a bank, officers with tokens, one open exam; optionally every attempt started.
    Officer n gets password_hashes[n % len(password_hashes)], by default one hash of the
    configured method."""
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
        hashes = password_hashes or [hash_password(PASSWORD)]
        people = [Officer(badge=f"5{n:05d}", name=f"民警{n}", department=departments[n % 10],
                          password_hash=hashes[n % len(hashes)]) for n in range(officers)]
        admin = Officer(badge="499999", name="管理员", department=departments[0], role="admin", password_hash=hashes[0])
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


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process, its reaped children included (/proc/<pid>/stat
    fields 14–17: utime, stime, cutime, cstime)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(value) for value in fields[11:15]) / CLOCK_TICKS


def child_pids(pid: int) -> list[int]:
    """Live child processes of ``pid``, by parent pid in /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


class Gunicorn:
    """The production gunicorn config (deploy/gunicorn.conf.py) on loopback with no access log:
    the same command for every app a benchmark compares. 2 workers x 4 threads unless told
    otherwise (None: the config's own defaults, cores + 1 workers, 4 threads)."""

    def __init__(self, target: str, env: dict, workers: str | None = "2", threads: str | None = "4"):
        self.port = free_port()
        env = dict(env, GUNICORN_BIND=f"127.0.0.1:{self.port}", GUNICORN_ACCESS_LOG="", GUNICORN_LOG_LEVEL="warning")
        for name, value in (("GUNICORN_WORKERS", workers), ("GUNICORN_THREADS", threads)):
            if value is None:
                env.pop(name, None)
            else:
                env[name] = value
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

    def cpu_seconds(self) -> float:
        """CPU (user + system) used so far by the master and its workers, live or replaced."""
        total = process_cpu_seconds(self.process.pid)
        for pid in child_pids(self.process.pid):
            try:
                total += process_cpu_seconds(pid)
            except OSError:  # exited since: the master's figure has it once it is reaped
                pass
        return total

    def stop(self):
        workers = child_pids(self.process.pid)
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=40)  # the config's graceful_timeout is 30 s
        except subprocess.TimeoutExpired:
            # Killing the master alone would leave its workers running, holding connections.
            for pid in workers:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            self.process.kill()
            self.process.wait()


# ---------------------------------------------------------------- wrk

WRK_THREADS = 4
# Each wrk thread owns every WRK_THREADS-th save, as each phone owns its attempt, so the
# seq of any one answer only grows (the run's start in microseconds, passed to the script,
# plus a per-thread counter), as a real phone's does, from one run to the next too; stale
# seqs (a retry overtaken by a newer save) stay the rare case.
LUA = """
local saves = {%s}
local threads = %d
local counter = 0
slot = 0  -- a global: setup() gives each thread its own through thread:set
local prefix = "%s"
local auth = %s
local per_thread = math.floor(#saves / threads)
local next_slot = 0
local base = 0
function init(args)
  base = tonumber(args[1])
end
function setup(thread)
  thread:set("slot", next_slot)
  next_slot = next_slot + 1
end
request = function()
  counter = counter + 1
  local s = saves[slot + threads * (counter %% per_thread) + 1]
  local headers = {["Content-Type"] = "application/json"}
  if auth then headers["Authorization"] = "Bearer " .. s[1] end
  local body = '{"answer": "' .. (counter %% 2 == 0 and "A" or "B") .. '", "seq": ' .. string.format("%%d", base + counter) .. '}'
  return wrk.format("PUT", prefix .. s[2] .. "/answers/" .. s[3], headers, body)
end
"""


def wrk_script(path: Path, saves, prefix: str, auth: bool) -> None:
    rows = ",".join(f'{{"{token}",{attempt},{question}}}' for token, attempt, question in saves)
    path.write_text(LUA % (rows, WRK_THREADS, prefix, "true" if auth else "false"))


def run_wrk(port: int, script: Path, duration: int, connections: int) -> dict:
    output = subprocess.run(
        [WRK, f"-t{WRK_THREADS}", f"-c{connections}", f"-d{duration}s", "--timeout", "5s", "--latency", "-s", str(script),
         f"http://127.0.0.1:{port}", "--", str(time.time_ns() // 1000)], capture_output=True, text=True, timeout=duration + 60).stdout
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


SAVE_SERVERS = (  # name, gunicorn target, URL prefix, bearer token sent
    ("plain", "bench_answer_save:plain_app()", "/plain/attempts/", False),
    ("bare", "bench_answer_save:bare_app()", "/bare/attempts/", False),
    ("quizapp", "quizapp:create_app()", "/api/v1/attempts/", True),
)


def bench_save(args) -> None:
    """All servers up side by side; short wrk rounds alternate between them so that the
    load of other jobs on the machine weighs on all alike. Each round also reads the CPU
    time of the server's master and workers before and after: CPU per request."""
    workdir = Path(tempfile.mkdtemp(prefix="bench-save-"))
    url = database_url(args.database, workdir)
    servers: dict[str, Gunicorn] = {}
    try:
        print(f"load average at start: {load_average()}")
        # quizapp's saves go to the first 64 officers' attempts, the ceilings' to the other
        # 64: a ceiling's write never makes a quizapp save look stale (seq not newer).
        data = seed(url, officers=128, start=True)
        attempts = sorted({attempt for _, attempt, _ in data["saves"]})
        theirs = {"quizapp": set(attempts[:64])}
        env = app_env(url)
        scripts = {}
        for name, target, prefix, auth in SAVE_SERVERS:
            owned = theirs.get(name, set(attempts[64:]))
            scripts[name] = workdir / f"{name}.lua"
            wrk_script(scripts[name], [save for save in data["saves"] if save[1] in owned], prefix, auth)
            servers[name] = Gunicorn(target, env)
        rounds: dict[str, list[dict]] = {name: [] for name in servers}
        seconds = max(2, args.duration // args.rounds)
        for number in range(args.rounds + 1):
            for name, server in servers.items():
                cpu_before = server.cpu_seconds()
                result = run_wrk(server.port, scripts[name], seconds, args.connections)
                result["cpu_ms"] = (server.cpu_seconds() - cpu_before) * 1000 / max(1, result["requests"])
                if number:  # the first round warms up
                    rounds[name].append(result)
        backend = url.split(":")[0].split("+")[0]
        print(f"{backend}: {args.rounds} rounds of {seconds} s per server, alternating, after one warm-up round; "
              f"wrk {WRK_THREADS} threads, {args.connections} connections; gunicorn deploy/gunicorn.conf.py, "
              f"2 workers x 4 threads; medians of rounds")
        for name, results in rounds.items():
            print(f"  {name:8} {statistics.median(r['rps'] for r in results):6.0f} req/s "
                  f"(rounds: {listed((r['rps'] for r in results), '{:.0f}')}), "
                  f"server CPU {statistics.median(r['cpu_ms'] for r in results):.2f} ms/request "
                  f"(rounds: {listed((r['cpu_ms'] for r in results), '{:.2f}')}), "
                  f"p50 {statistics.median(r['p50_ms'] for r in results):.1f} ms, "
                  f"p99 {statistics.median(r['p99_ms'] for r in results):.1f} ms (worst round "
                  f"{max(r['p99_ms'] for r in results):.1f}), errors {sum(r['errors'] for r in results)} "
                  f"of {sum(r['requests'] for r in results)}")
        for ceiling in ("plain", "bare"):
            rps = [q["rps"] / c["rps"] for q, c in zip(rounds["quizapp"], rounds[ceiling])]
            cpu = [q["cpu_ms"] / c["cpu_ms"] for q, c in zip(rounds["quizapp"], rounds[ceiling])]
            print(f"  quizapp / {ceiling}: {statistics.median(rps):.2f} of its throughput (rounds: {listed(rps, '{:.2f}')}), "
                  f"{statistics.median(cpu):.2f}x its CPU per request (rounds: {listed(cpu, '{:.2f}')})")
        print(f"load average at end: {load_average()}")
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


# Today's (before) and the new default (after) password hash methods.
LOGIN_METHODS = {"scrypt": "scrypt", "argon2id": "argon2id"}


def load_average() -> str:
    """The 1-, 5- and 15-minute load averages, as recorded beside every figure."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def hash_with(method: str) -> str:
    """PASSWORD hashed by quizapp with the given method."""
    from flask import Flask

    from quizapp.auth.passwords import hash_password

    app = Flask("bench")
    app.config["PASSWORD_HASH_METHOD"] = method
    with app.app_context():
        return hash_password(PASSWORD)


def check_cost(method: str, repeat: int) -> list[float]:
    """CPU seconds of single password checks with the method, one core, in this process."""
    from quizapp.auth.passwords import verify_password

    hashed = hash_with(method)
    timings = []
    for _ in range(repeat):
        started = time.process_time()
        verify_password(hashed, PASSWORD)
        timings.append(time.process_time() - started)
    return timings


def listed(values, form: str = "{:.1f}") -> str:
    """Per-round figures, space-separated."""
    return " ".join(form.format(value) for value in values)


def bench_login(args) -> None:
    """Logins through POST /api/v1/auth/token with werkzeug's scrypt (today) and Argon2id (the new
    default), side by side: one server per method on the same database, alternating rounds of
    --logins logins each, ``--concurrency`` at a time; logins/s and the servers' CPU per login."""
    workdir = Path(tempfile.mkdtemp(prefix="bench-login-"))
    url = database_url(args.database, workdir)
    servers: dict[str, Gunicorn] = {}
    try:
        print(f"load average at start: {load_average()}")
        for name, method in LOGIN_METHODS.items():
            timings = check_cost(method, 10)
            print(f"one {name} check, one core: best {min(timings) * 1000:.0f} ms, "
                  f"median {statistics.median(timings) * 1000:.0f} ms of CPU")
        hashes = [hash_with(method) for method in LOGIN_METHODS.values()]
        # Officer n has the hash of method n % 2: each server's officers already hold its
        # method's hash, so no login re-hashes.
        data = seed(url, officers=len(LOGIN_METHODS) * args.logins, start=False, password_hashes=hashes)
        for index, (name, method) in enumerate(LOGIN_METHODS.items()):
            env = dict(app_env(url), QUIZAPP_PASSWORD_HASH=method)
            servers[name] = Gunicorn("quizapp:create_app()", env)
            servers[name].requests = [("POST", "/api/v1/auth/token", {"badge": badge, "password": PASSWORD}, {})
                                      for badge in data["badges"][index::len(LOGIN_METHODS)]]
        rounds: dict[str, list[dict]] = {name: [] for name in servers}
        for number in range(args.rounds + 1):
            for name, server in servers.items():
                cpu_before = server.cpu_seconds()
                latencies, errors, wall = timed_requests(server.port, server.requests, args.concurrency)
                cpu = server.cpu_seconds() - cpu_before
                if number:  # the first round warms up
                    rounds[name].append({"rate": len(latencies) / wall, "cpu_ms": cpu * 1000 / len(latencies),
                                         "p50": statistics.median(latencies) * 1000,
                                         "p99": percentile(latencies, 0.99) * 1000, "errors": errors})
        summary = {}
        for name, results in rounds.items():
            rate = statistics.median(r["rate"] for r in results)
            cpu_ms = statistics.median(r["cpu_ms"] for r in results)
            summary[name] = (rate, cpu_ms)
            print(f"{name:9} {rate:6.1f} logins/s (rounds: {listed(r['rate'] for r in results)}), "
                  f"server CPU {cpu_ms:5.1f} ms a login (rounds: {listed((r['cpu_ms'] for r in results), '{:.0f}')}), "
                  f"p50 {statistics.median(r['p50'] for r in results):.0f} ms, "
                  f"p99 {statistics.median(r['p99'] for r in results):.0f} ms (median of rounds), "
                  f"errors {sum(r['errors'] for r in results)}; 1,000 logins {1000 / rate:.0f} s, "
                  f"20,000 {20000 / rate / 60:.1f} min")
        ratios = [a["rate"] / s["rate"] for a, s in zip(rounds["argon2id"], rounds["scrypt"])]
        cpu_ratios = [s["cpu_ms"] / a["cpu_ms"] for a, s in zip(rounds["argon2id"], rounds["scrypt"])]
        print(f"argon2id / scrypt: {statistics.median(ratios):.1f}x the logins per second "
              f"(rounds: {listed(ratios)}), {statistics.median(cpu_ratios):.1f}x less CPU a "
              f"login (rounds: {listed(cpu_ratios)}); {args.logins} logins a round, "
              f"{args.concurrency} at a time, gunicorn 2 workers x 4 threads each")
        print(f"load average at end: {load_average()}")
    finally:
        for server in servers.values():
            server.stop()
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
    login = sub.add_parser("login", help="logins per second, scrypt against Argon2id")
    login.add_argument("--database")
    login.add_argument("--logins", type=int, default=100, help="logins per round and method")
    login.add_argument("--rounds", type=int, default=6)
    login.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    {"save": bench_save, "start": bench_start, "login": bench_login}[args.command](args)


if __name__ == "__main__":
    main()
