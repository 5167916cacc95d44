"""Study over the API: the heartbeat that counts minutes, and the officer's totals."""
from __future__ import annotations

import sqlalchemy as sa
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validates_schema

from .. import timeutil
from ..api.errors import ApiError
from ..auth.access import login_required_any, request_credential
from ..auth.models import ApiToken, LoginSession
from ..auth.services import live_session_clauses, live_token_clauses
from ..extensions import db
from ..roster.models import Officer
from . import minutes
from .models import StudyHeartbeatState

blp = Blueprint("api_study", __name__, url_prefix="/api/v1/study", description="Study minutes (学习时长)")
SECURITY = [{"bearerAuth": []}, {"cookieAuth": []}]


# The heartbeat is the hottest endpoint (every reading phone, every 30 s). It needs
# only the caller's id and his heartbeat state, so one query checks the bearer token
# or session cookie and reads that state, instead of loading the officer entity
# through Flask-Login and reading the state again.
_STATE = StudyHeartbeatState.__table__
_STATE_COLUMNS = (_STATE.c.officer_id.label("has_state"), _STATE.c.last_beat_ms, _STATE.c.day,
                  _STATE.c.today_seconds)
_CALLER_BY_TOKEN = (
    sa.select(ApiToken.officer_id, *_STATE_COLUMNS).join(Officer, Officer.id == ApiToken.officer_id)
    .outerjoin(_STATE, _STATE.c.officer_id == ApiToken.officer_id)
    .where(*live_token_clauses(sa.bindparam("digest"), sa.bindparam("now")))
)
_CALLER_BY_SESSION = (
    sa.select(LoginSession.officer_id, *_STATE_COLUMNS).join(Officer, Officer.id == LoginSession.officer_id)
    .outerjoin(_STATE, _STATE.c.officer_id == LoginSession.officer_id)
    .where(*live_session_clauses(sa.bindparam("sid"), sa.bindparam("oid"), sa.bindparam("now")))
)


def caller_with_state(connection):
    """(officer id, heartbeat state row or None) for the live officer behind the bearer
    token or session cookie, or None when nobody is logged in."""
    token_hash, login_session = request_credential()
    if token_hash is not None:
        row = connection.execute(_CALLER_BY_TOKEN, {"digest": token_hash, "now": timeutil.now()}).first()
    elif login_session is not None:
        row = connection.execute(_CALLER_BY_SESSION, {"sid": login_session[0], "oid": login_session[1],
                                                      "now": timeutil.now()}).first()
    else:
        return None
    if row is None:
        return None
    return row[0], (tuple(row[2:]) if row[1] is not None else None)


class HeartbeatRequestSchema(Schema):
    material_id = fields.Integer(metadata={"description": "the material being read"})
    bank_id = fields.Integer(metadata={"description": "the bank being practised"})
    visible = fields.Boolean(required=True, metadata={"description": "false when the page has just been hidden"})
    active = fields.Boolean(load_default=True,
                            metadata={"description": "false when the officer has been idle for two minutes"})

    @validates_schema
    def _one_source(self, data, **_kwargs):
        if data.get("material_id") is None and data.get("bank_id") is None:
            raise ValidationError("material_id 或 bank_id 必须提供一个。", "material_id")


class HeartbeatSchema(Schema):
    credited_seconds = fields.Integer(required=True, metadata={"description": "seconds credited by this heartbeat"})
    today_minutes = fields.Integer(required=True, metadata={"description": "minutes credited today (local day)"})


class MinutesSchema(Schema):
    today = fields.Integer(required=True)
    week = fields.Integer(required=True)
    quarter = fields.Integer(required=True)
    quarter_target = fields.Integer(required=True)


@blp.route("/heartbeat")
class Heartbeat(MethodView):
    @blp.arguments(HeartbeatRequestSchema())  # an instance: webargs would build a class per request
    @blp.response(200, HeartbeatSchema())
    @blp.alt_response(401, description="Not logged in")
    @blp.alt_response(422, description="Neither material_id nor bank_id, or visible missing")
    @blp.doc(security=SECURITY)
    def post(self, body):
        """Count study time: the real time since the previous heartbeat, at most 60 s, nothing
        for hidden or idle pages, never twice for two tabs, up to the daily cap."""
        # Autocommit: the usual heartbeat is one read and one single-statement update,
        # with no BEGIN/COMMIT round trips (see minutes.record_heartbeat).
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            caller = caller_with_state(connection)
            if caller is None:
                raise ApiError(401, "unauthorized", "请先登录或提供有效的令牌。")
            officer_id, state = caller
            result = minutes.record_heartbeat(officer_id, visible=body["visible"], active=body["active"],
                                              state=state, autocommit=connection)
        return {"credited_seconds": result.credited_seconds, "today_minutes": result.today_minutes}


@blp.route("/minutes")
class Minutes(MethodView):
    @login_required_any
    @blp.response(200, MinutesSchema)
    @blp.alt_response(401, description="Not logged in")
    @blp.doc(security=SECURITY)
    def get(self):
        """The officer's study minutes today, this week and this quarter, and the quarter's target."""
        summary = minutes.minutes_summary(current_user.id)
        return {"today": summary.today, "week": summary.week, "quarter": summary.quarter,
                "quarter_target": summary.target}
