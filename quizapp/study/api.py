"""Study over the API: the heartbeat that counts minutes, and the officer's totals."""
from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validates_schema

from ..auth.access import login_required_any
from . import minutes

blp = Blueprint("api_study", __name__, url_prefix="/api/v1/study", description="Study minutes (学习时长)")
SECURITY = [{"bearerAuth": []}, {"cookieAuth": []}]


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
    @login_required_any
    @blp.arguments(HeartbeatRequestSchema)
    @blp.response(200, HeartbeatSchema)
    @blp.alt_response(401, description="Not logged in")
    @blp.alt_response(422, description="Neither material_id nor bank_id, or visible missing")
    @blp.doc(security=SECURITY)
    def post(self, body):
        """Count study time: the real time since the previous heartbeat, at most 60 s, nothing
        for hidden or idle pages, never twice for two tabs, up to the daily cap."""
        result = minutes.record_heartbeat(current_user.id, visible=body["visible"], active=body["active"])
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
