"""Admin pages: officers and the roster import."""
from __future__ import annotations

import io

from flask import (Blueprint, Response, abort, flash, redirect, render_template, request, send_file,
                   url_for)
from flask_login import current_user

from .. import uploads
from ..auth.access import admin_required
from ..extensions import db
from ..reports.xlsx import XLSX_MIMETYPE
from ..web import public_url
from . import services, slips
from .forms import (ActionForm, OfficerDepartmentForm, OfficerEmailForm, OfficerRoleForm, OfficerScopeForm,
                    RosterConfirmForm, RosterUploadForm, ServiceAccountForm)
from .models import POLITICAL_STATUSES, Department, Officer
from .template import roster_template_xlsx

bp = Blueprint("roster", __name__, url_prefix="/admin")


def _filter_from_args() -> services.OfficerFilter:
    active = request.args.get("active")
    return services.OfficerFilter(
        text=request.args.get("q") or None,
        department_id=request.args.get("department", type=int),
        role=request.args.get("role") or None,
        active={"1": True, "0": False}.get(active),
        group=request.args.get("group") or None,
        service_account={"1": True, "0": False}.get(request.args.get("service")),
    )


@bp.route("/officers")
@admin_required
def officers():
    """List, search and filter officers."""
    page = db.paginate(services.officer_query(_filter_from_args()), per_page=50, error_out=False)
    return render_template("roster/officers.html", page=page, departments=services.department_tree(),
                           groups=POLITICAL_STATUSES, args=request.args)


def _officer_or_404(officer_id: int) -> Officer:
    officer = db.session.get(Officer, officer_id)
    if officer is None:
        abort(404)
    return officer


@bp.route("/officers/<int:officer_id>", methods=["GET"])
@admin_required
def officer(officer_id: int):
    """One officer and the changes an admin can make."""
    officer = _officer_or_404(officer_id)
    departments = services.department_tree()
    role_form = OfficerRoleForm(role=officer.role)
    department_form = OfficerDepartmentForm(department=officer.department_id)
    department_form.department.choices = [(d.id, d.path) for d in departments]
    scope_form = OfficerScopeForm(departments=[d.id for d in officer.scope_departments])
    scope_form.departments.choices = [(d.id, d.path) for d in departments]
    return render_template("roster/officer.html", officer=officer, role_form=role_form,
                           department_form=department_form, scope_form=scope_form, action_form=ActionForm(),
                           email_form=OfficerEmailForm(email=officer.email),
                           service_form=ServiceAccountForm(service=officer.is_service_account))


@bp.route("/officers/<int:officer_id>/<change>", methods=["POST"])
@admin_required
def change_officer(officer_id: int, change: str):
    """Apply one change to an officer: role, department, service account, active, password, scope."""
    officer = _officer_or_404(officer_id)
    try:
        if change == "role":
            form = OfficerRoleForm()
            if not form.validate_on_submit():
                abort(400)
            services.change_role(current_user, officer, form.role.data)
            flash("角色已修改。", "success")
        elif change == "department":
            form = OfficerDepartmentForm()
            form.department.choices = [(d.id, d.path) for d in services.department_tree()]
            if not form.validate_on_submit():
                abort(400)
            services.move_officer(current_user, officer, db.session.get(Department, form.department.data))
            flash("部门已调整。", "success")
        elif change == "email":
            form = OfficerEmailForm()
            if not form.validate_on_submit():
                flash("；".join(form.email.errors) or "邮箱格式不正确。", "error")
                return redirect(url_for("roster.officer", officer_id=officer.id))
            services.set_email(current_user, officer, form.email.data)
            flash("邮箱已保存。", "success")
        elif change == "service":
            form = ServiceAccountForm()
            if not form.validate_on_submit():
                abort(400)
            services.set_service_account(current_user, officer, form.service.data)
            flash("已设为服务账号，不再计入民警。" if form.service.data else "已取消服务账号，计为民警。", "success")
        elif change in ("deactivate", "reactivate"):
            if not ActionForm().validate_on_submit():
                abort(400)
            services.set_active(current_user, officer, change == "reactivate")
            flash("账号已启用。" if change == "reactivate" else "账号已停用，其登录已全部失效。", "success")
        elif change == "password":
            if not ActionForm().validate_on_submit():
                abort(400)
            password = services.reset_password(current_user, officer)
            flash(f"已为{officer.name}（{officer.badge}）生成新密码：{password}（仅显示这一次，首次登录需修改）", "warning")
        elif change == "scope":
            form = OfficerScopeForm()
            form.departments.choices = [(d.id, d.path) for d in services.department_tree()]
            if not form.validate_on_submit():
                abort(400)
            chosen = [db.session.get(Department, i) for i in form.departments.data]
            services.set_scope(current_user, officer, [d for d in chosen if d])
            flash("管理范围已保存。", "success")
        else:
            abort(404)
    except services.RosterError as error:
        flash(str(error), "error")
    return redirect(url_for("roster.officer", officer_id=officer.id))


@bp.route("/roster/import", methods=["GET", "POST"])
@admin_required
def import_upload():
    """Step 1: upload a roster file; step 2 previews it."""
    form = RosterUploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read()
        report = services.import_roster(upload.filename or "roster", data, current_user, dry_run=True)
        token = uploads.stash("roster", current_user, upload.filename or "roster", data) if report.ok else None
        return render_template("roster/preview.html", report=report, filename=upload.filename,
                               confirm_form=RosterConfirmForm(token=token))
    return render_template("roster/import.html", form=form)


@bp.route("/roster/import/confirm", methods=["POST"])
@admin_required
def import_confirm():
    """Step 3: import the previewed file."""
    form = RosterConfirmForm()
    upload = uploads.fetch("roster", current_user, form.token.data) if form.validate_on_submit() else None
    if upload is None:
        flash("上传已失效，请重新上传名单文件。", "error")
        return redirect(url_for("roster.import_upload"))
    report = services.import_roster(upload.filename, upload.data, current_user,
                                    deactivate_absent=form.deactivate_absent.data)
    if report.ok:
        uploads.discard(upload)
        db.session.commit()
    address = login_address()
    passwords = report.generated_passwords if report.ok else []
    return render_template("roster/result.html", report=report, filename=upload.filename, address=address,
                           slips=slips.slips(passwords, address),
                           passwords_xlsx=slips.passwords_xlsx_link(passwords, address) if passwords else None)


def login_address() -> str:
    """The site's login page as officers type or scan it: QUIZAPP_BASE_URL when set, else this request's host."""
    return public_url("auth.login")


@bp.route("/roster/login-qr.svg")
@admin_required
def login_qr():
    """The QR code printed on every password slip: the login page."""
    return Response(slips.login_qr(login_address()), mimetype="image/svg+xml",
                    headers={"Cache-Control": "private, max-age=3600"})


@bp.route("/roster/template.xlsx")
@admin_required
def import_template():
    """Download an empty roster template with one example row."""
    return send_file(io.BytesIO(roster_template_xlsx()), as_attachment=True, download_name="人员名单模板.xlsx",
                     mimetype=XLSX_MIMETYPE)
