"""The shipped banks pass their own health check (题库体检) with no warning."""
import pytest

from quizapp.banks.checkup import file_health
from quizapp.banks.demo import shipped_bank_files
from quizapp.banks.formats import parse_file


@pytest.mark.parametrize("path", shipped_bank_files(), ids=lambda path: path.name)
def test_shipped_bank_has_no_health_warning(path):
    parsed = parse_file(path.name, path.read_bytes())
    assert not parsed.errors
    report = file_health(parsed.questions)
    assert [(f.title, f.detail) for f in report.warnings] == []
