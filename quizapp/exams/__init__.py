"""Exams: definitions, candidates and draws, attempts on phones, grading, live board.

  models.py           tables and derived properties
  errors.py           ExamError, the area's refusal
  spec.py             the exam document → ExamSpec, and its checks that need no database
  access.py           who may run which exam (organisers' scopes)
  queries.py          reads for pages and the API; none writes
  definitions.py      create, edit, clone, close, make up an exam
  candidates.py       who sits it: full-staff candidates, admissions, draws, replacements
  progress.py         the live board, reminders, who needs a makeup
  papers.py           a candidate's own paper from the blueprint
  attempts.py         open, start, submit, the overdue sweep, absences
  saving.py           saving one answer (the hot path)
  grading.py          per-type grading: pure functions
  sampling.py         the seeded, auditable draw: pure functions
  presenters.py       what the API and pages show (never a key on a paper being sat)
  schemas.py          the API's marshmallow schemas
  forms.py            the organiser's WTForms
  api.py              the JSON API (officers and organisers)
  officer_views.py    officer pages: my exams, intro, exam page, result
  organiser_views.py  organiser pages: list, define, draw, candidates, board, makeup
  demo.py             the demo's exams
"""
from flask import Flask

from .. import signals
from ..web import register_home_panel, register_nav


def init_app(app: Flask) -> None:
    """Register the exams area: models, API, pages, nav, home panel, bank usage, roster hook, demo step."""
    from .. import api
    from ..banks.usage import register_bank_usage
    from ..extensions import UNTHROTTLED_ENDPOINTS
    from . import demo, models  # noqa: F401  (imported for their side effects: the demo step, the tables)
    from .api import blp as api_blp
    from .officer_views import bp, my_exams_panel
    from .organiser_views import bp as organiser_bp
    from .queries import bank_references

    app.register_blueprint(bp)
    app.register_blueprint(organiser_bp)
    api.register(app, api_blp)
    # Saves are owner-only, idempotent and cheap; throttling them would only refuse
    # answers in the minute that matters, and the limiter's checks cost the hot path.
    UNTHROTTLED_ENDPOINTS.add("api_exams.AttemptAnswer")
    register_nav("我的考试", "exams.my_exams", ("officer", "organiser", "admin"), order=20)
    register_nav("考试管理", "manage_exams.index", ("organiser", "admin"), order=40)
    register_home_panel("exams/_home_officer.html", ("officer", "organiser", "admin"), order=5, context=my_exams_panel)
    register_bank_usage(bank_references)
    from ..reports.services import display_department

    # 市公安局/治安大队 → 治安大队: the board's and the draw's rows name departments as people say them.
    app.jinja_env.filters["department_name"] = display_department
    signals.roster_changed.connect(_admit_on_roster_change, weak=False)
    signals.officers_uncounted.connect(_withdraw_on_uncounted, weak=False)


def _admit_on_roster_change(officer_ids, **_) -> None:
    """Officers added, moved, regrouped or reactivated join the open full-staff exams they are now eligible for."""
    from .candidates import admit_to_open_exams

    admit_to_open_exams(officer_ids)


def _withdraw_on_uncounted(officer_ids, **_) -> None:
    """Accounts that no longer count as officers leave the open exams they have not started."""
    from .candidates import withdraw_from_open_exams

    withdraw_from_open_exams(officer_ids)
