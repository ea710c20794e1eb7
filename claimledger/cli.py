"""The command line: `claimledger build | watch | export | report | serve | review | regroup | demo`.

Errors become one line on stderr and an exit code: 0 done, 2 usage error or nothing could be
stored (for `serve`, also: the address cannot be listened on), 3 the spaCy model is missing, 4 the
ledger cannot be opened.
"""
from __future__ import annotations

import argparse
import logging
import re
import sys
import tempfile
from contextlib import nullcontext
from pathlib import Path
from typing import Optional

from . import __version__
from .errors import ClaimledgerError, LedgerError, UsageError
from .ingest import Overrides
from .store import database_errors
from .store_postgres import redacted

EXAMPLES = Path(__file__).with_name("examples")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="claimledger", description="Build a ledger of figures, quotes, "
                                 "people and citations from many news reports about one story.")
    ap.add_argument("--version", action="version", version=f"claimledger {__version__}")
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")

    b = sub.add_parser("build", help="add articles to a ledger (files, folders, globs, - for JSON lines)")
    b.add_argument("paths", nargs="+", metavar="PATH",
                   help=".txt .md .html .htm .jsonl (optionally .gz), folders, globs, or - for stdin")
    b.add_argument("--db", required=True, help="the ledger: an SQLite file (created if missing) or a postgresql:// URL")
    b.add_argument("--outlet", help="outlet name for every article, instead of the detected one")
    b.add_argument("--published", help="publication date (YYYY-MM-DD) for every article")
    b.add_argument("--story", metavar="NAME", help="put every article of this batch (already stored ones too) in "
                   "the story NAME, whatever their words say; later articles like them can join it")
    b.add_argument("--quiet", "-q", action="store_true", help="no progress, no per-file lines")
    b.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                   help="worker processes for the per-document work (default: the cores, for 50 inputs or "
                        "more; each worker loads the model once)")
    b.add_argument("--timings", action="store_true", help="print the seconds spent in each stage at the end")
    b.add_argument("--engine", choices=["local", "dask"], default="local",
                   help="where the per-document work runs: this machine (default) or a Dask cluster")
    b.add_argument("--scheduler", metavar="ADDRESS",
                   help="Dask scheduler address (tcp://host:8786); without it, a local cluster of --jobs workers")

    e = sub.add_parser("export", help="write the ledger as JSON, JSON lines or CSV")
    e.add_argument("--db", required=True, help="the ledger: an SQLite file or a postgresql:// URL")
    e.add_argument("--format", "-f", choices=["json", "jsonl", "csv", "claims-csv"], default="json",
                   help="json: everything (the format ../shared/eval/score.py reads); jsonl: one record a line; csv: one row per figure; claims-csv: one row per claim")
    e.add_argument("-o", "--output", default="-", help="output file, or - for stdout (default)")

    r = sub.add_parser("report", help="write a report people read: HTML (self-contained), Markdown or CSV")
    r.add_argument("--db", required=True, help="the ledger: an SQLite file or a postgresql:// URL")
    r.add_argument("--format", "-f", choices=["html", "md", "csv"], default="html",
                   help="html: one offline page, groups ranked disputed first, each with its answer (what is "
                        "counted, status and why, lowest/best/highest), originators' histories, relay chains and a "
                        "plot; md: the same per group (heading, reason, range, tables) to paste into a wiki; csv: one "
                        "row per grouped figure with the Markdown table's columns and its group's (rank, title, "
                        "status, reason, range). `export --format csv` is instead every figure, raw, with ids")
    r.add_argument("-o", "--output", default="-", help="output file, or - for stdout (default)")

    w = sub.add_parser("watch", help="fetch feeds (RSS, Atom, sitemaps) again and again, adding new articles")
    w.add_argument("feeds", nargs="+", metavar="FEED_URL")
    w.add_argument("--db", required=True, help="the ledger: an SQLite file or a postgresql:// URL")
    w.add_argument("--interval", type=float, default=900, help="seconds between rounds (default 900)")
    w.add_argument("--rounds", type=int, default=0, help="stop after this many rounds (default: never)")

    s = sub.add_parser("serve", help="browse, search and review a ledger in the web browser")
    s.add_argument("--db", required=True, help="the ledger: an SQLite file or a postgresql:// URL")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    s.add_argument("--port", type=port_number, default=8000, help="port to listen on, 1-65535 (default 8000)")
    s.add_argument("--allow-review", action="store_true", help="allow confirming, rejecting and correcting items")
    s.add_argument("--token", help="review token, required with --allow-review on a non-loopback address")

    v = sub.add_parser("review", help="list reviewed items and figures still waiting for review")
    v.add_argument("--db", required=True, help="the ledger: an SQLite file or a postgresql:// URL")
    v.add_argument("--pending", type=listing_size, default=20, metavar="N",
                   help="how many unreviewed figures to list (default 20)")
    v.add_argument("--undo", metavar="REVIEW_ID", help="remove one review (its id is the first column of the listing)")

    g = sub.add_parser("regroup", help="file every document anew by the current settings, then relink and regroup "
                       "in full (after changing the [group] settings)")
    g.add_argument("--db", required=True, help="the ledger: an SQLite file or a postgresql:// URL")

    d = sub.add_parser("demo", help="build a ledger from the bundled example articles and print its figures")
    d.add_argument("--db", help="keep the demo ledger in this file (default: a temporary one)")
    return ap


def main(argv: Optional[list[str]] = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("claimledger.review").setLevel(logging.WARNING)  # reviews skipped by export and report
    try:
        return {"build": cmd_build, "export": cmd_export, "report": cmd_report,
                "watch": cmd_watch, "serve": cmd_serve, "review": cmd_review, "demo": cmd_demo,
                "regroup": cmd_regroup}[args.command](args)
    except ClaimledgerError as exc:
        print(f"claimledger: {exc}", file=sys.stderr)
        return exc.exit_code
    except database_errors() as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"claimledger: the ledger's database refused a statement ({first}); if the ledger was "
              "built by another claimledger version, rebuild it", file=sys.stderr)
        return LedgerError.exit_code
    except BrokenPipeError:  # the reader (head, less) stopped reading: not an error
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("claimledger: interrupted; documents stored so far are kept", file=sys.stderr)
        return 130


def cmd_build(args) -> int:
    from .clean import parse_date
    from .pipeline import build

    published = None
    if args.published:
        published = parse_date(args.published) if ISO_DATE.fullmatch(args.published.strip()) else None
        if not published:
            raise UsageError(f"--published {args.published!r} is not a date; use YYYY-MM-DD")
    story = (args.story or "").strip() or None
    if args.story is not None and story is None:
        raise UsageError("--story needs a name")
    check_ledger_path(args.db, readonly=False)
    report = build(args.paths, args.db, Overrides(outlet=args.outlet, published=published),
                   quiet=args.quiet, arguments=sys.argv[1:], echo=print_line, jobs=args.jobs,
                   engine=args.engine, scheduler=args.scheduler, story=story)
    print(f"claimledger: {report.summary()}", file=sys.stderr)
    if args.timings:
        print("claimledger: stages " + ", ".join(f"{k} {v:.1f} s" for k, v in report.stages.items()), file=sys.stderr)
    if report.stored + report.unchanged == 0 and report.skipped:
        print("claimledger: nothing could be stored; see the reasons above", file=sys.stderr)
        return 2
    return 0


def cmd_export(args) -> int:
    from .export import export

    return write_from_ledger(args, export)


def cmd_report(args) -> int:
    from .report import report

    return write_from_ledger(args, report)


def cmd_watch(args) -> int:
    import time

    from .fetch import is_url
    from .pipeline import build

    bad = [f for f in args.feeds if not is_url(f)]
    if bad:
        raise UsageError(f"watch takes feed URLs (http or https), not {bad[0]!r}")
    round_no = 0
    while True:
        round_no += 1
        report = build(args.feeds, args.db, quiet=False, arguments=sys.argv[1:], echo=print_line)
        print(f"claimledger watch: round {round_no}: {report.summary()}", file=sys.stderr)
        if args.rounds and round_no >= args.rounds:
            return 0
        time.sleep(args.interval)


def listing_size(text: str) -> int:
    from .settings import load_settings

    most = load_settings()["review"]["max_listed"]
    if not (text.isdigit() and int(text) <= most):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number from 0 to {most}")
    return int(text)


def port_number(text: str) -> int:
    if not (text.isdigit() and 1 <= int(text) <= 65535):
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (1-65535)")
    return int(text)


def cmd_serve(args) -> int:
    from .serve import serve

    def announce() -> None:  # once the ledger opened and the port is ours
        print(f"claimledger: serving {redacted(args.db)} on http://{args.host}:{args.port}/"
              f"{' (review on)' if args.allow_review else ' (read-only)'}", file=sys.stderr)

    serve(args.db, args.host, args.port, args.allow_review, args.token, announce)
    return 0


def cmd_review(args) -> int:
    from .review import pending, undo_review
    from .store import Ledger

    if args.undo:
        Ledger(args.db, readonly=True).close()  # a ledger that exists, not a new one
        with Ledger(args.db) as ledger:
            r = undo_review(ledger, args.undo)
        print(printable(f"claimledger: removed review {r.id} ({r.item_kind} {r.item_id} {r.action} by {r.reviewer})"),
              file=sys.stderr)
        return 0
    with Ledger(args.db, readonly=True) as ledger:
        reviewed = list(ledger.rows("SELECT id, item_kind, item_id, action, field, value, reviewer, reason "
                                    "FROM reviews ORDER BY created"))
        print(f"reviewed ({len(reviewed)}):")
        for r in reviewed:
            change = f" {r['field']}={r['value']}" if r["field"] else (f" into {r['value']}" if r["value"] else "")
            print(printable(f"  {r['id']} {r['item_kind']} {r['item_id']} {r['action']}{change} by {r['reviewer']}"
                            + (f" ({r['reason']})" if r["reason"] else "")))
        waiting = pending(ledger, args.pending)
        print(f"pending (first {len(waiting)}):")
        for p in waiting:
            print(printable(f"  quantity {p['id']} {p['surface']!r} {p['category']} "
                            f"{p['source_text'] or '(unattributed)'} in {p['source']}"))
    return 0


def cmd_regroup(args) -> int:
    import time

    from .group import regroup
    from .link import relink
    from .store import Ledger

    started = time.monotonic()
    with Ledger(args.db) as ledger:
        documents = ledger.refile()
        moved = relink(ledger)
        groups = regroup(ledger)
        stories = next(ledger.rows("SELECT count(DISTINCT story) FROM documents"))[0]
    print(f"claimledger: {documents} documents filed in {stories} stories, {moved} entities relinked, "
          f"{groups} groups, {time.monotonic() - started:.1f} s", file=sys.stderr)
    return 0


def check_ledger_path(db: str, readonly: bool) -> None:
    """A `--db` that cannot be a ledger file, named plainly before anything is read or written."""
    from .store_postgres import is_postgres

    if is_postgres(db):
        return
    path = Path(db)
    if path.is_dir():
        raise LedgerError(f"--db {db} is a folder; give a file in it, such as {path / 'ledger.db'}")
    if readonly:
        return
    folder = path.parent
    if not path.exists() and not folder.is_dir():
        raise LedgerError(f"--db {db}: the folder {folder} does not exist; create it first")
    try:  # what SQLite would report as "unable to open database file"
        if path.exists():
            open(path, "r+b").close()
        else:
            open(path, "xb").close()
            path.unlink()
    except OSError as exc:
        raise LedgerError(f"--db {db}: the file cannot be {'written' if path.exists() else 'created'} "
                          f"({exc.strerror or exc})") from exc


def write_from_ledger(args, writer) -> int:
    from .store import Ledger

    check_ledger_path(args.db, readonly=True)
    with Ledger(args.db, readonly=True) as ledger:
        try:
            target = nullcontext(sys.stdout) if args.output == "-" else open(args.output, "w", encoding="utf-8",
                                                                              newline="")
        except OSError as exc:
            raise UsageError(f"-o {args.output}: cannot write the file ({exc.strerror or exc})") from exc
        with target as out:
            writer(ledger, args.format, out)
    return 0


def cmd_demo(args) -> int:
    from .pipeline import build
    from .store import Ledger

    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or str(Path(tmp) / "demo.db")
        report = build([str(EXAMPLES)], db, quiet=True)
        print(f"claimledger demo: {report.summary()} from {EXAMPLES}", file=sys.stderr)
        with Ledger(db, readonly=True) as ledger:
            print(figures_table(ledger))
    return 0


def figures_table(ledger, width: int = 120) -> str:
    from .report import outlet_name, value_text

    rows = [("value", "counts", "category", "source", "outlet", "as of")]
    for r in ledger.rows(
            "SELECT q.low, q.high, q.qualifier, q.surface, q.counted, q.category, coalesce(e.name, q.source_text) AS src, "
            "d.outlet, d.url, d.source, q.as_of FROM quantities q "
            "JOIN documents d ON d.id = q.document_id LEFT JOIN resolved_entities e ON e.id = q.source_entity_id "
            "ORDER BY q.category, d.source, q.\"start\""):
        rows.append((value_text(r["low"], r["high"], r["qualifier"], r["surface"]), r["counted"] or "",
                     r["category"], r["src"] or "(unattributed)", outlet_name(r["outlet"], r["url"], r["source"]),
                     r["as_of"] or ""))
    limits = (16, 30, 11, 28, 24, 10)
    lines = []
    for row in rows:
        lines.append("  ".join(_fit(str(cell), n) for cell, n in zip(row, limits)).rstrip())
        if len(lines) == 1:
            lines.append("  ".join("-" * n for n in limits))
    return "\n".join(lines)


def print_line(line: str) -> None:
    print(printable(line), file=sys.stderr)


def printable(text: str) -> str:
    """Article-derived text made safe for a terminal: control characters shown as escapes."""
    return "".join(ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode("ascii")
                   for ch in text)


def _fit(text: str, n: int) -> str:
    text = printable(" ".join(text.split()))
    return (text[: n - 1] + "…" if len(text) > n else text).ljust(n)
