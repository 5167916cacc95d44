"""A live contest's record: the summary sentence in the bureau's words, per-question
statistics, and the xlsx of results, questions, answers, joins and corrections."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from openpyxl import Workbook

from ..banks.types import TYPE_LABELS
from ..extensions import db
from ..reports.xlsx import add_sheet, workbook_bytes
from ..roster.models import Officer
from . import live_rules
from .live_state import Standings, key_label, phone_answer, phone_options, standings
from .models import (ROUND_KINDS, LiveAnswer, LiveContest, LiveCorrection, LiveJoin, LiveQuestion, LiveRound,
                     LiveStake)


def summary_sentence(contest: LiveContest, table: Standings) -> str:
    """"本次党章知识竞赛共有6个代表队、120名民警参加，治安大队代表队获得第一名。" """
    title = contest.title.removeprefix("本次")
    people = len(table.individuals)
    if not people:
        return f"本次{title}尚无民警参加。"
    first = [t.team for t in table.teams if t.rank == 1]
    winners = "、".join(f"{team}代表队" for team in first)
    result = f"{winners}并列第一名" if len(first) > 1 else f"{winners}获得第一名"
    return f"本次{title}共有{len(table.teams)}个代表队、{people}名民警参加，{result}。"


@dataclass(frozen=True)
class QuestionStatistics:
    """One question's figures: answers, right answers, the choices, the winner or the fastest."""

    number: int
    round_label: str
    type_label: str
    stem: str
    key: str
    answered: int
    right: int
    distribution: dict[str, int]
    decided_by: str  # 抢答: who won; otherwise who answered right fastest

    @property
    def correct_rate(self) -> float | None:
        return round(self.right / self.answered, 4) if self.answered else None


def question_statistics(contest: LiveContest) -> list[QuestionStatistics]:
    """Figures for every question that was opened, in order (two queries)."""
    questions = db.session.scalars(sa.select(LiveQuestion).where(
        LiveQuestion.contest_id == contest.id, LiveQuestion.opened_at.is_not(None)).order_by(LiveQuestion.position)
    ).all()
    answers: dict[int, list] = {}
    for row in db.session.execute(
            sa.select(LiveAnswer.question_id, LiveAnswer.answer, LiveAnswer.correct, LiveAnswer.points,
                      LiveAnswer.elapsed_ms, LiveAnswer.received_at, Officer.name)
            .join(Officer, Officer.id == LiveAnswer.officer_id)
            .where(LiveAnswer.contest_id == contest.id).order_by(LiveAnswer.received_at, LiveAnswer.id)):
        answers.setdefault(row.question_id, []).append(row)
    figures = []
    for question in questions:
        rows = answers.get(question.id, [])
        right = [r for r in rows if r.correct]
        if question.round.kind == "buzz":
            winner = next((r for r in right if r.points > 0), None)
            decided_by = f"{winner.name}抢答成功" if winner else "无人抢答成功"
        else:
            fastest = min(right, key=lambda r: r.elapsed_ms, default=None)
            decided_by = f"{fastest.name}（{fastest.elapsed_ms / 1000:.1f}秒）" if fastest else ""
        keys = [o["key"] for o in phone_options(question)]
        figures.append(QuestionStatistics(
            question.position + 1, ROUND_KINDS[question.round.kind], TYPE_LABELS[question.type], question.stem,
            key_label(question), len(rows), len(right),
            live_rules.distribution(keys, [phone_answer(r.answer) for r in rows]), decided_by))
    return figures


def _choice_label(key: str) -> str:
    return {"true": "正确", "false": "错误"}.get(key, key)


def _answer_text(answer) -> str:
    value = phone_answer(answer)
    if isinstance(value, list):
        return "".join(value)
    return _choice_label(str(value))


def contest_xlsx(contest: LiveContest) -> bytes:
    """Sheets 概况, 个人成绩, 代表队, 逐题统计, 答题记录, 加入记录, 更正记录."""
    table = standings(contest)
    workbook = Workbook()
    add_sheet(workbook, "概况", ["项目", "内容"], [
        ("竞赛名称", contest.title), ("状态", contest.status_label), ("开始时间", contest.started_at),
        ("结束时间", contest.finished_at), ("代表队得分方式", contest.team_scoring_label),
        ("代表队数", len(table.teams)), ("参赛人数", len(table.individuals)),
        ("情况综述", summary_sentence(contest, table)),
    ])
    add_sheet(workbook, "个人成绩", ["名次", "奖牌", "姓名", "警号", "代表队", "得分", "答题用时(秒)"], [
        (p.rank, p.badge, p.result.extra["name"], p.result.extra["badge"], p.result.team, p.result.score,
         p.result.seconds) for p in table.individuals])
    add_sheet(workbook, "代表队", ["名次", "代表队", "参赛人数", f"得分（{contest.team_scoring_label}）"], [
        (t.rank, t.team, t.participants, t.score) for t in table.teams])
    add_sheet(workbook, "逐题统计", ["题号", "轮次", "题型", "题干", "正确答案", "作答人数", "答对人数", "正确率(%)",
                                  "各选项人数", "抢答结果/最快答对"], [
        (q.number, q.round_label, q.type_label, q.stem, q.key, q.answered, q.right,
         round(q.correct_rate * 100, 1) if q.correct_rate is not None else None,
         "，".join(f"{_choice_label(k)}:{n}" for k, n in q.distribution.items()), q.decided_by)
        for q in question_statistics(contest)])
    stakes = {(s.question_id, s.officer_id): s.stake for s in db.session.scalars(
        sa.select(LiveStake).join(LiveQuestion, LiveQuestion.id == LiveStake.question_id)
        .where(LiveQuestion.contest_id == contest.id))}
    add_sheet(workbook, "答题记录", ["题号", "轮次", "姓名", "警号", "答案", "服务器接收时间", "用时(秒)", "是否正确",
                                  "风险题分值", "得分"], [
        (position + 1, ROUND_KINDS[kind], name, badge, _answer_text(answer), received_at, elapsed_ms / 1000,
         "正确" if correct else "错误", stakes.get((question_id, officer_id)), points)
        for position, kind, name, badge, answer, received_at, elapsed_ms, correct, points, question_id, officer_id
        in db.session.execute(
            sa.select(LiveQuestion.position, LiveRound.kind, Officer.name, Officer.badge, LiveAnswer.answer,
                      LiveAnswer.received_at, LiveAnswer.elapsed_ms, LiveAnswer.correct, LiveAnswer.points,
                      LiveAnswer.question_id, LiveAnswer.officer_id)
            .join(LiveQuestion, LiveQuestion.id == LiveAnswer.question_id)
            .join(LiveRound, LiveRound.id == LiveQuestion.round_id)
            .join(Officer, Officer.id == LiveAnswer.officer_id)
            .where(LiveAnswer.contest_id == contest.id)
            .order_by(LiveQuestion.position, LiveAnswer.received_at, LiveAnswer.id))])
    add_sheet(workbook, "加入记录", ["时间", "姓名", "警号", "类型", "当时题号", "地址"], [
        (join.at, name, badge, "重新加入" if join.rejoin else "加入",
         join.position + 1 if join.position is not None else "开始前", join.address)
        for join, name, badge in db.session.execute(
            sa.select(LiveJoin, Officer.name, Officer.badge).join(Officer, Officer.id == LiveJoin.officer_id)
            .where(LiveJoin.contest_id == contest.id).order_by(LiveJoin.at, LiveJoin.id))])
    add_sheet(workbook, "更正记录", ["时间", "姓名", "警号", "分值", "原因", "操作人"], [
        (c.at, c.officer.name, c.officer.badge, c.points, c.reason, c.actor.name if c.actor else "")
        for c in db.session.scalars(sa.select(LiveCorrection).where(LiveCorrection.contest_id == contest.id)
                                    .order_by(LiveCorrection.at, LiveCorrection.id))])
    return workbook_bytes(workbook)
