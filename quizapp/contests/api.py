"""The live contest's JSON under /api/v1/live: the state documents the pages poll, and
answers, stakes, host steps and corrections.

The phones' poll is the hottest request of a contest (hundreds of phones, about once a
second each): it checks the signed session cookie for the contest (set when the officer
joined, after a full login check) and reads one version number; an unchanged version
is a 304 with no body. Times that decide anything are the request's time of receipt
(timeutil.request_received_at: nginx's when behind the trusted proxy), taken before
anything else.
"""
from __future__ import annotations

import json
import time

from flask import Blueprint, Response, request, session
from flask_login import current_user

from .. import timeutil
from ..auth.access import login_required_any, organiser_required
from ..extensions import UNTHROTTLED_ENDPOINTS, db
from . import live_host, live_play, live_state
from .errors import ContestError
from .models import LiveContest
from .views import JOINED_KEY

bp = Blueprint("api_live", __name__, url_prefix="/api/v1/live")


@bp.before_request
def _take_receipt_time() -> None:
    """Every POST here may decide by its time of receipt: take it before the login check."""
    if request.method == "POST":
        timeutil.request_received_at()


def _json(doc: dict, etag: str | None = None, status: int = 200) -> Response:
    response = Response(json.dumps(doc, ensure_ascii=False, separators=(",", ":")), status=status,
                        mimetype="application/json")
    return _stamped(response, etag)


def _stamped(response: Response, etag: str | None) -> Response:
    """The server's clock (ms) on every state response, for the countdowns; revalidate always."""
    response.headers["X-Server-Time"] = str(int(time.time() * 1000))
    response.headers["Cache-Control"] = "no-cache"
    if etag:
        response.headers["ETag"] = etag
    return response


def _not_modified(etag: str) -> Response:
    return _stamped(Response(status=304), etag)


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ContestError("请求内容应为JSON对象。", status=400, code="bad_request")
    return body


def _contest(contest_id: int) -> LiveContest:
    contest = db.session.get(LiveContest, contest_id)
    if contest is None:
        raise ContestError("竞赛不存在。", status=404, code="not_found")
    return contest


# ---------------------------------------------------------------- phones

@bp.get("/<int:contest_id>/state")
def phone_state(contest_id: int):
    """The phones' document; 304 while the version is unchanged."""
    if contest_id not in session.get(JOINED_KEY, ()):
        raise ContestError("请先扫码或输入竞赛码加入竞赛。", status=403, code="not_joined")
    mark = live_state.read_version(contest_id)
    if mark is None:
        raise ContestError("竞赛不存在。", status=404, code="not_found")
    etag = f'"{mark[0]}"'
    if request.headers.get("If-None-Match") == etag:
        return _not_modified(etag)
    doc, body = live_state.public_doc_for(contest_id, mark)
    return _stamped(Response(body, mimetype="application/json"), f'"{doc["v"]}"')


@bp.get("/<int:contest_id>/me")
@login_required_any
def my_state(contest_id: int):
    """The officer's own answer, points and place."""
    return _json(live_state.personal_doc(_contest(contest_id), current_user.id))


@bp.post("/<int:contest_id>/answers")
def answer(contest_id: int):
    """{"position", "answer"} → {"position", "received_at"}: stored if received in time."""
    if not current_user.is_authenticated:
        raise ContestError("请先登录。", status=401, code="unauthorized")
    body = _body()
    receipt = live_play.submit_answer(current_user.id, contest_id, body.get("position"), body.get("answer"),
                                      timeutil.request_received_at())
    return _json({"position": receipt.position, "received_at": timeutil.isoformat(receipt.received_at)}, status=201)


@bp.post("/<int:contest_id>/stakes")
@login_required_any
def stake(contest_id: int):
    """风险题: {"position", "stake"} with stake 10, 20 or 30."""
    body = _body()
    chosen = live_play.choose_stake(current_user.id, contest_id, body.get("position"), body.get("stake"),
                                    timeutil.request_received_at())
    return _json({"position": body.get("position"), "stake": chosen})


# ---------------------------------------------------------------- big screen

@bp.get("/screen/<token>")
def screen_state(token: str):
    """The big screen's document; 304 while nothing it shows has changed."""
    mark = live_state.screen_mark(screen_token=token)
    if mark is None:
        raise ContestError("大屏地址无效。", status=404, code="not_found")
    contest_id, etag = mark
    if request.headers.get("If-None-Match") == etag:
        return _not_modified(etag)
    return _json(live_state.screen_doc(_contest(contest_id)), etag)


# ---------------------------------------------------------------- host

@bp.get("/<int:contest_id>/host")
@organiser_required
def host_state(contest_id: int):
    """The host console's document (with the key); 304 while unchanged."""
    mark = live_state.screen_mark(contest_id=contest_id)
    if mark is None:
        raise ContestError("竞赛不存在。", status=404, code="not_found")
    etag = mark[1]
    if request.headers.get("If-None-Match") == etag:
        return _not_modified(etag)
    return _json(live_state.host_doc(_contest(contest_id)), etag)


@bp.post("/<int:contest_id>/actions")
@organiser_required
def action(contest_id: int):
    """{"action"}: one host step; returns the console's new document."""
    contest = live_host.host_action(current_user, contest_id, str(_body().get("action", "")),
                                    timeutil.request_received_at())
    return _json(live_state.host_doc(_contest(contest.id)))


@bp.post("/<int:contest_id>/corrections")
@organiser_required
def correction(contest_id: int):
    """{"badge", "points", "reason"}: correct a participant's score (audited)."""
    body = _body()
    entry = live_host.correct_score(current_user, contest_id, body.get("badge"), body.get("points"),
                                    body.get("reason"))
    return _json({"badge": body.get("badge"), "points": entry.points, "reason": entry.reason}, status=201)


def init_api(app) -> None:
    """Register the blueprint; the hot polls and answers skip the rate limiter."""
    app.register_blueprint(bp)
    UNTHROTTLED_ENDPOINTS.update({"api_live.phone_state", "api_live.answer", "api_live.screen_state"})
