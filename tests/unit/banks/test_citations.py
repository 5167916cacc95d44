"""Structured sources: reading a written citation, and which amended articles touch which questions."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.banks.citations import (Citation, CitationError, article_units, check_citation, chinese_number,
                                     cites_amended, format_citation, parse_citation, split_articles)


@pytest.mark.parametrize("text, expected", [
    ("《中国共产党章程》第三条", Citation("中国共产党章程", "第三条")),
    ("《中国共产党章程》 总纲", Citation("中国共产党章程", "总纲")),
    ("  《中国共产党支部工作条例（试行）》第十条 ", Citation("中国共产党支部工作条例（试行）", "第十条")),
    ("中华人民共和国人民警察法第二十二条", Citation("中华人民共和国人民警察法", "第二十二条")),
    ("中华人民共和国人民警察法 第 十七 条 第二款", Citation("中华人民共和国人民警察法", "第十七条第二款")),
    ("公安机关人民警察内务条令", Citation("公安机关人民警察内务条令", "")),
    ("〈中国共产党纪律处分条例〉第七条", Citation("中国共产党纪律处分条例", "第七条")),
])
def test_written_citations_split_into_document_and_article(text, expected):
    assert parse_citation(text) == expected


def test_blank_citation_is_none_and_ambiguous_ones_are_refused():
    assert parse_citation("  ") is None
    with pytest.raises(CitationError, match="只能写一个文件"):
        parse_citation("《中国共产党章程》第三条；《中国共产党纪律处分条例》第七条")
    with pytest.raises(CitationError, match="缺少文件名称"):
        parse_citation("第三条")
    with pytest.raises(CitationError, match="没有出处文件名称"):
        check_citation("", "第三条")
    with pytest.raises(CitationError, match="不带书名号"):
        check_citation("《甲》和《乙》", "")


def test_document_marks_are_dropped_and_written_back():
    citation = check_citation("《中国共产党章程》", " 第 三 条 ")
    assert citation == Citation("中国共产党章程", "第三条")
    assert str(citation) == format_citation("中国共产党章程", "第三条") == "《中国共产党章程》第三条"
    assert format_citation("", "第三条") == ""


@pytest.mark.parametrize("text, number", [("三", 3), ("十", 10), ("十七", 17), ("二十二", 22), ("一百零五", 105),
                                          ("两百", 200), ("12", 12), ("１２", 12)])
def test_chinese_numbers(text, number):
    assert chinese_number(text) == number


def _chinese(number: int) -> str:
    """1–999 in the way regulations number their articles (十七, 二十二, 一百零五)."""
    digits = "零一二三四五六七八九"
    hundreds, rest = divmod(number, 100)
    tens, ones = divmod(rest, 10)
    text = digits[hundreds] + "百" if hundreds else ""
    if tens:
        text += ("" if tens == 1 and not hundreds else digits[tens]) + "十"
    elif hundreds and ones:
        text += "零"
    return text + (digits[ones] if ones else "")


@given(st.integers(1, 999))
def test_every_article_number_reads_back(number):
    assert chinese_number(_chinese(number)) == number
    assert article_units(f"第{_chinese(number)}条") == article_units(f"第{number}条") == (("条", number),)


def test_article_units_and_lists():
    assert article_units("第十七条第二款") == (("条", 17), ("款", 2))
    assert article_units("第三条第一款第（五）项") == (("条", 3), ("款", 1), ("项", 5))
    assert article_units("总纲") == (("名", "总纲"),)
    assert article_units("") == ()
    assert split_articles("第三条、第四十条和总纲") == ["第三条", "第四十条", "总纲"]


@pytest.mark.parametrize("cited, amended, touched", [
    ("第三条", ["第三条"], True),
    ("第3条", ["第三条"], True),
    ("第三条第二款", ["第三条"], True),       # a paragraph of an amended article
    ("第三条", ["第三条第二款"], True),       # the whole article, one paragraph of which changed
    ("第三条第一款", ["第三条第二款"], False),
    ("第三条", ["第三十条"], False),
    ("第三十条", ["第三条"], False),
    ("总纲", ["总纲", "第三条"], True),
    ("总纲", ["第三条"], False),
    ("", ["第三条"], True),                    # cites the whole document
    ("第五十条", [], True),                    # the whole document was amended
    ("第二条、第三条", ["第三条"], True),
])
def test_which_questions_an_amendment_touches(cited, amended, touched):
    assert cites_amended(cited, amended) is touched
