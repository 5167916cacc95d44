"""Shared pieces of the fault drills: a seeded exam database, gunicorn, phone-like clients.

A "phone" here behaves like quizapp/static/js/exam.js: every answer gets a
growing ``seq``; a save that fails (connection error, 5xx) stays queued and is
retried until the server acknowledges it with 200. The drills then compare what
the server acknowledged with what the database holds: an acknowledged answer
that is missing or older in the database is a lost answer.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))


def psql_admin(url: str, sql: str) -> None:
    """Run one statement on the server's maintenance database (autocommit)."""
    engine = sa.create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(sql)
    engine.dispose()


def fresh_database(url: str) -> None:
    """Drop and create the drill's own database (never anyone else's)."""
    name = url.rsplit("/", 1)[1]
    assert name.startswith("quizapp_drill"), "drills only touch databases named quizapp_drill*"
    psql_admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    psql_admin(url, f'CREATE DATABASE "{name}"')


def app_env(url: str, **extra) -> dict:
    """Environment for quizapp processes of the drill."""
    env = dict(os.environ)
    env.update({"DATABASE_URL": url, "SECRET_KEY": "drill-" + "k" * 40, "QUIZAPP_ENV": "production",
                "QUIZAPP_SCHEDULER": "off", "QUIZAPP_PASSWORD_HASH": "pbkdf2:sha256:1000"})
    env.pop("REDIS_URL", None)
    env.update({k: str(v) for k, v in extra.items()})
    return env


def seed(url: str, officers: int) -> dict:
    """Migrate, then an open exam (6 single + 4 judge) for ``officers`` officers; returns ids and tokens."""
    env = app_env(url)
    subprocess.run([str(VENV_BIN / "quizapp"), "db", "upgrade"], env=env, check=True, capture_output=True)
    os.environ.update({"DATABASE_URL": url, "SECRET_KEY": env["SECRET_KEY"], "QUIZAPP_SCHEDULER": "off"})
    from quizapp import create_app
    from quizapp.auth.services import issue_token
    from quizapp.exams import definitions
    from quizapp.exams.spec import RuleSpec
    from quizapp.extensions import db
    from tests.exam_factories import exam_spec, make_bank, make_organiser
    from tests.factories import make_officer

    app = create_app({"PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        bank = make_bank(single=12, multiple=0, judge=8, fill=0)
        organiser = make_organiser()
        people = [make_officer(badge=f"9{n:05d}", department="市公安局/治安大队") for n in range(officers)]
        exam = definitions.create_exam(organiser, exam_spec(
            bank, departments=("市公安局/治安大队",), duration_minutes=60,
            blueprint=(RuleSpec(bank.id, "single", 6, 2), RuleSpec(bank.id, "judge", 4, 2))))
        tokens = [issue_token(officer)[0] for officer in people]
        result = {"exam_id": exam.id, "tokens": tokens}
        db.session.remove()
        db.engine.dispose()
    return result


@dataclass
class Gunicorn:
    """gunicorn with deploy/gunicorn.conf.py on a loopback port."""

    url: str
    port: int = 18011
    workers: int = 2
    process: subprocess.Popen | None = None

    def start(self) -> None:
        env = app_env(self.url, GUNICORN_BIND=f"127.0.0.1:{self.port}", GUNICORN_WORKERS=self.workers,
                      GUNICORN_THREADS=4, GUNICORN_ACCESS_LOG="/dev/null")
        self.process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "wsgi:app"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open("/tmp/quizapp-drill-gunicorn.log", "w"))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(self.base + "/healthz", timeout=1).ok and len(self.worker_pids()) == self.workers:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not come up (see /tmp/quizapp-drill-gunicorn.log)")

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def worker_pids(self) -> list[int]:
        """Worker processes: the children of our master, found by parent pid."""
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                    pids.append(int(entry.name))
        return pids

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()


@dataclass
class Phone:
    """One officer's phone: starts the paper, saves answers with retries, submits."""

    base: str
    exam_id: int
    token: str
    rounds: int
    pause: float
    acked: dict[int, tuple[int, object]] = field(default_factory=dict)
    failures: Counter = field(default_factory=Counter)
    messages: set = field(default_factory=set)
    attempt_id: int | None = None
    submitted: bool = False

    def call(self, method: str, path: str, **kwargs):
        """Send until the server answers with something other than a transient failure."""
        for _ in range(400):
            try:
                response = requests.request(method, self.base + path, timeout=10,
                                            headers={"Authorization": f"Bearer {self.token}"}, **kwargs)
            except requests.RequestException as error:
                self.failures[type(error).__name__] += 1
                time.sleep(0.25)
                continue
            if response.status_code >= 500:
                self.failures[f"HTTP {response.status_code}"] += 1
                try:
                    self.messages.add(response.json()["error"]["message"])
                except Exception:
                    self.messages.add(response.text[:80])
                time.sleep(0.25)
                continue
            return response
        raise RuntimeError(f"{method} {path}: no answer after 400 tries")

    def run(self) -> None:
        paper = self.call("POST", f"/api/v1/exams/{self.exam_id}/attempts").json()
        self.attempt_id = paper["attempt_id"]
        seq = 0
        for round_ in range(self.rounds):
            for question in paper["questions"]:
                seq += 1
                answer = ("A", "B", "C", "D")[round_ % 4] if question["type"] == "single" else bool(round_ % 2)
                response = self.call("PUT", f"/api/v1/attempts/{self.attempt_id}/answers/{question['id']}",
                                     json={"answer": answer, "seq": seq})
                if response.status_code == 200:
                    self.acked[question["id"]] = (seq, answer)
                else:
                    self.failures[f"refused {response.status_code}"] += 1
                time.sleep(self.pause)
        self.submitted = self.call("POST", f"/api/v1/attempts/{self.attempt_id}/submit").status_code == 200


def run_phones(phones: list[Phone]) -> list[threading.Thread]:
    """Start every phone in its own thread."""
    threads = [threading.Thread(target=phone.run, daemon=True) for phone in phones]
    for thread in threads:
        thread.start()
    return threads


def lost_answers(url: str, phones: list[Phone]) -> list[str]:
    """Acknowledged answers the database does not hold (or holds older)."""
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT attempt_id, question_id, answer, seq FROM exam_answers")).all()
    engine.dispose()
    stored = {(a, q): (seq, answer) for a, q, answer, seq in rows}
    lost = []
    for phone in phones:
        for question_id, (seq, answer) in phone.acked.items():
            got = stored.get((phone.attempt_id, question_id))
            if got is None or got[0] < seq or (got[0] == seq and _json(got[1]) != answer):
                lost.append(f"attempt {phone.attempt_id} question {question_id}: acked seq {seq}, stored {got}")
    return lost


def _json(value):
    import json

    return json.loads(value) if isinstance(value, str) and value[:1] in '"[{tf' else value


def report(name: str, checks: dict[str, bool], details: list[str]) -> int:
    """Print the drill's verdict: PASS only when every check holds."""
    for line in details:
        print("  " + line)
    for check, ok in checks.items():
        print(f"  [{'ok' if ok else 'FAILED'}] {check}")
    passed = all(checks.values())
    print(f"{'PASS' if passed else 'FAIL'}: {name}")
    return 0 if passed else 1
