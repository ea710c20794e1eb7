"""Shared fixtures: paths to ../shared (skipped with a reason when absent), the spaCy pipeline,
and ledgers built by the real pipeline from the bundled example articles."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EXAMPLES = ROOT / "claimledger" / "examples"


def shared_path(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: these checks need the project's ../shared folder")
    return path


def run_cli(*args: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "claimledger", *args], input=stdin, capture_output=True,
                          text=True, cwd=cwd or ROOT, timeout=600)


def exported(db, fmt: str = "json") -> str:
    """The ledger at `db` as `claimledger export` writes it."""
    from claimledger.export import export

    return written(db, export, fmt)


def rendered(db, fmt: str = "html") -> str:
    """The ledger at `db` as `claimledger report` writes it."""
    from claimledger.report import report

    return written(db, report, fmt)


def written(db, writer, fmt: str) -> str:
    import io

    from claimledger.store import Ledger

    out = io.StringIO()
    with Ledger(db, readonly=True) as ledger:
        writer(ledger, fmt, out)
    return out.getvalue()


@pytest.fixture(scope="session")
def nlp():
    from claimledger.annotate import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def settings():
    from claimledger.settings import load_settings

    return load_settings()


@pytest.fixture(scope="session")
def example_ledger(tmp_path_factory) -> Path:
    from claimledger.pipeline import build

    db = tmp_path_factory.mktemp("examples") / "ledger.db"
    report = build([str(EXAMPLES)], str(db), quiet=True)
    assert report.stored == 5 and not report.skipped
    return db
