"""Benchmark: explorer page and search latency on a generated ledger of N documents.

    .venv/bin/python bench/bench_serve.py --n 10000

The ledger is generated as in bench_report.py (the real pipeline on the seed articles once, then N
re-keyed, re-dated copies of their records) and grouped. `claimledger serve` then runs in its own
process and each page is fetched over HTTP on 127.0.0.1: list pages, detail pages of figures,
documents, entities and groups, and full-text searches. Prints p50 and p95 in milliseconds.

`--spans 6000` adds one long document with that many figure, quote and name spans (a seed
article repeated, every span shifted with it) and times its page, alone and with a small page
requested while it renders (that one must not wait for it: handlers run off the event loop).
"""
from __future__ import annotations

import argparse
import json
import threading
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_report import copies  # noqa: E402

SEARCHES = ["soldiers", "asylum", "drone", "Kursk casualties", "North Korean troops", "intelligence service",
            "prisoners of war", "Zelenskyy", "families punished", "Pyongyang"]


def long_document(records, spans: int):
    """One document: the seed's text repeated until it holds `spans` spans, every span shifted."""
    from dataclasses import replace

    from claimledger.models import make_id

    per_copy = len(records.mentions) + len(records.quantities) + len(records.quotes)
    times = max(1, -(-spans // max(1, per_copy)))
    text = records.document.text + "\n\n"
    doc = replace(records.document, id=make_id(records.document.id, "long", spans), source="long-document",
                  text=text * times)

    def shifted(items, i):
        return tuple(replace(x, id=make_id(x.id, "long", i), document=doc.id, start=x.start + i * len(text),
                             end=x.end + i * len(text)) for x in items)

    return replace(records, document=doc, citations=(),
                   mentions=sum((shifted(records.mentions, i) for i in range(times)), ()),
                   quantities=sum((shifted(records.quantities, i) for i in range(times)), ()),
                   quotes=sum((shifted(records.quotes, i) for i in range(times)), ()))


def without_claims(records):
    """The pages timed here show no claims; copies do not re-key them."""
    from dataclasses import fields, replace

    return replace(records, claims=()) if "claims" in {f.name for f in fields(records)} else records


def make_ledger(db: Path, n: int, spans: int = 0) -> None:
    from claimledger.group import regroup
    from claimledger.ingest import read_inputs
    from claimledger.link import relink
    from claimledger.pipeline import input_key, process_article
    from claimledger.store import Ledger

    seeds = ROOT.parent / "shared" / "seeds"
    folder = seeds if seeds.is_dir() else ROOT / "claimledger" / "examples"
    processed = [(process_article(a), input_key(a)) for a in read_inputs([str(folder)]) if not isinstance(a, Exception)]
    with Ledger(db) as ledger:
        run = ledger.start_run(["bench"])
        per_seed = n // len(processed) + 1
        stored = 0
        for records, key in processed:
            for i, copy in enumerate(copies(records, per_seed)):
                if stored == n:
                    break
                ledger.add_document(without_claims(copy), f"{key}-{i}", run)
                stored += 1
        if spans:
            richest = max(processed, key=lambda p: len(p[0].mentions) + len(p[0].quantities) + len(p[0].quotes))
            ledger.add_document(without_claims(long_document(richest[0], spans)), "long-document", run)
        relink(ledger)
        regroup(ledger)


def fetch(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as response:
        response.read()
        assert response.status == 200, url
    return (time.perf_counter() - started) * 1000


def summary(name: str, times: list[float]) -> str:
    p95 = statistics.quantiles(times, n=20)[-1]
    return f"{name}: {len(times)} requests, p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms"


def long_page(base: str, db: Path) -> None:
    """The long document's page alone, then with /groups.json asked for while it renders."""
    from claimledger.store import Ledger

    with Ledger(db, readonly=True) as ledger:
        doc = ledger.conn.execute("SELECT id FROM documents WHERE source = 'long-document'").fetchone()[0]
        spans = sum(ledger.conn.execute(f"SELECT count(*) FROM {t} WHERE document_id = ?", (doc,)).fetchone()[0]
                    for t in ("mentions", "quantities", "quotes"))
    url = f"{base}/documents/{doc}"
    alone = [fetch(url) for _ in range(5)]
    print(f"document page with {spans} spans: {len(alone)} requests, p50 {statistics.median(alone):.1f} ms, "
          f"max {max(alone):.1f} ms")
    beside = []
    for _ in range(5):
        slow = threading.Thread(target=fetch, args=(url,))
        slow.start()
        time.sleep(min(alone) / 4000)  # a quarter of the way into the long page
        beside.append(fetch(base + "/groups.json"))
        slow.join()
    print(f"/groups.json while it renders: p50 {statistics.median(beside):.1f} ms, max {max(beside):.1f} ms")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10000, help="documents in the ledger (default 10000)")
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--spans", type=int, default=0, help="also time one document page with this many spans")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        started = time.perf_counter()
        make_ledger(db, args.n, args.spans)
        print(f"generated a ledger of {args.n} documents in {time.perf_counter() - started:.0f} s")
        proc = subprocess.Popen([sys.executable, "-m", "claimledger", "serve", "--db", str(db), "--port", str(args.port)],
                                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{args.port}"
        try:
            for _ in range(300):
                try:
                    fetch(base + "/groups.json")
                    break
                except OSError:
                    time.sleep(0.2)
            rng = random.Random(1)
            figures = json.load(urllib.request.urlopen(base + "/figures.json?page=7"))["figures"]
            docs = json.load(urllib.request.urlopen(base + "/documents.json?page=13"))["documents"]
            entities = json.load(urllib.request.urlopen(base + "/entities.json"))["entities"]
            groups = json.load(urllib.request.urlopen(base + "/groups.json"))["groups"]
            pages = ["/groups", "/figures", "/figures?category=killed", "/figures?page=40", "/documents?page=100",
                     "/entities", "/quotes?page=20", "/review"]
            pages += [f"/figures/{f['id']}" for f in rng.sample(figures, min(10, len(figures)))]
            pages += [f"/documents/{d['id']}" for d in rng.sample(docs, min(10, len(docs)))]
            pages += [f"/entities/{e['id']}" for e in entities[:10]] + [f"/groups/{g['id']}" for g in groups[:5]]
            page_times = [fetch(base + p) for _ in range(3) for p in pages]
            search_times = [fetch(base + "/search?q=" + urllib.request.quote(q)) for _ in range(5) for q in SEARCHES]
            print(summary("pages", page_times))
            print(summary("search", search_times))
            slowest = sorted(zip(page_times, pages * 3), reverse=True)[:3]
            print("slowest pages: " + ", ".join(f"{p} {t:.0f} ms" for t, p in slowest))
            if args.spans:
                long_page(base, db)
        finally:
            proc.terminate()
            proc.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
