"""Departments (a tree) and officers."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import UTCDateTime, db
from .. import timeutil

ROLES = ("officer", "organiser", "admin")
ROLE_NAMES = {"民警": "officer", "组织者": "organiser", "管理员": "admin"}
POLITICAL_STATUSES = ("中共党员", "中共预备党员", "入党积极分子", "共青团员", "群众")
PATH_SEPARATOR = "/"


class Department(db.Model):
    """A unit of the bureau; ``path`` is the full name from the root, e.g. 市局/治安大队."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"), index=True)
    path: Mapped[str] = mapped_column(sa.String(500), unique=True)

    parent: Mapped[Department | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Department]] = relationship(back_populates="parent", order_by="Department.name")

    @property
    def depth(self) -> int:
        """0 for the root, 1 for its children and so on."""
        return self.path.count(PATH_SEPARATOR)

    def subtree_clause(self):
        """SQL condition selecting this department and everything below it."""
        return sa.or_(
            Department.id == self.id,
            Department.path.startswith(self.path + PATH_SEPARATOR, autoescape=True),
        )

    def __repr__(self) -> str:
        return f"<Department {self.path}>"


organiser_scopes = sa.Table(
    "organiser_scopes",
    db.metadata,
    sa.Column("officer_id", sa.ForeignKey("officers.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("department_id", sa.ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True),
)


class OfficerTag(db.Model):
    """A group that cuts across departments (党务工作者, 辅警, …)."""

    __tablename__ = "officer_tags"

    officer_id: Mapped[int] = mapped_column(sa.ForeignKey("officers.id", ondelete="CASCADE"), primary_key=True)
    tag: Mapped[str] = mapped_column(sa.String(50), primary_key=True, index=True)


class Officer(UserMixin, db.Model):
    """A person who logs in: officer, organiser or admin, identified by badge (警号)."""

    __tablename__ = "officers"

    id: Mapped[int] = mapped_column(primary_key=True)
    badge: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(50))
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id"), index=True)
    role: Mapped[str] = mapped_column(sa.String(16), default="officer")
    active: Mapped[bool] = mapped_column(default=True)
    # A service account (made by `quizapp create-admin` without a department) logs in
    # and administers but is nobody the bureau counts: see ``counts_as_officer``.
    is_service_account: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    must_change_password: Mapped[bool] = mapped_column(default=False)
    political_status: Mapped[str | None] = mapped_column(sa.String(20))
    email: Mapped[str | None] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=timeutil.now)

    department: Mapped[Department] = relationship(lazy="joined", innerjoin=True)
    tag_rows: Mapped[list[OfficerTag]] = relationship(cascade="all, delete-orphan", order_by=OfficerTag.tag)
    scope_departments: Mapped[list[Department]] = relationship(secondary=organiser_scopes)

    __table_args__ = (sa.CheckConstraint("role in ('officer', 'organiser', 'admin')", name="role"),)

    @property
    def tags(self) -> list[str]:
        """Group tags as plain strings."""
        return [row.tag for row in self.tag_rows]

    @property
    def groups(self) -> list[str]:
        """Political status and tags together: what exams narrow candidates by."""
        return ([self.political_status] if self.political_status else []) + self.tags

    @property
    def is_active(self) -> bool:  # Flask-Login: inactive officers cannot log in
        return self.active

    @hybrid_property
    def counts_as_officer(self) -> bool:
        """Active and not a service account: who is invited, sampled and counted in rosters,
        reports, study targets, leaderboards and contests. Works in Python and in SQL."""
        return self.active and not self.is_service_account

    @counts_as_officer.inplace.expression
    @classmethod
    def _counts_as_officer_expression(cls):
        return sa.and_(cls.active.is_(True), cls.is_service_account.is_(False))

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_organiser(self) -> bool:
        """Organisers and admins may run exams."""
        return self.role in ("organiser", "admin")

    def __repr__(self) -> str:
        return f"<Officer {self.badge} {self.name}>"
