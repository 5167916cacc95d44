"""Study pages: officers read materials (minutes counted); organisers publish them."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..auth.access import organiser_required
from ..extensions import db
from ..periods import local_day, quarter_label
from ..roster.services import departments_visible_to
from . import materials, minutes
from .forms import MaterialForm
from .models import StudyMaterial

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
    if form.validate_on_submit():
        data = materials.MaterialInput(title=form.title.data, body=form.body.data, series=form.series.data or "",
                                       published_on=form.published_on.data, department_ids=form.departments.data)
        try:
            saved = materials.save_material(current_user, data, item)
        except materials.StudyError as error:
            flash(error.message, "error")
        else:
            flash("学习资料已发布。" if item is None else "学习资料已保存。", "success")
            return redirect(url_for("study.material", material_id=saved.id) if _can_read(saved)
                            else url_for("study.manage"))
    return render_template("study/edit.html", form=form, item=item, series_names=materials.series_names())


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
