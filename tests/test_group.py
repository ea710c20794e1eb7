"""Cross-source groups: what the seeds must show, and near-copies on articles of our own."""
import json

import pytest

from claimledger.pipeline import build
from claimledger.store import Ledger

from .conftest import EXAMPLES, exported, shared_path


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    db = tmp_path_factory.mktemp("seeds") / "l.db"
    build([str(shared_path("seeds"))], str(db), quiet=True)
    return json.loads(exported(db))


def group_holding(data, anchor_doc, surface):
    docs = {d["id"]: d["source"] for d in data["documents"]}
    wanted = [q["id"] for q in data["quantities"] if anchor_doc in docs[q["document"]] and q["surface"] == surface]
    assert wanted, (anchor_doc, surface)
    return next(g for g in data["groups"] if wanted[0] in g["quantities"])


def names(data, ids):
    entities = {e["id"]: e["name"] for e in data["entities"]}
    return {entities.get(i, i) for i in ids}


def test_deployed_total_is_corroborated_by_several_originators(seeds):
    group = group_holding(seeds, "000_", "over 12,000")
    docs = {d["id"]: d["source"].rsplit("/", 1)[-1][:3] for d in seeds["documents"]}
    members = [q for q in seeds["quantities"] if q["id"] in group["quantities"]]
    assert {docs[q["document"]] for q in members} == {"000", "001", "002"}
    assert group["status"] == "corroborated" and len(group["originators"]) >= 2
    assert "United States" in names(seeds, group["originators"])


def test_two_captured_is_one_source_relayed_by_several_outlets(seeds):
    group = group_holding(seeds, "001_", "two")
    assert group["status"] == "single-source"
    assert names(seeds, group["originators"]) == {"Volodymyr Zelenskyy"}
    assert len(group["outlets"]) >= 2


def test_killed_and_wounded_against_casualties_disagree(seeds):
    casualties = group_holding(seeds, "002_", "about 4,000")
    killed = group_holding(seeds, "000_", "approximately 300")
    wounded = group_holding(seeds, "000_", "over 2,700")
    assert casualties["status"] == "conflicting"
    assert {killed["id"], wounded["id"]} == set(casualties["related"])
    assert "National Intelligence Service" in casualties["note"] and "Ukraine" in casualties["note"]


def test_additional_troops_stand_alone(seeds):
    extra = group_holding(seeds, "002_", "20,000 to 25,000")
    assert len(extra["quantities"]) == 1 and extra["status"] == "single-source"


def test_near_copies_are_found_and_exported(tmp_path):
    original = (EXAMPLES / "kursk-wire.txt").read_text()
    (tmp_path / "original.txt").write_text(original)
    (tmp_path / "rewrite.txt").write_text(original.replace("told lawmakers", "informed legislators")
                                          .replace("nightly address", "evening video"))
    (tmp_path / "other.txt").write_text((EXAMPLES / "scraped-defectors.txt").read_text())
    db = tmp_path / "l.db"
    build([str(tmp_path)], str(db), quiet=True)
    data = json.loads(exported(db))
    sources = {d["id"]: d["source"].rsplit("/", 1)[-1] for d in data["documents"]}
    pairs = {frozenset((sources[p["document_a"]], sources[p["document_b"]])) for p in data["near_copies"]}
    assert pairs == {frozenset(("original.txt", "rewrite.txt"))}
    edges = {(sources[e["document"]], e["kind"]) for e in data["citation_graph"]}
    assert ("original.txt", "figure source") in edges


BRIDGED_STORIES = {
    "a-vohrad.txt": "Shelling hit Vohrad again on Monday. Anna Petrenko, the Vohrad district head, said 14 "
                    "residents were killed. Anna Petrenko said rescue teams were still searching Vohrad. "
                    "Governor Ivan Sirko promised help; Ivan Sirko is due to visit on Friday.",
    "b-tenovo.txt": "Oleh Marenko, the mayor of Tenovo, said 40 people were wounded in Tenovo on Tuesday. "
                    "Oleh Marenko asked Governor Ivan Sirko for more ambulances for Tenovo, and Ivan Sirko agreed.",
    "c-vohrad-again.txt": "Anna Petrenko said on Wednesday that 15 residents were killed in Vohrad. The Vohrad "
                          "district head, Anna Petrenko, added that 3 more were missing.",
    "d-both.txt": "Governor Ivan Sirko toured Tenovo and Vohrad on Thursday. Ivan Sirko said 16 residents were "
                  "killed in Vohrad and 45 people were wounded in Tenovo. In Tenovo, Ivan Sirko met doctors; "
                  "Ivan Sirko then left for Tenovo's hospital.",
}


def test_adding_documents_run_by_run_gives_the_ledger_of_one_run(tmp_path):
    """Near-copies, stories (two of which a later article joins), links and groups are updated
    incrementally as documents arrive; the result must be the one a single build gives."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in BRIDGED_STORIES.items():
        (corpus / name).write_text(text)
    wire = (EXAMPLES / "kursk-wire.txt").read_text()
    (corpus / "e-wire-copy.txt").write_text(wire + "\n\nOfficials said 7 more soldiers had been wounded overnight.")
    inputs = [str(p) for p in sorted(EXAMPLES.glob("*.txt")) + sorted(corpus.glob("*.txt"))]
    whole, stepwise = tmp_path / "whole.db", tmp_path / "stepwise.db"
    build(inputs, str(whole), quiet=True)
    for batch in (inputs[:3], inputs[3:5], inputs[5:6], inputs[6:]):
        build(batch, str(stepwise), quiet=True)
        stories = stories_by_file(stepwise)
        if "d-both.txt" not in stories and "b-tenovo.txt" in stories:
            assert stories["a-vohrad.txt"] == stories["c-vohrad-again.txt"] != stories["b-tenovo.txt"]
    assert stories["a-vohrad.txt"] == stories["d-both.txt"] == stories["b-tenovo.txt"]
    assert exported(whole) == exported(stepwise)
    assert json.loads(exported(stepwise))["near_copies"], "the wire copy must be found"
    with Ledger(stepwise) as ledger:
        assert ledger.count("pending") == 0


def stories_by_file(db) -> dict[str, str]:
    with Ledger(db) as ledger:
        return {r["source"].rsplit("/", 1)[-1]: r["story"] for r in ledger.rows("SELECT source, story FROM documents")}
