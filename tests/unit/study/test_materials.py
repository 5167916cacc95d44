"""Study materials: hostile HTML is sanitised on save; who sees what; read and unread."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from quizapp.audit.models import AuditEntry
from quizapp.extensions import db
from quizapp.periods import local_day
from quizapp.roster.models import Department
from quizapp.study import materials
from quizapp.study.models import StudyMaterial
from tests.factories import make_officer

HOSTILE = [
    '<script>alert(1)</script>',
    '<img src="x" onerror="alert(1)">',
    '<a href="javascript:alert(1)">点我</a>',
    '<a href="JaVaScRiPt:alert(1)">点我</a>',
    '<a href="java&#x09;script:alert(1)">点我</a>',
    '<style>body{display:none}</style>',
    '<p style="background:url(javascript:alert(1))">样式</p>',
    '<iframe src="https://evil.example/"></iframe>',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<img src="http://plain.example/a.png">',
    '<img src="//evil.example/a.png">',
    '<svg onload="alert(1)"><circle/></svg>',
    '<form action="/logout"><input name="x"></form>',
    '<div onclick="alert(1)" onmouseover="alert(2)">悬停</div>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/">',
]


@pytest.mark.parametrize("html", HOSTILE)
def test_hostile_html_is_defused(html):
    clean = materials.sanitise_html(f"<p>正文</p>{html}").lower()
    for marker in ("<script", "onerror", "onclick", "onmouseover", "onload", "javascript:", "<style", "style=",
                   "<iframe", "data:", "http://", "//evil", "<svg", "<form", "<input", "<object", "<embed",
                   "<meta", "<base"):
        assert marker not in clean
    assert "<p>正文</p>" in clean


def test_formatting_links_tables_and_safe_images_survive():
    html = ('<h3>标题</h3><p><strong>重点</strong><em>强调</em></p><ul><li>一</li></ul>'
            '<table><tr><td colspan="2">表格</td></tr></table>'
            '<a href="https://www.12371.cn/">共产党员网</a><img src="https://img.example/a.png" alt="图">'
            '<img src="/static/logo.png" alt="本站">')
    clean = materials.sanitise_html(html)
    for kept in ('<h3>标题</h3>', '<strong>重点</strong>', '<li>一</li>', 'colspan="2"',
                 'href="https://www.12371.cn/"', 'src="https://img.example/a.png"', 'src="/static/logo.png"',
                 'rel="noopener noreferrer nofollow"'):
        assert kept in clean


def publish(actor, title="政治学习三十分：第1期", departments=(), on=None, body="<p>内容</p>"):
    return materials.save_material(actor, materials.MaterialInput(
        title=title, body=body, published_on=on or local_day(), series=materials.WEEKLY_SERIES,
        department_ids=[d.id for d in departments]))


def test_publishing_sanitises_on_save_and_is_audited(app):
    admin = make_officer(badge="340001", role="admin")
    item = publish(admin, body='<p onclick="x()">学习</p><script>steal()</script>')
    stored = db.session.get(StudyMaterial, item.id).body_html
    assert stored == "<p>学习</p>"
    assert db.session.scalar(sa.select(AuditEntry.action)) == "study.material_publish"
    with pytest.raises(materials.StudyError):
        publish(admin, body="<script>only()</script>")
    with pytest.raises(materials.StudyError):
        publish(admin, title=" ")
    assert db.session.query(StudyMaterial).count() == 1


def test_materials_reach_their_departments_subtrees_and_only_once_published(app):
    admin = make_officer(badge="340002", role="admin")
    inside = make_officer(badge="340003", department="市公安局/治安大队/一中队")
    outside = make_officer(badge="340004", department="市公安局/刑侦大队")
    brigade = db.session.scalar(sa.select(Department).where(Department.path == "市公安局/治安大队"))
    everyone = publish(admin, "全局资料")
    limited = publish(admin, "治安大队资料", departments=[brigade])
    publish(admin, "下周资料", on=local_day() + timedelta(days=7))
    assert [m.title for m, _ in materials.materials_for(inside)] == ["治安大队资料", "全局资料"]
    assert [m.title for m, _ in materials.materials_for(outside)] == ["全局资料"]
    with pytest.raises(materials.StudyError):
        materials.material_for(outside, limited.id)
    assert materials.material_for(inside, everyone.id).id == everyone.id


def test_reading_moves_a_material_from_unread_to_read(app):
    admin = make_officer(badge="340005", role="admin")
    reader = make_officer(badge="340006")
    first, second = publish(admin, "第1期", on=date(2026, 1, 5)), publish(admin, "第2期", on=date(2026, 1, 12))
    assert materials.unread_count(reader) == 2
    materials.mark_read(reader.id, first.id)
    materials.mark_read(reader.id, first.id)  # reading again changes nothing
    rows = dict((m.title, read) for m, read in materials.materials_for(reader))
    assert rows["第1期"] is not None and rows["第2期"] is None
    assert materials.unread_count(reader) == 1
    assert second.id


def test_scoped_organisers_publish_only_within_their_departments(app):
    organiser = make_officer(badge="340007", role="organiser", department="市公安局/治安大队")
    make_department_path = make_officer(badge="340008", department="市公安局/刑侦大队")
    brigade = db.session.scalar(sa.select(Department).where(Department.path == "市公安局/治安大队"))
    other = make_department_path.department
    organiser.scope_departments = [brigade]
    db.session.commit()
    with pytest.raises(materials.StudyError):
        publish(organiser, departments=[other])
    item = publish(organiser)  # nothing chosen: his own scope, not the whole bureau
    assert [d.path for d in item.departments] == ["市公安局/治安大队"]
    plain = make_officer(badge="340009")
    assert not materials.can_edit(plain, item)
