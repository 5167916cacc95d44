"""Logging in and out, sessions, tokens and password changes."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from .. import timeutil
from ..errors import DomainError
from ..extensions import db
from ..roster.models import Officer
from .models import ApiToken, LoginSession
from .passwords import hash_password, needs_rehash, password_problem, verify_password


class AuthError(DomainError):
    """A login or password change refused, with a Chinese message."""


def authenticate(badge: str, password: str) -> Officer | None:
    """The active officer with this badge and password, or None.

    A hash made by an older method (werkzeug's scrypt or pbkdf2, other Argon2
    parameters) is replaced by one of the configured method; the commit of the
    session or token this login creates saves it.
    """
    officer = db.session.scalar(sa.select(Officer).where(Officer.badge == badge.strip()))
    if not verify_password(officer.password_hash if officer else None, password):
        return None
    if not officer.active:
        return None
    if needs_rehash(officer.password_hash):
        officer.password_hash = hash_password(password)
    return officer


def start_session(officer: Officer, address: str | None = None, user_agent: str | None = None) -> LoginSession:
    """Create a new server-side session (a fresh id at every login) and commit."""
    moment = timeutil.now()
    login = LoginSession(
        id=secrets.token_urlsafe(32),
        officer_id=officer.id,
        created_at=moment,
        expires_at=moment + current_app.config["PERMANENT_SESSION_LIFETIME"],
        address=address,
        user_agent=(user_agent or "")[:300],
    )
    db.session.add(login)
    db.session.commit()
    return login


def end_session(session_id: str | None) -> None:
    """Revoke a session so that its cookie no longer logs anyone in."""
    if not session_id:
        return
    db.session.execute(
        sa.update(LoginSession)
        .where(LoginSession.id == session_id, LoginSession.revoked_at.is_(None))
        .values(revoked_at=timeutil.now())
    )
    db.session.commit()


def live_session_clauses(session_id, officer_id, now) -> tuple:
    """WHERE clauses for a live login session of an active officer (values or bind
    parameters); the query joins Officer on LoginSession.officer_id."""
    return (LoginSession.id == session_id, LoginSession.officer_id == officer_id,
            LoginSession.revoked_at.is_(None), LoginSession.expires_at > now, Officer.active.is_(True))


def live_token_clauses(token_hash, now) -> tuple:
    """WHERE clauses for a live bearer token (by its SHA-256) of an active officer; the
    query joins Officer on ApiToken.officer_id."""
    return (ApiToken.token_hash == token_hash, ApiToken.revoked_at.is_(None), ApiToken.expires_at > now,
            Officer.active.is_(True))


def officer_for_session(officer_id: str, session_id: str | None) -> Officer | None:
    """The officer behind a live session cookie, in one query."""
    if not session_id or not str(officer_id).isdigit():
        return None
    return db.session.scalar(
        sa.select(Officer).join(LoginSession, LoginSession.officer_id == Officer.id)
        .where(*live_session_clauses(session_id, int(officer_id), timeutil.now())))


def token_digest(token: str) -> str:
    """The SHA-256 a bearer token is stored and looked up by."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(officer: Officer) -> tuple[str, datetime]:
    """Create a bearer token for the officer and commit; returns (token, expires_at)."""
    token = secrets.token_urlsafe(32)
    expires_at = timeutil.now() + current_app.config["API_TOKEN_LIFETIME"]
    db.session.add(ApiToken(officer_id=officer.id, token_hash=token_digest(token), expires_at=expires_at))
    db.session.commit()
    return token, expires_at


def officer_for_token(token: str) -> Officer | None:
    """The officer behind a live bearer token, in one query."""
    return db.session.scalar(
        sa.select(Officer).join(ApiToken, ApiToken.officer_id == Officer.id)
        .where(*live_token_clauses(token_digest(token), timeutil.now())))


def revoke_token(token: str) -> bool:
    """Revoke one bearer token; True if it was live."""
    result = db.session.execute(
        sa.update(ApiToken)
        .where(ApiToken.token_hash == token_digest(token), ApiToken.revoked_at.is_(None))
        .values(revoked_at=timeutil.now())
    )
    db.session.commit()
    return result.rowcount > 0


def revoke_everything(officer: Officer, keep_session: str | None = None) -> None:
    """End every session and token of an officer but one session (caller commits)."""
    moment = timeutil.now()
    sessions = sa.update(LoginSession).where(
        LoginSession.officer_id == officer.id, LoginSession.revoked_at.is_(None)
    )
    if keep_session:
        sessions = sessions.where(LoginSession.id != keep_session)
    db.session.execute(sessions.values(revoked_at=moment))
    db.session.execute(
        sa.update(ApiToken)
        .where(ApiToken.officer_id == officer.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=moment)
    )


def change_password(officer: Officer, current: str, new: str, keep_session: str | None = None) -> None:
    """Change one's own password; other sessions and tokens end. Commits."""
    if not verify_password(officer.password_hash, current):
        raise AuthError("当前密码不正确。")
    if verify_password(officer.password_hash, new):
        raise AuthError("新密码不能与当前密码相同。")
    problem = password_problem(new, officer.badge)
    if problem:
        raise AuthError(problem)
    officer.password_hash = hash_password(new)
    officer.must_change_password = False
    revoke_everything(officer, keep_session=keep_session)
    db.session.commit()
