"""E-mail delivery through a real local SMTP server (aiosmtpd)."""
import socket
from email import message_from_bytes, policy

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from quizapp.extensions import db
from quizapp.notifications.email import send_pending_emails
from quizapp.notifications.models import Notification
from quizapp.notifications.services import notify
from tests.factories import make_officer


class Inbox:
    """aiosmtpd handler keeping every message it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


@pytest.fixture
def smtp_server(app):
    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    saved = {k: app.config[k] for k in ("SMTP_HOST", "SMTP_PORT")}
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
    yield inbox
    app.config.update(saved)
    controller.stop()


def test_notifications_of_officers_with_an_address_are_emailed_once(app, smtp_server):
    with_mail = make_officer(name="李四")
    with_mail.email = "lisi@example.org"
    without_mail = make_officer(name="王五")
    db.session.commit()
    notify([with_mail.id, without_mail.id], "exam", "考试已开始：第四季度测试", "请在周五前完成。", "/exams/1",
           dedupe_key="exam-open:1")
    db.session.commit()

    assert send_pending_emails() == 1
    assert len(smtp_server.messages) == 1
    recipients, message = smtp_server.messages[0]
    assert recipients == ["lisi@example.org"]
    assert message["Subject"] == "考试已开始：第四季度测试"
    assert "请在周五前完成。" in message.get_content() and "/exams/1" in message.get_content()

    assert send_pending_emails() == 0
    assert len(smtp_server.messages) == 1
    emailed = db.session.scalars(sa.select(Notification.emailed_at).where(Notification.officer_id == with_mail.id))
    assert all(emailed)


def test_nothing_is_sent_without_smtp_configured(app):
    officer = make_officer()
    officer.email = "x@example.org"
    notify([officer.id], "system", "测试")
    db.session.commit()
    assert app.config["SMTP_HOST"] is None
    assert send_pending_emails() == 0
    assert db.session.scalar(sa.select(Notification.emailed_at)) is None
