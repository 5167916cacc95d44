"""Roster forms."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, HiddenField, SelectField, SelectMultipleField
from wtforms.validators import DataRequired, Email, Length, Optional


class RosterUploadForm(FlaskForm):
    """Upload a roster file for preview."""

    file = FileField("名单文件（xlsx、xls或csv）", validators=[FileRequired("请选择文件")])


class RosterConfirmForm(FlaskForm):
    """Confirm a previewed import."""

    token = HiddenField(validators=[DataRequired()])
    deactivate_absent = BooleanField("同时停用名单中没有的人员")


class OfficerRoleForm(FlaskForm):
    role = SelectField("角色", choices=[("officer", "民警"), ("organiser", "组织者"), ("admin", "管理员")])


class OfficerDepartmentForm(FlaskForm):
    department = SelectField("部门", coerce=int)


class OfficerScopeForm(FlaskForm):
    departments = SelectMultipleField("管理范围（不选为全局）", coerce=int)


class ActionForm(FlaskForm):
    """A bare CSRF-protected button."""


class OfficerEmailForm(FlaskForm):
    """The address e-mail notifications go to (empty: in-app only)."""

    email = EmailField("邮箱（接收提醒，可留空）",
                       validators=[Optional(), Email("邮箱格式不正确"), Length(max=200)])


class ServiceAccountForm(FlaskForm):
    """Whether the account is a service account, never counted as an officer."""

    service = BooleanField("服务账号")
