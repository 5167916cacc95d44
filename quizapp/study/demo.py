"""Demo step: a few weeks of 政治学习三十分, and some practice, minutes and points for demo officers."""
from __future__ import annotations

import secrets
from datetime import timedelta

import sqlalchemy as sa

from ..demo import DemoContext, demo_step
from ..extensions import db
from ..periods import local_day, week_start
from ..upsert import insert_or_add
from .materials import WEEKLY_SERIES, sanitise_html
from .models import StudyDay, StudyFile, StudyMaterial

# Wording after the bureau's own work reports (seeds/): what the weekly study covers.
ISSUES = [
    ("坚持把党的政治建设摆在首位", """
<p>本期学习要点：始终坚持把讲政治摆在党的建设首要位置，以坚强党性铸就忠诚干净担当之魂。</p>
<h3>一、筑牢政治忠诚</h3>
<p>严格落实“第一议题”制度，第一时间传达学习习近平总书记重要指示批示精神，坚决做到“两个维护”。</p>
<h3>二、严守纪律规矩</h3>
<p>组织学习《中国共产党政法工作条例》，严格执行重大事项请示报告制度，在大是大非面前立场坚定、旗帜鲜明。</p>
<h3>三、严肃党内政治生活</h3>
<p>严格执行《新形势下党内政治生活的若干准则》，抓好“三会一课”、民主生活会、组织生活会、民主评议党员和谈心谈话等制度落实。</p>
<p><strong>学习要求：</strong>各支部结合每周“政治学习日”开展集体学习，民警做好个人自学笔记。</p>"""),
    ("用党的创新理论武装全警", """
<p>本期学习要点：坚持把党的思想建设作为基础性建设来抓，引导党员干部筑牢信仰之基、补足精神之钙、把稳思想之舵。</p>
<ul>
<li>深入学习贯彻党的二十大精神，推动党员先学一步、学深一层；</li>
<li>线上依托“学习强国”等平台坚持掌上学习，确保全时开展、全警覆盖；</li>
<li>推动党史学习教育常态化长效化，开展书记讲党课、党员讲党史故事等活动。</li>
</ul>
<p><strong>思考题：</strong>结合本岗位工作，谈谈如何把理论学习成果转化为推动工作的动力。</p>"""),
    ("大抓基层、大抓支部", """
<p>本期学习要点：以学习贯彻《中国共产党支部工作条例（试行）》为契机，把抓好基层党组织建设作为管党治党的基本任务。</p>
<ol>
<li>全面提升组织力：政治领导力、组织覆盖力、班子战斗力、制度执行力、工作保障力；</li>
<li>切实提升凝聚力：关注、关怀、关爱党员民警，经常性开展有针对性的思想政治工作；</li>
<li>着力提升约束力：坚持严管与厚爱结合、激励与约束并重，用身边事教育身边人。</li>
</ol>
<p>各支部按照“控制总量、优化结构、提高质量、发挥作用”的总要求做好发展党员工作。</p>"""),
]
DEMO_OFFICERS = 24
# A PDF attached to the latest issue, as the bureau circulates its study notes.
GUIDE_NAME = "学习辅导材料.pdf"
GUIDE_PAGES = [
    ["政治学习三十分 学习辅导材料", "", "一、学习目的",
     "通过集中学习与个人自学相结合，引导全警坚定理想信念，", "把学习成果转化为做好公安工作的实际成效。",
     "", "二、学习安排", "1. 每周政治学习日集中学习不少于三十分钟；", "2. 各支部组织交流研讨，民警撰写学习体会。"],
    ["三、学习要求", "", "1. 支部书记带头学习，带头讲党课；", "2. 民警在平台阅读本期资料，学习时长自动记录；",
     "3. 季度末统计学习时长，未达标的发送学习提醒。"],
]


@demo_step(50)
def seed_study(context: DemoContext) -> None:
    """Weekly materials, then practice history, minutes and points for the first demo officers."""
    from ..roster.models import Officer

    if db.session.scalar(sa.select(StudyMaterial.id).where(StudyMaterial.series == WEEKLY_SERIES).limit(1)):
        return
    admin = db.session.scalar(sa.select(Officer).where(Officer.role == "admin").order_by(Officer.id).limit(1))
    monday = week_start(local_day())
    for weeks_ago, (title, body) in enumerate(reversed(ISSUES)):
        db.session.add(StudyMaterial(
            title=f"{WEEKLY_SERIES}：{title}", series=WEEKLY_SERIES, body_html=sanitise_html(body),
            published_on=monday - timedelta(weeks=len(ISSUES) - 1 - weeks_ago), author_id=getattr(admin, "id", None),
        ))
    db.session.flush()
    latest = db.session.scalar(sa.select(StudyMaterial).where(StudyMaterial.series == WEEKLY_SERIES)
                               .order_by(StudyMaterial.published_on.desc()).limit(1))
    data = chinese_pdf(GUIDE_PAGES)
    latest.attachments = [StudyFile(key=secrets.token_urlsafe(24), kind="pdf", content_type="application/pdf",
                                    filename=GUIDE_NAME, size=len(data), data=data, uploader_id=latest.author_id)]
    officers = list(db.session.scalars(
        sa.select(Officer).where(Officer.role == "officer", Officer.active.is_(True))
        .order_by(Officer.badge).limit(DEMO_OFFICERS)
    ))
    rng = context.rng
    today = local_day()
    for officer in officers:  # minutes on a few earlier days of this week and last
        for days_ago in rng.sample(range(1, 10), 4):
            insert_or_add(StudyDay, {"officer_id": officer.id, "day": today - timedelta(days=days_ago),
                                     "seconds": rng.randint(10, 45) * 60}, ["officer_id", "day"], ["seconds"])
    db.session.commit()
    _practice_history(officers, rng)


def _practice_history(officers, rng) -> None:
    """Answer some questions for the officers, right about 80% of the time (skipped without banks)."""
    from ..banks.models import Question
    from ..practice.services import record_answer

    questions = list(db.session.scalars(
        sa.select(Question).where(Question.retired.is_(False)).order_by(Question.id).limit(60)))
    if not questions:
        return
    for officer in officers:
        for question in rng.sample(questions, min(len(questions), rng.randint(5, 15))):
            right = rng.random() < 0.8
            record_answer(officer.id, question.id, _answer(question, right, rng), mode="random")


def _answer(question, right: bool, rng):
    """A right or a wrong answer in the API shape for the question's type."""
    key = question.answer
    if question.type == "judge":
        return key if right else not key
    if question.type == "fill":
        return [blank[0] for blank in key] if right else ["不知道"] * len(key)
    letters = [o["key"] for o in question.options]
    if question.type == "single":
        return key if right else rng.choice([k for k in letters if k != key] or letters)
    if right:
        return list(key)
    wrong = [k for k in letters if k not in key]
    return sorted(set(key[:1]) | set(wrong[:1])) if wrong else key[:1]


def chinese_pdf(pages: list[list[str]]) -> bytes:
    """A small PDF of Chinese text lines per page, in the non-embedded Adobe font STSong-Light
    (UniGB-UCS2-H): readers draw it with a system Chinese font, PDF.js with its GB CMaps."""
    font = ("<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
            "/DescendantFonts [<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> "
            "/FontDescriptor << /Type /FontDescriptor /FontName /STSong-Light /Flags 6 "
            "/FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 "
            "/StemV 93 >> >>] >>")
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", "", font]
    kids = []
    for lines in pages:
        ops = ["BT /F1 16 Tf 22 TL 60 780 Td"]
        for line in lines:
            ops.append(f"<{line.encode('utf-16-be').hex().upper()}> Tj T*")
        ops.append("ET")
        stream = "\n".join(ops)
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                       f"/Resources << /Font << /F1 3 0 R >> >> /Contents {len(objects)} 0 R >>")
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
