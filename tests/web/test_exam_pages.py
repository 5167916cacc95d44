"""Exam pages: the officer's path from list to result, and the organiser's pages."""
from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from quizapp import timeutil
from quizapp.audit.models import AuditEntry
from quizapp.exams import attempts, definitions, saving
from quizapp.exams.spec import RuleSpec
from quizapp.exams.models import Attempt, Candidate, Exam
from quizapp.extensions import db
from quizapp.roster.models import Department

from ..exam_factories import exam_spec, items_of, make_bank, make_organiser, right_answer
from ..factories import csrf_token, login, make_officer


def _world():
    bank = make_bank(single=10, multiple=4, judge=6, fill=3)
    organiser = make_organiser()
    officer = make_officer(badge="800001", department="市公安局/治安大队")
    exam = definitions.create_exam(organiser, exam_spec(bank, departments=("市公安局/治安大队",), blueprint=(
        RuleSpec(bank.id, "single", 2, 2), RuleSpec(bank.id, "multiple", 1, 2),
        RuleSpec(bank.id, "judge", 1, 2), RuleSpec(bank.id, "fill", 1, 2))))
    return bank, organiser, officer, exam


def test_officer_goes_from_home_to_intro_to_exam_page_to_result(app, client):
    bank, organiser, officer, exam = _world()
    login(client, "800001")
    home = client.get("/").get_data(as_text=True)
    assert "我的考试" in home and exam.title in home
    intro = client.get(f"/exams/{exam.id}").get_data(as_text=True)
    assert "开始考试" in intro and "30分钟" in intro
    started = client.post(f"/exams/{exam.id}/start", data={"csrf_token": csrf_token(client, f"/exams/{exam.id}")})
    attempt = db.session.scalar(sa.select(Attempt))
    assert started.headers["Location"].endswith(f"/attempts/{attempt.id}")
    page = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    for text in ("上一题", "下一题", "交卷", "确认交卷", "答题卡", "正确", "错误", "第1空", "js/exam.js"):
        assert text in page, text
    assert re.search(r'<label class="choice"><input type="radio" name="q\d+" value="A"', page)
    assert re.search(r'<input type="checkbox" name="q\d+" value="B"', page)
    # the paper in the page holds no answer key or explanation
    assert "解析" not in page and "option_map" not in page and "data-key" not in page
    for item in items_of(attempt.id):
        saving.save_answer(officer.id, attempt.id, item.question_id, right_answer(item), 1)
    resumed = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    assert "checked" in resumed
    done = client.post(f"/attempts/{attempt.id}/submit", data={"csrf_token": csrf_token(client, f"/attempts/{attempt.id}")})
    assert done.headers["Location"].endswith(f"/attempts/{attempt.id}/result")
    result = client.get(f"/attempts/{attempt.id}/result").get_data(as_text=True)
    assert "得分" in result and "100" in result and "合格" in result and "解析" in result


def test_someone_elses_attempt_and_organiser_pages_are_forbidden_to_an_officer(app, client):
    bank, organiser, officer, exam = _world()
    other = make_officer(badge="800002", department="市公安局/治安大队")
    attempt = attempts.start_attempt(other, exam)
    login(client, "800001")
    assert client.get(f"/attempts/{attempt.id}").status_code == 403
    assert client.get(f"/attempts/{attempt.id}/result").status_code == 403
    for path in ("/manage/exams", "/manage/exams/new", f"/manage/exams/{exam.id}", f"/manage/exams/{exam.id}/board"):
        assert client.get(path).status_code == 403, path


def test_organiser_creates_an_exam_through_the_form_and_a_too_big_blueprint_is_refused(app, client):
    bank = make_bank(single=5)
    make_organiser()
    make_officer(department="市公安局/治安大队")
    login(client, "700001")
    form = client.get("/manage/exams/new").get_data(as_text=True)
    assert "组卷规则" in form
    opens = timeutil.to_local(timeutil.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    closes = timeutil.to_local(timeutil.now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    data = {"csrf_token": csrf_token(client, "/manage/exams/new"), "title": "表单创建的测试", "mode": "full",
            "opens_at": opens, "closes_at": closes, "duration_minutes": "45", "total_points": "100",
            "pass_mark": "60", "attempts_allowed": "1", "shuffle_questions": "y", "show_results": "immediately",
            "start_delay_seconds": "0", "blueprint-0-bank": str(bank.id), "blueprint-0-qtype": "single",
            "blueprint-0-count": "6", "blueprint-0-points": "2"}
    refused = client.post("/manage/exams/new", data=dict(data, **{"blueprint-3-bank": str(bank.id),
                                                                  "blueprint-3-count": "x", "pass_mark": "120",
                                                                  "title": "", "duration_minutes": "abc",
                                                                  "opens_at": "明天"}))
    page = refused.get_data(as_text=True)
    # Every problem at once, each beside its field: the rows, the pass mark and the title.
    assert refused.status_code == 200 and "题库“党章题库”只有5道单选题" in page
    assert '<p class="field-error" id="blueprint-0-count-err">题库“党章题库”只有5道单选题' in page
    assert '<p class="field-error" id="blueprint-1-count-err">请填写整数。</p>' in page
    assert "请填写每题分值。" not in page  # a row's points default to 1
    assert '<p class="field-error" id="title-err">请填写考试名称。</p>' in page
    assert '<p class="field-error" id="duration_minutes-err">请填写整数。</p>' in page
    assert '<p class="field-error" id="opens_at-err">请填写有效的日期和时间。</p>' in page
    errors = re.findall(r'class="field-error"[^>]*>([^<]*)<', page)
    assert len(errors) == 6 and not [e for e in errors if re.search(r"[A-Za-z]{3}", e)]
    assert '<p class="field-error" id="pass_mark-err">合格线应在0到总分100之间。</p>' in page
    created = client.post("/manage/exams/new", data=dict(data, **{"blueprint-0-count": "5"}))
    assert created.status_code == 302
    exam = db.session.scalar(sa.select(Exam))
    assert exam.title == "表单创建的测试" and exam.question_count == 5 and exam.duration_minutes == 45
    detail = client.get(f"/manage/exams/{exam.id}").get_data(as_text=True)
    assert "修改" in detail and "单选5题" in detail
    edit_page = client.get(f"/manage/exams/{exam.id}/edit").get_data(as_text=True)
    assert re.search(r'name="blueprint-0-count"\s+value="5"', edit_page) and 'name="blueprint-1-count"' not in edit_page
    edit = client.post(f"/manage/exams/{exam.id}/edit", data=dict(data, **{"blueprint-0-count": "4", "title": "改过的"}))
    assert edit.status_code == 302 and db.session.get(Exam, exam.id).title == "改过的"


def test_organiser_previews_and_confirms_a_draw_then_replaces_an_absent_candidate(app, client):
    bank = make_bank()
    organiser = make_organiser()
    for n in range(5):
        make_officer(department="市公安局/治安大队")
    for n in range(3):
        make_officer(department="市公安局/刑侦大队")
    exam = definitions.create_exam(organiser, exam_spec(bank, mode="sample"))
    login(client, "700001")
    token = csrf_token(client, f"/manage/exams/{exam.id}/draw")
    preview = client.post(f"/manage/exams/{exam.id}/draw", data={
        "csrf_token": token, "size": "4", "allocation": "proportional", "seed": "99", "confirm": ""})
    html = preview.get_data(as_text=True)
    assert "预览：抽取" in html and "刑侦大队" in html and "确认抽取" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Candidate)) == 0
    confirmed = client.post(f"/manage/exams/{exam.id}/draw", data={
        "csrf_token": token, "size": "4", "allocation": "proportional", "seed": "99", "confirm": "1"})
    assert confirmed.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Candidate)) == 4
    page = client.get(f"/manage/exams/{exam.id}/candidates").get_data(as_text=True)
    assert "缺考替补" in page
    candidate = db.session.scalars(sa.select(Candidate)).first()
    replaced = client.post(f"/manage/exams/{exam.id}/candidates/{candidate.id}/replace",
                           data={"csrf_token": token})
    assert replaced.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action.in_(["exam.draw", "exam.replace"]))) == 2


def test_board_page_reminds_closes_and_offers_a_makeup(app, client):
    bank, organiser, officer, exam = _world()
    attempts.start_attempt(officer, exam)
    attempts.log_absence(officer, db.session.scalar(sa.select(Attempt.id)), 90, now=timeutil.now() + timedelta(minutes=5))
    login(client, "700001")
    board = client.get(f"/manage/exams/{exam.id}/board").get_data(as_text=True)
    assert "实时看板" in board and "js/exam_board.js" in board and "市公安局/治安大队" in board
    candidates = client.get(f"/manage/exams/{exam.id}/candidates").get_data(as_text=True)
    assert "1次，共90秒" in candidates and "超过宽限" in candidates
    attempt_id = db.session.scalar(sa.select(Attempt.id))
    log = client.get(f"/manage/exams/{exam.id}/attempts/{attempt_id}/absences").get_data(as_text=True)
    assert "需复核" in log
    token = csrf_token(client, f"/manage/exams/{exam.id}")
    assert client.post(f"/manage/exams/{exam.id}/close", data={"csrf_token": token}).status_code == 302
    detail = client.get(f"/manage/exams/{exam.id}").get_data(as_text=True)
    assert "创建补考" in detail
    opens = timeutil.to_local(timeutil.now()).strftime("%Y-%m-%dT%H:%M")
    closes = timeutil.to_local(timeutil.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    made = client.post(f"/manage/exams/{exam.id}/makeup", data={"csrf_token": token, "opens_at": opens, "closes_at": closes})
    assert made.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Exam).where(Exam.makeup_of_id == exam.id)) == 1
    cloned = client.post(f"/manage/exams/{exam.id}/clone", data={"csrf_token": token})
    assert cloned.status_code == 302 and "/edit" in cloned.headers["Location"]


def test_before_the_window_the_intro_page_counts_down_from_the_servers_time(app, client):
    bank = make_bank()
    organiser = make_organiser()
    make_officer(badge="800003", department="市公安局/治安大队")
    opens = timeutil.now() + timedelta(minutes=10)
    exam = definitions.create_exam(organiser, exam_spec(bank, departments=("市公安局/治安大队",), opens_at=opens,
                                                     closes_at=opens + timedelta(hours=2)))
    login(client, "800003")
    page = client.get(f"/exams/{exam.id}").get_data(as_text=True)
    assert "考试尚未开始" in page and "开始考试" not in page and "js/exam.js" in page
    wait = int(re.search(r'data-wait="(\d+)"', page).group(1))
    assert 590 <= wait <= 601


def test_exam_page_links_the_organiser_to_its_report(app, client):
    bank, organiser, officer, exam = _world()
    login(client, organiser.badge)
    page = client.get(f"/manage/exams/{exam.id}").get_data(as_text=True)
    assert f'href="/reports/exams/{exam.id}"' in page
    assert client.get(f"/reports/exams/{exam.id}").status_code == 200


def test_an_exam_closed_early_says_when_it_closed_to_organisers_and_officers(app, client, time_machine):
    bank, organiser, officer, exam = _world()
    moment = timeutil.now().replace(microsecond=0) + timedelta(hours=1)
    time_machine.move_to(moment, tick=False)
    login(client, organiser.badge)
    path = f"/manage/exams/{exam.id}"
    assert client.post(f"{path}/close", data={"csrf_token": csrf_token(client, path)}).status_code == 302
    shown = f"已于{timeutil.format_local(moment)}提前结束"

    def text_of(response):  # dates are <time> elements: read the page as a person does
        return re.sub(r"<[^>]+>", "", response.get_data(as_text=True))

    for page in (path, "/manage/exams", f"/reports/exams/{exam.id}"):
        assert shown in text_of(client.get(page)), page
    officer_client = app.test_client()
    login(officer_client, officer.badge)
    for page in ("/exams", f"/exams/{exam.id}"):
        assert shown in text_of(officer_client.get(page)), page


def test_an_exam_that_ran_its_course_does_not_claim_to_have_closed_early(app, client, time_machine):
    bank, organiser, officer, exam = _world()
    time_machine.move_to(exam.closes_at + timedelta(minutes=5), tick=False)
    login(client, officer.badge)
    assert "提前结束" not in client.get(f"/exams/{exam.id}").get_data(as_text=True)


def _board_world():
    """Two departments: 治安大队 has one answering, one submitted, one not started; 刑侦大队 two not started."""
    bank = make_bank(single=10, multiple=4, judge=6, fill=3)
    organiser = make_organiser()
    people = {name: make_officer(name=name, department=f"市公安局/{unit}")
              for name, unit in (("甲", "治安大队"), ("乙", "治安大队"), ("丙", "治安大队"),
                                 ("丁", "刑侦大队"), ("戊", "刑侦大队"))}
    exam = definitions.create_exam(organiser, exam_spec(bank, departments=("市公安局/治安大队", "市公安局/刑侦大队")))
    attempts.start_attempt(people["甲"], exam)
    attempts.submit_attempt(attempts.start_attempt(people["乙"], exam).id)
    return organiser, people, exam


def _names(html: str) -> list[str]:
    return re.findall(r"<tr><td>\d+</td><td>([^<]+)</td>", html)


def test_board_counts_answering_and_submitted_apart_and_each_count_opens_the_names(app, client):
    organiser, people, exam = _board_world()
    login(client, organiser.badge)
    board = client.get(f"/manage/exams/{exam.id}/board").get_data(as_text=True)
    tiles = dict((label, int(count)) for count, label in re.findall(
        r'<div class="stat" data-key="\w+">(\d+)</div>(应参考|未开始|答题中|已交卷)', board))
    assert tiles == {"应参考": 5, "未开始": 3, "答题中": 1, "已交卷": 1}

    people_page = f"/manage/exams/{exam.id}/board/people"
    assert f'href="{people_page}?state=in_progress"' in board
    assert _names(client.get(f"{people_page}?state=in_progress").get_data(as_text=True)) == ["甲"]
    assert _names(client.get(f"{people_page}?state=submitted").get_data(as_text=True)) == ["乙"]
    everyone = client.get(f"{people_page}?state=not_started").get_data(as_text=True)
    assert sorted(_names(everyone)) == ["丁", "丙", "戊"] and "共3人" in everyone
    one_unit = client.get(f"{people_page}?state=not_started&department=市公安局/刑侦大队").get_data(as_text=True)
    assert sorted(_names(one_unit)) == ["丁", "戊"] and "共2人（刑侦大队）" in one_unit
    # The department's row links to its names.
    assert "state=not_started&amp;department=%E5%B8%82" in board


def test_remind_reaches_only_the_chosen_departments_people_who_have_not_started(app, client):
    from quizapp.notifications.models import Notification

    organiser, people, exam = _board_world()
    login(client, organiser.badge)
    path = f"/manage/exams/{exam.id}/board"
    board = client.get(path).get_data(as_text=True)
    assert board.count('aria-label="提醒') == 2  # one button per department
    response = client.post(f"/manage/exams/{exam.id}/remind", data={
        "csrf_token": csrf_token(client, path), "department": "市公安局/刑侦大队", "next": path})
    assert response.status_code == 302 and response.headers["Location"].endswith(path)
    reminded = set(db.session.scalars(sa.select(Notification.officer_id).where(Notification.kind == "reminder")))
    assert reminded == {people["丁"].id, people["戊"].id}
    assert "已提醒刑侦大队的2名未参考人员" in client.get(path).get_data(as_text=True)


def _draw_world():
    bank = make_bank()
    organiser = make_organiser()
    for _ in range(5):
        make_officer(department="市公安局/治安大队")
    for _ in range(3):
        make_officer(department="市公安局/刑侦大队")
    exam = definitions.create_exam(organiser, exam_spec(bank, mode="sample"))
    units = {d.path: d.id for d in db.session.scalars(sa.select(Department))}
    return organiser, exam, units


def _field_error(html: str, input_id: str) -> str | None:
    match = re.search(rf'<p class="field-error" id="{re.escape(input_id)}-err">([^<]+)</p>', html)
    return match.group(1) if match else None


def test_draw_form_shows_each_departments_headcount_and_takes_a_number_per_department(app, client):
    organiser, exam, units = _draw_world()
    login(client, organiser.badge)
    path = f"/manage/exams/{exam.id}/draw"
    html = client.get(path).get_data(as_text=True)
    assert "<textarea" not in html and "=人数" not in html
    for unit, headcount in (("市公安局/治安大队", 5), ("市公安局/刑侦大队", 3)):
        row = re.search(rf'<label for="fixed-{units[unit]}">{unit.split("/")[-1]}</label></td>'
                        rf'<td class="num">(\d+)</td>', html)
        assert row and int(row.group(1)) == headcount
        assert re.search(rf'<input type="number" id="fixed-{units[unit]}" name="fixed-{units[unit]}" min="0" '
                         rf'max="{headcount}"', html)

    fixed = {f"fixed-{units['市公安局/治安大队']}": "2", f"fixed-{units['市公安局/刑侦大队']}": "3"}
    token = csrf_token(client, path)
    preview = client.post(path, data={"csrf_token": token, "allocation": "fixed", "seed": "7", "confirm": "", **fixed})
    assert preview.status_code == 200 and "共抽取5人" in preview.get_data(as_text=True)
    confirmed = client.post(path, data={"csrf_token": token, "allocation": "fixed", "seed": "7", "confirm": "1",
                                        **fixed})
    assert confirmed.status_code == 302
    drawn = dict(db.session.execute(sa.select(Department.path, sa.func.count(Candidate.id))
                                    .join(Candidate, Candidate.department_id == Department.id)
                                    .group_by(Department.path)).all())
    assert drawn == {"市公安局/治安大队": 2, "市公安局/刑侦大队": 3}


def test_draw_form_errors_are_in_chinese_next_to_the_field_at_fault(app, client):
    organiser, exam, units = _draw_world()
    login(client, organiser.badge)
    path = f"/manage/exams/{exam.id}/draw"
    token = csrf_token(client, path)
    small = f"fixed-{units['市公安局/刑侦大队']}"

    too_many = client.post(path, data={"csrf_token": token, "allocation": "fixed", small: "4", "confirm": ""})
    assert too_many.status_code == 422
    assert _field_error(too_many.get_data(as_text=True), small) == "该部门只有3名在岗民警。"
    not_a_number = client.post(path, data={"csrf_token": token, "allocation": "fixed", small: "-1", "confirm": ""})
    assert _field_error(not_a_number.get_data(as_text=True), small) == "请填写0或正整数。"
    mismatch = client.post(path, data={"csrf_token": token, "allocation": "fixed", "size": "5", small: "2",
                                       "confirm": ""}).get_data(as_text=True)
    assert _field_error(mismatch, "size") == "各部门指定人数之和为2，与抽取总人数5不一致。"
    no_size = client.post(path, data={"csrf_token": token, "allocation": "proportional", "confirm": ""})
    assert no_size.status_code == 422 and _field_error(no_size.get_data(as_text=True), "size") == "请填写抽取总人数。"
    counts_but_proportional = client.post(path, data={"csrf_token": token, "allocation": "proportional", "size": "3",
                                                      small: "2", "confirm": ""}).get_data(as_text=True)
    assert "请将分配方式选为“指定各部门人数”" in _field_error(counts_but_proportional, "allocation")
    too_big = client.post(path, data={"csrf_token": token, "allocation": "equal", "size": "99", "confirm": ""})
    assert _field_error(too_big.get_data(as_text=True), "size") .endswith("名在岗民警，不能抽取99人。")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Candidate)) == 0


def test_board_names_for_a_department_not_in_the_exam_say_so_and_list_everyone(app, client):
    organiser, people, exam = _board_world()
    login(client, organiser.badge)
    html = client.get(f"/manage/exams/{exam.id}/board/people?state=not_started&department=市公安局/政治处") \
        .get_data(as_text=True)
    assert "本次考试没有“市公安局/政治处”的考生" in html and "共3人" in html
