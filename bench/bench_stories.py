"""Benchmark: do stories hold? B-cubed precision, recall and F1 of the ledger's stories against the
ECB+ corpus's own event clusters.

    .venv/bin/python bench/bench_stories.py                     # all 982 articles as one feed
    .venv/bin/python bench/bench_stories.py --limit 200 --jobs 2
    .venv/bin/python bench/bench_stories.py --db built.db       # score a ledger built before

The articles (`../shared/corpora/ecbplus-event-clusters/ecbplus_docs.jsonl`) are written as one JSON
lines feed, in the corpus's order, and built by `claimledger build`, the real path: stories are
whatever the store files. Each article's URL carries its ECB+ name so that its story can be read back;
nothing else of the corpus (topic, cluster) reaches the build. ECB+ pairs two events of the same kind
in each topic (two earthquakes, two shootings), so precision says whether they are kept apart.
"""
from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpora" / "ecbplus-event-clusters" / "ecbplus_docs.jsonl"
HOST = "https://ecbplus.invalid/"


def bcubed(predicted: dict[str, str], truth: dict[str, str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 over the items both name."""
    items = [i for i in truth if i in predicted]
    by_pred, by_true = defaultdict(set), defaultdict(set)
    for i in items:
        by_pred[predicted[i]].add(i)
        by_true[truth[i]].add(i)
    p = r = 0.0
    for i in items:
        same = len(by_pred[predicted[i]] & by_true[truth[i]])
        p += same / len(by_pred[predicted[i]])
        r += same / len(by_true[truth[i]])
    p, r = p / len(items), r / len(items)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=0, help="only the first N articles")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--db", help="score this ledger instead of building one")
    ap.add_argument("--keep", help="build the ledger here (kept)")
    args = ap.parse_args(argv)
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.limit:
        rows = rows[:args.limit]
    truth = {r["doc_name"]: r["event_cluster"] for r in rows}
    work = Path(tempfile.mkdtemp(prefix="bench-stories-"))
    db = Path(args.db) if args.db else Path(args.keep or work / "stories.db")
    seconds = 0.0
    if not args.db:
        feed = work / "ecbplus.jsonl"
        with feed.open("w", encoding="utf-8") as out:
            for r in rows:
                out.write(json.dumps({"url": HOST + r["doc_name"], "text": r["text"]}) + "\n")
        db.unlink(missing_ok=True)
        started = time.perf_counter()
        built = subprocess.run([sys.executable, "-m", "claimledger", "build", str(feed), "--db", str(db),
                                "--quiet", "--jobs", str(args.jobs)], capture_output=True, text=True, cwd=ROOT)
        seconds = time.perf_counter() - started
        if built.returncode not in (0,):
            print(built.stderr[-2000:], file=sys.stderr)
            return 2
    conn = sqlite3.connect(db)
    predicted = {url.removeprefix(HOST): story for url, story in conn.execute("SELECT url, story FROM documents")
                 if url and url.startswith(HOST)}
    p, r, f1 = bcubed(predicted, truth)
    report = {"articles": len(predicted), "events": len(set(truth.values())),
              "stories": len(set(predicted.values())), "bcubed_precision": round(p, 4),
              "bcubed_recall": round(r, 4), "bcubed_f1": round(f1, 4), "build_seconds": round(seconds, 1)}
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
