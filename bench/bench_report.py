"""Benchmark: `claimledger report` on a ledger of N documents.

    .venv/bin/python bench/bench_report.py --n 1000

The ledger is made by running the real pipeline once on the seed articles (../shared/seeds, else
the bundled examples), then storing N re-keyed copies of their records, each copy dated a day
later and its figures nudged, so that groups, plots and passages have N documents' worth of rows.
Prints the seconds to write each report format and the time to regroup.
"""
from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def copies(records, n: int):
    """N copies of one document's records under new ids, a day apart, figures nudged by 1%."""
    from claimledger.models import make_id

    base = date(2025, 1, 1)
    for i in range(n):
        doc = replace(records.document, id=make_id(records.document.id, i), source=f"{records.document.source}#{i}",
                      published=(base + timedelta(days=i % 365)).isoformat())

        def rekey(item, **extra):
            return replace(item, id=make_id(item.id, i), document=doc.id, **extra)

        scale = 1 + (i % 7) / 100
        yield replace(records, document=doc,
                      mentions=tuple(rekey(m) for m in records.mentions),
                      quantities=tuple(rekey(q, low=q.low * scale if q.low else q.low,
                                             high=q.high * scale if q.high else q.high, as_of=doc.published)
                                       for q in records.quantities),
                      quotes=tuple(rekey(q) for q in records.quotes),
                      citations=tuple(rekey(c) for c in records.citations),
                      **({"claims": tuple(rekey(c) for c in records.claims)} if hasattr(records, "claims") else {}))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1000, help="documents in the ledger (default 1000)")
    args = ap.parse_args()
    from claimledger.group import regroup
    from claimledger.ingest import read_inputs
    from claimledger.pipeline import input_key, process_article
    from claimledger.report import report
    from claimledger.store import Ledger

    seeds = ROOT.parent / "shared" / "seeds"
    folder = seeds if seeds.is_dir() else ROOT / "claimledger" / "examples"
    processed = [(process_article(a), input_key(a)) for a in read_inputs([str(folder)]) if not isinstance(a, Exception)]
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        with Ledger(db) as ledger:
            run = ledger.start_run(["bench"])
            per_seed = args.n // len(processed) + 1
            stored = 0
            for records, key in processed:
                for i, copy in enumerate(copies(records, per_seed)):
                    if stored == args.n:
                        break
                    ledger.add_document(copy, f"{key}-{i}", run)
                    stored += 1
            started = time.perf_counter()
            groups = regroup(ledger)
            regroup_s = time.perf_counter() - started
            print(f"documents {ledger.count('documents')}, figures {ledger.count('quantities')}, groups {groups}; "
                  f"regroup {regroup_s:.2f} s")
            for fmt in ("html", "md", "csv"):
                out = io.StringIO()
                started = time.perf_counter()
                report(ledger, fmt, out)
                print(f"report --format {fmt}: {time.perf_counter() - started:.2f} s, {len(out.getvalue()) / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
