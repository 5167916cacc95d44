"""Password hashing and generated initial passwords."""
from __future__ import annotations

import secrets

from flask import current_app, has_app_context
from werkzeug.security import check_password_hash, generate_password_hash

# No 0/O or 1/l/I: generated passwords are read off a printed list.
GENERATED_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
MIN_PASSWORD_LENGTH = 8

# Checked against this when the badge is unknown, so that an unknown badge
# costs the same time as a wrong password.
_DUMMY_HASH: dict[str, str] = {}


def hash_password(password: str) -> str:
    """Hash with the configured method (scrypt unless set otherwise)."""
    method = "scrypt"
    if has_app_context():
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    return generate_password_hash(password, method=method)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant-ish time check; an unknown account still pays for a hash."""
    if not password_hash:
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"
        if method not in _DUMMY_HASH:
            _DUMMY_HASH[method] = hash_password("not-a-real-password")
        check_password_hash(_DUMMY_HASH[method], password)
        return False
    return check_password_hash(password_hash, password)


def generate_password(length: int = 10) -> str:
    """A random password that is easy to read aloud and type on a phone."""
    while True:
        candidate = "".join(secrets.choice(GENERATED_ALPHABET) for _ in range(length))
        if any(c.isdigit() for c in candidate) and any(c.isalpha() for c in candidate):
            return candidate


def password_problem(password: str, badge: str | None = None) -> str | None:
    """Why a new password is unacceptable, in Chinese, or None when it is fine."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"密码至少需要{MIN_PASSWORD_LENGTH}位。"
    if badge and password == badge:
        return "密码不能与警号相同。"
    if password.isdigit() or password.isalpha():
        return "密码需同时包含字母和数字。"
    return None
