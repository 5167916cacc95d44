"""The statements each hot exam-day request runs, with PostgreSQL's EXPLAIN of each.

Seeds 1,000 officers and one 30-question exam (bench/exam_day.py), has 600 of them
start and answer 20 questions (300 submit), ANALYZEs, then sends one of each hot
request (my exams, start, save, resume, study heartbeat, board, submit) through the
app in-process (Flask test client) and prints, per request, how many statements it
ran and the plan of each. A count that grows with the data is an N+1; a Seq Scan on a
big table is a missing index. Schema bench_explain, dropped afterwards.

  python bench/explain_hot.py [postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""
from __future__ import annotations

import sys
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).parent))
import bench_answer_save as base  # noqa: E402
import exam_day  # noqa: E402

base.SCHEMA = "bench_explain"
EXPLAINABLE = ("SELECT", "WITH", "UPDATE", "INSERT", "DELETE")


def login(client, badge: str) -> dict:
    """Bearer headers for one officer."""
    response = client.post("/api/v1/auth/token", json={"badge": badge, "password": exam_day.PASSWORD})
    return {"Authorization": "Bearer " + response.get_json()["token"]}


def background(client, data: dict, officers: int = 600) -> None:
    """Officers who started and answered 20 questions; every other one submitted."""
    exam_id = data["exam_id"]
    for number, badge in enumerate(data["badges"][:officers]):
        headers = login(client, badge)
        paper = client.post(f"/api/v1/exams/{exam_id}/attempts", headers=headers).get_json()
        for seq, question in enumerate(paper["questions"][:20], start=1):
            client.put(f"/api/v1/attempts/{paper['attempt_id']}/answers/{question['id']}", headers=headers,
                       json={"answer": exam_day.choose(question, True), "seq": seq})
        if number % 2:
            client.post(f"/api/v1/attempts/{paper['attempt_id']}/submit", headers=headers)


def explain(app, db, captured: list, client, name: str, method: str, path: str, headers: dict, **kwargs):
    """Send one request; print its statements and the plan of each."""
    captured.clear()
    response = client.open(path, method=method, headers=headers, **kwargs)
    statements = list(captured)
    print(f"\n===== {name}: HTTP {response.status_code}, {len(statements)} statements")
    with app.app_context():
        raw = db.engine.raw_connection()
        cursor = raw.cursor()
        for statement, parameters in statements:
            print("--", " ".join(statement.split())[:300])
            if statement.strip().split()[0].upper() not in EXPLAINABLE:
                continue
            if isinstance(parameters, (list, tuple)) and parameters and isinstance(parameters[0], dict):
                parameters = parameters[0]  # executemany: the plan of one row
            try:
                cursor.execute("EXPLAIN " + statement, parameters)
                for row in cursor.fetchall():
                    print("   ", row[0])
            except Exception as error:  # noqa: BLE001 — printed, the next statement is still explained
                print("    EXPLAIN failed:", error)
                raw.rollback()
        raw.rollback()
        raw.close()
    return response


def main() -> None:
    """Seed, load, explain, drop."""
    target = sys.argv[1] if len(sys.argv) > 1 else "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    url = base.database_url(target, None)
    try:
        data = exam_day.seed(url, 1000)
        from quizapp import create_app
        from quizapp.extensions import db

        app = create_app({"SQLALCHEMY_DATABASE_URI": url})
        client = app.test_client()
        captured: list = []
        with app.app_context():
            @sa.event.listens_for(db.engine, "before_cursor_execute")
            def _grab(_connection, _cursor, statement, parameters, _context, _executemany):
                captured.append((statement, parameters))

        background(client, data)  # outside the app context: each request gets its own
        with app.app_context():
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
        exam_id, officer = data["exam_id"], login(client, data["badges"][700])
        admin = {"Authorization": "Bearer " + data["admin_token"]}

        def run(*args, **kwargs):
            return explain(app, db, captured, client, *args, **kwargs)

        run("my exams", "GET", "/api/v1/exams", officer)
        paper = run("start", "POST", f"/api/v1/exams/{exam_id}/attempts", officer).get_json()
        question = paper["questions"][0]
        run("save", "PUT", f"/api/v1/attempts/{paper['attempt_id']}/answers/{question['id']}", officer,
            json={"answer": exam_day.choose(question, True), "seq": 1})
        run("resume", "POST", f"/api/v1/exams/{exam_id}/attempts", officer)
        run("heartbeat", "POST", "/api/v1/study/heartbeat", officer, json={"bank_id": data["bank_id"], "visible": True})
        run("board", "GET", f"/api/v1/exams/{exam_id}/board", admin)
        run("submit", "POST", f"/api/v1/attempts/{paper['attempt_id']}/submit", officer)
    finally:
        base.drop_schema(target)


if __name__ == "__main__":
    main()
