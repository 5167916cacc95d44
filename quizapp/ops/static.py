"""Static URLs carry a short content hash (?v=…) so proxies may cache them for a year.

nginx (deploy/nginx.conf) sends `immutable` for versioned URLs: a new release
changes the hash, so phones never keep an old app.js after an upgrade.
"""
from __future__ import annotations

import hashlib
import os

from flask import current_app

# (path, mtime) → hash: computed once per file version, not per request.
_HASHES: dict[tuple[str, float], str] = {}


def static_version(filename: str) -> str | None:
    """The first 10 hex digits of the file's SHA-256, None when it does not exist."""
    folder = current_app.static_folder
    if not folder:
        return None
    path = os.path.join(folder, filename)
    try:
        mtime = os.stat(path).st_mtime
    except OSError:
        return None
    key = (path, mtime)
    if key not in _HASHES:
        with open(path, "rb") as handle:
            _HASHES[key] = hashlib.sha256(handle.read()).hexdigest()[:10]
    return _HASHES[key]


def versioned_static_urls(endpoint: str, values: dict) -> None:
    """url_defaults hook: add v=<hash> to url_for('static', filename=…)."""
    if endpoint != "static" or "v" in values or "filename" not in values:
        return
    version = static_version(values["filename"])
    if version:
        values["v"] = version
