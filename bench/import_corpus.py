"""Dry-run import of every question-bank file in a folder: what quizapp would make of each.

    python bench/import_corpus.py DIR [--show 3] [--errors 5]

For each file: the format detected, the questions per type, the warnings and the
errors (the first few of each, located as the web preview shows them). Nothing is
written: each file goes through ``banks.services.import_bank(..., dry_run=True,
valid_only=True)`` on a throw-away SQLite database, the same function the web page,
the API and the CLI call. ``--show N`` prints the first N parsed questions of each
type, to check by eye that stems, options and answers arrived whole.
"""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

TYPES = ("single", "multiple", "judge", "fill")


def describe(question) -> str:
    """One parsed question on a few lines, the answer marked."""
    lines = [f"    [{question.type}] {question.stem[:90]}"]
    for option in question.options:
        key = question.answer if isinstance(question.answer, str) else question.answer
        mark = "*" if option["key"] == key or (isinstance(key, list) and option["key"] in key) else " "
        lines.append(f"       {mark}{option['key']}. {option['text'][:60]}")
    if not question.options:
        lines.append(f"       答案: {question.answer}" + (" (乱序)" if question.any_order else ""))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--show", type=int, default=0, help="print the first N questions of each type")
    parser.add_argument("--errors", type=int, default=5, help="errors and warnings listed per file")
    args = parser.parse_args()

    from quizapp import create_app
    from quizapp.banks.formats import parse_file
    from quizapp.banks.services import import_bank
    from quizapp.extensions import db

    database = Path(tempfile.mkdtemp()) / "corpus.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "SECRET_KEY": "corpus",
                      "QUIZAPP_ENV": "testing", "QUIZAPP_SCHEDULER": "off", "RATELIMIT_STORAGE_URI": "memory://"})
    print(f"{'file':44} {'format':6} {'single':>6} {'multi':>6} {'judge':>6} {'fill':>6} {'warn':>5} {'err':>5}")
    with app.app_context():
        db.create_all()
        for path in sorted(p for p in args.folder.iterdir() if p.is_file()):
            data = path.read_bytes()
            parsed = parse_file(path.name, data)
            report = import_bank(path.name, data, "语料试导入", "theory", None, dry_run=True, valid_only=True,
                                 parsed=parsed)
            counts = [report.counts.get(t, 0) for t in TYPES]
            print(f"{path.name[:44]:44} {report.format:6} " + " ".join(f"{c:6}" for c in counts)
                  + f" {len(report.warnings):5} {len(report.errors):5}")
            for warning in report.warnings[:args.errors]:
                print(f"    warning {warning}")
            for error in report.errors[:args.errors]:
                print(f"    error   {error}")
            if args.show:
                for type_ in TYPES:
                    for question in [q for q in parsed.questions if q.type == type_][:args.show]:
                        print(describe(question))


if __name__ == "__main__":
    main()
