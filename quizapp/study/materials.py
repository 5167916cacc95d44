"""Study materials: publishing (HTML sanitised on save), who may see them, reading."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import nh3
import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from .. import timeutil
from ..audit.services import record
from ..errors import DomainError
from ..extensions import db
from ..periods import local_day
from ..roster.models import PATH_SEPARATOR, Department, Officer
from ..roster.services import in_scope, scope_departments
from ..transactions import transaction
from ..upsert import insert_ignore
from . import files
from .models import MaterialRead, StudyMaterial, material_departments

WEEKLY_SERIES = "政治学习三十分"
MAX_BODY_CHARS = 200_000

ALLOWED_TAGS = {
    "p", "br", "hr", "div", "span", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "blockquote", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "caption", "a", "img",
    "figure", "figcaption", "pre", "code", "small", "mark",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "ol": {"start"},
}


class StudyError(DomainError):
    """A study request refused: status and Chinese message."""


def _no_protocol_relative(tag: str, attribute: str, value: str) -> str | None:
    """Drop //host URLs: nh3 treats them as relative, but they load from elsewhere."""
    if attribute in ("src", "href") and value.strip().startswith(("//", "\\")):
        return None
    return value


def sanitise_html(html: str) -> str:
    """Material HTML made safe: text formatting, tables, links and images (https or
    same-site only); no scripts, styles, event handlers or javascript:/data: URLs."""
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style", "iframe", "object", "noscript", "template", "svg", "math"},
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_no_protocol_relative,
        url_schemes={"https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


@dataclass
class MaterialInput:
    """What a publisher submits."""

    title: str
    body: str
    published_on: date
    series: str = ""
    department_ids: list[int] = field(default_factory=list)
    # Keys of uploaded PDFs to show under the text, in order; None leaves them as they are.
    attachment_keys: list[str] | None = None


def _departments_for(actor, ids: list[int]) -> list[Department]:
    """The chosen departments, checked against an organiser's scope."""
    chosen = list(db.session.scalars(sa.select(Department).where(Department.id.in_(ids)))) if ids else []
    if len(chosen) != len(set(ids)):
        raise StudyError("所选部门不存在。")
    if not chosen:
        scopes = scope_departments(actor)
        return list(scopes) if scopes is not None else []
    for department in chosen:
        if not in_scope(actor, department):
            raise StudyError(f"您不能向“{department.path}”发布学习资料。")
    return chosen


def _check(data: MaterialInput, has_pdf: bool) -> tuple[str, str, str]:
    title = (data.title or "").strip()
    if not title or len(title) > 200:
        raise StudyError("标题不能为空，且不超过200字。")
    if len(data.body or "") > MAX_BODY_CHARS:
        raise StudyError("正文太长。", field="body")
    body = sanitise_html(data.body)
    if not body and not has_pdf:
        raise StudyError("正文不能为空（或上传PDF附件）。", field="body")
    series = (data.series or "").strip()[:50]
    if data.published_on is None:
        raise StudyError("请填写发布日期。")
    return title, body, series


def save_material(actor, data: MaterialInput, material: StudyMaterial | None = None) -> StudyMaterial:
    """Publish a new material or change one (audited); the HTML is sanitised here. Commits."""
    if material is not None and not can_edit(actor, material):
        raise StudyError("您不能修改这份学习资料。", 403)
    keys = data.attachment_keys
    has_pdf = bool(keys) if keys is not None else bool(material is not None and material.attachments)
    title, body, series = _check(data, has_pdf)
    departments = _departments_for(actor, data.department_ids)
    creating = material is None
    if creating:
        material = StudyMaterial(author_id=getattr(actor, "id", None))
    with transaction():
        if creating:
            db.session.add(material)
        material.title, material.body_html, material.series = title, body, series
        material.published_on = data.published_on
        material.departments = departments
        material.updated_at = timeutil.now()
        if keys is not None:
            files.attach_pdfs(actor, material, keys)
        db.session.flush()
        where = "、".join(d.path for d in departments) or "全局"
        record(actor, "study.material_publish" if creating else "study.material_edit", target=material,
               summary=f"{'发布' if creating else '修改'}学习资料“{title}”（{data.published_on.isoformat()}，{where}"
                       + "".join(f"，附PDF“{f.filename}”" for f in material.attachments) + "）")
    return material


def delete_material(actor, material: StudyMaterial) -> None:
    """Remove a material and its read marks (audited). Commits."""
    if not can_edit(actor, material):
        raise StudyError("您不能删除这份学习资料。", 403)
    record(actor, "study.material_delete", target=material, summary=f"删除学习资料“{material.title}”")
    db.session.delete(material)
    db.session.commit()


def can_edit(actor, material: StudyMaterial) -> bool:
    """Admins edit everything; organisers their own and, when unscoped, everything."""
    if actor.role == "admin":
        return True
    if actor.role != "organiser":
        return False
    return material.author_id == actor.id or scope_departments(actor) is None


def managed_materials(actor) -> list[StudyMaterial]:
    """Materials the publisher may change, newest first."""
    query = sa.select(StudyMaterial).order_by(StudyMaterial.published_on.desc(), StudyMaterial.id.desc())
    if actor.role != "admin" and scope_departments(actor) is not None:
        query = query.where(StudyMaterial.author_id == actor.id)
    return list(db.session.scalars(query))


# ---------------------------------------------------------------- reading

def _ancestor_paths(department: Department) -> list[str]:
    parts = department.path.split(PATH_SEPARATOR)
    return [PATH_SEPARATOR.join(parts[:n]) for n in range(1, len(parts) + 1)]


def visible_condition(officer: Officer, today: date | None = None):
    """SQL: materials published by today for everyone or for a department above the officer."""
    limited = sa.select(material_departments.c.material_id).where(
        material_departments.c.material_id == StudyMaterial.id)
    mine = limited.join(Department, Department.id == material_departments.c.department_id).where(
        Department.path.in_(_ancestor_paths(officer.department)))
    return sa.and_(StudyMaterial.published_on <= (today or local_day()),
                   sa.or_(~limited.exists(), mine.exists()))


def materials_for(officer: Officer, series: str | None = None) -> list[tuple[StudyMaterial, object]]:
    """The officer's materials with when he read each (None = unread), newest first."""
    query = (
        sa.select(StudyMaterial, MaterialRead.read_at)
        .outerjoin(MaterialRead, sa.and_(MaterialRead.material_id == StudyMaterial.id,
                                         MaterialRead.officer_id == officer.id))
        .where(visible_condition(officer))
        .order_by(StudyMaterial.published_on.desc(), StudyMaterial.id.desc())
        .options(selectinload(StudyMaterial.attachments))  # the list marks materials with a PDF
    )
    if series:
        query = query.where(StudyMaterial.series == series)
    return [(material, read_at) for material, read_at in db.session.execute(query)]


def unread_count(officer: Officer) -> int:
    """How many visible materials the officer has not opened."""
    read = sa.select(MaterialRead.material_id).where(MaterialRead.officer_id == officer.id,
                                                     MaterialRead.material_id == StudyMaterial.id)
    return int(db.session.scalar(
        sa.select(sa.func.count(StudyMaterial.id)).where(visible_condition(officer), ~read.exists())
    ))


def material_for(officer: Officer, material_id: int) -> StudyMaterial:
    """A material the officer may read, or StudyError 404."""
    material = db.session.scalar(
        sa.select(StudyMaterial).where(StudyMaterial.id == material_id, visible_condition(officer)))
    if material is None:
        raise StudyError("学习资料不存在。", 404)
    return material


def mark_read(officer_id: int, material_id: int) -> None:
    """Remember that the officer opened the material (the first time counts). Commits."""
    insert_ignore(MaterialRead, {"officer_id": officer_id, "material_id": material_id, "read_at": timeutil.now()},
                  ["officer_id", "material_id"])
    db.session.commit()


def series_names() -> list[str]:
    """Series in use, for filters and the publishing form."""
    names = db.session.scalars(sa.select(StudyMaterial.series).where(StudyMaterial.series != "").distinct())
    return sorted(set(names) | {WEEKLY_SERIES})
