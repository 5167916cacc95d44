"""`quizapp import-bank`, `quizapp export-bank` and the shipped-banks demo step."""
from __future__ import annotations

import json

import sqlalchemy as sa

from quizapp.banks import services
from quizapp.banks.demo import load_shipped_banks, shipped_bank_files
from quizapp.banks.models import Question, QuestionBank
from quizapp.extensions import db

GIFT = "::q1:: 人民警察实行警衔制度。{T}\n\n::q2:: 警衔分为几等？{=五等 ~六等 ~四等}\n"


def test_import_bank_command_imports_and_reports(runner, tmp_path):
    path = tmp_path / "bank.gift"
    path.write_text(GIFT, encoding="utf-8")
    result = runner.invoke(args=["import-bank", str(path), "--bank", "警务题库", "--category", "regulations"])
    assert result.exit_code == 0, result.output
    assert "新增2题" in result.output
    assert services.find_bank("警务题库").category == "regulations"


def test_import_bank_command_lists_the_health_warnings_of_a_guessable_bank(runner, tmp_path):
    # Twelve single-choice questions all answered A: the letter check warns, on a dry run and after writing.
    path = tmp_path / "bank.gift"
    path.write_text("".join(f"::q{n}:: 第{n}条规定的是哪一项？{{=第{n}题甲 ~第{n}题乙 ~第{n}题丙 ~第{n}题丁}}\n\n"
                            for n in range(1, 13)), encoding="utf-8")
    for extra in (["--dry-run"], []):
        result = runner.invoke(args=["import-bank", str(path), "--bank", "偏题库", *extra])
        assert result.exit_code == 0, result.output
        assert "题库体检：" in result.output and "[警告] 单选题答案字母" in result.output, result.output
    assert "quizapp check-bank 偏题库" in result.output


def test_import_bank_command_dry_run_and_errors_exit_non_zero(runner, tmp_path):
    path = tmp_path / "bank.gift"
    path.write_text(GIFT + "\n坏题{#42}\n", encoding="utf-8")
    dry = runner.invoke(args=["import-bank", str(path), "--bank", "警务题库", "--dry-run", "--valid-only"])
    assert dry.exit_code == 0 and "试运行" in dry.output
    assert services.find_bank("警务题库") is None
    bad = runner.invoke(args=["import-bank", str(path), "--bank", "警务题库"])
    assert bad.exit_code != 0
    assert "第5行" in bad.stderr and "未导入任何题目" in bad.stderr
    assert services.find_bank("警务题库") is None


def test_export_bank_command_writes_json_and_xlsx(runner, tmp_path):
    source = tmp_path / "bank.gift"
    source.write_text(GIFT, encoding="utf-8")
    runner.invoke(args=["import-bank", str(source), "--bank", "警务题库"])
    target = tmp_path / "out.json"
    result = runner.invoke(args=["export-bank", "警务题库", str(target)])
    assert result.exit_code == 0, result.output
    assert len(json.loads(target.read_text(encoding="utf-8"))["questions"]) == 2
    assert runner.invoke(args=["export-bank", "警务题库", str(tmp_path / "out.xlsx")]).exit_code == 0
    assert (tmp_path / "out.xlsx").read_bytes().startswith(b"PK")
    missing = runner.invoke(args=["export-bank", "没有的题库", str(tmp_path / "x.json")])
    assert missing.exit_code != 0 and not (tmp_path / "x.json").exists()
    wrong = runner.invoke(args=["export-bank", "警务题库", str(tmp_path / "x.csv")])
    assert wrong.exit_code != 0


def test_demo_step_loads_every_shipped_bank_once(app, tmp_path):
    (tmp_path / "a-theory.json").write_text(json.dumps({
        "bank": {"name": "示例理论", "category": "theory"},
        "questions": [{"type": "judge", "stem": "题", "options": [], "answer": True}]}), encoding="utf-8")
    (tmp_path / "regulations-x.json").write_text(json.dumps({
        "bank": {"name": "示例法规", "category": "regulations"},
        "questions": [{"type": "judge", "stem": "题二", "options": [], "answer": False}]}), encoding="utf-8")
    (tmp_path / "notes.md").write_text("not a bank", encoding="utf-8")
    assert [p.name for p in shipped_bank_files(tmp_path)] == ["a-theory.json", "regulations-x.json"]
    assert load_shipped_banks(tmp_path) == ["示例理论", "示例法规"]
    assert load_shipped_banks(tmp_path) == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 2


def test_repository_question_banks_all_import_cleanly(app):
    created = load_shipped_banks()
    files = shipped_bank_files()
    assert len(created) == len(files)
    for bank in db.session.scalars(sa.select(QuestionBank)):
        assert bank.questions, bank.name


def test_import_bank_command_prints_located_errors_and_warnings(runner, tmp_path):
    path = tmp_path / "bank.txt"
    path.write_text("警务题库\n单选题\n1. 甲？\nA. 一\nB. 二\n答案：AB\n2. 乙？\nA. 一\nB. 二\n答案：B\n", encoding="utf-8")
    bad = runner.invoke(args=["import-bank", str(path), "--bank", "警务题库"])
    assert bad.exit_code != 0 and "错误 第1题（第3行） 答案：题型是单选题" in bad.stderr
    assert "提示 第1行：已跳过题目前的标题或说明“警务题库”" in bad.stderr
    good = runner.invoke(args=["import-bank", str(path), "--bank", "警务题库", "--valid-only"])
    assert good.exit_code == 0 and "新增1题" in good.output and "另有1处提示" in good.output
