"""The evaluation gate: each reference corpus is built and scored by ../shared's scorers, and every
score must reach the floor pinned in eval_floors.json. References whose documents are not a folder
as they stand (BBC dev is 24 files of a larger folder, ECB+ dev 20 lines of a JSON-lines file) are
laid out the way the scoreboard (`bench/scoreboard.py`) lays them out."""
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import run_cli, shared_path

FLOORS = json.loads((Path(__file__).with_name("eval_floors.json")).read_text())
CORPORA = [name for name in FLOORS if name != "about"]
SCOREBOARD = Path(__file__).resolve().parents[1] / "bench" / "scoreboard.py"


def laid_out(name: str, gold: Path, folder: Path) -> Path:
    spec = importlib.util.spec_from_file_location("claimledger_scoreboard", SCOREBOARD)
    scoreboard = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scoreboard)
    return scoreboard.lay_out(name, json.loads(gold.read_text(encoding="utf-8")), folder)


@pytest.mark.parametrize("name", CORPORA)
def test_scores_reach_their_floors(name, tmp_path):
    spec = FLOORS[name]
    gold, scorer = shared_path(spec["gold"]), shared_path(spec["scorer"])
    source = shared_path(spec["inputs"])  # skips with a reason when the corpus is absent
    inputs = laid_out(name, gold, tmp_path / "inputs") if spec.get("laid_out") else source
    db, export = tmp_path / "l.db", tmp_path / "l.json"
    built = run_cli("build", str(inputs), "--db", str(db), "--quiet")
    assert built.returncode == 0, built.stderr
    assert run_cli("export", "--db", str(db), "--format", "json", "-o", str(export)).returncode == 0
    requires = [arg for metric, floor in spec["floors"].items() for arg in ("--require", f"{metric}={floor}")]
    extra = ["--quiet"] if scorer.name == "score.py" else []
    result = subprocess.run([sys.executable, str(scorer), "--export", str(export), "--gold", str(gold),
                             *extra, *requires], capture_output=True, text=True)
    assert result.returncode == 0, f"{name} fell below its floors:\n{result.stdout}{result.stderr}"
