"""A live contest through its services on both databases: the host's steps, answers
by the server's time of receipt, the three rounds' scoring, pauses, late answers,
corrections, standings, points and the record."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from quizapp import timeutil
from quizapp.audit.models import AuditEntry
from quizapp.banks.models import Question
from quizapp.contests import live_host, live_play, live_state
from quizapp.contests.errors import ContestError
from quizapp.contests.live_export import contest_xlsx, question_statistics, summary_sentence
from quizapp.contests.live_setup import LiveContestSpec, RoundSpec, create_live_contest
from quizapp.contests.models import LiveAnswer, LiveContest, LiveJoin
from quizapp.extensions import db
from quizapp.points.models import PointsEntry
from tests.contest_factories import RIGHT, WRONG, join, make_live_contest


def step(contest, host, *actions, now=None):
    for action in actions:
        live_host.host_action(host, contest.id, action, now=now)
    db.session.expire_all()
    return db.session.get(LiveContest, contest.id)


def answer(officer, contest, position, value, at):
    return live_play.submit_answer(officer.id, contest.id, position, value, at)


def opened_at(contest, position=None):
    question = live_state.contest_question(db.session.get(LiveContest, contest.id))
    return question.opened_at


def scores(contest):
    db.session.expire_all()
    table = live_state.standings(db.session.get(LiveContest, contest.id))
    return {p.result.extra["name"]: p.result.score for p in table.individuals}


def test_host_steps_follow_the_phases_and_refuse_the_wrong_one(app):
    contest, host = make_live_contest()
    with pytest.raises(ContestError) as refused:
        live_host.host_action(host, contest.id, "open")
    assert refused.value.status == 409
    contest = step(contest, host, "start")
    assert (contest.status, contest.phase, contest.current_position) == ("running", "ready", 0)
    contest = step(contest, host, "show", "open", "close", "reveal", "leaderboard", "next")
    assert (contest.phase, contest.current_position) == ("ready", 1)
    contest = step(contest, host, "pause")
    assert live_state.host_doc(contest)["actions"] == [{"action": "resume", "label": "继续"}]
    with pytest.raises(ContestError):
        live_host.host_action(host, contest.id, "show")
    contest = step(contest, host, "resume", "show", "open", "close", "reveal", "next")
    assert contest.phase == "ready"  # the 抢答 round
    contest = step(contest, host, "show", "open", "close", "reveal", "next")
    assert contest.phase == "staking"  # 风险题 asks for stakes first
    contest = step(contest, host, "show", "open", "close", "reveal")
    assert "next" not in [a["action"] for a in live_state.host_doc(contest)["actions"]]
    contest = step(contest, host, "finish")
    assert (contest.status, contest.phase) == ("finished", "podium")


def test_required_round_gives_full_points_at_once_falling_to_half_at_the_deadline(app):
    contest, host = make_live_contest(rounds=(("required", 1),))
    fast, slow, late_ok, wrong = (join(contest, f"90000{i}", name) for i, name in
                                  enumerate(["快", "慢", "末", "错"], start=1))
    step(contest, host, "start", "show", "open")
    start = opened_at(contest)
    answer(fast, contest, 0, RIGHT["single"], start)
    answer(slow, contest, 0, RIGHT["single"], start + timedelta(seconds=10))  # half the time: 7.5
    answer(late_ok, contest, 0, RIGHT["single"], start + timedelta(seconds=19, milliseconds=999))
    answer(wrong, contest, 0, WRONG["single"], start + timedelta(seconds=1))
    with pytest.raises(ContestError, match="作答时间已到"):
        answer(make_and_join(contest), contest, 0, RIGHT["single"], start + timedelta(seconds=20))
    step(contest, host, "close", "reveal", now=start + timedelta(seconds=30))
    assert scores(contest) == {"快": 10.0, "慢": 7.5, "末": 5.0, "错": 0.0, "迟": 0.0}


def make_and_join(contest):
    return join(contest, "900099", "迟")


def test_one_answer_each_and_none_before_opening(app):
    contest, host = make_live_contest(rounds=(("required", 2),))
    officer = join(contest, "900001", "甲")
    step(contest, host, "start", "show")
    with pytest.raises(ContestError, match="尚未开始作答"):
        answer(officer, contest, 0, "A", timeutil.now())
    step(contest, host, "open")
    start = opened_at(contest)
    answer(officer, contest, 0, "B", start + timedelta(seconds=1))
    with pytest.raises(ContestError) as again:
        answer(officer, contest, 0, "A", start + timedelta(seconds=2))
    assert again.value.code == "already_answered"
    with pytest.raises(ContestError, match="尚未开始作答"):  # the next question
        answer(officer, contest, 1, "A", start + timedelta(seconds=2))
    with pytest.raises(ContestError) as shape:
        answer(officer, contest, 0, ["A", "Z"], start + timedelta(seconds=2))
    assert shape.value.code in ("already_answered", "invalid_answer")
    outsider = join(contest, "900002", "乙")
    db.session.execute(sa.delete(LiveJoin))
    with pytest.raises(ContestError) as not_joined:
        live_play.submit_answer(outsider.id + 1000, contest.id, 0, "A", start)
    assert not_joined.value.status == 403


def test_buzz_goes_to_the_earliest_right_receipt_even_when_stored_later(app):
    contest, host = make_live_contest(rounds=(("buzz", 1),))
    early_wrong, winner, stored_first, after = (join(contest, f"90000{i}", name, department)
                                                for i, (name, department) in enumerate(
        [("错抢", "市公安局/刑侦大队"), ("先到", "市公安局/治安大队"), ("先存", "市公安局/城关派出所"),
         ("迟到", "市公安局/治安大队")], start=1))
    step(contest, host, "start", "show", "open")
    start = opened_at(contest)
    answer(early_wrong, contest, 0, WRONG["single"], start + timedelta(milliseconds=100))
    # stored first, but received later than the winner's answer that is stored next
    answer(stored_first, contest, 0, RIGHT["single"], start + timedelta(milliseconds=300))
    answer(winner, contest, 0, RIGHT["single"], start + timedelta(milliseconds=200))
    with pytest.raises(ContestError, match="已被抢答"):
        answer(after, contest, 0, RIGHT["single"], start + timedelta(milliseconds=400))
    with pytest.raises(ContestError, match="已作答"):  # a wrong buzz locks the officer out
        answer(early_wrong, contest, 0, RIGHT["single"], start + timedelta(milliseconds=150))
    step(contest, host, "close", "reveal")
    assert scores(contest) == {"先到": 20.0, "先存": 0.0, "迟到": 0.0, "错抢": -10.0}
    result = live_state.question_result(live_state.contest_question(db.session.get(LiveContest, contest.id)))
    assert result["winner"]["name"] == "先到"


def test_risk_round_adds_or_subtracts_the_stake_chosen_before_the_question(app):
    contest, host = make_live_contest(rounds=(("risk", 1),))
    bold, careful, default = (join(contest, f"90000{i}", name) for i, name in enumerate(["三十", "十", "未选"], 1))
    step(contest, host, "start")
    now = timeutil.now()
    live_play.choose_stake(bold.id, contest.id, 0, 20, now)
    live_play.choose_stake(bold.id, contest.id, 0, 30, now)  # changed before the show
    with pytest.raises(ContestError):
        live_play.choose_stake(careful.id, contest.id, 0, 15, now)
    step(contest, host, "show", now=now + timedelta(seconds=1))
    # received before the show, handled after it (it waited for a worker thread): counts
    live_play.choose_stake(careful.id, contest.id, 0, 10, now + timedelta(milliseconds=900))
    with pytest.raises(ContestError, match="不能再选择分值"):
        live_play.choose_stake(careful.id, contest.id, 0, 30, now + timedelta(seconds=1))
    step(contest, host, "open")
    start = opened_at(contest)
    answer(bold, contest, 0, WRONG["single"], start + timedelta(seconds=1))
    answer(careful, contest, 0, RIGHT["single"], start + timedelta(seconds=2))
    answer(default, contest, 0, RIGHT["single"], start + timedelta(seconds=3))
    step(contest, host, "close", "reveal")
    assert scores(contest) == {"三十": -30.0, "十": 10.0, "未选": 10.0}


def test_an_answer_received_before_the_close_counts_even_if_stored_after_it(app):
    contest, host = make_live_contest(rounds=(("required", 1), ("required", 1)))
    prompt, laggard = join(contest, "900001", "及时"), join(contest, "900002", "落后")
    step(contest, host, "start", "show", "open")
    start = opened_at(contest)
    answer(prompt, contest, 0, RIGHT["single"], start + timedelta(seconds=2))
    step(contest, host, "close", now=start + timedelta(seconds=5))
    # received at 4 s (before the close at 5 s), reaching the database only now
    answer(laggard, contest, 0, RIGHT["single"], start + timedelta(seconds=4))
    with pytest.raises(ContestError, match="作答时间已到"):
        answer(join(contest, "900003", "超时"), contest, 0, RIGHT["single"], start + timedelta(seconds=5))
    step(contest, host, "reveal")
    assert scores(contest) == {"及时": 9.5, "落后": 9.0, "超时": 0.0}


def test_an_answer_received_before_the_close_counts_even_when_the_host_has_gone_on(app):
    contest, host = make_live_contest(rounds=(("required", 2),))
    laggard = join(contest, "900001", "落后")
    step(contest, host, "start", "show", "open")
    start = opened_at(contest)
    step(contest, host, "close", now=start + timedelta(seconds=5))
    step(contest, host, "reveal", "next", now=start + timedelta(seconds=6))
    # received at 4 s, before the close; a worker got to it after the host's 下一题
    answer(laggard, contest, 0, RIGHT["single"], start + timedelta(seconds=4))
    with pytest.raises(ContestError, match="作答时间已到"):
        answer(join(contest, "900002", "超时"), contest, 0, RIGHT["single"], start + timedelta(seconds=5))
    assert scores(contest) == {"落后": 9.0, "超时": 0.0}


def test_a_pause_stops_the_clock_and_refuses_answers_meanwhile(app):
    contest, host = make_live_contest(rounds=(("required", 1),))
    officer, other = join(contest, "900001", "甲"), join(contest, "900002", "乙")
    t0 = timeutil.now()
    step(contest, host, "start", "show", now=t0)
    step(contest, host, "open", now=t0)
    start = opened_at(contest)  # a moment after the host's "open": every phone learns it first
    assert start > t0
    with pytest.raises(ContestError, match="尚未开始作答"):
        answer(officer, contest, 0, RIGHT["single"], start - timedelta(milliseconds=1))
    step(contest, host, "pause", now=start + timedelta(seconds=5))
    with pytest.raises(ContestError, match="暂停"):
        answer(officer, contest, 0, RIGHT["single"], start + timedelta(seconds=6))
    step(contest, host, "resume", now=start + timedelta(seconds=65))
    question = live_state.contest_question(db.session.get(LiveContest, contest.id))
    assert question.deadline == start + timedelta(seconds=80)  # 20 s + the 60 s pause
    answer(officer, contest, 0, RIGHT["single"], start + timedelta(seconds=75))  # 15 s of answering time
    answer(other, contest, 0, RIGHT["single"], start + timedelta(seconds=4))  # sent before the pause
    with pytest.raises(ContestError, match="暂停"):  # received during the pause, stored after it
        answer(join(contest, "900003", "丙"), contest, 0, RIGHT["single"], start + timedelta(seconds=30))
    step(contest, host, "close", "reveal", now=start + timedelta(seconds=90))
    assert scores(contest) == {"甲": 6.2, "乙": 9.0, "丙": 0.0}


def test_standings_rank_by_score_then_time_then_last_answer_with_teams_summed_or_averaged(app):
    contest, host = make_live_contest(rounds=(("required", 2),), team_scoring="average")
    a = join(contest, "900001", "甲", "市公安局/治安大队")
    b = join(contest, "900002", "乙", "市公安局/治安大队")
    c = join(contest, "900003", "丙", "市公安局/刑侦大队")
    step(contest, host, "start", "show", "open")
    start = opened_at(contest)
    answer(a, contest, 0, RIGHT["single"], start + timedelta(seconds=4))
    answer(b, contest, 0, RIGHT["single"], start + timedelta(seconds=4))
    answer(c, contest, 0, WRONG["single"], start + timedelta(seconds=1))
    step(contest, host, "close", "reveal", "next", "show", "open")
    start = opened_at(contest)
    answer(b, contest, 1, RIGHT["single"], start + timedelta(seconds=4))
    answer(a, contest, 1, RIGHT["single"], start + timedelta(seconds=4))  # equal time, received... the same
    step(contest, host, "close", "reveal")
    db.session.expire_all()
    table = live_state.standings(db.session.get(LiveContest, contest.id))
    people = [(p.rank, p.result.extra["name"], p.result.score) for p in table.individuals]
    assert people == [(1, "乙", 18.0), (1, "甲", 18.0), (3, "丙", 0.0)] or \
        people == [(1, "甲", 18.0), (1, "乙", 18.0), (3, "丙", 0.0)]
    assert [(t.team, t.rank, t.score) for t in table.teams] == [("治安大队", 1, 18.0), ("刑侦大队", 2, 0.0)]
    assert summary_sentence(db.session.get(LiveContest, contest.id), table) == \
        "本次党章知识竞赛共有2个代表队、3名民警参加，治安大队代表队获得第一名。"


def test_the_phones_see_no_question_before_the_show_and_no_key_before_the_reveal(app):
    contest, host = make_live_contest(rounds=(("required", 1),))
    officer = join(contest, "900001", "甲")
    contest = step(contest, host, "start")
    stem = live_state.contest_question(contest).stem
    for phase_doc in (live_state.public_doc(contest), live_state.personal_doc(contest, officer.id)):
        assert stem not in str(phase_doc) and "key" not in phase_doc
    contest = step(contest, host, "show")
    doc = live_state.public_doc(contest)
    assert doc["question"]["stem"] == stem and "key" not in doc
    contest = step(contest, host, "open")
    answer(officer, contest, 0, RIGHT["single"], opened_at(contest))
    contest = step(contest, host, "close")
    assert "key" not in live_state.public_doc(contest) and "key" not in live_state.screen_doc(contest)
    assert "result" not in live_state.screen_doc(contest)
    assert live_state.personal_doc(contest, officer.id)["score"] == 0  # not published before the reveal
    assert "correct" not in live_state.personal_doc(contest, officer.id)
    contest = step(contest, host, "reveal")
    doc = live_state.public_doc(contest)
    assert doc["key"] == "A" and doc["key_label"] == "A"
    mine = live_state.personal_doc(contest, officer.id)
    assert (mine["correct"], mine["points"], mine["score"], mine["rank"]) == (True, 10.0, 10.0, 1)


def test_corrections_change_the_score_and_are_audited(app):
    contest, host = make_live_contest(rounds=(("required", 1),))
    officer = join(contest, "900001", "甲")
    step(contest, host, "start")
    with pytest.raises(ContestError, match="原因"):
        live_host.correct_score(host, contest.id, "900001", 5, "")
    with pytest.raises(ContestError, match="没有参加"):
        live_host.correct_score(host, contest.id, "123456", 5, "计分错误")
    live_host.correct_score(host, contest.id, "900001", "-2.5", "违规抢答")
    assert scores(contest) == {"甲": -2.5}
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "contest.live_correct"))
    assert "违规抢答" in entry.summary and officer.badge in entry.summary


def test_finishing_awards_points_for_taking_part_and_places_once(app):
    contest, host = make_live_contest(rounds=(("required", 1),))
    first, second, idle = join(contest, "900001", "甲"), join(contest, "900002", "乙"), join(contest, "900003", "丙")
    step(contest, host, "start", "show", "open")
    start = opened_at(contest)
    answer(first, contest, 0, RIGHT["single"], start)
    answer(second, contest, 0, RIGHT["single"], start + timedelta(seconds=2))
    step(contest, host, "close", "reveal", "finish")
    points = {(e.officer_id, e.reason): e.points for e in db.session.scalars(sa.select(PointsEntry))}
    assert points == {(first.id, "contest_taken"): 3, (second.id, "contest_taken"): 3, (idle.id, "contest_taken"): 3,
                      (first.id, "contest_place"): 10, (second.id, "contest_place"): 6}
    with pytest.raises(ContestError):
        live_host.host_action(host, contest.id, "finish")


def test_late_joins_and_rejoins_are_logged_and_resume_the_current_question(app):
    contest, host = make_live_contest(rounds=(("required", 2),))
    early = join(contest, "900001", "早")
    step(contest, host, "start", "show", "open")
    late = join(contest, "900002", "晚")
    answer(late, contest, 0, RIGHT["single"], opened_at(contest) + timedelta(seconds=1))
    live_play.join_contest(late, db.session.get(LiveContest, contest.id))  # a reload on a lost connection
    joins = db.session.execute(sa.select(LiveJoin.officer_id, LiveJoin.rejoin, LiveJoin.position)
                               .order_by(LiveJoin.id)).all()
    assert [(j.officer_id, j.rejoin, j.position) for j in joins] == [
        (early.id, False, None), (late.id, False, 0), (late.id, True, 0)]
    mine = live_state.personal_doc(db.session.get(LiveContest, contest.id), late.id)
    assert (mine["position"], mine["answer"]) == (0, "A")


def test_record_exports_and_statistics(app):
    contest, host = make_live_contest(rounds=(("required", 1), ("buzz", 1)))
    a, b = join(contest, "900001", "甲"), join(contest, "900002", "乙", "市公安局/刑侦大队")
    step(contest, host, "start", "show", "open")
    start = opened_at(contest)
    answer(a, contest, 0, RIGHT["single"], start + timedelta(seconds=1))
    answer(b, contest, 0, WRONG["single"], start + timedelta(seconds=2))
    step(contest, host, "close", "reveal", "next", "show", "open")
    answer(b, contest, 1, RIGHT["single"], opened_at(contest) + timedelta(seconds=1))
    contest = step(contest, host, "close", "reveal", "finish")
    stats = question_statistics(contest)
    assert [(q.number, q.answered, q.right, q.distribution["A"], q.distribution["B"]) for q in stats] == [
        (1, 2, 1, 1, 1), (2, 1, 1, 1, 0)]
    assert stats[1].decided_by == "乙抢答成功"
    book = load_workbook(io.BytesIO(contest_xlsx(contest)))
    assert book.sheetnames == ["概况", "个人成绩", "代表队", "逐题统计", "答题记录", "加入记录", "更正记录"]
    records = list(book["答题记录"].iter_rows(min_row=2, values_only=True))
    assert len(records) == 3 and all(row[5] for row in records)  # every answer with its server time
    assert book["概况"]["B9"].value.startswith("本次党章知识竞赛共有2个代表队、2名民警参加")


def test_creating_checks_rounds_and_questions(app):
    contest, host = make_live_contest(rounds=(("required", 3),))
    bank_question_ids = [q.question_id for q in contest.questions]
    fixed = create_live_contest(host, LiveContestSpec(title="指定题目", rounds=(
        RoundSpec("required", 10, 20, question_ids=tuple(reversed(bank_question_ids))),)))
    assert [q.question_id for q in fixed.questions] == list(reversed(bank_question_ids))
    with pytest.raises(ContestError, match="用过"):
        create_live_contest(host, LiveContestSpec(title="重复", rounds=(
            RoundSpec("required", 10, 20, question_ids=(bank_question_ids[0],)),
            RoundSpec("buzz", 10, 20, question_ids=(bank_question_ids[0],)))))
    with pytest.raises(ContestError, match="不够"):
        create_live_contest(host, LiveContestSpec(title="太多", rounds=(
            RoundSpec("required", 10, 20, bank_id=db.session.scalar(sa.select(Question.bank_id).limit(1)),
                      count=99),)))
    with pytest.raises(ContestError, match="二选一"):
        create_live_contest(host, LiveContestSpec(title="无题", rounds=(RoundSpec("required", 10, 20),)))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LiveAnswer)) == 0
