"""Password hashing: Argon2id by default, older werkzeug hashes still verify, method checks."""
from __future__ import annotations

import pytest
from flask import Flask
from werkzeug.security import generate_password_hash

from quizapp.auth.passwords import (
    below_default_strength, check_method, hash_password, needs_rehash, verify_password,
)
from quizapp.config import ConfigError, load_settings
from tests.conftest import make_test_app

PASSWORD = "Jingwu2026"
# Cheap werkzeug hashes of the kinds older installations hold; real scrypt cost only matters to speed.
OLD_HASHES = {
    "scrypt": generate_password_hash(PASSWORD, "scrypt:1024:8:1"),
    "pbkdf2": generate_password_hash(PASSWORD, "pbkdf2:sha256:1000"),
}


def configured(method: str):
    """An app context whose configured hash method is ``method`` (no database needed)."""
    app = Flask("passwords")
    app.config["PASSWORD_HASH_METHOD"] = method
    return app.app_context()


def test_default_is_argon2id_at_owasp_minimum(tmp_path):
    assert load_settings(str(tmp_path), {"SECRET_KEY": "x"})["PASSWORD_HASH_METHOD"] == "argon2id"
    with configured("argon2id"):
        hashed = hash_password(PASSWORD)
    assert hashed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert verify_password(hashed, PASSWORD) and not verify_password(hashed, PASSWORD + "x")


def test_each_hash_has_its_own_salt():
    with configured("argon2id:8:1:1"):
        assert hash_password(PASSWORD) != hash_password(PASSWORD)


@pytest.mark.parametrize("kind", sorted(OLD_HASHES))
def test_werkzeug_hashes_still_verify_under_argon2id(kind):
    with configured("argon2id"):
        assert verify_password(OLD_HASHES[kind], PASSWORD)
        assert not verify_password(OLD_HASHES[kind], "Jingwu2025")
        assert needs_rehash(OLD_HASHES[kind])


def test_argon2id_with_other_parameters_is_rehashed_with_the_configured_ones():
    with configured("argon2id:8:1:1"):
        weak = hash_password(PASSWORD)
        assert not needs_rehash(weak)
    with configured("argon2id"):
        assert verify_password(weak, PASSWORD)
        assert needs_rehash(weak)
        assert not needs_rehash(hash_password(PASSWORD))


def test_a_werkzeug_method_configured_is_respected():
    with configured("pbkdf2:sha256:1000"):
        hashed = hash_password(PASSWORD)
        assert hashed.startswith("pbkdf2:sha256:1000$")
        assert not needs_rehash(hashed)
        assert needs_rehash(generate_password_hash(PASSWORD, "pbkdf2:sha256:2000"))
        argon2 = "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHRzYWx0$" + "A" * 43
        assert needs_rehash(argon2)


@pytest.mark.parametrize("stored", ["", None, "$argon2id$garbage", "$argon2id$v=19$m=8,t=1,p=1$AAAA$AAAA",
                                    "plaintext", "pbkdf2:sha256:1000$nosalt"])
def test_missing_or_damaged_hashes_never_match(stored):
    with configured("argon2id:8:1:1"):
        assert verify_password(stored, PASSWORD) is False


@pytest.mark.parametrize("method", ["md5", "argon2i", "argon2id:19456:2", "argon2id:4:1:1", "argon2id:a:b:c",
                                    "scrypt:x", "pbkdf2:sha256:abc"])
def test_an_unusable_method_stops_the_app_at_start(tmp_path, method):
    with pytest.raises(ValueError):
        check_method(method)
    with pytest.raises(ConfigError, match="QUIZAPP_PASSWORD_HASH"):
        make_test_app("sqlite", tmp_path, PASSWORD_HASH_METHOD=method)


@pytest.mark.parametrize("method, weak", [
    ("argon2id", False), ("argon2id:65536:3:4", False), ("argon2id:19456:1:1", True), ("argon2id:8:1:1", True),
    ("scrypt", True), ("pbkdf2:sha256:1000", True),
])
def test_methods_below_the_default_strength_are_named(method, weak):
    assert below_default_strength(method) is weak
