"""Scoreboard: build every dev reference, score it with ../shared/eval/score.py, print one table.

    .venv/bin/python bench/scoreboard.py                 # all dev references
    .venv/bin/python bench/scoreboard.py seeds bbc-dev   # some of them
    .venv/bin/python bench/scoreboard.py --jobs 1 --keep bench/.scoreboard

Each reference's documents are laid out as the reference names them (BBC dev as `business/103.txt`,
ECB+ dev as `<doc_name>.txt`), built with `claimledger build`, exported as JSON and scored. The
misses the scorer lists are written beside each ledger (`<name>.misses.txt` under --keep), so a rule
can be judged against every corpus at once. `polnear-test` is left out on purpose: it is for final
scores only (`--final` adds it).
"""
from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEV = ["seeds", "bbc-dev", "ecbplus-dev", "polnear-train", "polnear-dev"]
METRICS = ["quantity_f1", "attribution", "category", "quote_recall", "speaker", "claim_recall",
           "claim_source", "claim_precision", "mention_links", "people_kept_apart", "citations", "published",
           "cleaning", "group_f1", "group_status", "group_originators", "conflict_precision"]
SHORT = {"quantity_f1": "qty_f1", "attribution": "attrib", "category": "categ", "quote_recall": "quote_r",
         "speaker": "speaker", "claim_recall": "claim_r", "claim_source": "claim_s", "claim_precision": "claim_p",
         "mention_links": "mentions", "people_kept_apart": "apart", "citations": "cites", "published": "publ",
         "cleaning": "clean", "group_f1": "grp_f1", "group_status": "grp_st", "group_originators": "grp_or",
         "conflict_precision": "confl_p"}


def load_scorer():
    spec = importlib.util.spec_from_file_location("claimledger_eval_score", SHARED / "eval" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def lay_out(name: str, gold: dict, folder: Path) -> Path:
    """The folder (or file) to build for one reference, its documents named as the reference names them."""
    if name == "seeds":
        return SHARED / "seeds"
    if name.startswith("polnear-"):
        return SHARED / "corpora" / "polnear" / "data" / name.split("-", 1)[1] / "text"
    folder.mkdir(parents=True, exist_ok=True)
    if name == "bbc-dev":
        for key in gold["docs"]:
            target = folder / f"{key}.txt"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(SHARED / "corpora" / "bbc-news-sample" / "bbc" / f"{key}.txt", target)
        return folder
    if name == "ecbplus-dev":
        wanted = set(gold["docs"])
        with open(SHARED / "corpora" / "ecbplus-event-clusters" / "ecbplus_docs.jsonl", encoding="utf-8") as lines:
            for line in lines:
                row = json.loads(line)
                stem = row["doc_name"].removesuffix(".xml")
                if stem in wanted:
                    (folder / f"{stem}.txt").write_text(row["text"], encoding="utf-8")
        return folder
    raise SystemExit(f"scoreboard: no layout for reference {name!r}")


def build_and_score(name: str, work: Path, jobs: int, scorer) -> tuple[dict, list[str], float]:
    gold = json.loads((SHARED / "eval" / f"{name}.gold.json").read_text(encoding="utf-8"))
    inputs = lay_out(name, gold, work / f"{name}-inputs")
    db, export = work / f"{name}.db", work / f"{name}.json"
    for stale in (db, export):
        stale.unlink(missing_ok=True)
    exe = [sys.executable, "-m", "claimledger"]
    started = time.perf_counter()
    built = subprocess.run([*exe, "build", str(inputs), "--db", str(db), "--quiet", "--jobs", str(jobs)],
                           capture_output=True, text=True, cwd=ROOT)
    if built.returncode != 0:
        raise SystemExit(f"scoreboard: build of {name} failed: {built.stderr.strip()[-500:]}")
    exported = subprocess.run([*exe, "export", "--db", str(db), "--format", "json", "-o", str(export)],
                              capture_output=True, text=True, cwd=ROOT)
    if exported.returncode != 0:
        raise SystemExit(f"scoreboard: export of {name} failed: {exported.stderr.strip()[-500:]}")
    seconds = time.perf_counter() - started
    result, misses = scorer.score(scorer.Export(json.loads(export.read_text(encoding="utf-8"))), gold)
    (work / f"{name}.misses.txt").write_text("\n".join(misses) + "\n", encoding="utf-8")
    return result, misses, seconds


def table(rows: dict[str, dict]) -> str:
    shown = [m for m in METRICS if any(r.get(m) is not None for r in rows.values())]
    head = f"{'reference':<14}" + "".join(f"{SHORT[m]:>9}" for m in shown)
    lines = [head, "-" * len(head)]
    for name, result in rows.items():
        cells = "".join(f"{'-' if result.get(m) is None else format(result[m], '.3f'):>9}" for m in shown)
        lines.append(f"{name:<14}{cells}")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("references", nargs="*", help=f"which references (default: {' '.join(DEV)})")
    ap.add_argument("--jobs", type=int, default=2, help="processes for each build (default 2)")
    ap.add_argument("--keep", help="folder for ledgers, exports and misses (default: a temporary one)")
    ap.add_argument("--final", action="store_true", help="add polnear-test (final scores only, never for tuning)")
    ap.add_argument("--json", help="also write the scores as JSON to this file")
    args = ap.parse_args()
    if not SHARED.is_dir():
        print(f"scoreboard: {SHARED} is missing: nothing to score", file=sys.stderr)
        return 2
    names = args.references or DEV + (["polnear-test"] if args.final else [])
    scorer = load_scorer()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(args.keep).resolve() if args.keep else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        rows, times = {}, {}
        for name in names:
            rows[name], _, times[name] = build_and_score(name, work, args.jobs, scorer)
            print(f"  {name}: built and scored in {times[name]:.0f} s", file=sys.stderr)
        print(table(rows))
        if args.json:
            Path(args.json).write_text(json.dumps(rows, indent=1, sort_keys=True), encoding="utf-8")
        if args.keep:
            print(f"(ledgers, exports and misses in {work})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
