"""Parsing a roster file into checked rows (no database access)."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ..tabular import TableError, column_letter, find_header, read_rows
from .models import PATH_SEPARATOR, POLITICAL_STATUSES, ROLE_NAMES, ROLES

HEADER_ALIASES = {
    "badge": {"警号", "badge", "工号"},
    "name": {"姓名", "name"},
    "department": {"部门", "单位", "department"},
    "role": {"角色", "role"},
    "password": {"密码", "password", "初始密码"},
    "political_status": {"政治面貌", "political_status"},
    "tags": {"标签", "tags", "分组"},
    "email": {"邮箱", "email", "电子邮箱"},
}
COLUMN_LABELS = {
    "badge": "警号", "name": "姓名", "department": "部门", "role": "角色",
    "password": "密码", "political_status": "政治面貌", "tags": "标签", "email": "邮箱",
}
REQUIRED = {"badge", "name", "department"}
BADGE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class RowError:
    """A problem with one cell: 1-based row, column label, Chinese message."""

    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}

    def __str__(self) -> str:
        return f"第{self.row}行 {self.column}：{self.message}"


@dataclass
class RosterRow:
    """One officer as the file states him."""

    row: int
    badge: str
    name: str
    department_path: str
    role: str
    password: str | None
    political_status: str | None
    tags: list[str] = field(default_factory=list)
    email: str | None = None


@dataclass
class ParsedRoster:
    rows: list[RosterRow]
    errors: list[RowError]


def normalise_path(raw: str) -> str:
    """市局 / 治安大队／一中队 → 市局/治安大队/一中队."""
    text = unicodedata.normalize("NFKC", raw).replace("\\", PATH_SEPARATOR)
    parts = [part.strip() for part in text.split(PATH_SEPARATOR)]
    return PATH_SEPARATOR.join(part for part in parts if part)


def parse_role(raw: str) -> str | None:
    """民警/组织者/管理员 or the codes; empty means officer."""
    text = raw.strip()
    if not text:
        return "officer"
    if text in ROLE_NAMES:
        return ROLE_NAMES[text]
    if text.lower() in ROLES:
        return text.lower()
    return None


def parse_roster(filename: str, data: bytes) -> ParsedRoster:
    """Read and check every row; errors list each bad cell by row and column."""
    try:
        table = read_rows(filename, data)
    except TableError as exc:
        return ParsedRoster([], [RowError(0, "文件", str(exc))])
    found = find_header(table, HEADER_ALIASES, REQUIRED)
    if found is None:
        return ParsedRoster([], [RowError(1, "表头", "找不到表头行，需要包含“警号、姓名、部门”列（可选：角色、密码、政治面貌、标签）。")])
    header_index, columns = found
    rows: list[RosterRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}

    def cell(values: list[str], key: str) -> str:
        col = columns.get(key)
        return values[col].strip() if col is not None and col < len(values) else ""

    for offset, values in enumerate(table[header_index + 1:], start=header_index + 2):
        if not any(v.strip() for v in values):
            continue
        row_errors: list[RowError] = []

        def problem(key: str, message: str) -> None:
            row_errors.append(RowError(offset, COLUMN_LABELS[key], message))

        badge = unicodedata.normalize("NFKC", cell(values, "badge")).strip()
        name = cell(values, "name")
        path = normalise_path(cell(values, "department"))
        if not badge:
            problem("badge", "警号不能为空。")
        elif not BADGE_PATTERN.match(badge):
            problem("badge", f"警号“{badge}”格式不正确，只能包含字母、数字、下划线或连字符，最长32位。")
        elif badge in seen:
            problem("badge", f"警号“{badge}”与第{seen[badge]}行重复。")
        if not name:
            problem("name", "姓名不能为空。")
        elif len(name) > 50:
            problem("name", "姓名过长（最多50个字）。")
        if not path:
            problem("department", "部门不能为空。")
        elif any(len(part) > 100 for part in path.split(PATH_SEPARATOR)):
            problem("department", "部门名称过长（每级最多100个字）。")
        role = parse_role(cell(values, "role"))
        if role is None:
            problem("role", f"角色“{cell(values, 'role')}”无效，应为民警、组织者或管理员。")
        password = cell(values, "password") or None
        if password is not None and len(password) < 6:
            problem("password", "密码至少需要6位；留空则自动生成初始密码。")
        status = cell(values, "political_status") or None
        if status is not None and status not in POLITICAL_STATUSES:
            problem("political_status", f"政治面貌“{status}”无效，应为{'、'.join(POLITICAL_STATUSES)}之一。")
        tags = [t.strip() for t in re.split(r"[,，、;；]", cell(values, "tags")) if t.strip()]
        if any(len(t) > 50 for t in tags):
            problem("tags", "标签过长（每个最多50个字）。")
        email = cell(values, "email") or None
        if email is not None and not EMAIL_PATTERN.match(email):
            problem("email", f"邮箱“{email}”格式不正确。")

        if badge and badge not in seen:
            seen[badge] = offset
        if row_errors:
            errors.extend(row_errors)
            continue
        rows.append(RosterRow(offset, badge, name, path, role, password, status, sorted(set(tags)), email))

    if not rows and not errors:
        errors.append(RowError(header_index + 2, "文件", "表头下面没有人员数据。"))
    return ParsedRoster(rows, errors)


__all__ = ["ParsedRoster", "RosterRow", "RowError", "parse_roster", "column_letter"]
