"""Faults the app must ride out: Redis gone, the SQLite disk full, the database away.

Each test shows that nothing already saved is lost and that users get a clear
answer (the exam page keeps unsaved answers on the phone and retries on 503).
"""
from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from quizapp.exams import definitions

from quizapp.exams.spec import RuleSpec
from quizapp.exams.models import Answer
from quizapp.extensions import db
from quizapp.web import DISK_FULL_MESSAGE, UNAVAILABLE_MESSAGE, database_trouble
from tests.conftest import make_test_app
from tests.exam_factories import exam_spec, make_bank, make_organiser
from tests.factories import api_token, login, make_officer

DEAD_REDIS = "redis://127.0.0.1:1/0"


def exam_world(app, fill: bool = False):
    """An open exam, an officer with a bearer token and his started paper (in app context)."""
    db.create_all()
    bank = make_bank(single=6, multiple=0, judge=6, fill=3)
    organiser = make_organiser()
    make_officer(badge="880001", department="市公安局/治安大队")
    rules = {"blueprint": (RuleSpec(bank.id, "single", 3, 2), RuleSpec(bank.id, "fill", 2, 2))}
    exam = definitions.create_exam(organiser, exam_spec(bank, departments=("市公安局/治安大队",),
                                                     **(rules if fill else {})))
    client = app.test_client()
    headers = api_token(client, "880001")
    paper = client.post(f"/api/v1/exams/{exam.id}/attempts", headers=headers).get_json()
    return client, headers, paper


def answer_for(question) -> object:
    return "A" if question["type"] == "single" else True


def test_with_redis_down_logins_and_exams_work_and_failed_logins_are_still_throttled(tmp_path, own_limiter):
    app = make_test_app("sqlite", tmp_path, RATELIMIT_STORAGE_URI=DEAD_REDIS, REDIS_URL=DEAD_REDIS,
                        LOGIN_FAILURES_PER_ACCOUNT="3 per 15 minutes")
    with app.app_context():
        client, headers, paper = exam_world(app)
        saves = [client.put(f"/api/v1/attempts/{paper['attempt_id']}/answers/{q['id']}",
                            json={"answer": answer_for(q), "seq": 1}, headers=headers).status_code
                 for q in paper["questions"]]
        submitted = client.post(f"/api/v1/attempts/{paper['attempt_id']}/submit", headers=headers)
        browser = app.test_client()
        assert login(browser, "880001").status_code == 302
        # Throttling falls back to each process's memory: still on, never blocking the right password.
        guesses = [login(app.test_client(), "700001", "guess").status_code for _ in range(4)]
        db.session.remove()
    assert saves == [200] * len(paper["questions"])
    assert submitted.status_code == 200
    assert guesses == [200, 200, 200, 429]


def test_a_full_sqlite_disk_refuses_the_save_clearly_and_loses_nothing_saved(tmp_path):
    app = make_test_app("sqlite", tmp_path)
    with app.app_context():
        client, headers, paper = exam_world(app, fill=True)
        attempt_id = paper["attempt_id"]
        single = next(q for q in paper["questions"] if q["type"] == "single")
        fill = next(q for q in paper["questions"] if q["type"] == "fill")
        url = f"/api/v1/attempts/{attempt_id}/answers/{{}}"
        assert client.put(url.format(single["id"]), json={"answer": "A", "seq": 1}, headers=headers).status_code == 200

        # The disk is full: the database file may not grow by a single page.
        with db.engine.connect() as connection:
            pages = connection.exec_driver_sql("PRAGMA page_count").scalar()
        db.engine.dispose()

        def no_room(dbapi_connection, _record):
            dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

        sa.event.listen(db.engine, "connect", no_room)
        long_answer = ["很长的填空答案" * 70] * 20  # ~30 KB: needs new pages
        refused = client.put(url.format(fill["id"]), json={"answer": long_answer, "seq": 2}, headers=headers)
        again = client.put(url.format(single["id"]), json={"answer": "B", "seq": 3}, headers=headers)
        sa.event.remove(db.engine, "connect", no_room)
        db.engine.dispose()

        assert refused.status_code == 503
        assert refused.get_json()["error"] == {"code": "unavailable", "message": DISK_FULL_MESSAGE}
        assert again.status_code == 200  # small saves still fit in the pages there are
        stored = dict(db.session.execute(sa.select(Answer.question_id, Answer.answer)
                                         .where(Answer.attempt_id == attempt_id)).all())
        assert stored == {single["id"]: "B"}  # nothing lost, nothing half-written
        # Space again (the operator freed the disk): the phone's retry now succeeds.
        retry = client.put(url.format(fill["id"]), json={"answer": long_answer, "seq": 2}, headers=headers)
        assert retry.status_code == 200
        db.session.remove()


def test_an_unreachable_database_is_a_503_with_a_retry_message(tmp_path):
    app = make_test_app("sqlite", tmp_path, SQLALCHEMY_DATABASE_URI="postgresql+psycopg://quizapp@127.0.0.1:1/quizapp",
                        SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 2}})
    api = app.test_client().get("/api/v1/me", headers={"Authorization": "Bearer some-token"})
    page = app.test_client().post("/login", data={"badge": "1", "password": "x"})
    assert api.status_code == 503
    assert api.get_json()["error"]["message"] == UNAVAILABLE_MESSAGE
    assert page.status_code in (400, 503)  # CSRF is checked before any query
    assert database_trouble(ValueError("x")) is None


def test_a_pooled_postgresql_connection_that_died_while_idle_is_replaced_unnoticed(app, monkeypatch):
    """Connections are pinged at checkout only after sitting idle (quizapp._tune_engine): one
    killed meanwhile (a server restart, a firewall) is swapped for a fresh one, no error shown."""
    import quizapp

    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite connections cannot die in the pool")
    db.session.remove()
    db.engine.dispose()  # the pool now holds just the connection below
    with db.engine.connect() as connection:
        backend = connection.execute(sa.text("SELECT pg_backend_pid()")).scalar()
    killer = sa.create_engine(db.engine.url, isolation_level="AUTOCOMMIT")
    with killer.connect() as other:
        other.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
        gone = sa.text("SELECT count(*) = 0 FROM pg_stat_activity WHERE pid = :pid")
        while not other.execute(gone, {"pid": backend}).scalar():
            time.sleep(0.01)
    killer.dispose()
    monkeypatch.setattr(quizapp, "IDLE_PING_SECONDS", 0.0)
    with db.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT pg_backend_pid()")).scalar() != backend
