"""Report: the ledger as something people read.

`html` is one self-contained file that works offline (no script, no font, no network): the
estimates-by-source table per group with its status, a plot per group of its values over time by
originator (inline SVG), quotes by speaker, people and organisations, and the citation graph. Each
figure links to its passage, quoted in the file with the figure marked. `md` is the estimates table
for a wiki; `csv` its rows. Article text is untrusted: the template escapes everything it shows.
"""
from __future__ import annotations

import csv
import html
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import IO, Optional

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from .errors import UsageError
from .review import Reviews
from .store import Ledger

FORMATS = ("html", "md", "csv")
TEMPLATES = Path(__file__).with_name("templates")
PASSAGE_CONTEXT = 160  # characters of context either side of a figure in its quoted passage
PALETTE = ("#1b6ca8", "#d1495b", "#2e8b57", "#edae49", "#6a4c93", "#00798c", "#8c564b", "#e377c2")

ESTIMATES = """
SELECT g.id AS group_id, g.label, g.status, g.note, q.id, q.low, q.high, q.qualifier, q.surface,
       q."start", q."end", q.counted, coalesce(e.name, q.source_text) AS originator,
       coalesce(d.outlet, d.source) AS outlet, coalesce(q.as_of, d.published) AS as_of,
       d.id AS document_id, d.source
FROM groups g JOIN group_members m ON m.group_id = g.id JOIN quantities q ON q.id = m.quantity_id
JOIN documents d ON d.id = q.document_id
LEFT JOIN resolved_entities e ON e.id = q.source_entity_id
ORDER BY CASE g.status WHEN 'conflicting' THEN 0 WHEN 'corroborated' THEN 1 WHEN 'evolving' THEN 2
         WHEN 'single-source' THEN 3 ELSE 4 END, g.label, coalesce(q.as_of, d.published, ''), q.id
"""
QUOTES = """
SELECT coalesce(e.name, q.speaker_text, 'unknown speaker') AS speaker, q.surface, coalesce(d.outlet, d.source) AS outlet
FROM quotes q JOIN documents d ON d.id = q.document_id
LEFT JOIN resolved_entities e ON e.id = q.speaker_entity_id
ORDER BY speaker, d.source, q."start"
"""
ENTITIES = """
SELECT c.name, c.type, n.mentions, n.documents,
       (SELECT group_concat(DISTINCT a.alias) FROM aliases a JOIN entities x ON x.id = a.entity_id
        WHERE (x.id = c.id OR x.canonical_id = c.id) AND a.alias != c.name) AS aliases
FROM entity_counts n JOIN entities c ON c.id = n.entity_id
WHERE c.type IN ('PERSON', 'ORG') ORDER BY n.mentions DESC, c.name
"""


@dataclass
class Row:
    group_id: str
    value: str
    originator: str
    outlet: str
    as_of: str
    surface: str
    anchor: str
    low: Optional[float]
    high: Optional[float]
    review: str = ""


def value_text(low, high, qualifier: str, surface: str = "") -> str:
    if qualifier == "vague":
        return surface

    def num(v):
        return f"{v:,.0f}" if float(v).is_integer() else f"{v:,}"
    if qualifier == "range":
        return f"{num(low)} to {num(high)}"
    if qualifier == "floor":
        return f"over {num(low)}"
    if qualifier == "ceiling":
        return f"up to {num(high)}"
    if qualifier == "approximate":
        return f"about {num(low)}"
    return num(low if low is not None else high)


def outlet_name(outlet: str) -> str:
    return PurePath(outlet).stem if "/" in outlet or outlet.endswith(".txt") else outlet


def collect(ledger: Ledger, for_html: bool = True) -> dict:
    """What the report shows; `for_html` adds passages, plots and the other sections."""
    groups: dict[str, dict] = {}
    passages: dict[str, list] = {}
    wanted: dict[str, list] = defaultdict(list)
    reviews = Reviews(ledger)
    for r in ledger.rows(ESTIMATES):
        reviewed = reviews.apply("quantity", {"id": r["id"], "low": r["low"], "high": r["high"],
                                              "source_text": r["originator"]})
        if reviewed is None:
            continue
        group = groups.setdefault(r["group_id"], {"id": r["group_id"], "label": r["label"], "status": r["status"],
                                                  "note": r["note"], "rows": []})
        anchor = f"p-{r['id']}"
        group["rows"].append(Row(r["group_id"], value_text(reviewed["low"], reviewed["high"], r["qualifier"], r["surface"]),
                                 reviewed["source_text"] or "(unattributed)", outlet_name(r["outlet"]),
                                 r["as_of"] or "", r["surface"], anchor, reviewed["low"], reviewed["high"],
                                 reviewed["review"] or ""))
        wanted[r["document_id"]].append((anchor, r["start"], r["end"], r["source"]))
    if not for_html:
        return {"groups": list(groups.values())}
    for doc_id, spans in wanted.items():
        text = next(ledger.rows("SELECT text FROM documents WHERE id = ?", (doc_id,)))["text"]
        for anchor, start, end, source in spans:
            passages[anchor] = {"anchor": anchor, "source": source, "html": marked_passage(text, start, end)}
    for group in groups.values():
        group["plot"] = Markup(plot(group["rows"]))
    quotes: dict[str, list] = defaultdict(list)
    for r in ledger.rows(QUOTES):
        quotes[r["speaker"]].append({"text": r["surface"], "outlet": outlet_name(r["outlet"])})
    graph = [dict(r) for r in ledger.rows(
        "SELECT DISTINCT coalesce(d.outlet, d.source) AS document, g.target, g.kind FROM citation_graph g "
        "JOIN documents d ON d.id = g.document ORDER BY 1, 3, 2")]
    for edge in graph:
        edge["document"] = outlet_name(edge["document"])
    copies = [dict(r) for r in ledger.rows(
        "SELECT a.source AS a, b.source AS b, n.similarity FROM near_copies n "
        "JOIN documents a ON a.id = n.document_a JOIN documents b ON b.id = n.document_b ORDER BY n.similarity DESC")]
    counts = {t: ledger.count(t) for t in ("documents", "quantities", "quotes", "groups")}
    audit = [{**dict(r), "at": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(r["created"]))} for r in ledger.rows(
        "SELECT item_kind, item_id, action, field, value, reviewer, reason, created FROM reviews ORDER BY created")]
    return {"audit": audit, "groups": list(groups.values()), "passages": passages, "quotes": dict(quotes),
            "entities": [{**dict(r), "aliases": ",".join(sorted(set((r["aliases"] or "").split(",")) - {""}))}
                         for r in ledger.rows(ENTITIES)], "graph": graph, "copies": copies,
            "counts": counts}


def marked_passage(text: str, start: int, end: int) -> Markup:
    """The figure's neighbourhood, escaped, with the figure marked."""
    left = max(0, start - PASSAGE_CONTEXT)
    right = min(len(text), end + PASSAGE_CONTEXT)
    return Markup(("…" if left else "") + html.escape(text[left:start]) + "<mark>" + html.escape(text[start:end])
                  + "</mark>" + html.escape(text[end:right]) + ("…" if right < len(text) else ""))


def plot(rows: list[Row], width: int = 420, height: int = 160) -> str:
    """An inline SVG of the group's values over time, one colour per originator."""
    points = [(r.as_of or "", r.low if r.low is not None else r.high, r.high if r.high is not None else r.low,
               r.originator) for r in rows if (r.low is not None or r.high is not None)]
    if not points:
        return ""
    dates = sorted({p[0] for p in points})
    top = max(p[2] for p in points) or 1.0
    originators = sorted({p[3] for p in points})
    colour = {o: PALETTE[i % len(PALETTE)] for i, o in enumerate(originators)}
    pad = 34

    def x(d):
        return pad + (width - 2 * pad) * (dates.index(d) + 0.5) / len(dates)

    def y(v):
        return height - 24 - (height - 44) * v / top

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="plot" width="{width}" height="{height + 16 * len(originators)}" '
             f'role="img" aria-label="values over time by originator">',
             f'<line x1="{pad}" y1="{height - 24}" x2="{width - pad}" y2="{height - 24}" stroke="#999"/>',
             f'<text x="2" y="{y(top) + 4:.0f}" font-size="10">{top:,.0f}</text>',
             f'<text x="2" y="{height - 20}" font-size="10">0</text>']
    for d in dates:
        parts.append(f'<text x="{x(d):.0f}" y="{height - 8}" font-size="10" text-anchor="middle">'
                     f'{html.escape(d or "undated")}</text>')
    for date, low, high, origin in points:
        cx = x(date)
        if high != low:
            parts.append(f'<line x1="{cx:.0f}" y1="{y(low):.0f}" x2="{cx:.0f}" y2="{y(high):.0f}" '
                         f'stroke="{colour[origin]}" stroke-width="3"/>')
        parts.append(f'<circle cx="{cx:.0f}" cy="{y(high):.0f}" r="4" fill="{colour[origin]}">'
                     f'<title>{html.escape(origin)}: {low:,.0f}</title></circle>')
    for i, origin in enumerate(originators):
        ly = height + 4 + 16 * i
        parts.append(f'<circle cx="{pad}" cy="{ly}" r="4" fill="{colour[origin]}"/>'
                     f'<text x="{pad + 10}" y="{ly + 4}" font-size="11">{html.escape(origin)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def write_html(ledger: Ledger, out: IO[str]) -> None:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    out.write(env.get_template("report.html").render(**collect(ledger), title="claimledger report"))


def write_md(ledger: Ledger, out: IO[str]) -> None:
    out.write("| group | status | value | originator | relayed by | as of | span | review |\n")
    out.write("|---|---|---|---|---|---|---|---|\n")
    for group in collect(ledger, for_html=False)["groups"]:
        for r in group["rows"]:
            cells = [group["label"], group["status"], r.value, r.originator, r.outlet, r.as_of, r.surface, r.review]
            out.write("| " + " | ".join(md_cell(c) for c in cells) + " |\n")


def md_cell(text: str) -> str:
    return html.escape(" ".join(str(text).split())).replace("|", "\\|")


def write_csv(ledger: Ledger, out: IO[str]) -> None:
    writer = csv.writer(out)
    writer.writerow(["group", "status", "value", "originator", "relayed_by", "as_of", "span_text", "review"])
    for group in collect(ledger, for_html=False)["groups"]:
        for r in group["rows"]:
            writer.writerow([group["label"], group["status"], r.value, r.originator, r.outlet, r.as_of, r.surface,
                             r.review])


def report(ledger: Ledger, fmt: str, out: IO[str]) -> None:
    writers = {"html": write_html, "md": write_md, "csv": write_csv}
    if fmt not in writers:
        raise UsageError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")
    writers[fmt](ledger, out)
