"""Roster files in every accepted format, built in memory."""
from __future__ import annotations

import io

HEADER = ["警号", "姓名", "部门", "角色", "密码", "政治面貌", "标签"]


def xlsx_bytes(rows: list[list], header=HEADER, preamble: list[list] | None = None) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in preamble or []:
        sheet.append(row)
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xls_bytes(rows: list[list], header=HEADER) -> bytes:
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("名单")
    for r, row in enumerate([header] + rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list], encoding: str = "utf-8", header=HEADER) -> bytes:
    import csv

    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    return text.getvalue().encode(encoding)


def bureau_rows(count: int = 99) -> list[list]:
    """A realistic roster of ``count`` officers across five departments."""
    departments = ["市公安局/政治处", "市公安局/治安大队", "市公安局/刑侦大队",
                   "市公安局/城关派出所", "市公安局/城南派出所/社区警务队"]
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
    given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚"
    rows = []
    for i in range(count):
        rows.append([f"{310000 + i}", surnames[i % 20] + given[(i * 7) % 20], departments[i % 5],
                     "民警", "", "中共党员" if i % 3 else "入党积极分子", "党务工作者" if i % 10 == 0 else ""])
    return rows
