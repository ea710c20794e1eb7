"""A build killed with SIGKILL mid-way leaves a ledger that opens, with each document fully in or out."""
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from claimledger.ingest import read_file
from claimledger.pipeline import process_article

from .conftest import EXAMPLES, ROOT, run_cli

N_DOCUMENTS = 120


def make_corpus(folder: Path) -> None:
    texts = [p.read_text() for p in sorted(EXAMPLES.glob("*.txt"))]
    for i in range(N_DOCUMENTS):
        extra = f"\n\nUpdate {i}: officials said {i + 3} more soldiers had been wounded in the village of Sector {i}."
        (folder / f"article-{i:03d}.txt").write_text(texts[i % len(texts)] + extra)


def stored_count(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def test_sigkill_mid_build_leaves_a_consistent_ledger(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    make_corpus(corpus)
    db = tmp_path / "l.db"
    proc = subprocess.Popen([sys.executable, "-m", "claimledger", "build", str(corpus), "--db", str(db), "-q"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while stored_count(db) < 5 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    kept = stored_count(db)
    assert 0 < kept < N_DOCUMENTS, "the build should have been killed mid-way"

    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.execute("INSERT INTO documents_fts(documents_fts) VALUES ('integrity-check')")
    for doc_id, source in conn.execute("SELECT id, source FROM documents").fetchall():
        [article] = list(read_file(Path(source)))
        expected = process_article(article)
        for table, records in (("quantities", expected.quantities), ("quotes", expected.quotes),
                               ("mentions", expected.mentions)):
            stored = {r[0] for r in conn.execute(f"SELECT id FROM {table} WHERE document_id = ?", (doc_id,))}
            assert stored == {r.id for r in records}, (source, table)
    conn.close()

    result = run_cli("build", str(corpus), "--db", str(db), "-q")
    assert result.returncode == 0
    assert f"stored {N_DOCUMENTS - kept}, unchanged {kept}" in result.stderr


def children_of(pid: int) -> list[int]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [int(c) for c in found]


def test_a_worker_killed_mid_build_stops_it_with_one_line(tmp_path):
    if not Path("/proc/self/task").exists():
        import pytest
        pytest.skip("needs /proc to find the build's worker processes")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    make_corpus(corpus)
    db = tmp_path / "l.db"
    proc = subprocess.Popen([sys.executable, "-m", "claimledger", "build", str(corpus), "--db", str(db), "-q",
                             "--jobs", "2"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while stored_count(db) < 1 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = children_of(proc.pid)
    assert workers, "the build should run worker processes"
    os.kill(workers[0], signal.SIGKILL)  # as the kernel does to a process out of memory
    try:
        _, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise AssertionError("a build whose worker died must stop, not hang")
    if proc.returncode == 0:
        import pytest
        pytest.skip("the build finished before its worker was killed")
    assert proc.returncode == 5, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "worker process ended" in lines[0] and "Traceback" not in err
    assert 0 < stored_count(db) < N_DOCUMENTS  # what was stored stays


def test_ctrl_c_on_a_parallel_build_stops_it_with_one_line(tmp_path):
    """A terminal's ^C reaches the build and each of its workers (one process group): the workers
    must not print tracebacks, the build stops with one line and keeps what it stored."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    make_corpus(corpus)
    db = tmp_path / "l.db"
    proc = subprocess.Popen([sys.executable, "-m", "claimledger", "build", str(corpus), "--db", str(db), "-q",
                             "--jobs", "2"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    deadline = time.monotonic() + 300
    while stored_count(db) < 1 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise AssertionError("a build interrupted with ^C must stop, not hang")
    if proc.returncode == 0:
        import pytest
        pytest.skip("the build finished before it was interrupted")
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "interrupted" in lines[0] and "Traceback" not in err, err
    assert 0 < stored_count(db) < N_DOCUMENTS
