"""The time of receipt that decides a live contest, through HTTP: behind the trusted
proxy it is nginx's (X-Request-Start), so a request that waited for a worker thread is
judged by when it arrived; a direct client's header is ignored; the proxy's time is
clamped to a few seconds before the app's clock."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine

from quizapp import timeutil
from quizapp.contests import live_state
from quizapp.contests.models import LiveContest
from quizapp.extensions import db

from ..contest_factories import join, make_live_contest
from ..factories import csrf_token, login


def _post(client, url, body, token, received=None):
    headers = {"X-CSRFToken": token}
    if received is not None:
        headers["X-Request-Start"] = f"t={received.timestamp():.3f}"  # what nginx's ${msec} looks like
    return client.post(url, json=body, headers=headers)


def _session(app, badge):
    client = app.test_client()
    login(client, badge)
    return client, csrf_token(client, "/")


def _received(response):
    return datetime.fromisoformat(response.get_json()["received_at"])


def _opened(contest_id):
    db.session.expire_all()
    return live_state.contest_question(db.session.get(LiveContest, contest_id)).opened_at


@pytest.fixture
def behind_proxy(app, monkeypatch):
    monkeypatch.setitem(app.config, "QUIZAPP_PROXY_HOPS", 1)


def _answer_after_the_close(app, claimed_offset):
    """The host closes 5 s into answering; 1 s later a worker gets to an answer whose
    X-Request-Start says it arrived ``claimed_offset`` s into answering."""
    contest, _host = make_live_contest(rounds=(("required", 1),))
    join(contest, "800001", "排队者")
    host, host_token = _session(app, "700001")
    phone, phone_token = _session(app, "800001")
    for action in ("start", "show", "open"):
        assert _post(host, f"/api/v1/live/{contest.id}/actions", {"action": action}, host_token).status_code == 200
    opened = _opened(contest.id)
    with time_machine.travel(opened + timedelta(seconds=5), tick=False) as traveller:
        assert _post(host, f"/api/v1/live/{contest.id}/actions", {"action": "close"}, host_token).status_code == 200
        traveller.shift(timedelta(seconds=1))
        return opened, _post(phone, f"/api/v1/live/{contest.id}/answers", {"position": 0, "answer": "A"},
                             phone_token, opened + timedelta(seconds=claimed_offset))


def test_behind_the_proxy_an_answer_received_before_the_close_counts_though_handled_after(app, behind_proxy):
    opened, response = _answer_after_the_close(app, 4.5)
    assert response.status_code == 201, response.get_json()
    assert _received(response) - (opened + timedelta(seconds=4.5)) < timedelta(milliseconds=1)  # nginx: ms


def test_a_direct_client_cannot_claim_an_earlier_receipt(app):
    _opened_at, response = _answer_after_the_close(app, 4.5)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "time_up"


def test_behind_the_proxy_a_receipt_claimed_long_before_counts_only_a_few_seconds_back(app, behind_proxy):
    # claims 2 s into answering, handled 6 s in: clamped to 3 s earlier (3 s in), before the close
    opened, response = _answer_after_the_close(app, 2)
    assert response.status_code == 201
    assert _received(response) == opened + timedelta(seconds=3)


def test_buzz_goes_to_the_earliest_proxy_receipt_though_handled_second(app, behind_proxy):
    contest, _host = make_live_contest(rounds=(("buzz", 1),))
    join(contest, "800001", "先到")
    join(contest, "800002", "先处理")
    host, host_token = _session(app, "700001")
    first, first_token = _session(app, "800001")
    second, second_token = _session(app, "800002")
    for action in ("start", "show", "open"):
        assert _post(host, f"/api/v1/live/{contest.id}/actions", {"action": action}, host_token).status_code == 200
    opened = _opened(contest.id)
    url = f"/api/v1/live/{contest.id}/answers"
    with time_machine.travel(opened + timedelta(seconds=2), tick=False):
        handled_first = _post(second, url, {"position": 0, "answer": "A"}, second_token,
                              opened + timedelta(seconds=1.6))
        handled_second = _post(first, url, {"position": 0, "answer": "A"}, first_token,
                               opened + timedelta(seconds=1.5))
        assert (handled_first.status_code, handled_second.status_code) == (201, 201)
        for action in ("close", "reveal"):
            assert _post(host, f"/api/v1/live/{contest.id}/actions", {"action": action},
                         host_token).status_code == 200
        db.session.expire_all()
        result = live_state.question_result(live_state.contest_question(db.session.get(LiveContest, contest.id)))
        assert result["winner"]["name"] == "先到"
        mine = first.get(f"/api/v1/live/{contest.id}/me").get_json()
        theirs = second.get(f"/api/v1/live/{contest.id}/me").get_json()
        assert mine["points"] == 20 and theirs["points"] == 0


def test_the_proxy_time_is_clamped_and_read_only_behind_the_proxy(app, monkeypatch):
    now = timeutil.now().replace(microsecond=0)
    cases = [(0, now - timedelta(seconds=1), now),  # no proxy configured: the header is never read
             (1, now - timedelta(seconds=1), now - timedelta(seconds=1)),
             (1, now - timedelta(minutes=5), now - timeutil.RECEIPT_SKEW),
             (1, now + timedelta(minutes=5), now),  # a proxy's clock ahead counts as now
             (1, "t=soon", now), (1, "t=nan", now), (1, "t=1e400", now)]  # unreadable: the app's own time
    with time_machine.travel(now, tick=False):
        for hops, claimed, expected in cases:
            monkeypatch.setitem(app.config, "QUIZAPP_PROXY_HOPS", hops)
            header = claimed if isinstance(claimed, str) else f"t={claimed.timestamp():.3f}"
            with app.test_request_context(headers={"X-Request-Start": header}):
                assert timeutil.request_received_at() == expected, (hops, header)
