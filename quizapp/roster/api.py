"""Roster import over the API."""
from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from ..api.errors import ApiError
from ..auth.access import admin_required
from . import services

blp = Blueprint("api_roster", __name__, url_prefix="/api/v1/roster", description="Roster (admin)")


class RosterImportFormSchema(Schema):
    dry_run = fields.Boolean(load_default=False)
    deactivate_absent = fields.Boolean(load_default=False)


class RosterFileSchema(Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class RowErrorSchema(Schema):
    row = fields.Integer()
    column = fields.String()
    message = fields.String()


class RosterReportSchema(Schema):
    ok = fields.Boolean()
    dry_run = fields.Boolean()
    errors = fields.List(fields.Nested(RowErrorSchema))
    new = fields.List(fields.Dict())
    changed = fields.List(fields.Dict())
    unchanged = fields.Integer()
    absent = fields.List(fields.Dict())
    deactivated = fields.List(fields.String())
    new_departments = fields.List(fields.String())
    generated_passwords = fields.List(fields.Dict())


@blp.route("/import")
class RosterImport(MethodView):
    @admin_required
    @blp.arguments(RosterImportFormSchema, location="form")
    @blp.arguments(RosterFileSchema, location="files")
    @blp.response(200, RosterReportSchema)
    @blp.alt_response(422, description="The file has bad rows; nothing was written")
    @blp.doc(security=[{"bearerAuth": []}, {"cookieAuth": []}])
    def post(self, form, files):
        """Import (or with dry_run, preview) a roster file; any bad row rejects the whole file."""
        upload = files["file"]
        report = services.import_roster(upload.filename or "roster", upload.read(), current_user,
                                        dry_run=form["dry_run"], deactivate_absent=form["deactivate_absent"])
        if not report.ok:
            raise ApiError(422, "invalid_file", "名单文件有错误，未导入任何数据。",
                           errors=[e.as_dict() for e in report.errors])
        return report.as_dict()
