"""Benchmark: a full `claimledger build` against a baseline run in the same process.

    .venv/bin/python bench/bench_build.py --n 200
    .venv/bin/python bench/bench_build.py --bbc 100 --rounds 3     # real articles, 1 and 2 processes

With `--bbc N` the corpus is N real articles of ../shared/corpora/bbc-news-sample (copied at run
time, never into the project), and the run measures two ratios, each against spaCy alone on the same
files: a one-process build against `nlp.pipe`, and `--jobs 2` against `nlp.pipe(n_process=2)`
(each side starting its processes and loading the model in them). Baseline and build alternate,
round after round, so that the machine's other load falls on both alike; the ratio printed is the
median of the rounds' ratios, with each round's numbers.

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


def bbc_corpus(folder: Path, n: int) -> list[Path]:
    bbc = ROOT.parent / "shared" / "corpora" / "bbc-news-sample" / "bbc"
    if not bbc.is_dir():
        raise SystemExit(f"{bbc} is absent: --bbc needs the project's ../shared folder")
    paths = []
    for source in sorted(bbc.glob("*/*.txt"))[:n]:
        path = folder / f"{source.parent.name}-{source.name}"
        path.write_bytes(source.read_bytes())
        paths.append(path)
    return paths


def spacy_alone(nlp, paths: list[Path], processes: int) -> tuple[float, float]:
    """Wall seconds and this process's CPU seconds of `nlp.pipe` over the files."""
    started, cpu = time.perf_counter(), time.process_time()
    texts = (p.read_text(encoding="utf-8", errors="replace") for p in paths)
    for _ in nlp.pipe(texts, batch_size=16, n_process=processes):
        pass
    return time.perf_counter() - started, time.process_time() - cpu


def build_seconds(folder: Path, db: Path, jobs: int, expected: int) -> tuple[float, float, dict]:
    """Wall seconds, this process's CPU seconds and the stages of a build of the folder."""
    from claimledger.pipeline import build

    started, cpu = time.perf_counter(), time.process_time()
    report = build([str(folder)], str(db), quiet=True, jobs=jobs)
    elapsed = time.perf_counter() - started
    assert report.stored == expected, report.summary()
    return elapsed, time.process_time() - cpu, report.stages


def ratios(n: int, rounds: int) -> int:
    import statistics

    import spacy

    from claimledger.annotate import load_nlp
    from claimledger.settings import load_settings

    model = load_settings()["annotate"]["model"]
    nlp = spacy.load(model)
    nlp("warm up")
    load_nlp()("warm up")
    results: dict[int, list[float]] = {1: [], 2: []}
    cpu_ratios: list[float] = []  # one process: CPU time, which other load on the machine does not stretch
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "bbc"
        folder.mkdir()
        paths = bbc_corpus(folder, n)
        for r in range(rounds):
            for jobs in (1, 2):
                base, base_cpu = spacy_alone(nlp, paths, jobs)
                ours, ours_cpu, stages = build_seconds(folder, Path(tmp) / f"r{r}-j{jobs}.db", jobs, len(paths))
                results[jobs].append(ours / base)
                shown = ", ".join(f"{k} {v:.2f}" for k, v in stages.items())
                if jobs == 1:
                    cpu_ratios.append(ours_cpu / base_cpu)
                    shown += f"; CPU {base_cpu:.2f} s vs {ours_cpu:.2f} s, ratio {ours_cpu / base_cpu:.2f}"
                print(f"round {r + 1}, {jobs} process{'es' if jobs > 1 else ''}: nlp.pipe {base:.2f} s, build "
                      f"{ours:.2f} s, ratio {ours / base:.2f}" + (f"  [{shown}]" if jobs == 1 else ""), flush=True)
    print(f"{len(paths)} BBC articles, full {model}, {rounds} rounds, median ratios (build / spaCy alone): "
          f"one process {statistics.median(results[1]):.2f} (CPU time {statistics.median(cpu_ratios):.2f}), "
          f"two processes {statistics.median(results[2]):.2f}")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=200, help="documents to build (default 200)")
    ap.add_argument("--bbc", type=int, metavar="N", help="instead: N real BBC articles, ratios at 1 and 2 processes")
    ap.add_argument("--rounds", type=int, default=3, help="with --bbc: alternating rounds (default 3)")
    args = ap.parse_args()
    if args.bbc:
        return ratios(args.bbc, args.rounds)
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
