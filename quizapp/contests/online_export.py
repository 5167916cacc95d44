"""xlsx of an online contest: the ranking (汇总, 个人排名, 单位排名) and the 获奖名单."""
from __future__ import annotations

from openpyxl import Workbook

from ..exams.models import Exam
from ..reports.xlsx import add_sheet, percent, workbook_bytes
from .online import OnlineRanking, PrizeList

INDIVIDUAL_HEADER = ["名次", "警号", "姓名", "单位", "最好成绩", "用时(秒)"]
DEPARTMENT_HEADER = ["名次", "单位", "应参赛人数", "参赛人数", "参赛率(%)", "平均分"]


def ranking_xlsx(table: OnlineRanking, summary: str) -> bytes:
    """Sheets 汇总, 个人排名 and 单位排名 (with 前N名平均分 when the exam ranks by it)."""
    exam = table.exam
    workbook = Workbook()
    add_sheet(workbook, "汇总", ["项目", "内容"], [
        ("竞赛名称", exam.title), ("开放时间", exam.opens_at), ("结束时间", exam.closes_at),
        ("排名状态", "最终排名" if table.final else "实时排名（竞赛进行中）"),
        ("参赛人数", table.participants), ("情况综述", summary)])
    add_sheet(workbook, "个人排名", INDIVIDUAL_HEADER, [
        (p.rank, p.result.extra.badge, p.result.extra.name, p.result.extra.department, p.result.score,
         int(p.result.seconds)) for p in table.individuals])
    top_n = exam.team_top_n
    header = DEPARTMENT_HEADER + ([f"前{top_n}名平均分"] if top_n else [])
    add_sheet(workbook, "单位排名", header, [
        (d.rank, d.department, d.candidates, d.participants, percent(d.participation_rate), d.average)
        + ((d.top_n_average,) if top_n else ()) for d in table.departments])
    return workbook_bytes(workbook)


def prizes_xlsx(exam: Exam, prizes: PrizeList) -> bytes:
    """Sheets 个人奖项 and 优秀组织奖."""
    workbook = Workbook()
    add_sheet(workbook, "个人奖项", ["奖项", "名次", "警号", "姓名", "单位", "成绩", "用时(秒)"], [
        (prize.label, prize.placed.rank, prize.placed.result.extra.badge, prize.placed.result.extra.name,
         prize.placed.result.extra.department, prize.placed.result.score, int(prize.placed.result.seconds))
        for prize in prizes.prizes])
    add_sheet(workbook, "优秀组织奖", ["单位", "应参赛人数", "参赛人数", "参赛率(%)", "平均分"], [
        (d.department, d.candidates, d.participants, percent(d.participation_rate), d.average)
        for d in prizes.organisation])
    return workbook_bytes(workbook)
