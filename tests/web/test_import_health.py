"""The import preview shows the health check of the bank as the import would leave it."""
from __future__ import annotations

import json
from pathlib import Path

from quizapp.banks import services
from tests.web.test_bank_pages import admin_client, confirm, upload

BAD_BANK = Path(__file__).resolve().parents[1] / "data" / "bad-bank.json"


def test_preview_of_a_bad_bank_lists_its_warnings_by_question_number(client):
    admin_client(client)
    html = upload(client, BAD_BANK.read_bytes(), filename="bad-bank.json", bank_name="").get_data(as_text=True)
    assert "导入后的题库体检" in html and "9项警告" in html
    for title in ("单选题答案字母分布不均", "判断题对错比例失衡", "有相似度很高的重复题", "缺少解析"):
        assert title in html
    assert "文件第1题" in html and "文件第2题" in html  # the near-duplicate pair
    assert "各章节题量" not in html  # notices stay on the bank's own page
    assert "确认导入" in html  # warnings never block


def test_a_near_copy_of_a_question_already_in_the_bank_shows_before_it_is_written(client):
    admin_client(client)
    existing = {"bank": {"name": "法规题库", "category": "regulations"}, "questions": [
        {"type": "judge", "stem": "人民警察必须以宪法和法律为活动准则。", "answer": True, "explanation": "第四条。",
         "chapter": "总则"}]}
    confirm(client, upload(client, json.dumps(existing, ensure_ascii=False).encode(), filename="a.json")
            .get_data(as_text=True))
    stored = services.find_bank("法规题库").questions[0]
    near_copy = {"questions": [{"type": "judge", "stem": "人民警察必须以宪法和法律作为活动准则。", "answer": True,
                                "explanation": "第四条。", "chapter": "总则"}]}
    html = upload(client, json.dumps(near_copy, ensure_ascii=False).encode(), filename="b.json").get_data(as_text=True)
    assert "有相似度很高的重复题" in html
    assert f'href="/admin/banks/questions/{stored.id}">#{stored.id}</a>' in html and "文件第1题" in html


def test_a_clean_file_says_so(client):
    admin_client(client)
    clean = {"questions": [{"type": "judge", "stem": "人民警察必须以宪法和法律为活动准则。", "answer": True,
                            "explanation": "第四条。", "chapter": "总则"}]}
    html = upload(client, json.dumps(clean, ensure_ascii=False).encode(), filename="c.json").get_data(as_text=True)
    assert "导入后的题库体检" in html and "未发现问题" in html
