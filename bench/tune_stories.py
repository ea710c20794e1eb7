"""Stories without the language pipeline: files the ECB+ articles' texts among stories with the
store's own filing (`Ledger._file_in_story`, then `split_mixed_stories` as the end of a build does)
and scores them against the corpus's event clusters, for trying `[group] story_*` settings in
seconds rather than rebuilding 982 articles.

    .venv/bin/python bench/tune_stories.py                            # the settings as they are
    .venv/bin/python bench/tune_stories.py --set story_similarity=0.25 --shuffle 3

`--shuffle N` also files them in N random orders (a real feed interleaves stories); `bench_stories.py`
remains the benchmark of record (the real build, cleaning included).
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.bench_stories import CORPUS, bcubed  # noqa: E402
from claimledger.settings import load_settings  # noqa: E402
from claimledger.store import Ledger  # noqa: E402


def file_all(rows: list[dict], folder: Path, name: str) -> dict[str, str]:
    ledger = Ledger(folder / f"{name}.db")
    with ledger.transaction():
        for r in rows:
            doc = r["doc_name"]
            ledger.conn.execute("INSERT INTO documents (id, source, raw_sha256, input_key, text, words, removed_lines) "
                                "VALUES (?, ?, '', ?, ?, 0, 0)", (doc, doc, doc, r["text"]))
            ledger._file_in_story(doc, (), r["text"])
        ledger.split_mixed_stories({r[0] for r in ledger.conn.execute("SELECT DISTINCT story FROM documents")})
    stories = {r[0]: r[1] for r in ledger.conn.execute("SELECT id, story FROM documents")}
    ledger.close()
    return stories


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", action="append", default=[], help="[group] KEY=VALUE to try (repeatable)")
    ap.add_argument("--shuffle", type=int, default=0, help="also file in this many random orders")
    args = ap.parse_args(argv)
    table = load_settings()["group"]
    for item in args.set:
        key, value = item.split("=", 1)
        table[key] = type(table[key])(json.loads(value))
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    truth = {r["doc_name"]: r["event_cluster"] for r in rows}
    orders = [("corpus order", rows)] + [(f"shuffle {n}", random.Random(n).sample(rows, len(rows)))
                                         for n in range(1, args.shuffle + 1)]
    with tempfile.TemporaryDirectory() as tmp:
        for n, (label, ordered) in enumerate(orders):
            stories = file_all(ordered, Path(tmp), f"run{n}")
            p, r, f1 = bcubed(stories, truth)
            print(f"{label:<14} stories {len(set(stories.values())):>4}  P {p:.3f}  R {r:.3f}  F1 {f1:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
