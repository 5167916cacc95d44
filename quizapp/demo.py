"""`quizapp demo`: a demo bureau on SQLite, extended by each area.

Each area appends a step to DEMO_STEPS; a step gets the DemoContext, adds its
data (idempotently: the demo database may already exist) and may add logins.
"""
from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa

from .extensions import db


@dataclass
class DemoContext:
    """What demo steps share: the random source and the logins to print."""

    rng: random.Random
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (badge, password, who)
    created: bool = False


DEMO_STEPS: list[tuple[int, Callable[[DemoContext], None]]] = []


def demo_step(order: int):
    """Register a function as a demo step, run in ascending order."""

    def decorator(func):
        if all(existing is not func for _, existing in DEMO_STEPS):
            DEMO_STEPS.append((order, func))
            DEMO_STEPS.sort(key=lambda item: item[0])
        return func

    return decorator


def build_demo(seed: int = 2026) -> DemoContext:
    """Run every demo step in one transaction per step."""
    context = DemoContext(rng=random.Random(seed))
    for _, step in DEMO_STEPS:
        step(context)
        db.session.commit()
    return context


def has_table(name: str) -> bool:
    """Whether the schema has been created (demo steps check before seeding)."""
    return sa.inspect(db.engine).has_table(name)
