"""Benchmark: build generated articles at several sizes; docs/s, peak memory, stages, baseline ratio.

    .venv/bin/python bench/bench_scale.py --sizes 1000 10000 --jobs 2
    .venv/bin/python bench/bench_scale.py --add-to big.db      # the incremental add alone

Each size is built into a fresh ledger by a separate `claimledger build` process, from articles made
by `generate.py` (varied lengths, many stories at once, never copies). Peak memory is the largest sum
of the resident memory of the build and its worker processes, sampled every half second. The spaCy
baseline (reading the same files and running `nlp.pipe` with the model's full default pipeline, one
process) is timed on the first `--baseline-docs` articles of each size; its docs/s does not depend on
the size. With --jobs > 1 the per-document stages run in workers and are not split.

Finally one more article is added to the largest ledger (or to `--add-to`), by one process, and its
stage split shows what the add costs beyond the article's own parse: storing it (filing it among
near-copies and stories) and the incremental link and group steps.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from generate import articles  # noqa: E402


def write_corpus(folder: Path, n: int) -> int:
    words = 0
    for name, text in articles(n):
        (folder / name).write_text(text, encoding="utf-8")
        words += len(text.split())
    return words


def baseline_docs_per_second(folder: Path, limit: int) -> float:
    import spacy

    from claimledger.settings import load_settings

    nlp = spacy.load(load_settings()["annotate"]["model"])
    paths = sorted(folder.glob("*.txt"))[:limit]
    started = time.perf_counter()
    for _ in nlp.pipe((p.read_text(encoding="utf-8") for p in paths), batch_size=16):
        pass
    return len(paths) / (time.perf_counter() - started)


def tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parent = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry))
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        stack += children.get(current, [])
        try:
            total += int(Path(f"/proc/{current}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            pass
    return total


def timed_build(inputs: Path, db: Path, jobs: int) -> tuple[float, float, list[str]]:
    """(seconds, peak MB of the whole process tree, the build's last lines)."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "claimledger", "build", str(inputs), "--db", str(db), "-q",
                                "--jobs", str(jobs), "--timings"], stderr=subprocess.PIPE, text=True, cwd=ROOT)
    peak = 0

    def sample() -> None:
        nonlocal peak
        while process.poll() is None:
            peak = max(peak, tree_rss(process.pid))
            time.sleep(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    err = process.stderr.read()
    process.wait()
    sampler.join()
    elapsed = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(err)
    return elapsed, peak / 2**20, err.strip().splitlines()[-2:]


def add_one(db: Path, workdir: Path, update_of: Path | None = None) -> dict:
    """Adds one new article to the ledger: of a new story, or an update of `update_of` (a near-copy
    with one more paragraph, in that article's story)."""
    extra = workdir / f"extra-{time.time_ns()}"
    extra.mkdir()
    if update_of:
        text = update_of.read_text(encoding="utf-8") + "\n\nOfficials said on Friday that 12 more soldiers were wounded."
    else:
        text = next(articles(1, seed=int(time.time())))[1]
    (extra / "one-more.txt").write_text(text, encoding="utf-8")
    elapsed, peak_mb, summary = timed_build(extra, db, 1)
    return {"incremental add to": str(db), "update of": str(update_of or ""),
            "seconds (incl. model load)": round(elapsed, 1),
            "peak_rss_mb": round(peak_mb), "summary": summary}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--baseline-docs", type=int, default=300)
    ap.add_argument("--workdir", type=Path, help="keep corpora and ledgers here (default: a temporary folder)")
    ap.add_argument("--add-to", type=Path, metavar="LEDGER", help="only add one article to this ledger")
    ap.add_argument("--update-of", type=Path, metavar="FILE", help="with --add-to: the article is an update of this one")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        if args.add_to:
            print(json.dumps(add_one(args.add_to, workdir, args.update_of)))
            return 0
        for n in args.sizes:
            folder = workdir / f"corpus-{n}"
            folder.mkdir(exist_ok=True)
            words = write_corpus(folder, n)
            base = baseline_docs_per_second(folder, min(n, args.baseline_docs))
            db = workdir / f"ledger-{n}.db"
            elapsed, peak_mb, summary = timed_build(folder, db, args.jobs)
            print(json.dumps({"documents": n, "words": words, "seconds": round(elapsed, 1),
                              "docs_per_s": round(n / elapsed, 2), "words_per_s": round(words / elapsed),
                              "peak_rss_mb (all processes)": round(peak_mb),
                              "baseline_docs_per_s (1 process)": round(base, 2),
                              "ratio to baseline (time)": round(base / (n / elapsed), 2), "summary": summary}),
                  flush=True)
        print(json.dumps(add_one(workdir / f"ledger-{max(args.sizes)}.db", workdir)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
