"""The Chinese label of every enum value a person sees: pages, xlsx exports and the audit log.

Values are stored and exchanged in English codes (the database, the JSON API); people read
them only through this module, in templates as ``{{ exam.mode|label('exam_mode') }}``. A
value without a label is shown as itself, which the page-text test
(tests/web/test_no_english.py) catches.
"""
from __future__ import annotations

from flask import Flask

ROLES = {"officer": "民警", "organiser": "组织者", "admin": "管理员"}

QUESTION_TYPES = {"single": "单选", "multiple": "多选", "judge": "判断", "fill": "填空"}
DIFFICULTIES = {1: "易", 2: "中", 3: "难"}

EXAM_MODES = {"full": "全员普测", "sample": "随机抽测"}
EXAM_STATUSES = {"upcoming": "未开始", "open": "进行中", "closed": "已结束"}
SHOW_RESULTS = {"immediately": "交卷后立即显示", "after_close": "考试结束后显示", "never": "不显示"}
ALLOCATIONS = {"equal": "各部门人数相同", "proportional": "按部门人数比例", "fixed": "指定各部门人数"}
SUBMIT_REASONS = {"officer": "本人交卷", "deadline": "到时自动交卷", "closed": "考试关闭时交卷"}
CANDIDATE_SOURCES = {"full": "全员", "drawn": "抽取", "replacement": "替补", "makeup": "补考", "added": "添加"}

CONTEST_STATUSES = {"lobby": "等待开始", "running": "进行中", "finished": "已结束"}
ROUND_KINDS = {"required": "必答题", "buzz": "抢答题", "risk": "风险题"}
TEAM_SCORING = {"sum": "队员得分之和", "average": "队员平均分"}

FIRING_STATUSES = {"created": "已创建考试", "failed": "失败", "pending": "处理中"}

# Calendar rules (schedules) name weekdays by cron's codes; dates by ISO weekday 1–7.
WEEKDAYS = {"mon": "周一", "tue": "周二", "wed": "周三", "thu": "周四", "fri": "周五", "sat": "周六", "sun": "周日"}
ISO_WEEKDAYS = dict(zip(range(1, 8), WEEKDAYS.values()))

# What an audit entry is about: the lower-cased model name the audit log stores
# (quizapp.audit.services.record), or a name given explicitly.
ENTITIES = {
    "question": "试题", "questionbank": "题库", "sourceamendment": "出处修订", "questionreview": "试题复核",
    "roster": "人员名册", "officer": "人员", "department": "部门", "exam": "考试", "draw": "抽取",
    "candidate": "考生", "attempt": "答卷", "schedule": "定时计划", "schedulefiring": "定时计划执行",
    "livecontest": "知识竞赛", "studymaterial": "学习资料", "pointsentry": "积分记录", "setting": "系统设置",
    "sitesetting": "系统设置", "apitoken": "接口令牌", "notification": "消息", "mockexam": "模拟考试",
}

# Audit actions are named by the areas that record them, as they load (audit.services.register_actions).
AUDIT_ACTIONS: dict[str, str] = {}

KINDS: dict[str, dict] = {
    "role": ROLES,
    "question_type": QUESTION_TYPES,
    "difficulty": DIFFICULTIES,
    "exam_mode": EXAM_MODES,
    "exam_status": EXAM_STATUSES,
    "show_results": SHOW_RESULTS,
    "allocation": ALLOCATIONS,
    "submit_reason": SUBMIT_REASONS,
    "candidate_source": CANDIDATE_SOURCES,
    "contest_status": CONTEST_STATUSES,
    "round_kind": ROUND_KINDS,
    "team_scoring": TEAM_SCORING,
    "firing_status": FIRING_STATUSES,
    "weekday": WEEKDAYS,
    "iso_weekday": ISO_WEEKDAYS,
    "entity": ENTITIES,
    "audit_action": AUDIT_ACTIONS,
}


def label(value, kind: str) -> str:
    """The Chinese label of an enum value of the given kind ('' for None)."""
    if value is None or value == "":
        return ""
    return KINDS[kind].get(value, str(value))


def target_label(target_type: str | None, target_id) -> str:
    """What an audit entry is about, e.g. 试题 #213, 题库 #3, 人员名册."""
    if not target_type:
        return ""
    name = ENTITIES.get(target_type, target_type)
    return f"{name} #{target_id}" if target_id not in (None, "") else name


def init_app(app: Flask) -> None:
    app.jinja_env.filters["label"] = label
    app.jinja_env.filters["target_label"] = target_label
