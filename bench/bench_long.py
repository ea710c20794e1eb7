"""Benchmark: the cost of one long document, which must grow in line with its size.

    .venv/bin/python bench/bench_long.py [--sizes 150000 1000000] [--lines 8000]

Builds (`claimledger build`, the whole path: read, clean, spaCy, extraction, store, link, group) one
article of each size in characters, made at run time from the sentences of the BBC sample articles
in ../shared (else the bundled examples), and prints the seconds, the words kept, and
the seconds per 100,000 characters: linear cost shows as the same figure at every size. Then cleans
a page of `--lines` short furniture lines (a sign-up box followed by a long link list) and prints
the seconds. Nothing is asserted: times are for people to read, and depend on the machine's load.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BBC = ROOT.parent / "shared" / "corpora" / "bbc-news-sample" / "bbc"


def long_text(size: int) -> str:
    """`size` characters of paragraphs of three to five sentences drawn (seeded) from the sample's
    sentences, so that no paragraph repeats another and cleaning keeps them all."""
    import random
    import re

    sources = sorted(BBC.glob("*/*.txt")) if BBC.is_dir() else sorted((ROOT / "claimledger" / "examples").glob("*.txt"))
    sentences = [s for p in sources for s in re.split(r"(?<=[.!?])\s+", p.read_text(encoding="utf-8", errors="replace"))
                 if len(s.split()) >= 6]
    rng = random.Random(size)
    parts, n = [], 0
    while n < size:
        part = " ".join(rng.choice(sentences).replace("\n", " ") for _ in range(rng.randint(3, 5)))
        parts.append(part)
        n += len(part) + 2
    return "\n\n".join(parts)[:size]


def build_one(folder: Path, size: int) -> tuple[float, int]:
    from claimledger.pipeline import build

    path = folder / f"long-{size}.txt"
    path.write_text(long_text(size), encoding="utf-8")
    started = time.perf_counter()
    report = build([str(path)], str(folder / f"long-{size}.db"), quiet=True)
    elapsed = time.perf_counter() - started
    assert report.stored == 1, report.summary()
    return elapsed, report.words


def furniture(lines: int) -> float:
    from claimledger.clean import clean_article
    from claimledger.models import Article

    body = "\n".join(["Advertisement", "Sign up for our newsletter"] + [f"Menu item {i}" for i in range(lines)]
                     + ["The council said the bridge would reopen once the repairs had been checked by engineers."])
    started = time.perf_counter()
    clean_article(Article("furniture.txt", "0", "text", body))
    return time.perf_counter() - started


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[150_000, 1_000_000], help="characters per article")
    ap.add_argument("--lines", type=int, default=8000, help="furniture lines to clean (default 8000)")
    args = ap.parse_args()
    from claimledger.annotate import load_nlp

    load_nlp()("warm up")
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            seconds, words = build_one(Path(tmp), size)
            print(f"one article of {size:>9,} characters ({words:,} words): {seconds:7.1f} s, "
                  f"{seconds / size * 100_000:.2f} s per 100,000 characters")
    print(f"{args.lines:,} furniture lines cleaned in {furniture(args.lines):.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
