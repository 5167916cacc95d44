"""E-mail delivery of notifications through SMTP, when SMTP is configured.

A sweep (run by the scheduler) sends every notification of an officer with an
e-mail address that has not been e-mailed yet, and marks it ``emailed_at`` —
one SMTP session per sweep, one message per notification.
"""
from __future__ import annotations

import logging
import smtplib
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

import sqlalchemy as sa
from flask import current_app

from .. import timeutil
from ..extensions import db
from .models import Notification

log = logging.getLogger("quizapp.email")

BATCH = 200
# Notifications older than this are not e-mailed (e.g. when SMTP is configured
# on a site that already has a long inbox history).
MAX_AGE_DAYS = 7


def smtp_configured() -> bool:
    """Whether an SMTP host is set."""
    return bool(current_app.config.get("SMTP_HOST"))


def build_message(notification: Notification, address: str, name: str) -> EmailMessage:
    """The e-mail for one notification (plain text, UTF-8)."""
    config = current_app.config
    message = EmailMessage()
    message["Subject"] = notification.title
    message["From"] = formataddr(("quizapp", config["SMTP_SENDER"]))
    message["To"] = formataddr((name, address))
    message["Message-ID"] = make_msgid(domain=config["SMTP_SENDER"].rpartition("@")[2] or "localhost")
    body = notification.body or notification.title
    if notification.link:
        base = config.get("QUIZAPP_BASE_URL") or ""
        body += f"\n\n查看：{base}{notification.link}"
    message.set_content(body + "\n\n（本邮件由系统自动发送，请勿回复。）")
    return message


def send_pending_emails(limit: int = BATCH) -> int:
    """Send the notifications not yet e-mailed; returns how many were sent. Commits per batch."""
    if not smtp_configured():
        return 0
    from ..roster.models import Officer

    cutoff = timeutil.now() - timedelta(days=MAX_AGE_DAYS)
    rows = db.session.execute(
        sa.select(Notification, Officer.email, Officer.name)
        .join(Officer, Officer.id == Notification.officer_id)
        .where(Notification.emailed_at.is_(None), Officer.email.is_not(None), Officer.email != "",
               Officer.active.is_(True), Notification.created_at >= cutoff)
        .order_by(Notification.id).limit(limit)
    ).all()
    if not rows:
        return 0
    config = current_app.config
    sent = 0
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=30) as smtp:
        if config.get("SMTP_STARTTLS"):
            smtp.starttls()
        if config.get("SMTP_USER"):
            smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
        for notification, address, name in rows:
            try:
                smtp.send_message(build_message(notification, address, name))
            except smtplib.SMTPRecipientsRefused:
                log.warning("address of officer %s refused; not retrying", notification.officer_id)
            except smtplib.SMTPException:
                log.exception("sending notification %s failed; will retry", notification.id)
                continue
            notification.emailed_at = timeutil.now()
            sent += 1
    db.session.commit()
    return sent
