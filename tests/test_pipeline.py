"""The per-document work gives the same ledger in one process and in worker processes."""
from claimledger.ingest import read_file
from claimledger.pipeline import build, process_article

from .conftest import EXAMPLES, exported


def test_worker_processes_write_the_same_ledger(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    inputs = [str(EXAMPLES), str(tmp_path / "empty.txt")]
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    first = build(inputs, str(one), quiet=True)
    second = build(inputs, str(two), quiet=True, jobs=2)
    assert (first.stored, len(first.skipped)) == (second.stored, len(second.skipped)) == (5, 1)
    assert exported(one) == exported(two)


def test_process_article_is_a_pure_function_of_its_input():
    [article] = list(read_file(EXAMPLES / "kursk-wire.txt"))
    assert process_article(article) == process_article(article)


def test_a_dask_cluster_writes_the_same_ledger(tmp_path):
    import pytest

    pytest.importorskip("distributed", reason="dask[distributed] is not installed")
    from .conftest import shared_path

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i, path in enumerate(sorted(EXAMPLES.glob("*.txt")) * 3):
        (corpus / f"gen-{i}.txt").write_text(path.read_text() + f"\n\nUpdate {i}: officials said {i + 2} more "
                                             "soldiers had been wounded overnight.")
    inputs = [str(shared_path("seeds")), str(corpus)]
    one, dask = tmp_path / "one.db", tmp_path / "dask.db"
    build(inputs, str(one), quiet=True)
    report = build(inputs, str(dask), quiet=True, engine="dask", jobs=2)
    assert report.stored == 11
    assert exported(one) == exported(dask)


def test_worker_processes_are_gone_when_the_build_returns(tmp_path):
    import multiprocessing

    build([str(EXAMPLES)], str(tmp_path / "l.db"), quiet=True, jobs=2)
    assert multiprocessing.active_children() == []


def test_bad_json_lines_are_skipped_one_row_each_named_by_file_and_line(tmp_path):
    import json

    from claimledger.store import Ledger

    lines = [{"text": "Share", "url": "https://same.test/a"}, {"text": "Save", "url": "https://same.test/a"},
             {"text": "The council said on Tuesday that 14 families had been moved from the flooded streets."}]
    (tmp_path / "in.jsonl").write_text("\n".join(json.dumps(r) for r in lines) + "\n")
    db = tmp_path / "l.db"
    for jobs in (1, 2):
        report = build([str(tmp_path / "in.jsonl")], str(db if jobs == 1 else tmp_path / "two.db"), quiet=True,
                       jobs=jobs)
        assert report.stored == 1
        assert sorted(s.source.rsplit("/", 1)[-1] for s in report.skipped) == ["in.jsonl:1", "in.jsonl:2"]
        assert all("https://same.test/a" in s.reason for s in report.skipped)
    with Ledger(db, readonly=True) as ledger:
        assert ledger.count("skipped") == 2


def test_spacy_accepts_every_text_that_cleaning_lets_through(nlp, settings):
    # clean text over max_article_chars is skipped (CL104) on every engine before spaCy sees it; any
    # shorter text must not meet spaCy's own length error (E088) in one process or in workers
    assert nlp.max_length > settings["limits"]["max_article_chars"]
