"""Every registered question-bank parser, fed damaged versions of valid files of its format.

The banks area fuzzes its parsers with arbitrary bytes (tests/unit/banks/
test_hostile_files.py); this adds structure-aware damage — valid files with
flipped bytes, cut tails, and for xlsx/docx a damaged XML member inside an
intact archive — which reaches far deeper into the readers. The contract:
parse_file returns a result with questions or errors and never raises, and no
parser needs parse_file's last-resort catch-all (which hides the real cause
behind a generic message).
"""
from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from quizapp.banks.formats import PARSERS, parse_file
from quizapp.banks.template import template_xlsx

from .mutations import damaged

TEXT = """1．中国共产党的最高领导机关是（　）。
A．党的全国代表大会和它所产生的中央委员会
B、中央政治局
答案：A
解析：党章第十条。
2、党员有权利参加党的有关会议。
答案：正确
"""
GIFT = "::Q1:: 人民警察法于哪一年通过？ {=1995 ~1996 ~2000}\n\n::Q2:: 党员有表决权。 {T}\n"
AIKEN = "人民警察的任务包括？\nA. 维护国家安全\nB. 做生意\nANSWER: A\n"


def _docx() -> bytes:
    import docx

    document = docx.Document()
    for line in TEXT.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _json() -> bytes:
    shipped = sorted((Path(__file__).parents[2] / "question_banks").glob("*.json"))
    document = json.loads(shipped[0].read_text("utf-8"))
    if isinstance(document, dict) and isinstance(document.get("questions"), list):
        document["questions"] = document["questions"][:5]
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def _sheet_csv() -> bytes:
    from quizapp.tabular import read_rows

    import csv

    text = io.StringIO()
    csv.writer(text).writerows(read_rows("t.xlsx", template_xlsx()))
    return text.getvalue().encode("utf-8")


SEEDS = {
    "xlsx": template_xlsx, "csv": _sheet_csv, "docx": _docx, "txt": lambda: TEXT.encode("utf-8"),
    "gift": lambda: GIFT.encode("utf-8"), "aiken": lambda: AIKEN.encode("utf-8"), "json": _json,
}


class _CatchAll(logging.Handler):
    """Records parse_file's last-resort 'bank parser failed' log lines."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


def test_every_registered_format_has_a_damage_seed():
    # A new format registered by the banks area must get a seed here too.
    assert set(PARSERS) - {"xls"} <= set(SEEDS), f"no fuzz seed for {set(PARSERS) - set(SEEDS) - {'xls'}}"


@pytest.mark.parametrize("fmt", sorted(SEEDS))
def test_damaged_files_of_every_format_give_results_never_exceptions(fmt):
    seed = SEEDS[fmt]()
    assert parse_file(f"seed.{fmt}", seed, fmt=fmt).questions, f"the {fmt} seed itself does not parse"
    catch_all = _CatchAll()
    logger = logging.getLogger("quizapp.banks.formats")
    logger.addHandler(catch_all)

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=damaged(seed))
    def run(data):
        result = parse_file(f"bank.{fmt}", data, fmt=fmt)
        assert result.questions or result.errors
        assert all(error.message for error in result.errors)
        assert not catch_all.records, (
            f"{fmt} parser raised {catch_all.records[-1].exc_info[1]!r} (hidden by parse_file's catch-all)")

    try:
        run()
    finally:
        logger.removeHandler(catch_all)
