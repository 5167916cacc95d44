"""Writing and reading the audit log."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import has_request_context, request

from ..extensions import db
from ..labels import AUDIT_ACTIONS
from .models import AuditEntry

# Action codes and their Chinese labels, extended by each area as it registers.
# The one registry of audit-action names (labels.AUDIT_ACTIONS), under the name this area uses.
ACTION_LABELS = AUDIT_ACTIONS
ACTION_LABELS.update({
    "roster.import": "导入人员名单",
    "officer.role": "修改角色",
    "officer.department": "调整部门",
    "officer.deactivate": "停用账号",
    "officer.reactivate": "启用账号",
    "officer.password_reset": "重置密码",
    "officer.scope": "设置管理范围",
    "officer.email": "修改邮箱",
    "officer.create_admin": "创建管理员",
    "officer.service_account": "设置服务账号",
})


def register_actions(labels: dict[str, str]) -> None:
    """Let an area name its audit actions in Chinese."""
    ACTION_LABELS.update(labels)


def record(actor, action: str, *, target=None, target_type: str | None = None,
           summary: str = "", **details) -> AuditEntry:
    """Add an audit entry to the caller's transaction (the caller commits)."""
    if target is not None and target_type is None:
        target_type = type(target).__name__.lower()
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        action=action,
        target_type=target_type,
        target_id=str(getattr(target, "id", target)) if target is not None else None,
        summary=summary,
        details=details,
        address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    return entry


# Long texts (a stem, an explanation) are kept whole up to this many characters per side.
CHANGE_TEXT_LIMIT = 500


def _shown(value: str) -> str:
    value = value or ""
    return value if len(value) <= CHANGE_TEXT_LIMIT else value[:CHANGE_TEXT_LIMIT] + "……"


def field_changes(before: Mapping[str, str], after: Mapping[str, str]) -> list[dict]:
    """What an edit changed, for ``record(..., changes=...)``: [{"field", "before", "after"}].

    ``before`` and ``after`` map Chinese field names to the values as people read
    them (易/中/难, not 1–3); only the fields whose shown value differs are kept,
    in ``after``'s order.
    """
    return [{"field": name, "before": _shown(before.get(name, "")), "after": _shown(value)}
            for name, value in after.items() if (before.get(name) or "") != (value or "")]


def changes_text(entry: AuditEntry) -> str:
    """An entry's changes as lines of "field：before → after" (for the xlsx export)."""
    changes = (entry.details or {}).get("changes") or []
    return "\n".join(f"{c['field']}：{c['before'] or '（空）'} → {c['after'] or '（空）'}" for c in changes)


@dataclass
class AuditFilter:
    """What the audit viewer narrows by."""

    actor: str | None = None  # badge or name fragment
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    text: str | None = None


def audit_query(criteria: AuditFilter):
    """A select of audit entries matching the filter, newest first."""
    from ..roster.models import Officer

    query = sa.select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if criteria.actor:
        pattern = f"%{criteria.actor}%"
        query = query.join(Officer, AuditEntry.actor_id == Officer.id).where(
            sa.or_(Officer.badge.like(pattern), Officer.name.like(pattern))
        )
    if criteria.action:
        query = query.where(AuditEntry.action == criteria.action)
    if criteria.since:
        query = query.where(AuditEntry.at >= criteria.since)
    if criteria.until:
        query = query.where(AuditEntry.at < criteria.until)
    if criteria.text:
        query = query.where(AuditEntry.summary.like(f"%{criteria.text}%"))
    return query
