"""Benchmark: explorer page and search latency on a generated ledger of N documents.

    .venv/bin/python bench/bench_serve.py --n 10000

The ledger is generated as in bench_report.py (the real pipeline on the seed articles once, then N
re-keyed, re-dated copies of their records) and grouped. `claimledger serve` then runs in its own
process and each page is fetched over HTTP on 127.0.0.1: list pages, detail pages of figures,
documents, entities and groups, and full-text searches. Prints p50 and p95 in milliseconds.
"""
from __future__ import annotations

import argparse
import json
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


def make_ledger(db: Path, n: int) -> None:
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
                ledger.add_document(copy, f"{key}-{i}", run)
                stored += 1
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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10000, help="documents in the ledger (default 10000)")
    ap.add_argument("--port", type=int, default=8765)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        started = time.perf_counter()
        make_ledger(db, args.n)
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
        finally:
            proc.terminate()
            proc.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
