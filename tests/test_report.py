"""The report: built from real ledgers (the seeds, the bundled examples and tests/fixtures/velmora.jsonl,
our own articles about a flood: one originator's count rising over a week, another's that disagrees,
a sum of money, a near-copy), read as an analyst reads it."""
import csv
import io
import statistics
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import PurePath

import pytest

from .conftest import EXAMPLES, ROOT, SHARED, rendered, run_cli

VELMORA = ROOT / "tests" / "fixtures" / "velmora.jsonl"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def analyst_ledger(tmp_path_factory):
    """The seeds (when ../shared is there), the bundled examples and our flood articles."""
    db = tmp_path_factory.mktemp("analyst") / "ledger.db"
    seeds = [str(SHARED / "seeds")] if (SHARED / "seeds").is_dir() else []
    assert run_cli("build", *seeds, str(EXAMPLES), str(VELMORA), "--db", str(db), "-q").returncode == 0
    return db


@pytest.fixture(scope="module")
def seeds_ledger(tmp_path_factory):
    if not (SHARED / "seeds").is_dir():
        pytest.skip(f"{SHARED / 'seeds'} is absent: this check needs the project's ../shared folder")
    db = tmp_path_factory.mktemp("seeds") / "ledger.db"
    assert run_cli("build", str(SHARED / "seeds"), "--db", str(db), "-q").returncode == 0
    return db


def ledger_rows(db, sql, params=()):
    from claimledger.store import Ledger

    with Ledger(db, readonly=True) as ledger:
        return [dict(r) for r in ledger.rows(sql, params)]


def analysed(db):
    from claimledger.report import collect
    from claimledger.store import Ledger

    with Ledger(db, readonly=True) as ledger:
        return collect(ledger, for_html=False)["groups"]


def file_stems(db) -> set[str]:
    return {PurePath(r["source"]).stem for r in ledger_rows(db, "SELECT source FROM documents")}


class Tables(HTMLParser):
    """Headings, list items and tables (rows of cell texts) of rendered HTML, in order."""

    def __init__(self):
        super().__init__()
        self.items, self.cell, self.row = [], None, None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.items.append(("table", []))
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th", "h2", "li"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.row is not None:
            self.row.append("".join(self.cell).strip())
            self.cell = None
        elif tag == "tr":
            self.items[-1][1].append(self.row)
            self.row = None
        elif tag in ("h2", "li") and self.cell is not None:
            self.items.append((tag, "".join(self.cell).strip()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def test_seed_markdown_renders_as_one_titled_table_per_group(seeds_ledger):
    markdown_it = pytest.importorskip("markdown_it", reason="markdown-it-py is not installed")
    md = rendered(seeds_ledger, "md")
    parser = Tables()
    parser.feed(markdown_it.MarkdownIt("commonmark").enable("table").render(md))
    headings = [text for kind, text in parser.items if kind == "h2"]
    figure_tables = [rows for kind, rows in parser.items if kind == "table" and rows[0][:2] == ["originator", "value"]]
    groups = ledger_rows(seeds_ledger, "SELECT g.id, g.label, count(*) AS n FROM groups g "
                                       "JOIN group_members m ON m.group_id = g.id GROUP BY g.id, g.label")
    assert len(headings) == len(figure_tables) == len(groups)
    assert sorted(len(rows) - 1 for rows in figure_tables) == sorted(g["n"] for g in groups)
    for rows in figure_tables:
        assert rows[0] == ["originator", "value", "as of", "outlet", "relay", "span text"]
        assert all(len(row) == len(rows[0]) and all(row) for row in rows), rows
    labels = {g["label"] for g in groups}
    for heading in headings:  # "1. North Korean soldiers captured", never the key "captured: people"
        title = heading.split(". ", 1)[1]
        assert title not in labels and ":" not in title and len(title.split()) >= 2
    contents = [text for kind, text in parser.items if kind == "li"]
    assert [c.split(" — ")[0] for c in contents] == [h.split(". ", 1)[1] for h in headings]
    stems = file_stems(seeds_ledger)
    assert not any(stem in md for stem in stems)
    assert "outlet not known" in md  # the seeds carry no outlet


def test_csv_has_the_markdown_columns_and_one_row_per_figure(analyst_ledger):
    from claimledger.report import FIGURE_COLUMNS, GROUP_COLUMNS

    rows = list(csv.reader(io.StringIO(rendered(analyst_ledger, "csv"))))
    assert rows[0] == [*GROUP_COLUMNS, "group_key", *FIGURE_COLUMNS]
    members = ledger_rows(analyst_ledger, "SELECT count(*) AS n FROM group_members")[0]["n"]
    assert len(rows) - 1 == members
    ranks = [int(r[0]) for r in rows[1:]]
    assert ranks == sorted(ranks) and ranks[0] == 1
    outlet = rows[0].index("outlet")
    assert not {r[outlet] for r in rows[1:]} & file_stems(analyst_ledger)


def test_groups_come_disagreement_first_then_by_originators_and_outlets(analyst_ledger):
    groups = analysed(analyst_ledger)
    statuses = [g["status"] for g in groups]
    assert statuses[0] == "conflicting"
    assert statuses == sorted(statuses, key=lambda s: s != "conflicting")
    conflicting = [len(g["originators"]) for g in groups if g["status"] == "conflicting"]
    assert conflicting == sorted(conflicting, reverse=True)
    assert [g["rank"] for g in groups] == list(range(1, len(groups) + 1))


def test_the_flood_count_reads_as_an_answer(analyst_ledger):
    """Our articles: the river authority says about 1,200 (3 Mar), 4,500 (5 Mar), 6,000 (8 Mar)
    displaced; the Red Cross 9,000 (5 Mar) and about 9,000 (6 Mar), copied on 7 Mar."""
    flood = next(g for g in analysed(analyst_ledger) if g["category"] == "displaced")
    assert flood["status"] == "conflicting" and flood["title"] == "Residents displaced"
    latest = {o.name: (o.latest.value, o.latest.as_of) for o in flood["originators"]}
    assert latest == {"Velmora River Authority": ("6,000", "2025-03-08"), "Red Cross": ("about 9,000", "2025-03-06")}
    assert [h["value"] for h in next(o for o in flood["originators"] if o.name.startswith("Velmora")).history] == \
        ["about 1,200", "4,500", "6,000"]
    assert flood["range"]["lowest"] == "1,200" and flood["range"]["highest"] == "9,000"
    assert flood["range"]["best"] == f"{statistics.median([6000, 9000]):,.0f}"
    for name, (value, _) in latest.items():
        assert f"{name}: {value}" in flood["reason"]
    assert "33% apart" in flood["reason"]
    red_cross = next(o for o in flood["originators"] if o.name == "Red Cross")
    assert [link["outlet"] for link in red_cross.chain] == ["Northbank Herald", "Valley Wire", "Lakeside Post"]
    assert red_cross.chain[2]["copy_of_outlet"] == "Valley Wire"


def test_money_carries_its_currency(analyst_ledger):
    money = next(g for g in analysed(analyst_ledger) if g["category"] == "money")
    assert "USD" in money["title"]
    assert {r.value for r in money["rows"]} == {"USD 40 million"}


def svg_plots(page: str) -> list[ET.Element]:
    plots = []
    for chunk in page.split("<svg ")[1:]:
        plots.append(ET.fromstring("<svg " + chunk.split("</svg>")[0] + "</svg>"))
    return plots


def test_plots_have_a_date_axis_and_every_point_apart(analyst_ledger):
    page = rendered(analyst_ledger, "html")
    groups = analysed(analyst_ledger)
    plots = svg_plots(page)
    assert len(plots) == len(groups)
    for group, svg in zip(groups, plots):
        centres = [(float(c.get("cx")), float(c.get("cy"))) for g in svg.iter(f"{SVG}g")
                   if "point" in (g.get("class") or "").split() for c in g.iter(f"{SVG}circle")]
        assert len(centres) == len([r for r in group["rows"] if r.point is not None])
        for i, (x, y) in enumerate(centres):
            assert all((x - u) ** 2 + (y - v) ** 2 >= 8 ** 2 for u, v in centres[i + 1:]), group["title"]
        ticks = [t.text for t in svg.iter(f"{SVG}text") if "date" in (t.get("class") or "")]
        lanes = [r for r in svg.iter(f"{SVG}rect") if r.get("class") == "undated-lane"]
        assert bool(ticks) == any(r.day for r in group["rows"])
        assert bool(lanes) == any(r.day is None for r in group["rows"])
        y_ticks = [t for a in svg.iter(f"{SVG}g") if a.get("class") == "y-axis" for t in a.iter(f"{SVG}text")]
        assert len(y_ticks) >= 3
    flood = plots[[g["category"] for g in groups].index("displaced")]
    assert any(t.text.startswith("3 Mar") for t in flood.iter(f"{SVG}text"))
    assert len(list(flood.iter(f"{SVG}polyline"))) == 2  # each originator's values over time, a line


def test_no_file_stems_and_no_empty_review_column(analyst_ledger):
    page = rendered(analyst_ledger, "html")
    assert "<th>review</th>" not in page
    outlets = {r.outlet for g in analysed(analyst_ledger) for r in g["rows"]}
    assert not outlets & file_stems(analyst_ledger)
    assert {"Riverside Courier", "Valley Wire"} <= outlets


def test_article_text_is_escaped(tmp_path):
    article = tmp_path / "evil.txt"
    article.write_text("Officials said <script>alert(1)</script> that 30 soldiers were wounded near the "
                       "border, and the ministry said 40 soldiers were wounded there too.")
    db = tmp_path / "l.db"
    assert run_cli("build", str(article), "--db", str(db), "-q").returncode == 0
    page = rendered(db, "html")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<script>" not in rendered(db, "md")
    for svg in svg_plots(page):
        assert not list(svg.iter(f"{SVG}script"))


def test_explorer_groups_page_sorts_like_the_report_and_filters(analyst_ledger):
    testclient = pytest.importorskip("fastapi.testclient")
    from claimledger.serve import create_app

    client = testclient.TestClient(create_app(str(analyst_ledger)))
    listing = client.get("/groups.json").json()
    report_order = [g["id"] for g in analysed(analyst_ledger)]
    assert [g["id"] for g in listing["groups"]] == report_order[:len(listing["groups"])]
    assert listing["groups"][0]["status"] == "conflicting"
    chosen = client.get("/groups.json?status=single-source&measure=money").json()["groups"]
    assert chosen and all(g["status"] == "single-source" and g["category"] == "money" for g in chosen)
    assert {m["measure"] for m in listing["measures"]} >= {"displaced", "money"}
    page = client.get("/groups?measure=displaced")
    assert page.status_code == 200 and "Residents displaced" in page.text and "Sum of money" not in page.text


def test_entity_page_shows_quotes_heading_only_with_quotes(analyst_ledger):
    testclient = pytest.importorskip("fastapi.testclient")
    from claimledger.serve import create_app

    client = testclient.TestClient(create_app(str(analyst_ledger)))
    speakers = {r["id"] for r in ledger_rows(analyst_ledger, "SELECT DISTINCT e.canonical_id AS id FROM quotes q "
                                                             "JOIN resolved_entities e ON e.id = q.speaker_entity_id")}
    silent = ledger_rows(analyst_ledger, "SELECT entity_id AS id FROM entity_counts")
    silent = next(r["id"] for r in silent if r["id"] not in speakers)
    assert "<h2>Quotes</h2>" not in client.get(f"/entities/{silent}").text
    if speakers:
        assert "<h2>Quotes</h2>" in client.get(f"/entities/{sorted(speakers)[0]}").text
