"""Hostile or broken files: errors, never exceptions (property-based for arbitrary bytes)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizapp.banks.formats import MAX_FILE_BYTES, PARSERS, parse_file
from tests.hostile_files import declared_zip_bomb

NAMES = ["a.xlsx", "a.xls", "a.csv", "a.docx", "a.txt", "a.gift", "a.json", "a", "a.exe"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=2048), name=st.sampled_from(NAMES))
def test_arbitrary_bytes_through_detection_give_errors_not_exceptions(data, name):
    result = parse_file(name, data)
    assert result.questions or result.errors


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=1024) | st.text(max_size=400).map(lambda t: t.encode("utf-8")),
       fmt=st.sampled_from(sorted(PARSERS)))
def test_arbitrary_bytes_into_every_parser_give_errors_not_exceptions(data, fmt):
    result = PARSERS[fmt]("a." + fmt, data)
    assert result.questions or result.errors


@settings(max_examples=40, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("1.、A)B答案：解析{}=~#TF:$\n ABCD对错（）_")), max_size=300))
def test_structured_noise_never_raises(text):
    for name in ("a.txt", "a.gift"):
        result = parse_file(name, text.encode())
        assert result.questions or result.errors


def test_zip_bomb_is_refused():
    result = parse_file("bomb.xlsx", declared_zip_bomb())
    assert not result.questions
    assert "过大" in result.errors[0].message


def test_huge_file_is_refused_before_parsing():
    result = parse_file("big.txt", b"1. x\n" * (MAX_FILE_BYTES // 5 + 1))
    assert "MB" in result.errors[0].message


@pytest.mark.parametrize("name,data,words", [
    ("bank.xlsx", b"this is not excel", "Excel"),
    ("bank.docx", b"plain text", "Word"),
    ("bank.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "docx"),
    ("bank.zip", b"PK\x03\x04" + b"\0" * 100, "压缩"),
    ("bank.txt", bytes(range(256)) * 4, "二进制"),
])
def test_wrong_extension_or_garbage_gets_a_clear_message(name, data, words):
    result = parse_file(name, data)
    assert not result.questions
    assert words in result.errors[0].message
