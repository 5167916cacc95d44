"""Parsing roster files: formats, encodings, header detection and row errors."""
from __future__ import annotations


import pytest
from hypothesis import given, settings, strategies as st

from quizapp.roster.importer import parse_roster
from tests.hostile_files import declared_zip_bomb
from tests.roster_files import HEADER, bureau_rows, csv_bytes, xls_bytes, xlsx_bytes

GOOD = [["010001", "张伟", "市公安局/治安大队", "民警", "", "中共党员", "党务工作者，辅警"],
        ["010002", "李娜", "市公安局 / 城关派出所", "组织者", "Start2026", "", ""],
        ["010003", "王强", "市公安局／刑侦大队", "admin", "", "群众", ""]]


@pytest.mark.parametrize("maker,name", [(xlsx_bytes, "r.xlsx"), (xls_bytes, "r.xls"),
                                        (lambda rows: csv_bytes(rows, "utf-8"), "r.csv"),
                                        (lambda rows: csv_bytes(rows, "utf-8-sig"), "r.csv"),
                                        (lambda rows: csv_bytes(rows, "gb18030"), "r.csv")])
def test_every_format_and_encoding_reads_the_same_rows(maker, name):
    parsed = parse_roster(name, maker(GOOD))
    assert parsed.errors == []
    assert [(r.badge, r.name, r.department_path, r.role) for r in parsed.rows] == [
        ("010001", "张伟", "市公安局/治安大队", "officer"),
        ("010002", "李娜", "市公安局/城关派出所", "organiser"),
        ("010003", "王强", "市公安局/刑侦大队", "admin"),
    ]
    assert parsed.rows[0].tags == ["党务工作者", "辅警"]
    assert parsed.rows[1].password == "Start2026" and parsed.rows[0].password is None


def test_header_is_found_below_a_title_row_and_badges_stay_text():
    data = xlsx_bytes([[10001, "张伟", "市公安局", "", None, None, None]], preamble=[["X市公安局民警名单（2026年）"]])
    parsed = parse_roster("r.xlsx", data)
    assert parsed.errors == []
    assert parsed.rows[0].badge == "10001" and parsed.rows[0].role == "officer"


def test_every_bad_row_is_listed_by_row_and_column_in_chinese():
    rows = [["010001", "张伟", "市公安局/治安大队", "民警", "", "", ""],
            ["", "无警号", "市公安局", "", "", "", ""],
            ["010001", "重复", "市公安局", "", "", "", ""],
            ["010004", "", "", "队长", "123", "党员", ""]]
    parsed = parse_roster("r.csv", csv_bytes(rows))
    found = {(e.row, e.column) for e in parsed.errors}
    assert found == {(3, "警号"), (4, "警号"), (5, "姓名"), (5, "部门"), (5, "角色"), (5, "密码"), (5, "政治面貌")}
    duplicate = next(e for e in parsed.errors if e.row == 4)
    assert "第2行重复" in duplicate.message


def test_missing_header_is_one_clear_error():
    parsed = parse_roster("r.csv", "名字,单位\n张三,市局\n".encode())
    assert len(parsed.errors) == 1 and "找不到表头" in parsed.errors[0].message


@pytest.mark.parametrize("name,data,message", [
    ("r.xlsx", b"this is not a workbook", "不是有效的Excel"),
    ("r.xlsx", b"PK\x03\x04broken zip", "损坏"),
    ("r.csv", b"", "空"),
    ("r.csv", bytes(range(256)) * 10, ""),
])
def test_broken_files_are_errors_not_crashes(name, data, message):
    parsed = parse_roster(name, data)
    assert parsed.rows == [] and parsed.errors
    assert message in parsed.errors[0].message


def test_zip_bomb_is_refused():
    parsed = parse_roster("bomb.xlsx", declared_zip_bomb())
    assert "疑似恶意文件" in parsed.errors[0].message


def test_a_99_officer_roster_parses_cleanly():
    parsed = parse_roster("bureau.xlsx", xlsx_bytes(bureau_rows(99)))
    assert parsed.errors == [] and len(parsed.rows) == 99


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2048), st.sampled_from(["r.csv", "r.xlsx", "r.xls", "r.txt", "r"]))
def test_arbitrary_bytes_give_errors_never_exceptions(data, name):
    parsed = parse_roster(name, data)
    assert parsed.rows or parsed.errors


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.text(max_size=12), min_size=len(HEADER), max_size=len(HEADER)), max_size=8))
def test_arbitrary_cells_give_rows_or_row_errors(rows):
    parsed = parse_roster("r.csv", csv_bytes(rows))
    assert all(e.row >= 0 and e.message for e in parsed.errors)
