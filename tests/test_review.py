"""Reviews: corrections checked by their field, every stored review survivable, `review --undo`."""
import json
import sqlite3

import pytest

from claimledger.errors import UsageError
from claimledger.pipeline import build
from claimledger.review import Reviews, add_review, check_value
from claimledger.store import Ledger

from .conftest import EXAMPLES, exported, run_cli


@pytest.fixture()
def ledger(tmp_path):
    db = tmp_path / "l.db"
    build([str(EXAMPLES)], str(db), quiet=True)
    return db


def first_figure(db) -> str:
    with Ledger(db, readonly=True) as l:
        return l.conn.execute("SELECT id FROM quantities ORDER BY id LIMIT 1").fetchone()[0]


@pytest.mark.parametrize("field, value, error", [
    ("low", "banana", "a low correction is a number"), ("high", "inf", "a high correction is a number"),
    ("low", "nan", "is a number"), ("low", "1e999", "is a number"),
    ("category", "banana", "is not one this ledger knows"), ("category", "", "a category correction is a text"),
    ("source_text", "x" * 501, "1 to 500 characters"),
])
def test_a_correction_that_does_not_fit_its_field_is_refused(ledger, field, value, error):
    with Ledger(ledger) as l:
        with pytest.raises(UsageError, match=error):
            add_review(l, "quantity", first_figure(ledger), "correct", "ana", field=field, value=value)
        assert l.count("reviews") == 0


def test_corrections_that_fit_are_stored_in_one_form(ledger):
    figure = first_figure(ledger)
    with Ledger(ledger) as l:
        assert add_review(l, "quantity", figure, "correct", "ana", field="low", value=" 1,200 ").value == "1200.0"
        assert add_review(l, "quantity", figure, "correct", "ana", field="category", value="displaced").value == "displaced"
        assert add_review(l, "quantity", figure, "correct", "ana", field="source_text", value="").value is None
        item = Reviews(l).apply("quantity", {"id": figure, "low": 5.0, "category": "killed", "source_text": "NIS"})
    assert item == {"id": figure, "low": 1200.0, "category": "displaced", "source_text": None, "review": "corrected"}
    assert check_value("high", "") is None


def test_the_web_form_refuses_a_value_that_is_not_a_number(ledger):
    from .test_serve import client, review

    c = client(ledger, allow_review=True)
    answer = review(c, kind="quantity", item=first_figure(ledger), action="correct", field="low", value="banana",
                    reviewer="ana")
    assert answer.status_code == 400 and "is a number" in answer.json()["error"]
    assert c.get("/review.json").json()["reviewed"] == []


def test_export_and_report_survive_any_stored_review_and_undo_removes_it(ledger):
    figure = first_figure(ledger)
    with sqlite3.connect(ledger) as conn:  # as an older version, or a hand edit, may have left them
        conn.executemany("INSERT INTO reviews VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", [
            ("bad1", "quantity", figure, "correct", "low", "banana", "ana", "", 1.0),
            ("bad2", "quantity", figure, "correct", "id", "x", "ana", "", 2.0),
            ("bad3", "planet", figure, "confirm", None, None, "ana", "", 3.0),
            ("good", "quantity", figure, "correct", "category", "displaced", "ana", "", 4.0)])
    for args in (("export", "--db", str(ledger)), ("export", "--db", str(ledger), "-f", "csv"),
                 ("report", "--db", str(ledger), "-f", "md"), ("report", "--db", str(ledger))):
        result = run_cli(*args)
        assert result.returncode == 0 and "Traceback" not in result.stderr, (args, result.stderr)
        assert "review bad1 of quantity" in result.stderr and "--undo bad1" in result.stderr
    data = json.loads(exported(ledger))
    corrected = next(q for q in data["quantities"] if q["id"] == figure)
    with Ledger(ledger, readonly=True) as l:
        stored_low = l.conn.execute("SELECT low FROM quantities WHERE id = ?", (figure,)).fetchone()[0]
    assert corrected["category"] == "displaced" and corrected["low"] == stored_low

    listing = run_cli("review", "--db", str(ledger)).stdout
    assert "  bad1 quantity" in listing
    for review_id in ("bad1", "bad2", "bad3"):
        undone = run_cli("review", "--db", str(ledger), "--undo", review_id)
        assert undone.returncode == 0 and f"removed review {review_id}" in undone.stderr
    again = run_cli("review", "--db", str(ledger), "--undo", "bad1")
    assert again.returncode == 2 and "no review with id 'bad1'" in again.stderr and "Traceback" not in again.stderr
    clean = run_cli("export", "--db", str(ledger))
    assert clean.returncode == 0 and "skipped" not in clean.stderr


def test_undoing_a_merge_unlinks_the_entity(ledger):
    from .test_serve import client, review

    c = client(ledger, allow_review=True)
    people = {e["name"]: e["id"] for e in c.get("/entities.json").json()["entities"]}
    ri, choi = people["Ri"], people["Choi Hyun-woo"]
    saved = review(c, kind="entity", item=ri, action="merge", value=choi, reviewer="ana").json()["review"]
    assert c.get(f"/entities/{ri}.json").json()["entity"]["canonical_id"] == choi
    assert run_cli("review", "--db", str(ledger), "--undo", saved["id"]).returncode == 0
    assert c.get(f"/entities/{ri}.json").json()["entity"]["canonical_id"] is None


def test_the_listing_size_is_bounded(ledger):
    for wrong in ("9223372036854775808", "-1", "many"):
        result = run_cli("review", "--db", str(ledger), "--pending", wrong)
        assert result.returncode == 2 and "is not a number from 0 to 100000" in result.stderr
    assert "pending (first 3)" in run_cli("review", "--db", str(ledger), "--pending", "3").stdout


def test_undo_on_a_missing_ledger_creates_nothing(tmp_path):
    result = run_cli("review", "--db", str(tmp_path / "none.db"), "--undo", "x")
    assert result.returncode == 4 and not (tmp_path / "none.db").exists()
