"""Site-wide settings admins change on a page: a key/value table with typed defaults.

Read with ``get_setting("study.quarter_target_minutes")``; every key has a
default in SETTINGS, so an empty table behaves like a fresh install.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import Blueprint, Flask, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.orm import Mapped, mapped_column

from . import timeutil
from .auth.access import admin_required
from .errors import DomainError
from .extensions import UTCDateTime, db
from .transactions import transaction


class SiteSetting(db.Model):
    """One changed setting; keys without a row use their default."""

    __tablename__ = "site_settings"

    key: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    value: Mapped[object] = mapped_column(sa.JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=timeutil.now)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("officers.id", ondelete="SET NULL"))


@dataclass(frozen=True)
class SettingSpec:
    """A setting's default, bounds and Chinese label (all settings are whole numbers)."""

    default: int
    label: str
    minimum: int = 0
    maximum: int = 100000
    group: str = ""


SETTINGS: dict[str, SettingSpec] = {
    "study.quarter_target_minutes": SettingSpec(600, "每季度学习目标（分钟）", 0, 100000, "学习时长"),
    "study.daily_cap_minutes": SettingSpec(120, "每日最多计入学习时长（分钟）", 1, 1440, "学习时长"),
    "points.study_minutes_per_block": SettingSpec(30, "学习每满多少分钟计分", 1, 1440, "积分规则"),
    "points.study_points_per_block": SettingSpec(1, "学习每满上述分钟数得分", 0, 1000, "积分规则"),
    "points.study_daily_cap": SettingSpec(4, "学习积分每日上限", 0, 10000, "积分规则"),
    "points.practice_correct_points": SettingSpec(1, "练习每答对一题得分", 0, 1000, "积分规则"),
    "points.practice_daily_cap": SettingSpec(20, "练习积分每日上限", 0, 10000, "积分规则"),
    "points.exam_taken_points": SettingSpec(5, "参加考试得分", 0, 1000, "积分规则"),
    "points.exam_passed_points": SettingSpec(5, "考试合格另得分", 0, 1000, "积分规则"),
    "points.contest_taken_points": SettingSpec(3, "参加知识竞赛得分", 0, 1000, "积分规则"),
    "points.contest_first_points": SettingSpec(10, "知识竞赛第一名另得分", 0, 1000, "积分规则"),
    "points.contest_second_points": SettingSpec(6, "知识竞赛第二名另得分", 0, 1000, "积分规则"),
    "points.contest_third_points": SettingSpec(3, "知识竞赛第三名另得分", 0, 1000, "积分规则"),
}

# Hot paths (the study heartbeat) read settings on every request; a short
# per-process cache keeps that to one query every few seconds per worker.
CACHE_SECONDS = 5.0
_cache: dict[str, tuple[float, object]] = {}


class SettingError(DomainError):
    """A setting value refused, with a Chinese message."""


def _spec(key: str) -> SettingSpec:
    try:
        return SETTINGS[key]
    except KeyError:
        raise KeyError(f"unknown setting {key!r}") from None


def get_setting(key: str) -> int:
    """The current value of a setting (its default when never changed)."""
    spec = _spec(key)
    # Tests empty the tables between cases, so they always read through.
    use_cache = not current_app.testing
    cached = _cache.get(key) if use_cache else None
    if cached is not None and time.monotonic() - cached[0] < CACHE_SECONDS:
        return cached[1]
    value = db.session.scalar(sa.select(SiteSetting.value).where(SiteSetting.key == key))
    value = spec.default if value is None else int(value)
    if use_cache:
        _cache[key] = (time.monotonic(), value)
    return value


def all_settings() -> dict[str, int]:
    """Every setting's current value, in one query."""
    stored = dict(db.session.execute(sa.select(SiteSetting.key, SiteSetting.value)).all())
    return {key: int(stored[key]) if stored.get(key) is not None else spec.default for key, spec in SETTINGS.items()}


def coerce_setting(key: str, value) -> int:
    """A value checked against the setting's type and bounds, or SettingError."""
    spec = _spec(key)
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise SettingError(f"“{spec.label}”应为整数。") from None
    if not spec.minimum <= number <= spec.maximum:
        raise SettingError(f"“{spec.label}”应在{spec.minimum}到{spec.maximum}之间。")
    return number


def set_setting(actor, key: str, value) -> int:
    """Change one setting inside the caller's transaction (audited); returns the value."""
    from .audit.services import record

    number = coerce_setting(key, value)
    old = get_setting(key)
    row = db.session.get(SiteSetting, key)
    if row is None:
        row = SiteSetting(key=key)
        db.session.add(row)
    row.value = number
    row.updated_at = timeutil.now()
    row.updated_by_id = getattr(actor, "id", None)
    if old != number:
        record(actor, "settings.change", target_type="setting", target=key,
               summary=f"修改设置“{SETTINGS[key].label}”：{old} → {number}", key=key, old=old, new=number)
    _cache.pop(key, None)
    return number


def update_settings(actor, values: dict[str, object]) -> list[str]:
    """Change several settings at once, all or nothing; returns the keys changed. Commits."""
    current = all_settings()
    checked = {key: coerce_setting(key, value) for key, value in values.items()}
    changed = [key for key, number in checked.items() if current[key] != number]
    try:
        with transaction():
            for key in changed:
                set_setting(actor, key, checked[key])
    finally:
        clear_cache()
    return changed


def clear_cache() -> None:
    """Forget cached values (after a change, and between tests)."""
    _cache.clear()


# ---------------------------------------------------------------- admin page

bp = Blueprint("site_settings", __name__, url_prefix="/admin/settings")


class SettingsForm(FlaskForm):
    """CSRF only: the fields are the SETTINGS table, validated by coerce_setting."""


@bp.route("/", methods=["GET", "POST"])
@admin_required
def index():
    """Show and change the site settings."""
    form = SettingsForm()
    values = all_settings()
    errors: dict[str, str] = {}
    if form.validate_on_submit():
        submitted = {key: request.form.get(key, "") for key in SETTINGS}
        for key, raw in submitted.items():
            try:
                coerce_setting(key, raw)
            except SettingError as error:
                errors[key] = str(error)
        if not errors:
            changed = update_settings(current_user, submitted)
            flash(f"已保存，修改了{len(changed)}项设置。" if changed else "设置没有变化。", "success")
            return redirect(url_for("site_settings.index"))
        values.update(submitted)
        flash("有设置填写有误，未保存任何修改。", "error")
    groups: dict[str, list[tuple[str, SettingSpec]]] = {}
    for key, spec in SETTINGS.items():
        groups.setdefault(spec.group, []).append((key, spec))
    return render_template("site_settings/index.html", form=form, groups=groups, values=values, errors=errors)


def init_app(app: Flask) -> None:
    """Register the settings table and the admin page."""
    from .audit.services import register_actions
    from .web import register_nav

    app.register_blueprint(bp)
    register_nav("系统设置", "site_settings.index", ("admin",), order=85)
    register_actions({"settings.change": "修改系统设置"})
