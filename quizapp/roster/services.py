"""Roster use cases: import, officer management, organiser scopes."""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from .. import labels, signals
from ..audit.services import record
from ..auth.passwords import generate_password, hash_password
from ..auth.services import revoke_everything
from ..errors import DomainError
from ..extensions import db
from ..transactions import transaction
from .importer import RowError, parse_roster
from .models import PATH_SEPARATOR, ROLES, Department, Officer, OfficerTag


class RosterError(DomainError):
    """A roster change refused, with a Chinese message."""


# ---------------------------------------------------------------- departments

def departments_by_path() -> dict[str, Department]:
    """Every department keyed by its full path."""
    return {d.path: d for d in db.session.scalars(sa.select(Department))}


def ensure_department(path: str, known: dict[str, Department] | None = None) -> Department:
    """The department at this path, creating it and its missing parents."""
    known = departments_by_path() if known is None else known
    parent = None
    parts = path.split(PATH_SEPARATOR)
    for depth in range(1, len(parts) + 1):
        prefix = PATH_SEPARATOR.join(parts[:depth])
        department = known.get(prefix)
        if department is None:
            department = Department(name=parts[depth - 1], parent=parent, path=prefix)
            db.session.add(department)
            known[prefix] = department
        parent = department
    return department


def department_tree() -> list[Department]:
    """All departments in tree order (by path)."""
    return list(db.session.scalars(sa.select(Department).order_by(Department.path)))


def subtree_condition(departments) -> sa.ColumnElement:
    """SQL: Department is one of these or below one of them."""
    clauses = [d.subtree_clause() for d in departments]
    return sa.or_(*clauses) if clauses else sa.false()


def scope_departments(user) -> list[Department] | None:
    """The subtrees an organiser is limited to; None means the whole bureau."""
    if user.role == "admin" or not user.scope_departments:
        return None
    return list(user.scope_departments)


def in_scope(user, department: Department) -> bool:
    """Whether the user may act on this department."""
    scopes = scope_departments(user)
    if scopes is None:
        return user.role in ("admin", "organiser")
    return any(department.path == s.path or department.path.startswith(s.path + PATH_SEPARATOR) for s in scopes)


def departments_visible_to(user) -> list[Department]:
    """Departments an organiser or admin may choose."""
    query = sa.select(Department).order_by(Department.path)
    scopes = scope_departments(user)
    if scopes is not None:
        query = query.where(subtree_condition(scopes))
    return list(db.session.scalars(query))


# ---------------------------------------------------------------- import

@dataclass
class OfficerChange:
    badge: str
    name: str
    changes: list[str]


@dataclass
class RosterImportReport:
    """What an import did (or would do, on a dry run)."""

    errors: list[RowError] = field(default_factory=list)
    new: list[dict] = field(default_factory=list)
    changed: list[OfficerChange] = field(default_factory=list)
    unchanged: int = 0
    absent: list[dict] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)
    new_departments: list[str] = field(default_factory=list)
    generated_passwords: list[dict] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "dry_run": self.dry_run,
            "errors": [e.as_dict() for e in self.errors],
            "new": self.new,
            "changed": [{"badge": c.badge, "name": c.name, "changes": c.changes} for c in self.changed],
            "unchanged": self.unchanged,
            "absent": self.absent,
            "deactivated": self.deactivated,
            "new_departments": self.new_departments,
            "generated_passwords": self.generated_passwords,
        }


ROLE_LABELS = labels.ROLES


def import_roster(filename: str, data: bytes, actor=None, *, dry_run: bool = False,
                  deactivate_absent: bool = False) -> RosterImportReport:
    """Import a roster file in one transaction; any bad row rejects the whole file.

    Existing officers (by badge) are updated in place and keep their passwords;
    new officers get the file's password or a generated one, shown once in the
    report. Officers missing from the file are listed, and deactivated only when
    asked to.
    """
    report = RosterImportReport(dry_run=dry_run)
    parsed = parse_roster(filename, data)
    if parsed.errors:
        report.errors = parsed.errors
        return report

    known = departments_by_path()
    existing = {
        o.badge: o
        for o in db.session.scalars(sa.select(Officer).options(sa.orm.selectinload(Officer.tag_rows)))
    }
    in_file = set()
    for row in parsed.rows:
        in_file.add(row.badge)
        if row.department_path not in known:
            for depth in range(1, row.department_path.count(PATH_SEPARATOR) + 2):
                prefix = PATH_SEPARATOR.join(row.department_path.split(PATH_SEPARATOR)[:depth])
                if prefix not in known and prefix not in report.new_departments:
                    report.new_departments.append(prefix)
        officer = existing.get(row.badge)
        if officer is None:
            report.new.append({"badge": row.badge, "name": row.name, "department": row.department_path,
                               "role": ROLE_LABELS[row.role]})
            continue
        changes = []
        if officer.name != row.name:
            changes.append(f"姓名：{officer.name} → {row.name}")
        if officer.department.path != row.department_path:
            changes.append(f"部门：{officer.department.path} → {row.department_path}")
        if officer.role != row.role:
            changes.append(f"角色：{ROLE_LABELS[officer.role]} → {ROLE_LABELS[row.role]}")
        if (officer.political_status or None) != row.political_status:
            changes.append(f"政治面貌：{officer.political_status or '无'} → {row.political_status or '无'}")
        if officer.tags != row.tags:
            changes.append(f"标签：{'、'.join(officer.tags) or '无'} → {'、'.join(row.tags) or '无'}")
        if row.email and officer.email != row.email:
            changes.append(f"邮箱：{officer.email or '无'} → {row.email}")
        if changes:
            report.changed.append(OfficerChange(row.badge, row.name, changes))
        else:
            report.unchanged += 1
    actor_id = getattr(actor, "id", None)
    report.absent = [
        {"badge": o.badge, "name": o.name, "department": o.department.path, "active": o.active}
        for o in sorted(existing.values(), key=lambda o: o.badge)
        # Service accounts are not on the bureau's roster: never "absent" from it, never deactivated by it.
        if o.badge not in in_file and o.active and o.id != actor_id and not o.is_service_account
    ]
    if dry_run:
        return report

    with transaction():
        touched = []  # officers whose exams may change: new, moved or regrouped
        for row in parsed.rows:
            department = ensure_department(row.department_path, known)
            officer = existing.get(row.badge)
            if officer is None:
                password = row.password
                if password is None:
                    password = generate_password()
                    report.generated_passwords.append({"badge": row.badge, "name": row.name, "password": password,
                                                       "department": row.department_path})
                officer = Officer(
                    badge=row.badge, name=row.name, department=department, role=row.role,
                    password_hash=hash_password(password), must_change_password=row.password is None,
                    political_status=row.political_status, email=row.email,
                )
                officer.tag_rows = [OfficerTag(tag=t) for t in row.tags]
                db.session.add(officer)
                touched.append(officer)
                continue
            if (officer.department is not department or (officer.political_status or None) != row.political_status
                    or officer.tags != row.tags):
                touched.append(officer)
            if officer.role != row.role:
                record(actor, "officer.role", target=officer,
                       summary=f"{officer.name}（{officer.badge}）角色 {ROLE_LABELS[officer.role]} → {ROLE_LABELS[row.role]}（名单导入）",
                       old=officer.role, new=row.role)
            officer.name = row.name
            officer.department = department
            officer.role = row.role
            officer.political_status = row.political_status
            if row.email:
                officer.email = row.email
            if officer.tags != row.tags:
                officer.tag_rows = [OfficerTag(tag=t) for t in row.tags]
        if deactivate_absent:
            for entry in report.absent:
                officer = existing[entry["badge"]]
                officer.active = False
                revoke_everything(officer)
                report.deactivated.append(officer.badge)
        record(
            actor, "roster.import", target_type="roster",
            summary=(f"导入名单“{filename}”：新增{len(report.new)}人，变更{len(report.changed)}人，"
                     f"未变{report.unchanged}人，名单外{len(report.absent)}人"
                     + (f"，停用{len(report.deactivated)}人" if report.deactivated else "")),
            filename=filename, new=len(report.new), changed=len(report.changed),
            absent=len(report.absent), deactivated=report.deactivated,
            new_departments=report.new_departments,
        )
        db.session.flush()
        signals.roster_changed.send([officer.id for officer in touched])
    return report


# ---------------------------------------------------------------- officers

@dataclass
class OfficerFilter:
    text: str | None = None
    department_id: int | None = None
    role: str | None = None
    active: bool | None = None
    group: str | None = None
    service_account: bool | None = None


def officer_query(criteria: OfficerFilter, viewer=None):
    """A select of officers matching the filter, within the viewer's scope."""
    query = sa.select(Officer).join(Officer.department).order_by(Department.path, Officer.badge)
    if criteria.text:
        pattern = f"%{criteria.text.strip()}%"
        query = query.where(sa.or_(Officer.badge.like(pattern), Officer.name.like(pattern)))
    if criteria.department_id:
        department = db.session.get(Department, criteria.department_id)
        if department is not None:
            query = query.where(department.subtree_clause())
    if criteria.role in ROLES:
        query = query.where(Officer.role == criteria.role)
    if criteria.active is not None:
        query = query.where(Officer.active.is_(criteria.active))
    if criteria.service_account is not None:
        query = query.where(Officer.is_service_account.is_(criteria.service_account))
    if criteria.group:
        query = query.where(sa.or_(
            Officer.political_status == criteria.group,
            Officer.id.in_(sa.select(OfficerTag.officer_id).where(OfficerTag.tag == criteria.group)),
        ))
    if viewer is not None:
        scopes = scope_departments(viewer)
        if scopes is not None:
            query = query.where(subtree_condition(scopes))
    return query


def _label(officer: Officer) -> str:
    return f"{officer.name}（{officer.badge}）"


def change_role(actor, officer: Officer, role: str) -> None:
    """Give an officer another role (audited). Commits."""
    if role not in ROLES:
        raise RosterError("角色无效。")
    if officer.id == getattr(actor, "id", None) and role != "admin":
        raise RosterError("不能取消自己的管理员角色。")
    if officer.role == role:
        return
    record(actor, "officer.role", target=officer,
           summary=f"{_label(officer)}角色 {ROLE_LABELS[officer.role]} → {ROLE_LABELS[role]}", old=officer.role, new=role)
    officer.role = role
    db.session.commit()


def move_officer(actor, officer: Officer, department: Department) -> None:
    """Move an officer to another department (audited). Commits."""
    if officer.department_id == department.id:
        return
    record(actor, "officer.department", target=officer,
           summary=f"{_label(officer)}部门 {officer.department.path} → {department.path}",
           old=officer.department.path, new=department.path)
    with transaction():
        officer.department = department
        signals.roster_changed.send([officer.id])


def set_active(actor, officer: Officer, active: bool) -> None:
    """Deactivate (sessions end at once) or reactivate an officer (audited). Commits."""
    if officer.id == getattr(actor, "id", None) and not active:
        raise RosterError("不能停用自己的账号。")
    if officer.active == active:
        return
    officer.active = active
    if not active:
        revoke_everything(officer)
    with transaction():
        record(actor, "officer.reactivate" if active else "officer.deactivate", target=officer,
               summary=f"{'启用' if active else '停用'}{_label(officer)}")
        if active:
            db.session.flush()
            signals.roster_changed.send([officer.id])


def set_service_account(actor, officer: Officer, service: bool) -> None:
    """Mark an account as a service account (never counted as an officer) or back (audited). Commits.

    A service account leaves the exams it has not started yet; an account made an
    officer again is invited to the open full-staff exams it is eligible for.
    """
    if officer.is_service_account == service:
        return
    with transaction():
        officer.is_service_account = service
        record(actor, "officer.service_account", target=officer,
               summary=f"{_label(officer)}{'设为服务账号' if service else '取消服务账号，计为民警'}", service=service)
        db.session.flush()
        (signals.officers_uncounted if service else signals.roster_changed).send([officer.id])


def set_email(actor, officer: Officer, email: str | None) -> None:
    """Set or clear the officer's notification address (audited). Commits."""
    email = (email or "").strip() or None
    if officer.email == email:
        return
    record(actor, "officer.email", target=officer, summary=f"{_label(officer)}邮箱：{email or '清除'}")
    officer.email = email
    db.session.commit()


def reset_password(actor, officer: Officer) -> str:
    """Give an officer a new generated password, to change at next login (audited). Commits."""
    password = generate_password()
    officer.password_hash = hash_password(password)
    officer.must_change_password = True
    revoke_everything(officer)
    record(actor, "officer.password_reset", target=officer, summary=f"重置{_label(officer)}的密码")
    db.session.commit()
    return password


def set_scope(actor, officer: Officer, departments: list[Department]) -> None:
    """Limit an organiser to department subtrees; empty means the whole bureau (audited). Commits."""
    old = sorted(d.path for d in officer.scope_departments)
    new = sorted(d.path for d in departments)
    if old == new:
        return
    officer.scope_departments = list(departments)
    record(actor, "officer.scope", target=officer,
           summary=f"{_label(officer)}管理范围：{'、'.join(new) or '全局'}", old=old, new=new)
    db.session.commit()


SERVICE_ACCOUNT_DEPARTMENT = "市公安局"


def create_admin(badge: str, name: str, password: str, department_path: str | None = None) -> Officer:
    """Create (or promote) an admin from the command line. Commits.

    Without a department the new account is a service account (it administers but is
    nobody the bureau counts), kept in a top-level department of its own; with one it is
    an officer of that department. Promoting an existing officer keeps his department.
    """
    from ..auth.passwords import password_problem

    problem = password_problem(password, badge)
    if problem:
        raise RosterError(problem)
    officer = db.session.scalar(sa.select(Officer).where(Officer.badge == badge))
    if officer is None:
        officer = Officer(badge=badge, name=name, department=ensure_department(department_path or SERVICE_ACCOUNT_DEPARTMENT),
                          role="admin", password_hash=hash_password(password),
                          is_service_account=department_path is None)
        db.session.add(officer)
        db.session.flush()
    else:
        officer.name, officer.role, officer.active = name, "admin", True
        officer.password_hash = hash_password(password)
        officer.must_change_password = False
    kind = "服务账号" if officer.is_service_account else "管理员"
    with transaction():
        record(None, "officer.create_admin", target=officer, summary=f"命令行创建{kind}{_label(officer)}")
        signals.roster_changed.send([officer.id])
    return officer
