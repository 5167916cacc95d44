"""Study pages: officers read materials (minutes counted); organisers publish them."""
from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..auth.access import organiser_required
from ..extensions import db
from ..periods import local_day, quarter_label
from ..roster.services import departments_visible_to
from . import files, materials, minutes
from .forms import MaterialForm
from .models import StudyFile, StudyMaterial

bp = Blueprint("study", __name__, url_prefix="/study")


@bp.route("/")
@login_required
def index():
    """New (unread) and read materials, and the officer's minutes against the target."""
    series = request.args.get("series") or None
    rows = materials.materials_for(current_user, series)
    return render_template(
        "study/index.html", unread=[m for m, read in rows if read is None],
        read=[(m, read) for m, read in rows if read is not None], series=series,
        series_names=materials.series_names(), summary=minutes.minutes_summary(current_user.id),
        quarter=quarter_label(local_day()),
    )


@bp.route("/materials/<int:material_id>")
@login_required
def material(material_id: int):
    """Read a material: marks it read; the page's heartbeats count the minutes."""
    item = materials.material_for(current_user, material_id)
    materials.mark_read(current_user.id, item.id)
    return render_template("study/material.html", material=item,
                           today=minutes.minutes_summary(current_user.id).today)


@bp.route("/manage")
@organiser_required
def manage():
    """The publisher's materials."""
    return render_template("study/manage.html", items=materials.managed_materials(current_user))


def _form(item: StudyMaterial | None = None) -> MaterialForm:
    form = MaterialForm(obj=None)
    form.departments.choices = [(d.id, d.path) for d in departments_visible_to(current_user)]
    if request.method == "GET":
        if item is not None:
            form.title.data, form.series.data, form.published_on.data = item.title, item.series, item.published_on
            form.body.data = item.body_html
            form.departments.data = [d.id for d in item.departments]
        else:
            form.series.data = materials.WEEKLY_SERIES
            form.published_on.data = local_day()
    return form


@bp.route("/manage/new", methods=["GET", "POST"])
@bp.route("/manage/<int:material_id>", methods=["GET", "POST"])
@organiser_required
def edit(material_id: int | None = None):
    """Publish a new material or change one."""
    item = db.get_or_404(StudyMaterial, material_id) if material_id else None
    if item is not None and not materials.can_edit(current_user, item):
        abort(403)
    form = _form(item)
    keys = request.form.getlist("attachments") if request.method == "POST" else None
    attachment_errors: list[str] = []
    if form.validate_on_submit():
        data = materials.MaterialInput(title=form.title.data, body=form.body.data, series=form.series.data or "",
                                       published_on=form.published_on.data, department_ids=form.departments.data,
                                       attachment_keys=keys)
        try:
            saved = materials.save_material(current_user, data, item)
        except materials.StudyError as error:
            where = error.extra.get("field")
            if where == "body":
                form.body.errors.append(error.message)
            elif where == "attachments":
                attachment_errors.append(error.message)
            else:
                flash(error.message, "error")
        else:
            flash("学习资料已发布。" if item is None else "学习资料已保存。", "success")
            return redirect(url_for("study.material", material_id=saved.id) if _can_read(saved)
                            else url_for("study.manage"))
    # A refused save shows the PDFs just uploaded again, so that none has to be uploaded twice.
    attachments = ([f for f in files.by_keys(keys) if f.kind == "pdf"]
                   if keys is not None else list(item.attachments) if item is not None else [])
    return render_template("study/edit.html", form=form, item=item, series_names=materials.series_names(),
                           attachments=attachments, attachment_errors=attachment_errors)


@bp.route("/manage/files", methods=["POST"])
@organiser_required
def upload():
    """Upload an image for the text or a PDF to attach (JSON: where to find it, or a Chinese error)."""
    upload_file = request.files.get("file")
    if upload_file is None:
        return jsonify(error={"code": "bad_upload", "message": "请选择要上传的文件。"}), 400
    want = request.form.get("kind") if request.form.get("kind") in ("image", "pdf") else None
    try:
        item = files.store_upload(current_user, upload_file.filename or "", upload_file.read(), want)
    except files.UploadError as error:
        return jsonify(error={"code": error.code, "message": error.message}), error.status
    return jsonify(key=item.key, kind=item.kind, filename=item.filename, size=item.size,
                   url=url_for("study.file", key=item.key)), 201


@bp.route("/files/<key>")
@login_required
def file(key: str):
    """An uploaded image or PDF; a PDF attached to a material only for those who may read or edit it."""
    item = files.by_key(key)
    if item is None or (item.material_id is not None and not _may_see_attachment(item)):
        abort(404)
    response = Response(item.data, mimetype=item.content_type)
    response.headers["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(item.filename)}"
    # The bytes under a key never change; a sandbox keeps a PDF opened directly from running scripts.
    response.headers["Cache-Control"] = "private, max-age=604800, immutable"
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return response


def _may_see_attachment(item: StudyFile) -> bool:
    material = db.session.get(StudyMaterial, item.material_id)
    if current_user.role in ("organiser", "admin") and materials.can_edit(current_user, material):
        return True
    return _can_read(material)


def _can_read(item: StudyMaterial) -> bool:
    try:
        materials.material_for(current_user, item.id)
    except materials.StudyError:
        return False
    return True


@bp.route("/manage/<int:material_id>/delete", methods=["POST"])
@organiser_required
def delete(material_id: int):
    """Delete a material."""
    item = db.get_or_404(StudyMaterial, material_id)
    materials.delete_material(current_user, item)
    flash("学习资料已删除。", "success")
    return redirect(url_for("study.manage"))
