"""Benchmark: a full `claimledger build` against a baseline run in the same process.

    .venv/bin/python bench/bench_build.py --n 200

The corpus is N documents made from the seed articles (../shared/seeds, else the bundled examples),
each with a unique closing line so none is a duplicate. The baseline reads the same files and runs
`nlp.pipe` of the same spaCy model with its full default pipeline; the build adds cleaning,
extraction and the SQLite writes. Prints docs/s, words/s (white-space words of the text each one
reads), the process's peak RSS after each phase (the build runs second, so its figure is the peak of
both) and the time ratio.
"""
from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def make_corpus(folder: Path, n: int) -> list[Path]:
    seeds = ROOT.parent / "shared" / "seeds"
    sources = sorted(seeds.glob("*.txt")) if seeds.is_dir() else sorted((ROOT / "claimledger" / "examples").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in sources]
    paths = []
    for i in range(n):
        path = folder / f"doc-{i:05d}.txt"
        path.write_text(texts[i % len(texts)] + f"\n\nCorrection {i}: an earlier version misstated a date.",
                        encoding="utf-8")
        paths.append(path)
    return paths


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def baseline(paths: list[Path], model: str) -> tuple[float, int]:
    import spacy

    nlp = spacy.load(model)
    nlp("warm up")
    started = time.perf_counter()
    words = 0
    for doc in nlp.pipe((p.read_text(encoding="utf-8") for p in paths), batch_size=16):
        words += len(doc.text.split())
    return time.perf_counter() - started, words


def claimledger_build(paths: list[Path], folder: Path) -> tuple[float, int]:
    from claimledger.annotate import load_nlp
    from claimledger.pipeline import build

    load_nlp()("warm up")
    db = folder.parent / "bench.db"
    started = time.perf_counter()
    report = build([str(folder)], str(db), quiet=True)
    elapsed = time.perf_counter() - started
    assert report.stored == len(paths), report.summary()
    return elapsed, report.words


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=200, help="documents to build (default 200)")
    args = ap.parse_args()
    from claimledger.settings import load_settings

    model = load_settings()["annotate"]["model"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        paths = make_corpus(folder, args.n)
        base_s, base_words = baseline(paths, model)
        base_rss = peak_rss_mb()
        ours_s, ours_words = claimledger_build(paths, folder)
        ours_rss = peak_rss_mb()
    print(f"documents           {args.n}")
    print(f"baseline (read + nlp.pipe, full {model}): {base_s:.2f} s, {args.n / base_s:.1f} docs/s, "
          f"{base_words / base_s:,.0f} words/s, peak RSS {base_rss:.0f} MB")
    print(f"claimledger build:  {ours_s:.2f} s, {args.n / ours_s:.1f} docs/s, {ours_words / ours_s:,.0f} words/s, "
          f"peak RSS {ours_rss:.0f} MB")
    print(f"ratio (build time / baseline time): {ours_s / base_s:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
