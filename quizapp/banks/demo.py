"""Demo step: load the shipped banks in question_banks/ (idempotent)."""
from __future__ import annotations

from pathlib import Path

from ..demo import DemoContext, demo_step, has_table
from . import services
from .formats import parse_file

BANKS_DIR = Path(__file__).resolve().parents[2] / "question_banks"
SHIPPED_EXTENSIONS = {".json", ".xlsx"}


def shipped_bank_files(directory: Path = BANKS_DIR) -> list[Path]:
    """The bank files shipped with the app, in name order."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.suffix.lower() in SHIPPED_EXTENSIONS and p.is_file())


def load_shipped_banks(directory: Path = BANKS_DIR) -> list[str]:
    """Import each shipped file whose bank does not exist yet; returns the banks created.

    A JSON file names its bank; an xlsx file's bank is named after the file.
    A file with errors is skipped whole (and named in the returned list's absence).
    """
    created = []
    for path in shipped_bank_files(directory):
        data = path.read_bytes()
        parsed = parse_file(path.name, data)
        name = parsed.bank.get("name") or path.stem
        if parsed.errors or services.find_bank(name) is not None:
            continue
        category = parsed.bank.get("category") or ("theory" if path.stem.startswith("theory") else
                                                    "regulations" if path.stem.startswith("regulations") else "other")
        report = services.import_bank(path.name, data, name, category, None, parsed=parsed)
        if report.written:
            created.append(name)
    return created


@demo_step(20)
def shipped_banks(context: DemoContext) -> None:
    """Load question_banks/*.json and *.xlsx into banks that are not there yet."""
    if not has_table("question_banks"):
        return
    load_shipped_banks()
