"""Every reference group beside what the ledger made of it: for reading group misses, not scoring.

    .venv/bin/python bench/scoreboard.py ecbplus-dev --keep /tmp/sb
    .venv/bin/python bench/groups_view.py /tmp/sb/ecbplus-dev.json ../shared/eval/ecbplus-dev.gold.json

For each reference group of two or more documents: its expected status and originators, then each
of its figures as the export has it (document, value, category, what it counts, source, the export
group's label and status), or "not found". Figures are matched the way `score.py` matches them:
same values, span overlapping the anchor.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path


def occurrences(text: str, anchor: str) -> list[tuple[int, int]]:
    spots, start = [], text.find(anchor)
    while start >= 0:
        spots.append((start, start + len(anchor)))
        start = text.find(anchor, start + 1)
    return spots


def match(export: dict, gold: dict) -> dict[str, dict]:
    by_stem = {Path(d["source"]).name.split(".")[0]: d for d in export["documents"]}
    figures: dict[str, list[dict]] = {}
    for q in export["quantities"]:
        figures.setdefault(q["document"], []).append(q)
    matched = {}
    for stem, g in gold["docs"].items():
        doc = by_stem.get(stem)
        if doc is None:
            continue
        used: set[str] = set()
        for q in sorted(g["quantities"], key=lambda q: q["optional"]):
            spots = occurrences(doc["text"], q["anchor"])
            for p in figures.get(doc["id"], []):
                values = {float(v) for v in (p["low"], p["high"]) if v is not None}
                if p["id"] not in used and values == {float(v) for v in q["values"]} and \
                        any(p["start"] < e and s < p["end"] for s, e in spots):
                    used.add(p["id"])
                    matched[q["key"]] = p
                    break
    return matched


def main(argv: list[str]) -> int:
    export = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    gold = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    matched = match(export, gold)
    group_of = {q: g for g in export["groups"] for q in g["quantities"]}
    names = {e["id"]: e["name"] for e in export["entities"]}
    for members, note in zip(gold["groups"], gold.get("group_notes") or []):
        if len({k.rsplit("-", 1)[0] for k in members}) < 2 or not note:
            continue
        print(f"== {note['what'][:100]}\n   expected {note['status']}: {[o[0] for o in note['originators']]}")
        for key in members:
            q = matched.get(key)
            if q is None:
                print(f"   {key:<18} not found")
                continue
            g = group_of.get(q["id"])
            source = names.get(q["source"]) or q["source_text"]
            print(f"   {key:<18} {q['surface'][:22]:<22} {q['category']:<10} {str(q['counted'])[:26]:<26} "
                  f"{str(source)[:22]:<22} {q['as_of'] or '':<10} -> "
                  f"{(g['label'] + ' [' + g['status'] + ']') if g else '-'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
