"""Password hashing (Argon2id by default; werkzeug's scrypt and pbkdf2 hashes still
verify and are upgraded at the next login) and generated initial passwords.

The method comes from ``QUIZAPP_PASSWORD_HASH`` (config ``PASSWORD_HASH_METHOD``):
``argon2id`` — OWASP's minimum, m = 19 MiB, t = 2, p = 1 —, ``argon2id:MEMORY_KIB:PASSES:LANES``,
or any werkzeug method such as ``scrypt`` or ``pbkdf2:sha256:600000``.
"""
from __future__ import annotations

import functools
import secrets

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from werkzeug.security import check_password_hash, generate_password_hash

ARGON2ID = "argon2id"
DEFAULT_METHOD = ARGON2ID
# OWASP Password Storage Cheat Sheet, minimum for Argon2id: 19 MiB of memory, 2 passes, 1 lane.
OWASP_ARGON2ID = (19 * 1024, 2, 1)
WERKZEUG_METHODS = ("scrypt", "pbkdf2")

# No 0/O or 1/l/I: generated passwords are read off a printed list.
GENERATED_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
MIN_PASSWORD_LENGTH = 8


@functools.lru_cache(maxsize=16)
def argon2_hasher(method: str) -> PasswordHasher | None:
    """The Argon2id hasher a method names, None for a werkzeug method; ValueError for anything else."""
    name, _, parameters = method.partition(":")
    if name in WERKZEUG_METHODS:
        return None
    if name != ARGON2ID:
        raise ValueError("unknown method; use argon2id, argon2id:MEMORY_KIB:PASSES:LANES, scrypt or pbkdf2")
    try:
        memory, passes, lanes = (int(part) for part in parameters.split(":")) if parameters else OWASP_ARGON2ID
    except ValueError:
        raise ValueError("expected argon2id:MEMORY_KIB:PASSES:LANES") from None
    if lanes < 1 or passes < 1 or memory < 8 * lanes:
        raise ValueError("Argon2 needs at least 1 lane, 1 pass and 8 KiB of memory per lane")
    return PasswordHasher(time_cost=passes, memory_cost=memory, parallelism=lanes, type=Type.ID)


def configured_method() -> str:
    """The hash method new passwords get: the app's setting, Argon2id outside an app."""
    if has_app_context():
        return current_app.config.get("PASSWORD_HASH_METHOD") or DEFAULT_METHOD
    return DEFAULT_METHOD


def hash_password(password: str) -> str:
    """Hash with the configured method (Argon2id unless set otherwise)."""
    method = configured_method()
    hasher = argon2_hasher(method)
    return hasher.hash(password) if hasher else generate_password_hash(password, method=method)


@functools.lru_cache(maxsize=16)
def _dummy_hash(method: str) -> str:
    """A hash of a password nobody has, made once per method and process."""
    hasher = argon2_hasher(method)
    placeholder = "not-a-real-password"
    return hasher.hash(placeholder) if hasher else generate_password_hash(placeholder, method=method)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether the password matches the hash, whichever supported method made it.

    An unknown account (no hash) still pays for one check of the configured method,
    so that an unknown badge costs the same time as a wrong password.
    """
    if not password_hash:
        _check(_dummy_hash(configured_method()), password)
        return False
    return _check(password_hash, password)


def _check(password_hash: str, password: str) -> bool:
    if password_hash.startswith("$argon2"):
        try:
            # The hash carries its own parameters: any hasher verifies it.
            return argon2_hasher(ARGON2ID).verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
    return check_password_hash(password_hash, password)


def needs_rehash(password_hash: str) -> bool:
    """Whether a hash was made by another method or with other parameters than the configured ones."""
    method = configured_method()
    hasher = argon2_hasher(method)
    if hasher:
        return not password_hash.startswith(f"${ARGON2ID}$") or hasher.check_needs_rehash(password_hash)
    # werkzeug writes "method:parameters$salt$hash"; compare with what it writes today.
    return password_hash.split("$", 1)[0] != _dummy_hash(method).split("$", 1)[0]


def check_method(method: str) -> None:
    """Raise ValueError unless the method can hash; makes the unknown-badge hash ahead of the first login."""
    try:
        _dummy_hash(method)
    except ValueError as error:  # ours, or werkzeug's refusal of a method's parameters
        raise ValueError(f"password hash method {method!r}: {error}") from None


def below_default_strength(method: str) -> bool:
    """Whether a method is anything but Argon2id with at least OWASP's minimum memory and passes."""
    hasher = argon2_hasher(method)
    memory, passes, _ = OWASP_ARGON2ID
    return hasher is None or hasher.memory_cost < memory or hasher.time_cost < passes


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
