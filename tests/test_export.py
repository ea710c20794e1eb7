import csv
import io
import json
import subprocess
import sys

from claimledger.store import Ledger

from .conftest import exported, shared_path


def test_json_has_the_scorer_format(example_ledger):
    data = json.loads(exported(example_ledger, "json"))
    assert set(data) == {"documents", "entities", "mentions", "quantities", "quotes", "claims", "citations", "groups",
                         "near_copies", "citation_graph", "reviews"}
    texts = {d["id"]: d["text"] for d in data["documents"]}
    for q in data["quantities"]:
        assert texts[q["document"]][q["start"]:q["end"]] == q["surface"]
        assert {"low", "high", "category", "source", "source_text"} <= q.keys()
    names = {e["name"] for e in data["entities"]}
    assert "Volodymyr Zelenskyy" in names
    assert all(isinstance(e["aliases"], list) for e in data["entities"])
    assert all(g["quantities"] for g in data["groups"])


def test_json_is_read_by_the_reference_scorer(example_ledger, tmp_path):
    score = shared_path("eval", "score.py")
    path = tmp_path / "l.json"
    path.write_text(exported(example_ledger, "json"))
    gold = tmp_path / "gold.json"
    gold.write_text(json.dumps({"docs": {}}))
    result = subprocess.run([sys.executable, str(score), "--export", str(path), "--gold", str(gold)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_csv_has_one_row_per_figure(example_ledger):
    rows = list(csv.DictReader(io.StringIO(exported(example_ledger, "csv"))))
    with Ledger(example_ledger, readonly=True) as ledger:
        assert len(rows) == ledger.count("quantities")
    zel = [r for r in rows if r["source"] == "Zelenskyy" or r["source"] == "Volodymyr Zelenskyy"]
    assert zel and all(r["span_text"] for r in rows)
    assert {"low", "high", "qualifier", "counted", "source", "outlet", "as_of", "span_text"} <= rows[0].keys()


def test_jsonl_tags_each_record(example_ledger):
    lines = [json.loads(line) for line in exported(example_ledger, "jsonl").splitlines()]
    assert {line["record"] for line in lines} >= {"documents", "quantities", "quotes", "entities"}
