"""Contract test: every operation in the live /api/v1/openapi.json, fuzzed by schemathesis.

The app runs in-process (WSGI) on its own SQLite file with seeded data; each
generated request carries a fresh admin bearer token. Valid and invalid inputs
must never produce a 5xx, and every response must match the documented status
codes, content types and schemas. Runs once per CI run, on SQLite only (it
builds its own app, not the per-backend ``app`` fixture): the database backend is
not what it tests.

QUIZAPP_CONTRACT_EXAMPLES (default 12) sets the examples per operation and mode;
QUIZAPP_CONTRACT_RANDOM=1 explores new random inputs instead of the fixed seed.
"""
from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure as CheckFailure
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from quizapp.auth.services import issue_token
from quizapp.exams import definitions
from quizapp.extensions import db, limiter
from tests.conftest import make_test_app
from tests.exam_factories import exam_spec, make_bank, make_organiser
from tests.factories import make_officer

EXAMPLES = int(os.environ.get("QUIZAPP_CONTRACT_EXAMPLES", "12"))
DERANDOMIZE = os.environ.get("QUIZAPP_CONTRACT_RANDOM") != "1"
pytestmark = pytest.mark.slow
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@dataclass
class Failure:
    """The first failure of one operation: what was sent, what came back, why."""

    operation: str
    mode: str
    status: int | None
    reason: str
    curl: str


class _ErrorLog(logging.Handler):
    """Keeps the last unhandled-error traceback the app logged (for 500 reports)."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.last = ""

    def emit(self, record):
        if record.exc_info:
            self.last = logging.Formatter().formatException(record.exc_info).splitlines()[-1]


@pytest.fixture(scope="module")
def contract_app(tmp_path_factory):
    """A seeded app on its own SQLite file: an admin, organiser, officers, a bank and an open exam."""
    app = make_test_app("sqlite", tmp_path_factory.mktemp("contract"), "contract")
    with app.app_context():
        db.create_all()
        admin = make_officer(badge="C00001", name="管理员", role="admin", department="市公安局")
        organiser = make_organiser(badge="C00002")
        for n in range(5):
            make_officer(badge=f"C1000{n}", name=f"民警{n}", department="市公安局/治安大队")
        bank = make_bank()
        definitions.create_exam(organiser, exam_spec(bank))
        app.config["CONTRACT_ADMIN_ID"] = admin.id
        db.session.remove()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_every_documented_operation_honours_its_contract(contract_app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", contract_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20, "the API document lists suspiciously few operations"
    errors = _ErrorLog()
    contract_app.logger.addHandler(errors)
    failures: list[Failure] = []
    exercised: set[str] = set()
    started = time.monotonic()
    try:
        with contract_app.app_context():
            for operation in operations:
                for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                    failure = _fuzz(contract_app, operation, mode, errors, exercised)
                    if failure:
                        failures.append(failure)
    finally:
        contract_app.logger.removeHandler(errors)
    elapsed = time.monotonic() - started
    print(f"\ncontract: {len(operations)} operations, {EXAMPLES} examples per mode, {elapsed:.1f} s")
    assert exercised == {op.label for op in operations}, "some documented operations were never called"
    assert not failures, "\n\n".join(
        f"{f.operation} ({f.mode}) → {f.status}: {f.reason}\n  {f.curl}" for f in failures)


def _fuzz(app, operation, mode, errors: _ErrorLog, exercised: set[str]) -> Failure | None:
    """Run one operation in one mode; the first failure found, if any."""
    found: list[Failure] = []
    admin_id = app.config["CONTRACT_ADMIN_ID"]

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=DERANDOMIZE,
              phases=[Phase.explicit, Phase.generate], verbosity=Verbosity.quiet,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        if found:
            return
        from quizapp.roster.models import Officer

        token, _ = issue_token(db.session.get(Officer, admin_id))
        limiter.reset()  # the fuzzer's failed logins must not turn every later case into a 429
        errors.last = ""
        response = case.call(headers={"Authorization": f"Bearer {token}"})
        exercised.add(operation.label)
        try:
            case.validate_response(response, checks=CHECKS)
        except (FailureGroup, CheckFailure) as failure:
            problems = failure.exceptions if isinstance(failure, FailureGroup) else [failure]
            reason = " / ".join(f"{p.title}: {p.message}".replace("\n", " ")[:300] for p in problems)
            if errors.last:
                reason += f" [server: {errors.last}]"
            found.append(Failure(operation.label, mode.value, response.status_code, reason,
                                 case.as_curl_command(headers={"Authorization": "Bearer <token>"})))
        finally:
            db.session.remove()

    run()
    return found[0] if found else None
