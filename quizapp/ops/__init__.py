"""Operations: `quizapp doctor`, `quizapp backup`, versioned static URLs for long caching."""
from __future__ import annotations

from flask import Flask

from .static import versioned_static_urls


def init_app(app: Flask) -> None:
    """Register the operations commands and the static URL versioning."""
    from .. import cli
    from .commands import backup_command, doctor_command

    for command in (doctor_command, backup_command):
        if command not in cli.COMMANDS:
            cli.COMMANDS.append(command)
    app.url_defaults(versioned_static_urls)
