"""Chapters sort in natural Chinese order, whether numbered in words or digits."""
from quizapp.banks.chapters import sorted_chapters


def test_chinese_numerals_sort_as_numbers():
    assert sorted_chapters(["第十章", "第二章", "第十一章", "第一章", "第一百零五章", "第九章"]) == [
        "第一章", "第二章", "第九章", "第十章", "第十一章", "第一百零五章"]


def test_digits_sort_as_numbers_with_or_without_leading_zeros():
    assert sorted_chapters(["第10讲", "第02讲", "第1讲", "第01讲"]) == ["第01讲", "第1讲", "第02讲", "第10讲"]


def test_no_chapter_comes_last_and_plain_names_after_numbered_ones():
    assert sorted_chapters([None, "附则", "第二章", "", "第一章"]) == ["第一章", "第二章", "附则", None, ""]
