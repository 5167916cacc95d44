"""The initial passwords of a roster import, handed over once: as an xlsx and as printed slips.

Nothing here is stored. The passwords exist only in the one response that shows
the import result: the xlsx travels inside that page as a ``data:`` link, and the
slips are that page printed. Once the admin leaves the page they are gone — the
database keeps only their hashes, and the page is sent with ``Cache-Control:
no-store`` so the browser does not keep it either.
"""
from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup
from openpyxl import Workbook

from ..qrcodes import qr_svg
from ..reports.xlsx import XLSX_MIMETYPE, add_sheet, workbook_bytes



@dataclass(frozen=True)
class Slip:
    """One officer's cut-out: who, the initial password, where to log in."""

    name: str
    badge: str
    department: str
    password: str
    address: str


def passwords_xlsx(passwords: Sequence[dict], address: str) -> bytes:
    """The generated passwords as a workbook (警号, 姓名, 部门, 初始密码, 登录地址)."""
    workbook = Workbook()
    add_sheet(workbook, "初始密码", ["警号", "姓名", "部门", "初始密码", "登录地址"], (
        (p["badge"], p["name"], p.get("department", ""), p["password"], address) for p in passwords))
    return workbook_bytes(workbook)


def passwords_xlsx_link(passwords: Sequence[dict], address: str) -> str:
    """The workbook as a data: URL for a download link on the result page (never stored)."""
    return f"data:{XLSX_MIMETYPE};base64," + base64.b64encode(passwords_xlsx(passwords, address)).decode("ascii")


def slips(passwords: Sequence[dict], address: str) -> list[Slip]:
    """One slip per officer, in the order of the file."""
    return [Slip(p["name"], p["badge"], p.get("department", ""), p["password"], address) for p in passwords]


def login_qr(address: str) -> Markup:
    """The QR code on every slip: the site's login page (the same for all, so served once as a file)."""
    return qr_svg(address, title="扫码打开登录页")
