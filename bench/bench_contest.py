"""A live contest at hall scale, run by hand (never by the test suite); loopback only, bounded.

500 simulated phones join one live contest served by the production gunicorn config
(deploy/gunicorn.conf.py: gthread, cores + 1 workers x 4 threads) on PostgreSQL (and
Redis for the rate limiter when REDIS_URL is set), and play 20 必答 and 5 抢答 questions
driven by a simulated host. Each phone polls the contest's state document with
If-None-Match, as live_phone.js does, answers most questions after a think time,
fetches its own points after each reveal, and records when it first saw each question.

  python bench/bench_contest.py --database postgresql+psycopg://postgres@127.0.0.1:5432/test \
      [--phones 500] [--poll-ms 1000] [--required 20] [--buzz 5] [--simulate-proxy]

--simulate-proxy plays nginx's part in the time of receipt: the app runs with
QUIZAPP_PROXY_HOPS=1 and every request carries X-Request-Start: t=<the moment the
bench sends it>, which is what deploy/nginx.conf sets (on loopback, sending and
nginx's receipt are the same moment). Without it the app takes the time itself when a
worker thread starts on the request, as it does without a proxy.

Reports, per question and overall: the share of phones that saw the question within 1 s
of the host's "show" and the p95/p99 of that delay; answers sent before the close and
how many of them the server stored (lost = sent before the close, not stored); for each
抢答 question whether the points went to the earliest right answer by the server's time
of receipt; the CPU seconds of the gunicorn processes (and of PostgreSQL) per phone per
second; requests by kind; the load average before and after. PostgreSQL runs use their
own schema (bench_contest), dropped afterwards.
"""
from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import bench_answer_save as harness  # noqa: E402  (gunicorn, schema and port helpers)

harness.SCHEMA = os.environ.get("BENCH_SCHEMA", "bench_contest")
SECRET = "bench-secret-key-not-for-production"
DEPARTMENTS = ["治安大队", "刑侦大队", "交警大队", "城关派出所", "城南派出所", "政治处"]
CONTENT_PHASES = ("shown", "open", "closed", "revealed")


# ---------------------------------------------------------------- setup

def seed(url: str, phones: int, required: int, buzz: int, seconds: dict) -> dict:
    """Schema, a bank, officers with login sessions, the contest with everyone joined;
    returns the signed session cookies and CSRF headers the phones and the host use."""
    os.environ.update(harness.app_env(url), SECRET_KEY=SECRET)
    from flask.sessions import SecureCookieSessionInterface
    from itsdangerous import URLSafeTimedSerializer

    from quizapp import create_app, timeutil
    from quizapp.auth.models import LoginSession
    from quizapp.banks.models import Question, QuestionBank
    from quizapp.banks.types import stem_key
    from quizapp.contests.live_setup import LiveContestSpec, RoundSpec, create_live_contest
    from quizapp.contests.models import LiveParticipant
    from quizapp.extensions import db
    from quizapp.roster.models import Officer
    from quizapp.roster.services import ensure_department

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET})
    with app.app_context():
        db.create_all()
        bank = QuestionBank(name="竞赛基准题库", category="theory")
        db.session.add(bank)
        options = [{"key": k, "text": f"选项{k}的内容"} for k in "ABCD"]
        for n in range(required + buzz):
            stem = f"竞赛基准第{n + 1}题：下列说法正确的是？"
            db.session.add(Question(bank=bank, type="single", stem=stem, stem_key=stem_key(stem), answer="A",
                                    options=options))
        departments = [ensure_department(f"市公安局/{name}") for name in DEPARTMENTS]
        people = [Officer(badge=f"6{n:05d}", name=f"民警{n}", department=departments[n % len(departments)],
                          password_hash="-") for n in range(phones)]
        host = Officer(badge="699999", name="主持人", department=departments[-1], role="organiser", password_hash="-")
        db.session.add_all(people + [host])
        db.session.commit()
        rounds = (RoundSpec("required", 10, seconds["required"], bank_id=bank.id, count=required),
                  RoundSpec("buzz", 20, seconds["buzz"], 10, bank_id=bank.id, count=buzz))
        contest = create_live_contest(host, LiveContestSpec(title="基准知识竞赛", team_scoring="sum", seed=1,
                                                            rounds=tuple(r for r in rounds if r.count)))
        now = timeutil.now()
        serializer = SecureCookieSessionInterface().get_signing_serializer(app)
        csrf = URLSafeTimedSerializer(SECRET, salt="wtf-csrf-token")
        credentials = []
        for officer in people + [host]:
            sid = hashlib.sha256(f"bench-{officer.id}".encode()).hexdigest()
            db.session.add(LoginSession(id=sid, officer_id=officer.id, created_at=now,
                                        expires_at=now + app.config["PERMANENT_SESSION_LIFETIME"]))
            raw = hashlib.sha1(sid.encode()).hexdigest()
            cookie = serializer.dumps({"_user_id": str(officer.id), "_fresh": True, "sid": sid, "live": [contest.id],
                                       "csrf_token": raw})
            credentials.append((f"{app.config['SESSION_COOKIE_NAME']}={cookie}", csrf.dumps(raw)))
        for officer in people:  # joined before the start, as a hall is
            db.session.add(LiveParticipant(contest_id=contest.id, officer_id=officer.id,
                                           department_id=officer.department_id, team=officer.department.name,
                                           joined_at=now))
        db.session.commit()
        result = {"contest_id": contest.id, "phones": credentials[:-1], "host": credentials[-1]}
        db.session.remove()
        db.engine.dispose()
    return result


# ---------------------------------------------------------------- a small HTTP/1.1 client

class Http:
    """One keep-alive connection, one request at a time (a phone's browser keeps a few).
    ``stamp``: add X-Request-Start as nginx would (--simulate-proxy)."""

    stamp = False

    def __init__(self, port: int):
        self.port = port
        self.reader = self.writer = None

    async def request(self, method: str, path: str, headers: dict, body: bytes | None = None):
        for attempt in range(2):
            try:
                if self.writer is None:
                    self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
                lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
                lines += [f"{k}: {v}" for k, v in headers.items()]
                if self.stamp:  # deploy/nginx.conf: proxy_set_header X-Request-Start "t=${msec}";
                    lines.append(f"X-Request-Start: t={time.time():.3f}")
                if body is not None:
                    lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
                self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + (body or b""))
                status_line = await self.reader.readline()
                if not status_line:
                    raise ConnectionError("closed")
                status = int(status_line.split()[1])
                response_headers = {}
                while True:
                    line = await self.reader.readline()
                    if line in (b"\r\n", b""):
                        break
                    name, _, value = line.decode("latin-1").partition(":")
                    response_headers[name.strip().lower()] = value.strip()
                length = int(response_headers.get("content-length", 0))
                data = await self.reader.readexactly(length) if length else b""
                if response_headers.get("connection", "").lower() == "close":
                    self.close()
                return status, response_headers, data
            except (ConnectionError, asyncio.IncompleteReadError, OSError):
                self.close()
                if attempt:
                    raise
        raise ConnectionError("unreachable")

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


# ---------------------------------------------------------------- phones and host

@dataclass
class Record:
    """What the run observed."""

    shows: dict = field(default_factory=dict)  # position -> monotonic time the host sent "show"
    closes: dict = field(default_factory=dict)  # position -> monotonic time the host sent "close"
    seen: dict = field(default_factory=dict)  # position -> [delay after show, s]
    answers: list = field(default_factory=list)  # (position, phone, sent at, status, code)
    requests: dict = field(default_factory=lambda: {"poll_200": 0, "poll_304": 0, "me": 0, "answer": 0,
                                                    "errors": 0})
    done: bool = False


async def phone(number: int, port: int, contest_id: int, cookie: str, csrf: str, poll_ms: int, record: Record,
                rng: random.Random):
    http_poll, http_act = Http(port), Http(port)
    interval = poll_ms / 1000
    state_path, etag = f"/api/v1/live/{contest_id}/state", None
    seen_positions, answered, scores_seen = set(), set(), None
    await asyncio.sleep(rng.random() * poll_ms / 1000)  # phones joined at different moments

    async def answer_later(doc):
        kind = doc["round"]["kind"]
        if rng.random() < 0.05:
            return  # some never answer
        think = rng.uniform(0.5, doc["round"]["seconds"] - 1.5) if kind == "required" else rng.uniform(0.2, 4)
        # buttons come alive at the opening instant the document gives (loopback: one clock)
        await asyncio.sleep(max(0.0, doc["opens_ms"] / 1000 + think - time.time()))
        choice = "A" if rng.random() < (0.8 if kind == "required" else 0.5) else "B"
        body = json.dumps({"position": doc["position"], "answer": choice}).encode()
        sent = time.monotonic()
        try:
            status, _headers, data = await http_act.request(
                "POST", f"/api/v1/live/{contest_id}/answers", {"Cookie": cookie, "X-CSRFToken": csrf}, body)
            code = json.loads(data).get("error", {}).get("code") if status != 201 else None
        except (ConnectionError, OSError, asyncio.IncompleteReadError):
            status, code = 0, "network"
        record.requests["answer"] += 1
        record.answers.append((doc["position"], number, sent, status, code))

    async def fetch_me():
        await asyncio.sleep(rng.random() * 1.2)  # live_phone.js spreads these the same way
        try:
            await http_act.request("GET", f"/api/v1/live/{contest_id}/me", {"Cookie": cookie})
            record.requests["me"] += 1
        except (ConnectionError, OSError, asyncio.IncompleteReadError):
            record.requests["errors"] += 1

    while not record.done:
        headers = {"Cookie": cookie, "Accept": "application/json"}
        if etag:
            headers["If-None-Match"] = etag
        try:
            status, response_headers, data = await http_poll.request("GET", state_path, headers)
        except (ConnectionError, OSError, asyncio.IncompleteReadError):
            record.requests["errors"] += 1
            await asyncio.sleep(interval)
            continue
        now = time.monotonic()
        if status == 304:
            record.requests["poll_304"] += 1
        elif status == 200:
            record.requests["poll_200"] += 1
            etag = response_headers.get("etag")
            doc = json.loads(data)
            interval = doc.get("poll_ms", poll_ms) / 1000  # as live_phone.js: the server sets the pace
            position = doc.get("position")
            if doc["phase"] in CONTENT_PHASES and position not in seen_positions and position in record.shows:
                seen_positions.add(position)
                record.seen.setdefault(position, []).append(now - record.shows[position])
            if doc["phase"] == "open" and position not in answered and not doc.get("taken"):
                answered.add(position)
                asyncio.ensure_future(answer_later(doc))
            if scores_seen is not None and doc["scores_version"] != scores_seen:
                asyncio.ensure_future(fetch_me())
            scores_seen = doc["scores_version"]
        else:
            record.requests["errors"] += 1
        await asyncio.sleep(interval)
    http_poll.close()
    http_act.close()


async def host(port: int, contest_id: int, cookie: str, csrf: str, questions: list, record: Record):
    http = Http(port)

    async def act(action):
        status, _h, data = await http.request("POST", f"/api/v1/live/{contest_id}/actions",
                                              {"Cookie": cookie, "X-CSRFToken": csrf},
                                              json.dumps({"action": action}).encode())
        if status != 200:
            raise RuntimeError(f"host {action}: {status} {data[:200]!r}")

    await asyncio.sleep(3)
    for position, (kind, seconds) in enumerate(questions):
        print(f"question {position + 1} of {len(questions)}", file=sys.stderr, flush=True)
        await act("start" if position == 0 else "next")
        await asyncio.sleep(1.5)
        record.shows[position] = time.monotonic()
        await act("show")
        await asyncio.sleep(3)  # the host reads the question out
        await act("open")
        await asyncio.sleep(2 + seconds + 0.3)  # answering opens 2 s later; then its deadline passes
        record.closes[position] = time.monotonic()
        await act("close")
        await asyncio.sleep(1)
        await act("reveal")
        await asyncio.sleep(2)
        if position % 5 == 4:
            await act("leaderboard")
            await asyncio.sleep(2)
    await act("finish")
    await asyncio.sleep(3)
    record.done = True
    http.close()


# ---------------------------------------------------------------- measuring

def process_cpu(pids) -> float:
    """User + system CPU seconds of the processes."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
        except (OSError, IndexError, ValueError):
            pass
    return total


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                pass
    return found


def postgres_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() in ("postgres", "postmaster"):
                    pids.append(int(entry.name))
            except OSError:
                pass
    return pids


def percentile(values, fraction) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


def verify(url: str, contest_id: int, record: Record, phones: int) -> dict:
    """Compare what the phones sent with what the database holds; check the 抢答 winners."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(sa.text(
            "SELECT q.position, CAST(substr(o.badge, 2) AS INTEGER) AS officer_index, a.received_at "
            "FROM live_answers a JOIN live_questions q ON q.id = a.question_id JOIN officers o ON o.id = a.officer_id "
            "WHERE a.contest_id = :c"), {"c": contest_id}).all()
        stored = {(row.position, row.officer_index) for row in rows}
        # nginx's $msec has whole milliseconds, the app's clock microseconds: shows which one decided
        whole_ms = sum(1 for row in rows if _as_datetime(row.received_at).microsecond % 1000 == 0)
        buzz_rows = connection.execute(sa.text(
            "SELECT q.position, a.id, a.received_at, a.correct, a.points FROM live_answers a "
            "JOIN live_questions q ON q.id = a.question_id JOIN live_rounds r ON r.id = q.round_id "
            "WHERE a.contest_id = :c AND r.kind = 'buzz' ORDER BY q.position, a.received_at, a.id"),
            {"c": contest_id}).all()
    engine.dispose()
    before_close = [(p, n, status, code) for p, n, sent, status, code in record.answers if sent < record.closes[p]]
    lost = [(p, n, status, code) for p, n, status, code in before_close
            if (p, n) not in stored and code != "taken"]
    refused = {}
    for _p, _n, status, code in before_close:
        if status != 201:
            refused[code] = refused.get(code, 0) + 1
    winners_ok, buzz = True, {}
    for row in buzz_rows:
        buzz.setdefault(row.position, []).append(row)
    for position, rows in buzz.items():
        right = [r for r in rows if r.correct]
        earliest = min(right, key=lambda r: (r.received_at, r.id)) if right else None
        paid = [r for r in rows if r.points > 0]
        if (earliest is None and paid) or (earliest is not None and [r.id for r in paid] != [earliest.id]):
            winners_ok = False
    return {"sent_before_close": len(before_close), "stored": len(stored), "lost": len(lost),
            "stored_with_whole_ms_receipt": whole_ms,
            "refused_before_close": refused, "buzz_questions": len(buzz), "buzz_winners_earliest": winners_ok,
            "lost_examples": lost[:5]}


def _as_datetime(value):
    """SQLite hands back the stored text, PostgreSQL a datetime."""
    from datetime import datetime
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", help="PostgreSQL URL (default: a temporary SQLite file)")
    parser.add_argument("--phones", type=int, default=500)
    parser.add_argument("--poll-ms", type=int, default=1000, help="until the first document sets the pace")
    parser.add_argument("--required", type=int, default=20)
    parser.add_argument("--buzz", type=int, default=5)
    parser.add_argument("--required-seconds", type=int, default=10)
    parser.add_argument("--buzz-seconds", type=int, default=8)
    parser.add_argument("--workers", help="GUNICORN_WORKERS (default: the config's cores + 1)")
    parser.add_argument("--simulate-proxy", action="store_true",
                        help="run the app as behind nginx (QUIZAPP_PROXY_HOPS=1) and send X-Request-Start with "
                             "each request's send time, as nginx sets it")
    parser.add_argument("--probe", action="store_true",
                        help="instead of a contest: wrk at 32 connections on /healthz, an unchanged poll (304) "
                             "and a changed one (200), 10 s each, for the cost of one request of each kind")
    args = parser.parse_args()
    if args.probe:
        probe(args)
        return

    load_before = Path("/proc/loadavg").read_text().split()[:3]
    workdir = Path(tempfile.mkdtemp(prefix="bench-contest-"))
    url = harness.database_url(args.database, workdir)
    seconds = {"required": args.required_seconds, "buzz": args.buzz_seconds}
    server = None
    try:
        data = seed(url, args.phones, args.required, args.buzz, seconds)
        env = dict(harness.app_env(url), SECRET_KEY=SECRET)
        if os.environ.get("REDIS_URL"):
            env["REDIS_URL"] = os.environ["REDIS_URL"]
        if args.simulate_proxy:
            env["QUIZAPP_PROXY_HOPS"] = "1"
            Http.stamp = True
        # deploy/gunicorn.conf.py as production runs it: cores + 1 workers x 4 threads.
        server = harness.Gunicorn("quizapp:create_app()", env, workers=args.workers, threads=None)
        pids = [server.process.pid] + children(server.process.pid)
        questions = [("required", seconds["required"])] * args.required + [("buzz", seconds["buzz"])] * args.buzz
        record = Record()
        rng = random.Random(2026)
        cpu_app, cpu_db = process_cpu(pids), process_cpu(postgres_pids())
        started = time.monotonic()

        async def run():
            tasks = [phone(n, server.port, data["contest_id"], cookie, csrf, args.poll_ms, record,
                           random.Random(rng.random())) for n, (cookie, csrf) in enumerate(data["phones"])]
            tasks.append(host(server.port, data["contest_id"], *data["host"], questions, record))
            await asyncio.gather(*tasks)

        asyncio.run(run())
        elapsed = time.monotonic() - started
        cpu_app, cpu_db = process_cpu(pids) - cpu_app, process_cpu(postgres_pids()) - cpu_db
        load_after = Path("/proc/loadavg").read_text().split()[:3]
        report(args, data, record, verify(url, data["contest_id"], record, args.phones), elapsed, cpu_app, cpu_db,
               load_before, load_after)
    finally:
        if server:
            server.stop()
        harness.drop_schema(args.database)


def probe(args) -> None:
    """The cost of one poll: requests per second at saturation and CPU per request."""
    import subprocess

    workdir = Path(tempfile.mkdtemp(prefix="bench-contest-"))
    url = harness.database_url(args.database, workdir)
    server = None
    try:
        data = seed(url, 10, 2, 0, {"required": 10, "buzz": 8})
        env = dict(harness.app_env(url), SECRET_KEY=SECRET)
        if os.environ.get("REDIS_URL"):
            env["REDIS_URL"] = os.environ["REDIS_URL"]
        server = harness.Gunicorn("quizapp:create_app()", env, workers=args.workers, threads=None)
        pids = [server.process.pid] + children(server.process.pid)
        cookie = data["phones"][0][0]
        path = f"/api/v1/live/{data['contest_id']}/state"
        for name, target, headers in (("healthz", "/healthz", []),
                                      ("poll 304", path, ["-H", f"Cookie: {cookie}", "-H", 'If-None-Match: "1"']),
                                      ("poll 200", path, ["-H", f"Cookie: {cookie}"])):
            before = process_cpu(pids)
            output = subprocess.run([harness.WRK, "-t2", "-c32", "-d10s", "--latency", *headers,
                                     f"http://127.0.0.1:{server.port}{target}"],
                                    capture_output=True, text=True, timeout=60).stdout
            cpu = process_cpu(pids) - before
            requests = int(output.split(" requests in")[0].split()[-1])
            p99 = [line for line in output.splitlines() if line.strip().startswith("99%")]
            print(f"{name}: {requests / 10:.0f} req/s, app CPU {1000 * cpu / max(requests, 1):.3f} ms/request, "
                  f"p99 {p99[0].split()[-1] if p99 else '?'}, loadavg {Path('/proc/loadavg').read_text().split()[:3]}")
    finally:
        if server:
            server.stop()
        harness.drop_schema(args.database)


def report(args, data, record: Record, check: dict, elapsed, cpu_app, cpu_db, load_before, load_after) -> None:
    delays = [d for values in record.seen.values() for d in values]
    per_question = []
    for position in sorted(record.shows):
        values = record.seen.get(position, [])
        within = sum(1 for d in values if d <= 1.0) / args.phones
        per_question.append((position + 1, within, percentile(values, 0.95), percentile(values, 0.99), len(values)))
    worst = min(per_question, key=lambda row: row[1])
    phone_seconds = args.phones * elapsed
    total_requests = sum(v for k, v in record.requests.items() if k != "errors")
    print(json.dumps({
        "phones": args.phones, "poll_ms": args.poll_ms, "simulate_proxy": args.simulate_proxy,
        "questions": len(record.shows), "seconds": round(elapsed, 1),
        "visible_within_1s_overall": round(sum(1 for d in delays if d <= 1.0) / (args.phones * len(record.shows)), 4),
        "visible_within_1s_worst_question": {"question": worst[0], "share": round(worst[1], 4)},
        "delay_p50_ms": round(statistics.median(delays) * 1000), "delay_p95_ms": round(percentile(delays, .95) * 1000),
        "delay_p99_ms": round(percentile(delays, .99) * 1000), "delay_max_ms": round(max(delays) * 1000),
        "questions_missed_by_some_phone": [q for q, _w, _p95, _p99, n in per_question if n < args.phones],
        "answers": check, "requests": record.requests,
        "requests_per_second": round(total_requests / elapsed),
        "cpu_app_seconds": round(cpu_app, 1), "cpu_db_seconds": round(cpu_db, 1),
        "cpu_app_ms_per_phone_second": round(1000 * cpu_app / phone_seconds, 3),
        "cpu_db_ms_per_phone_second": round(1000 * cpu_db / phone_seconds, 3),
        "cpu_app_ms_per_request": round(1000 * cpu_app / max(total_requests, 1), 3),
        "loadavg_before": load_before, "loadavg_after": load_after,
        "per_question": [{"q": q, "within_1s": round(w, 3), "p95_ms": round(p95 * 1000), "p99_ms": round(p99 * 1000)}
                         for q, w, p95, p99, _n in per_question],
    }, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
