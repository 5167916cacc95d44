"""One exam document for every door: the API, schedule templates and the organiser's form."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from quizapp import timeutil
from quizapp.exams.errors import ExamError
from quizapp.exams.spec import ExamSpec, RuleSpec, SpecError
from quizapp.schedules.services import ScheduleError, exam_spec

OPENS = datetime(2026, 4, 6, 1, 0, tzinfo=UTC)
DOCUMENT = {"title": "第二季度测试", "paper": {"blueprint": [{"bank": "党章", "type": "single", "count": 5, "points": 2}]},
            "opens_at": "2026-04-06T09:00:00", "closes_at": "2026-04-13T09:00:00", "duration_minutes": 30}


def test_a_document_becomes_a_spec_with_local_times_read_as_the_bureaus(app):
    spec = ExamSpec.from_document(DOCUMENT)
    assert spec.opens_at == OPENS and spec.closes_at == OPENS + timedelta(days=7)
    assert spec.blueprint == (RuleSpec("党章", "single", 5, 2.0),)
    assert (spec.questions, spec.duration_minutes, spec.shuffle_questions) == ((), 30, True)


def test_every_problem_is_reported_at_once_with_its_field(app):
    document = {**DOCUMENT, "title": " ", "duration_minutes": 0, "pass_mark": 150, "shuffle": "sometimes",
                "paper": {"blueprint": [{"bank": "党章", "type": "essay", "count": 501, "points": 0}]}}
    with pytest.raises(SpecError) as refused:
        ExamSpec.from_document(document)
    errors = {error["field"]: error["message"] for error in refused.value.extra["errors"]}
    assert errors == {
        "shuffle": "shuffle 应为 true 或 false。",
        "title": "请填写考试名称。",
        "duration_minutes": "考试时长应在1到1440分钟之间。",
        "pass_mark": "合格线应在0到总分100之间。",
        "paper.blueprint[0].type": "第1条组卷规则的题型无效。",
        "paper.blueprint[0].count": "第1条组卷规则的题数应在1到500之间。",
        "paper.blueprint[0].points": "第1条组卷规则的每题分值应大于0。",
    }
    assert refused.value.status == 422 and refused.value.message.startswith("shuffle 应为 true 或 false。请填写考试名称。")


def test_unknown_fields_values_of_the_wrong_kind_and_a_missing_paper_are_named(app):
    document = {"title": "测试", "opens_at": "明天", "closes_at": DOCUMENT["closes_at"], "duration": 30,
                "attempts_allowed": "两次"}
    with pytest.raises(SpecError) as refused:
        ExamSpec.from_document(document)
    assert [error["field"] for error in refused.value.extra["errors"]] == [
        "duration", "attempts_allowed", "opens_at", "paper"]


def test_a_partial_document_changes_only_what_it_names(app):
    base = ExamSpec.from_document(DOCUMENT)
    changed = ExamSpec.from_document({"pass_mark": 80, "paper": {"questions": [3, 1]}}, base=base)
    assert (changed.title, changed.pass_mark, changed.questions, changed.blueprint) == (
        base.title, 80.0, (3, 1), ())
    assert changed.question_points == 1.0


def test_a_schedule_template_is_the_same_document_without_its_window(app):
    template = {key: value for key, value in DOCUMENT.items() if key not in ("opens_at", "closes_at")}
    template.update(title="{year}年第{quarter}季度测试", shuffle_questions=False, shuffle_options=True)
    fire_time = timeutil.as_utc(datetime(2026, 4, 6, 9, 0))
    from_template = exam_spec(template, fire_time, open_days=7)
    from_api = ExamSpec.from_document({**DOCUMENT, "title": "2026年第2季度测试", "shuffle_questions": False})
    assert from_template == from_api
    assert from_template.shuffle_questions is False  # a template may say what the API may


def test_a_schedule_template_gets_the_documents_errors_in_its_own_words(app):
    template = {"title": "季度测试", "paper": {"questions": [1]}, "duration_minutes": 0, "opens_at": "x"}
    with pytest.raises(ScheduleError) as window:
        exam_spec(template, OPENS, open_days=7)
    assert "opens_at" in window.value.message
    del template["opens_at"]
    with pytest.raises(ScheduleError) as refused:
        exam_spec(template, OPENS, open_days=7)
    assert refused.value.message == "考试模板有误：考试时长应在1到1440分钟之间。"
    assert refused.value.extra["errors"] == [{"field": "duration_minutes", "message": "考试时长应在1到1440分钟之间。"}]


def test_a_spec_built_in_code_is_checked_the_same_way(app):
    spec = ExamSpec(title="测试", opens_at=OPENS, closes_at=OPENS - timedelta(hours=1), questions=(1,))
    with pytest.raises(ExamError) as refused:
        spec.check()
    assert [error.field for error in refused.value.errors] == ["closes_at"]
