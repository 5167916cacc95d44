"""The schedules JSON API: a schedule's exam template as JSON (the pages use a form instead)."""
from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..api.errors import ApiError
from ..auth.access import organiser_required
from ..extensions import db
from . import services
from .models import Schedule

blp = Blueprint("api_schedules", __name__, url_prefix="/api/v1",
                description="Schedules: an exam template that becomes an exam on a calendar rule")
SECURITY = [{"bearerAuth": []}, {"cookieAuth": []}]


class ScheduleWriteSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(1, 200))
    template = fields.Dict(required=True, metadata={
        "description": "the POST /exams body without opens_at/closes_at; the title may use {year}, {quarter}, "
                       "{month}, {date}; mode=sample adds draw: {size, allocation}"})
    month = fields.String(load_default="1,4,7,10", validate=validate.Length(1, 40), metadata={"description": "cron"})
    day = fields.String(load_default="1st mon", validate=validate.Length(1, 40), metadata={"description": "cron"})
    day_of_week = fields.String(load_default="*", validate=validate.Length(1, 40), metadata={"description": "cron"})
    hour = fields.Integer(load_default=9, validate=validate.Range(0, 23))
    minute = fields.Integer(load_default=0, validate=validate.Range(0, 59))
    open_days = fields.Integer(load_default=7, validate=validate.Range(1, 90))


class ScheduleSchema(ScheduleWriteSchema):
    id = fields.Integer()
    paused = fields.Boolean()
    rule = fields.String(metadata={"description": "the rule in Chinese"})
    problems = fields.List(fields.String(), metadata={"description": "why the next firing would fail today"})


class ScheduleCreatedSchema(Schema):
    id = fields.Integer(required=True)


def _schedule_or_404(schedule_id: int) -> Schedule:
    schedule = db.session.get(Schedule, schedule_id)
    if schedule is None:
        raise ApiError(404, "not_found", "定时计划不存在。")
    return schedule


def _present(schedule: Schedule) -> dict:
    return {"id": schedule.id, "name": schedule.name, "template": schedule.template, "month": schedule.month,
            "day": schedule.day, "day_of_week": schedule.day_of_week, "hour": schedule.hour,
            "minute": schedule.minute, "open_days": schedule.open_days, "paused": schedule.paused,
            "rule": schedule.rule().describe(), "problems": services.schedule_health(schedule)}


@blp.route("/schedules")
class Schedules(MethodView):
    @organiser_required
    @blp.response(200, ScheduleSchema(many=True))
    @blp.alt_response(401, description="Not logged in")
    @blp.alt_response(403, description="Not an organiser")
    @blp.doc(security=SECURITY)
    def get(self):
        """Every schedule with its template."""
        return [_present(s) for s in db.session.scalars(db.select(Schedule).order_by(Schedule.id))]

    @organiser_required
    @blp.arguments(ScheduleWriteSchema)
    @blp.response(201, ScheduleCreatedSchema)
    @blp.alt_response(401, description="Not logged in")
    @blp.alt_response(403, description="Not an organiser")
    @blp.alt_response(422, description="Refused as creating the exam would be; every problem in errors")
    @blp.doc(security=SECURITY)
    def post(self, body):
        """Create a schedule (its template checked exactly as creating its next exam would be)."""
        return {"id": services.create_schedule(services.ScheduleInput(**body), current_user).id}


@blp.route("/schedules/<int:schedule_id>")
class ScheduleItem(MethodView):
    @organiser_required
    @blp.response(200, ScheduleSchema)
    @blp.alt_response(401, description="Not logged in")
    @blp.alt_response(403, description="Not an organiser")
    @blp.alt_response(404, description="No such schedule")
    @blp.doc(security=SECURITY)
    def get(self, schedule_id):
        """A schedule with its template and why its next firing would fail, if it would."""
        return _present(_schedule_or_404(schedule_id))

    @organiser_required
    @blp.arguments(ScheduleWriteSchema)
    @blp.response(200, ScheduleSchema)
    @blp.alt_response(401, description="Not logged in")
    @blp.alt_response(403, description="Not an organiser")
    @blp.alt_response(404, description="No such schedule")
    @blp.alt_response(422, description="Refused as creating the exam would be; every problem in errors")
    @blp.doc(security=SECURITY)
    def put(self, body, schedule_id):
        """Replace a schedule's template and rule (periods already fired stay fired)."""
        schedule = _schedule_or_404(schedule_id)
        return _present(services.update_schedule(schedule, services.ScheduleInput(**body), current_user))
