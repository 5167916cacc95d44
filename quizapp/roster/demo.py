"""Demo bureau: 6 departments, 99 officers, an organiser and an admin (a service account)."""
from __future__ import annotations

import sqlalchemy as sa

from ..auth.passwords import hash_password
from ..demo import DemoContext, demo_step
from ..extensions import db
from .models import Officer, OfficerTag
from .services import ensure_department

ROOT = "市公安局"
DEPARTMENT_SIZES = {
    "政治处": 12,
    "治安大队": 20,
    "刑侦大队": 22,
    "城关派出所": 25,
    "城南派出所": 20,
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红海波宇浩然子轩梓涵欣怡佳琪思远文博晨阳俊杰鹏飞振华立新永胜国庆春燕雪梅晓东卫东"
STATUSES = ["中共党员"] * 14 + ["中共预备党员"] * 2 + ["入党积极分子"] * 2 + ["共青团员"] * 1 + ["群众"] * 1

ADMIN = ("100001", "Admin2026", "周建国", "管理员")
ORGANISER = ("100002", "Zuzhi2026", "林春燕", "组织者（政治处）")
OFFICER_PASSWORD = "Jingwu2026"
FRESH_OFFICER_PASSWORD = "Chushi2026"


def chinese_name(rng, used: set[str]) -> str:
    """A realistic two- or three-character name not used yet."""
    while True:
        given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
        name = rng.choice(SURNAMES) + given
        if name not in used:
            used.add(name)
            return name


@demo_step(10)
def seed_roster(context: DemoContext) -> None:
    """Create the demo bureau unless it exists."""
    if db.session.scalar(sa.select(Officer).where(Officer.badge == ADMIN[0])) is not None:
        context.logins += [
            (ADMIN[0], ADMIN[1], ADMIN[3]),
            (ORGANISER[0], ORGANISER[1], ORGANISER[3]),
            ("200001", OFFICER_PASSWORD, "民警（200001–200098 同一密码）"),
        ]
        return
    context.created = True
    rng = context.rng
    root = ensure_department(ROOT)
    departments = {name: ensure_department(f"{ROOT}/{name}") for name in DEPARTMENT_SIZES}
    # Demo accounts share a hash per password: hashing 99 times would only slow the demo.
    officer_hash = hash_password(OFFICER_PASSWORD)
    used: set[str] = set()
    # The admin is what `quizapp create-admin` makes on a real install: a service account,
    # never a candidate nor counted among the bureau's officers.
    db.session.add(Officer(badge=ADMIN[0], name=ADMIN[2], department=root, role="admin", is_service_account=True,
                           password_hash=hash_password(ADMIN[1]), political_status="中共党员"))
    db.session.add(Officer(badge=ORGANISER[0], name=ORGANISER[2], department=departments["政治处"], role="organiser",
                           password_hash=hash_password(ORGANISER[1]), political_status="中共党员"))
    used.update({ADMIN[2], ORGANISER[2]})
    number = 200000
    for department_name, size in DEPARTMENT_SIZES.items():
        for index in range(size):
            number += 1
            officer = Officer(badge=str(number), name=chinese_name(rng, used), department=departments[department_name],
                              role="officer", password_hash=officer_hash, political_status=rng.choice(STATUSES))
            if index == 0:
                officer.tag_rows = [OfficerTag(tag="党务工作者")]
            db.session.add(officer)
    db.session.flush()
    fresh = db.session.scalar(sa.select(Officer).where(Officer.badge == "200099"))
    fresh.password_hash = hash_password(FRESH_OFFICER_PASSWORD)
    fresh.must_change_password = True
    context.logins += [
        (ADMIN[0], ADMIN[1], ADMIN[3]),
        (ORGANISER[0], ORGANISER[1], ORGANISER[3]),
        ("200001", OFFICER_PASSWORD, "民警（200001–200098 同一密码）"),
        ("200099", FRESH_OFFICER_PASSWORD, "民警（初始密码，首次登录需修改）"),
    ]
