"""A scripted exam day and a soak on PostgreSQL, against the real app under gunicorn.

Run by hand (never by the test suite); loopback only; each mode stops on its own.

  day   N officers (default 1,000). Logins arrive evenly over --login-window seconds
        (the officers log in before the window and wait on the intro page); each
        then lists his exams, and the starts arrive evenly over --start-window
        seconds once the exam "opens". Each officer answers the 30 questions with a
        think time drawn from --think (seconds), loses his connection midway
        (forgets the paper and the attempt id) and resumes by starting again, which
        must give back every answer saved so far; then submits, and the score must
        equal the score of the answers he sent. An organiser polls the live board
        every 5 s meanwhile. Afterwards the database is compared with every
        acknowledged save (bench/drills/base.lost_answers).
  storm N officers (default 1,000) log in through the login page within --window
        seconds (default 60; arrivals evenly spread, each on his own connections as a
        phone: GET /login, then POST the form with its CSRF token) against gunicorn with
        the production config's own worker count (deploy/gunicorn.conf.py: cores + 1
        workers x 4 threads); prints the time until the last one is in, the login
        p50/p99 and the server's CPU per officer, once per --methods hash method
        (default: argon2id, then werkzeug's scrypt, the default until now).
  soak  --officers simulated officers cycling through answer saves and study
        heartbeats (one request every --pace seconds each) for --minutes; every
        --sample seconds the gunicorn workers' RSS and PostgreSQL's connection count
        for the database are sampled; a table and a verdict are printed.

  python bench/exam_day.py day  --database postgresql+psycopg://postgres@127.0.0.1:5432/test
  python bench/exam_day.py storm --database postgresql+psycopg://postgres@127.0.0.1:5432/test
  python bench/exam_day.py soak --database postgresql+psycopg://postgres@127.0.0.1:5432/test

Password hashes: all officers share ONE precomputed hash of the production method
(Argon2id at OWASP's minimum) so that seeding is fast; every login still verifies
it in full. The runs use their own schema (bench_examday), dropped afterwards.
The gunicorn, schema and timing helpers come from bench_answer_save.py.
"""
from __future__ import annotations

import argparse
import http.client
import json
import random
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).parent))

import bench_answer_save as base  # noqa: E402  (gunicorn, schema and timing helpers)
from drills.harness import Gunicorn as DrillGunicorn, lost_answers  # noqa: E402

base.SCHEMA = "bench_examday"  # our own schema: other benchmarks may be running
PASSWORD = base.PASSWORD
OPTIONS = [{"key": k, "text": f"选项{k}"} for k in "ABCD"]
BLUEPRINT = (("single", 12, 3), ("multiple", 6, 5), ("judge", 8, 2), ("fill", 4, 4))  # 30 questions
SCALED = {qtype: round(points * 100 / sum(c * p for _, c, p in BLUEPRINT), 4) for qtype, _, points in BLUEPRINT}


# ---------------------------------------------------------------- seeding

def seed(url: str, officers: int, method: str = "argon2id", bank_size: int = 400) -> dict:
    """Schema, one bank, officers (bulk insert, one shared hash of ``method``), an admin token,
    one open exam."""
    import os

    import sqlalchemy as sa

    os.environ.update(base.app_env(url))
    from quizapp import create_app, timeutil
    from quizapp.auth.services import issue_token
    from quizapp.banks.models import Question, QuestionBank
    from quizapp.banks.types import stem_key
    from quizapp.exams import definitions
    from quizapp.exams.spec import ExamSpec, RuleSpec
    from quizapp.extensions import db
    from quizapp.roster.models import Officer
    from quizapp.roster.services import ensure_department

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.create_all()
        bank = QuestionBank(name="考试日题库", category="theory")
        db.session.add(bank)
        keys = {"single": "A", "multiple": ["A", "C"], "judge": True, "fill": [["答案"]]}
        for n in range(bank_size):
            qtype = ("single", "multiple", "judge", "fill")[n % 4]
            stem = f"考试日第{n}题" + ("（____）" if qtype == "fill" else "")
            db.session.add(Question(bank=bank, type=qtype, stem=stem, stem_key=stem_key(stem), answer=keys[qtype],
                                    options=OPTIONS if qtype in ("single", "multiple") else []))
        departments = [ensure_department(f"市公安局/第{n}派出所") for n in range(20)]
        db.session.flush()
        hashed = base.hash_with(method)
        now = timeutil.now()
        rows = [{"badge": f"7{n:05d}", "name": f"民警{n}", "department_id": departments[n % 20].id, "role": "officer",
                 "active": True, "must_change_password": False, "created_at": now, "password_hash": hashed}
                for n in range(officers)]
        db.session.execute(sa.insert(Officer), rows)
        admin = Officer(badge="799999", name="考务管理员", department=departments[0], role="admin",
                        password_hash=hashed)
        db.session.add(admin)
        db.session.commit()
        exam = definitions.create_exam(admin, ExamSpec(
            title="全员考试日", opens_at=now - timedelta(minutes=1), closes_at=now + timedelta(hours=10),
            duration_minutes=600, partial_credit=False,
            blueprint=tuple(RuleSpec(bank.id, t, c, p) for t, c, p in BLUEPRINT)), notify_candidates=False)
        token, _ = issue_token(admin)
        result = {"exam_id": exam.id, "bank_id": bank.id, "admin_token": token,
                  "badges": [row["badge"] for row in rows]}
        db.session.remove()
        db.engine.dispose()
    return result


# ---------------------------------------------------------------- the client side

class Stats:
    """Latencies and failures per endpoint, shared by every simulated officer."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter = Counter()
        self.first_failure: dict[str, str] = {}
        self.problems: list[str] = []

    def call(self, port: int, name: str, method: str, path: str, body=None, token: str | None = None,
             retries: int = 5):
        """One request on a new connection (as a phone would); 5xx and connection errors are
        retried like the exam page does. Returns (status, decoded JSON or None)."""
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        payload = json.dumps(body) if body is not None else None
        status, data = 0, None
        for attempt in range(retries + 1):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            started = time.perf_counter()
            try:
                connection.request(method, path, body=payload, headers=headers)
                response = connection.getresponse()
                raw = response.read()
                status = response.status
                data = json.loads(raw) if raw else None
                failure = None if status < 400 else f"HTTP {status}: {raw[:200].decode(errors='replace')}"
            except (OSError, http.client.HTTPException, ValueError) as error:
                status, failure = 0, repr(error)
            finally:
                connection.close()
            elapsed = time.perf_counter() - started
            with self.lock:
                self.latencies[name].append(elapsed)
                if failure:
                    self.errors[name] += 1
                    self.first_failure.setdefault(name, failure)
            if status and status < 500:
                return status, data
            time.sleep(0.5 * (attempt + 1))
        return status, data

    def problem(self, text: str) -> None:
        """Record something that went wrong for one officer (a wrong score, a lost answer, …)."""
        with self.lock:
            self.problems.append(text)


def choose(question: dict, right: bool):
    """An answer to a paper question, right or wrong. Options are shuffled, so go by their text."""
    by_text = {option["text"]: option["key"] for option in question.get("options") or []}
    qtype = question["type"]
    if qtype == "single":
        return by_text["选项A"] if right else by_text["选项B"]
    if qtype == "multiple":
        return sorted(by_text[t] for t in (("选项A", "选项C") if right else ("选项A", "选项B")))
    if qtype == "judge":
        return right
    return ["答案"] if right else ["不知道"]


class Officer:
    """One simulated officer's exam day."""

    def __init__(self, stats: Stats, port: int, exam_id: int, badge: str, login_at: float, start_at: float,
                 think: tuple[float, float], rng: random.Random):
        self.stats, self.port, self.exam_id, self.badge = stats, port, exam_id, badge
        self.login_at, self.start_at, self.think, self.rng = login_at, start_at, think, rng
        self.attempt_id: int | None = None
        self.acked: dict[int, tuple[int, object]] = {}  # question id -> (seq, answer), as lost_answers wants
        self.done = False

    def run(self, began: float) -> None:
        """The whole day; a crash of the client is recorded as a problem, not raised."""
        try:
            self._run(began)
        except Exception as error:  # a crash of the client is a finding too
            self.stats.problem(f"{self.badge}: client error {error!r}")

    def _run(self, began: float) -> None:
        """Log in, list, start, answer, lose the connection and resume, answer, submit, check."""
        stats, port = self.stats, self.port
        time.sleep(max(0.0, began + self.login_at - time.perf_counter()))
        status, data = stats.call(port, "login", "POST", "/api/v1/auth/token",
                                  {"badge": self.badge, "password": PASSWORD})
        if status != 201:
            return stats.problem(f"{self.badge}: login {status}")
        token = data["token"]
        status, exams = stats.call(port, "my exams", "GET", "/api/v1/exams", token=token)
        if status != 200 or not any(e["id"] == self.exam_id for e in exams):
            stats.problem(f"{self.badge}: exam not in my list ({status})")
        time.sleep(max(0.0, began + self.start_at - time.perf_counter()))
        status, paper = stats.call(port, "start", "POST", f"/api/v1/exams/{self.exam_id}/attempts", token=token)
        if status != 200:
            return stats.problem(f"{self.badge}: start {status}")
        self.attempt_id = paper["attempt_id"]
        questions = paper["questions"]
        if len(questions) != 30:
            stats.problem(f"{self.badge}: paper of {len(questions)} questions")
        # The paper shows points rounded to 2 places; grading uses them scaled to 4 places,
        # so the expected score is worked out from the blueprint as the server does.
        points = {q["id"]: SCALED[q["type"]] for q in questions}
        right: dict[int, bool] = {}
        drop_after = self.rng.randint(10, 20)
        seq = 0
        position = 0
        while position < len(questions):
            question = questions[position]
            time.sleep(self.rng.uniform(*self.think))
            correct = self.rng.random() < 0.7
            answer = choose(question, correct)
            seq += 1
            status, _ = stats.call(port, "save", "PUT", f"/api/v1/attempts/{self.attempt_id}/answers/{question['id']}",
                                   {"answer": answer, "seq": seq}, token=token)
            if status == 200:
                self.acked[question["id"]] = (seq, answer)
                right[question["id"]] = correct
            else:
                stats.problem(f"{self.badge}: save {status}")
            position += 1
            if position == drop_after:
                # Lost connection: the page forgets everything but the token; starting again resumes.
                attempt_id, questions, paper = self.attempt_id, None, None
                time.sleep(self.rng.uniform(*self.think))
                status, paper = stats.call(port, "resume", "POST", f"/api/v1/exams/{self.exam_id}/attempts",
                                           token=token)
                if status != 200 or paper["attempt_id"] != attempt_id:
                    return stats.problem(f"{self.badge}: resume {status}")
                questions = paper["questions"]
                back = {int(k): v for k, v in paper["answers"].items()}
                for qid, (_, answer) in self.acked.items():
                    if back.get(qid) != answer:
                        stats.problem(f"{self.badge}: resume lost question {qid}: "
                                      f"sent {answer!r}, got {back.get(qid)!r}")
                if len(back) != len(self.acked):
                    stats.problem(f"{self.badge}: resume gave {len(back)} answers, {len(self.acked)} were saved")
        status, result = stats.call(port, "submit", "POST", f"/api/v1/attempts/{self.attempt_id}/submit", token=token)
        if status != 200:
            return stats.problem(f"{self.badge}: submit {status}")
        expected = round(min(sum(points[q] for q, ok in right.items() if ok), 100), 2)
        if result["score"] is None or result["score"] != expected:
            stats.problem(f"{self.badge}: score {result['score']}, expected {expected}")
        self.done = True


def check_cost(method: str) -> float:
    """CPU seconds of one password check with the method, best of 5 (idle client)."""
    return min(base.check_cost(method, 5))


def board_poller(stats: Stats, port: int, exam_id: int, token: str, stop: threading.Event) -> None:
    """The organiser watching the live board: one GET every 5 s until stopped."""
    while not stop.wait(5):
        stats.call(port, "board", "GET", f"/api/v1/exams/{exam_id}/board", token=token, retries=0)


def print_table(stats: Stats, wall: float) -> None:
    """Requests, rate, p50/p99/max and errors per endpoint, busiest first."""
    print(f"{'endpoint':14} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7} {'errors':>6}")
    for name, values in sorted(stats.latencies.items(), key=lambda item: -len(item[1])):
        print(f"{name:14} {len(values):8d} {len(values) / wall:7.1f} {statistics.median(values) * 1000:7.0f} "
              f"{base.percentile(values, 0.99) * 1000:7.0f} {max(values) * 1000:7.0f} {stats.errors[name]:6d}")
    for name, failure in stats.first_failure.items():
        print(f"  first failure of {name}: {failure}")


def spawn(targets) -> list[threading.Thread]:
    """Start one daemon thread per target (small stacks: there are a thousand of them)."""
    threading.stack_size(512 * 1024)
    threads = [threading.Thread(target=target, daemon=True) for target in targets]
    for thread in threads:
        thread.start()
    return threads


def exam_day(args) -> int:
    """The ``day`` mode; exit status 1 when an answer was lost, a score wrong or an officer unfinished."""
    low, high = (float(x) for x in args.think.split("-"))
    workdir = Path(tempfile.mkdtemp(prefix="bench-examday-"))
    url = base.database_url(args.database, workdir)
    try:
        started = time.perf_counter()
        data = seed(url, args.officers)
        print(f"seeded {args.officers} officers, 400 questions, one exam in {time.perf_counter() - started:.1f} s")
        server = base.Gunicorn("quizapp:create_app()", base.app_env(url))
        stats = Stats()
        rng = random.Random(args.seed)
        officers = []
        for n, badge in enumerate(data["badges"]):
            officers.append(Officer(stats, server.port, data["exam_id"], badge,
                                    login_at=n * args.login_window / len(data["badges"]),
                                    start_at=args.login_window + rng.uniform(0, args.start_window),
                                    think=(low, high), rng=random.Random(rng.random())))
        stop = threading.Event()
        try:
            began = time.perf_counter()
            poller = spawn([lambda: board_poller(stats, server.port, data["exam_id"], data["admin_token"], stop)])
            threads = spawn([lambda o=o: o.run(began) for o in officers])
            deadline = began + args.timeout
            for thread in threads:
                thread.join(max(0.0, deadline - time.perf_counter()))
            wall = time.perf_counter() - began
            stop.set()
            poller[0].join(10)
        finally:
            server.stop()
        unfinished = sum(not o.done for o in officers)
        lost = lost_answers(url, [o for o in officers if o.attempt_id])
        saves = stats.latencies["save"]
        logins = stats.latencies["login"]
        print(f"\n{args.officers} officers, think {args.think} s, logins over {args.login_window:g} s, "
              f"starts over {args.start_window:g} s: {wall:.0f} s wall, "
              f"{sum(len(v) for v in stats.latencies.values()) / wall:.0f} requests/s overall")
        print_table(stats, wall)
        print(f"logins: {len(logins)} in the {args.login_window:g} s window "
              f"({len(logins) / args.login_window:.1f}/s offered)")
        cost = check_cost("argon2id")
        print(f"argon2id: one check {cost * 1000:.0f} ms of CPU (best of 5, idle client): {args.officers} logins "
              f"need >= {args.officers * cost / 2:.0f} s of both cores (<= {2 / cost:.1f} logins/s)")
        print(f"saves acknowledged {sum(len(o.acked) for o in officers)} ({len(saves)} sent), "
              f"lost answers {len(lost)}, officers not finished {unfinished}, problems {len(stats.problems)}")
        for line in (lost + stats.problems)[:15]:
            print("  " + line)
        return 0 if not lost and not stats.problems and not unfinished else 1
    finally:
        base.drop_schema(args.database)
        shutil.rmtree(workdir, ignore_errors=True)


# ---------------------------------------------------------------- login storm

CSRF_META = re.compile(r'name="csrf-token" content="([^"]+)"')


def form_login(port: int, badge: str) -> tuple[float, float, bool, str | None]:
    """One phone logging in through the page: GET /login for the cookie and CSRF token, POST
    the form. Returns (page seconds, login seconds, logged in, what went wrong)."""
    started = time.perf_counter()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        connection.request("GET", "/login")
        response = connection.getresponse()
        page = response.read().decode()
        cookie = (response.getheader("Set-Cookie") or "").split(";", 1)[0]
        connection.close()
        token = CSRF_META.search(page)
        if response.status != 200 or not token or not cookie:
            return time.perf_counter() - started, 0.0, False, f"login page {response.status}"
        page_time = time.perf_counter() - started
        body = urlencode({"badge": badge, "password": PASSWORD, "csrf_token": token.group(1)})
        posted = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        connection.request("POST", "/login", body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
        response = connection.getresponse()
        response.read()
        connection.close()
        login_time = time.perf_counter() - posted
    except (OSError, http.client.HTTPException) as error:
        return time.perf_counter() - started, 0.0, False, repr(error)
    if response.status != 302 or response.getheader("Location") != "/":
        return page_time, login_time, False, f"login {response.status} -> {response.getheader('Location')}"
    return page_time, login_time, True, None


def storm(args) -> int:
    """The ``storm`` mode; exit status 1 when an officer could not log in."""
    failed = 0
    for method in args.methods.split(","):
        workdir = Path(tempfile.mkdtemp(prefix="bench-storm-"))
        url = base.database_url(args.database, workdir)
        try:
            data = seed(url, args.officers, method=method)
            env = dict(base.app_env(url), QUIZAPP_PASSWORD_HASH=method)
            server = base.Gunicorn("quizapp:create_app()", env, workers=None)
            workers = len(base.child_pids(server.process.pid))
            results: list[tuple[float, float, float, bool, str | None]] = []
            lock = threading.Lock()

            def phone(badge: str, at: float, began: float) -> None:
                time.sleep(max(0.0, began + at - time.perf_counter()))
                page, login, ok, problem = form_login(server.port, badge)
                with lock:
                    results.append((time.perf_counter() - began, page, login, ok, problem))

            try:
                load = base.load_average()
                cpu_before = server.cpu_seconds()
                began = time.perf_counter()
                badges = data["badges"]
                threads = spawn([lambda b=b, at=n * args.window / len(badges): phone(b, at, began)
                                 for n, b in enumerate(badges)])
                for thread in threads:
                    thread.join(max(0.0, began + args.window + args.timeout - time.perf_counter()))
                cpu = server.cpu_seconds() - cpu_before
            finally:
                server.stop()
            done = [r for r in results if r[3]]
            logins = [r[2] for r in done]
            failed += len(badges) - len(done)
            print(f"\n{method}: {len(badges)} officers arriving evenly over {args.window:g} s, gunicorn "
                  f"{workers} workers x 4 threads (deploy/gunicorn.conf.py), load average before {load}")
            if logins:
                print(f"  last one in after {max(r[0] for r in done):.1f} s; login p50 "
                      f"{statistics.median(logins) * 1000:.0f} ms, p99 {base.percentile(logins, 0.99) * 1000:.0f} ms, "
                      f"max {max(logins) * 1000:.0f} ms; login page p50 "
                      f"{statistics.median(r[1] for r in done) * 1000:.0f} ms")
            print(f"  logged in {len(done)} of {len(badges)}; server CPU {cpu:.1f} s in all, "
                  f"{cpu * 1000 / len(badges):.0f} ms an officer (page + login); load average after "
                  f"{base.load_average()}")
            for problem in sorted({r[4] for r in results if r[4]})[:5]:
                print(f"  problem: {problem}")
        finally:
            base.drop_schema(args.database)
            shutil.rmtree(workdir, ignore_errors=True)
    return 1 if failed else 0


# ---------------------------------------------------------------- soak

def worker_rss_mib(server) -> dict[int, float]:
    """RSS of each gunicorn worker (children of the master), from /proc."""
    rss = {}
    for pid in DrillGunicorn.worker_pids(server):  # only reads server.process.pid
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    rss[pid] = int(line.split()[1]) / 1024
        except OSError:
            pass
    return rss


APPLICATION_NAME = "quizapp-soak"


def pg_connections(database: str) -> tuple[int, int]:
    """Connections to the database: all of them (other people's tests share it) and the app's own."""
    import sqlalchemy as sa

    name = database.rsplit("/", 1)[1].split("?")[0]
    engine = sa.create_engine(database)
    with engine.connect() as connection:
        every, ours = connection.execute(sa.text(
            "SELECT count(*) - 1, count(*) FILTER (WHERE application_name = :app) "
            "FROM pg_stat_activity WHERE datname = :name"), {"name": name, "app": APPLICATION_NAME}).one()
    engine.dispose()
    return every, ours


def soak(args) -> int:
    """The ``soak`` mode; exit status 1 when memory or connections are not flat."""
    workdir = Path(tempfile.mkdtemp(prefix="bench-soak-"))
    url = base.database_url(args.database, workdir) + f"&application_name={APPLICATION_NAME}"
    try:
        data = seed(url, args.officers)
        server = base.Gunicorn("quizapp:create_app()", base.app_env(url))
        stats = Stats()
        stop = threading.Event()
        port, exam_id, bank_id = server.port, data["exam_id"], data["bank_id"]

        def cycle(badge: str, rng: random.Random) -> None:
            """One officer: log in, start, then saves, heartbeats, resumes and lists until stopped."""
            time.sleep(rng.uniform(0, args.pace))
            status, body = stats.call(port, "login", "POST", "/api/v1/auth/token",
                                      {"badge": badge, "password": PASSWORD})
            if status != 201:
                return stats.problem(f"{badge}: login {status}")
            token = body["token"]
            status, paper = stats.call(port, "start", "POST", f"/api/v1/exams/{exam_id}/attempts", token=token)
            if status != 200:
                return stats.problem(f"{badge}: start {status}")
            seq = 0
            while not stop.wait(rng.uniform(0.5, 1.5) * args.pace):
                seq += 1
                kind = seq % 10
                if kind in (1, 3, 5, 7):
                    stats.call(port, "heartbeat", "POST", "/api/v1/study/heartbeat",
                               {"bank_id": bank_id, "visible": True}, token=token, retries=0)
                elif kind == 9:
                    stats.call(port, "resume", "POST", f"/api/v1/exams/{exam_id}/attempts", token=token, retries=0)
                elif kind == 0:
                    stats.call(port, "my exams", "GET", "/api/v1/exams", token=token, retries=0)
                else:
                    question = rng.choice(paper["questions"])
                    stats.call(port, "save", "PUT", f"/api/v1/attempts/{paper['attempt_id']}/answers/{question['id']}",
                               {"answer": choose(question, rng.random() < 0.7), "seq": seq}, token=token, retries=0)

        rng = random.Random(args.seed)
        samples = []
        try:
            began = time.perf_counter()
            threads = spawn([lambda b=b, r=random.Random(rng.random()): cycle(b, r) for b in data["badges"]]
                            + [lambda: board_poller(stats, port, exam_id, data["admin_token"], stop)])
            print(f"{'t (s)':>6} {'requests':>9} {'req/s':>6} {'workers RSS MiB':>24} {'sum':>6} {'app conns':>9} "
                  f"{'all in db':>9}")
            last_count, last_time = 0, began
            end = began + args.minutes * 60
            while True:
                time.sleep(max(0.0, min(end, last_time + args.sample) - time.perf_counter()))
                now = time.perf_counter()
                count = sum(len(v) for v in stats.latencies.values())
                rss = worker_rss_mib(server)
                every, ours = pg_connections(args.database)
                samples.append((now - began, sum(rss.values()), ours))
                print(f"{now - began:6.0f} {count:9d} {(count - last_count) / (now - last_time):6.0f} "
                      f"{' '.join(f'{v:.0f}' for v in rss.values()):>24} {sum(rss.values()):6.0f} {ours:9d} {every:9d}",
                      flush=True)
                last_count, last_time = count, now
                if now >= end - 0.5:
                    break
            stop.set()
            for thread in threads:
                thread.join(10)
            wall = time.perf_counter() - began
        finally:
            server.stop()
        print()
        print_table(stats, wall)
        steady = [s for s in samples if s[0] >= args.warmup]
        third = max(1, len(steady) // 3)
        verdicts = []
        for label, column in (("worker RSS (MiB, sum)", 1), ("app's PostgreSQL connections", 2)):
            first = statistics.mean(s[column] for s in steady[:third])
            last = statistics.mean(s[column] for s in steady[-third:])
            change = (last - first) / first if first else 0.0
            flat = abs(change) <= args.tolerance
            verdicts.append(flat)
            print(f"{label}: first third {first:.1f}, last third {last:.1f} ({change:+.1%}) -> "
                  f"{'FLAT' if flat else 'NOT FLAT'} (tolerance {args.tolerance:.0%}, after {args.warmup:g} s warm-up)")
        print(f"problems {len(stats.problems)}; " + "; ".join(stats.problems[:5]))
        return 0 if all(verdicts) else 1
    finally:
        base.drop_schema(args.database)
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    day = sub.add_parser("day", help="N officers through a whole exam")
    day.add_argument("--database", required=True, help="a postgresql+psycopg:// URL")
    day.add_argument("--officers", type=int, default=1000)
    day.add_argument("--login-window", type=float, default=180, help="seconds over which logins arrive")
    day.add_argument("--start-window", type=float, default=60, help="seconds over which starts arrive")
    day.add_argument("--think", default="1-4", help="think time per question, seconds (low-high)")
    day.add_argument("--timeout", type=float, default=780, help="give up after this many seconds")
    day.add_argument("--seed", type=int, default=2026)
    storm_ = sub.add_parser("storm", help="N officers logging in within a minute")
    storm_.add_argument("--database", required=True, help="a postgresql+psycopg:// URL")
    storm_.add_argument("--officers", type=int, default=1000)
    storm_.add_argument("--window", type=float, default=60, help="seconds over which the officers arrive")
    storm_.add_argument("--methods", default="argon2id,scrypt", help="password hash methods, one storm each")
    storm_.add_argument("--timeout", type=float, default=600, help="give up this long after the window")
    soak_ = sub.add_parser("soak", help="steady load, memory and connections sampled")
    soak_.add_argument("--database", required=True, help="a postgresql+psycopg:// URL")
    soak_.add_argument("--officers", type=int, default=300)
    soak_.add_argument("--pace", type=float, default=2.0, help="seconds between one officer's requests")
    soak_.add_argument("--minutes", type=float, default=10)
    soak_.add_argument("--sample", type=float, default=30)
    soak_.add_argument("--warmup", type=float, default=60, help="seconds left out of the verdict")
    soak_.add_argument("--tolerance", type=float, default=0.10)
    soak_.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    sys.exit({"day": exam_day, "storm": storm, "soak": soak}[args.command](args))


if __name__ == "__main__":
    main()
