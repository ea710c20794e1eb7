"""Benchmark: build generated articles at several sizes; docs/s, peak memory, stages, baseline ratio.

    .venv/bin/python bench/bench_scale.py --sizes 1000 10000 --jobs 2

Each size is built into a fresh ledger by a separate `claimledger build` process (so its peak RSS is
its own), from articles made by `generate.py` (varied lengths, never copies). The spaCy baseline
(reading the same files and running `nlp.pipe` with the model's full default pipeline, one process)
is timed on the first `--baseline-docs` articles of each size; its docs/s does not depend on the
size. With --jobs > 1 the per-document stages run in workers and are not split. Finally one more article is added to the largest ledger, to show the cost of an incremental add.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
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


def timed_build(folder: Path, db: Path, jobs: int) -> tuple[float, float, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "claimledger", "build", str(folder), "--db", str(db), "-q",
                             "--jobs", str(jobs), "--timings"], capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(result.stderr)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before) / 1024, " | ".join(result.stderr.strip().splitlines()[-2:])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--baseline-docs", type=int, default=300)
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            folder = Path(tmp) / f"corpus-{n}"
            folder.mkdir()
            words = write_corpus(folder, n)
            base = baseline_docs_per_second(folder, min(n, args.baseline_docs))
            db = Path(tmp) / f"ledger-{n}.db"
            elapsed, peak_mb, summary = timed_build(folder, db, args.jobs)
            rows.append({"documents": n, "words": words, "seconds": round(elapsed, 1),
                         "docs_per_s": round(n / elapsed, 2), "words_per_s": round(words / elapsed),
                         "peak_rss_mb (max so far)": round(peak_mb), "baseline_docs_per_s (1 process)": round(base, 2),
                         "ratio to baseline (time)": round(base / (n / elapsed), 2), "summary": summary})
            print(json.dumps(rows[-1]))
        largest = max(args.sizes)
        extra = Path(tmp) / "extra"
        extra.mkdir()
        (extra / "one-more.txt").write_text(next(articles(1, seed=99))[1], encoding="utf-8")
        elapsed, _, summary = timed_build(extra, Path(tmp) / f"ledger-{largest}.db", 1)
        print(json.dumps({"incremental add to": largest, "seconds (incl. model load)": round(elapsed, 1),
                          "summary": summary}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
