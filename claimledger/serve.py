"""Serve: a web explorer over a ledger, with review.

Every page has a `.json` twin with the same content (`/groups` and `/groups.json`). Reading opens
the ledger read-only for each request; review (POST /review) is refused unless the app was made
with `allow_review`, and needs the token when one is set. Article text is hostile input: the
templates escape everything, and highlighting is done by splitting text into escaped segments.
SQL takes values only as parameters; no request path reaches the file system.

Review is guarded against other web pages: every form carries a token of this server process
(`csrf`, also in `/review.json`) that a POST must return, a POST whose `Origin` or `Sec-Fetch-Site`
names another origin is refused, and every response forbids framing and sniffing (CSP with
`frame-ancestors 'none'`, `X-Frame-Options`, `X-Content-Type-Options`). `serve` also refuses
requests whose Host header is not the address it listens on (DNS rebinding). Pages are built in a
worker thread, so one slow page does not hold up the others.
"""
from __future__ import annotations

import errno
import heapq
import hmac
import html
import math
import re
import secrets
import socket
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Iterable, Optional
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from .errors import ClaimledgerError, UsageError
from .review import Reviews, add_review, pending
from .settings import load_settings
from .store import Ledger, database_errors
from .store_postgres import is_postgres

TEMPLATES = Path(__file__).with_name("templates") / "web"
PAGE_SIZE = 50
PASSAGE_CONTEXT = 240
FACETS = {  # facet name → SQL expression over the figures query below
    "category": "q.category", "originator": "coalesce(e.name, q.source_text)",
    "outlet": "coalesce(d.outlet, d.source)", "status": "g.status", "date": "substr(coalesce(q.as_of, d.published), 1, 7)",
}
JOINS = {  # table alias → the join that brings it into a figures query
    "d": "JOIN documents d ON d.id = q.document_id",
    "e": "LEFT JOIN resolved_entities e ON e.id = q.source_entity_id",
    "g": "LEFT JOIN group_members m ON m.quantity_id = q.id LEFT JOIN groups g ON g.id = m.group_id",
}
FIGURES_FROM = "FROM quantities q " + " ".join(JOINS.values())
CLAIM_FACETS = {  # facet name → SQL expression over `relays.CLAIMS` (claims c, documents d, resolved_entities e)
    "source": "coalesce(e.name, c.source_text)", "outlet": "coalesce(d.outlet, d.source)", "kind": "c.kind",
}
CLAIMS_FROM = ("FROM claims c JOIN documents d ON d.id = c.document_id "
               "LEFT JOIN resolved_entities e ON e.id = c.source_entity_id")
LOOPBACK = ("127.0.0.1", "localhost", "::1")
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin",
}


def figures_from(*expressions: str) -> str:
    """FROM quantities with only the joins the expressions use: facet counts stay cheap."""
    used = " ".join(expressions)
    return "FROM quantities q " + " ".join(j for alias, j in JOINS.items() if re.search(rf"\b{alias}\.", used))


class NotFound(ClaimledgerError):
    code = "CL404"


def marked(snippet: str) -> Markup:
    """An FTS5 snippet with \\x02...\\x03 around hits, escaped, hits as <mark>."""
    return Markup(html.escape(snippet).replace("\x02", "<mark>").replace("\x03", "</mark>"))


def segments(text: str, spans: list[dict]) -> list[dict]:
    """The text cut at every span boundary; each piece says which item (if any) it belongs to.
    Figures win over quotes, quotes over mentions, mentions over claims, where spans overlap (the
    first listed among equals). One sweep over the cuts with a heap of the spans open there: O(n log n)."""
    rank = {"figure": 0, "quote": 1, "mention": 2, "claim": 3}
    starts, ends = [s["start"] for s in spans], [s["end"] for s in spans]
    ranks = [rank[s["kind"]] for s in spans]
    cuts = sorted({0, len(text), *starts, *ends})
    opening = sorted(range(len(spans)), key=starts.__getitem__)
    open_spans: list[tuple[int, int]] = []  # (rank, position in spans) of the spans that started
    out, next_span, n = [], 0, len(spans)
    for a, b in zip(cuts, cuts[1:]):
        while next_span < n and starts[opening[next_span]] <= a:
            i = opening[next_span]
            heapq.heappush(open_spans, (ranks[i], i))
            next_span += 1
        while open_spans and ends[open_spans[0][1]] <= a:  # ended before this piece
            heapq.heappop(open_spans)
        if open_spans:
            top = spans[open_spans[0][1]]
            out.append({"text": text[a:b], "kind": top["kind"], "href": top["href"]})
        else:
            out.append({"text": text[a:b], "kind": None, "href": None})
    return out


def highlighted(pieces: list[dict]) -> Markup:
    """Segments as HTML: linked pieces as <a class="span-KIND">, everything escaped. Built here,
    not in a template loop: a document of thousands of spans renders in milliseconds."""
    escape = html.escape
    return Markup("".join(f'<a class="span-{escape(s["kind"])}" href="{escape(s["href"])}">{escape(s["text"])}</a>'
                          if s["href"] else escape(s["text"]) for s in pieces))


class Explorer:
    """Page data as plain dicts (what the `.json` twins return); templates render the same dicts."""

    def __init__(self, db: str):
        self.db = db
        self.facet_cache: dict[tuple, dict] = {}

    def ledger(self) -> Ledger:
        return Ledger(self.db, readonly=True)

    def groups(self, page: int, status: Optional[str], measure: Optional[str] = None) -> dict:
        """Groups in the report's order (disagreement first, then by independent originators and
        outlets), titled in words, filtered by status and measure (what kind of figure)."""
        from .report import group_facts

        key = ("groups", self.stamp())  # ranking every group is a pass over the figures: once per ledger state
        if key not in self.facet_cache:
            if len(self.facet_cache) > 256:
                self.facet_cache.clear()
            with self.ledger() as l:
                self.facet_cache[key] = group_facts(l)
        every = self.facet_cache[key]
        chosen = [g for g in every if (not status or g["status"] == status) and (not measure or g["category"] == measure)]
        statuses = [{"status": s, "n": n} for s, n in sorted(Counter(g["status"] for g in every).items())]
        measures = [{"measure": m, "n": n} for m, n in sorted(Counter(g["category"] for g in every).items())]
        rows = chosen[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
        return {"groups": rows, "statuses": statuses, "measures": measures, "status": status, "measure": measure,
                **paging(page, len(chosen))}

    def group(self, group_id: str) -> dict:
        with self.ledger() as l:
            row = l.conn.execute("SELECT id, label, status, note FROM groups WHERE id = ?", (group_id,)).fetchone()
            if row is None:
                raise NotFound(f"no group {group_id!r}")
            figures = self._figures(l, "WHERE m.group_id = ?", (group_id,), 1, 1000)
            related = [dict(r) for r in l.rows("SELECT g.id, g.label, g.status FROM group_relations r "
                                               "JOIN groups g ON g.id = r.related_id WHERE r.group_id = ? "
                                               "ORDER BY g.label, g.id", (group_id,))]
        return {"group": dict(row), "figures": figures, "related": related}

    def _figures(self, l: Ledger, where: str, params: tuple, page: int, size: int = PAGE_SIZE) -> list[dict]:
        reviews = Reviews(l)
        rows = l.rows(
            "SELECT q.id, q.surface, q.low, q.high, q.qualifier, q.category, q.counted, q.as_of, "
            "coalesce(e.name, q.source_text) AS originator, e.canonical_id AS originator_id, q.source_text, "
            "coalesce(d.outlet, d.source) AS outlet, d.id AS document, g.id AS group_id, g.label AS group_label, "
            f"g.status {FIGURES_FROM} {where} ORDER BY d.source, q.\"start\", q.id LIMIT ? OFFSET ?",
            (*params, size, (page - 1) * size))
        out = []
        for r in rows:
            item = dict(r)
            item["review"] = reviews.state("quantity", item["id"])
            corrected = reviews.corrections("quantity", item["id"])
            item.update({k: v for k, v in corrected.items() if k in ("category", "source_text")})
            if "source_text" in corrected:
                item["originator"] = corrected["source_text"]
            item["corrections"] = corrected
            out.append(item)
        return out

    def figures(self, page: int, filters: dict[str, str]) -> dict:
        clauses, params = [], []
        for name, value in filters.items():
            clauses.append(f"{FACETS[name]} = ?")
            params.append(value)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        with self.ledger() as l:
            total = l.conn.execute(f"SELECT count(*) {figures_from(where)} {where}", params).fetchone()[0]
            figures = self._figures(l, where, tuple(params), page)
            facets = self.facets(l, where, tuple(params))
        return {"figures": figures, "facets": facets, "filters": filters, **paging(page, total)}

    def facets(self, l: Ledger, where: str, params: tuple) -> dict:
        """Facet counts, cached until the ledger file changes (reviews do not change them)."""
        key = (self.stamp(), where, params)
        found = self.facet_cache.get(key)  # one lookup: pages are built in several threads at once
        if found is None:
            if len(self.facet_cache) > 256:
                self.facet_cache.clear()
            found = self.facet_cache[key] = {name: [dict(r) for r in l.rows(
                f"SELECT {expr} AS value, count(*) AS n {figures_from(expr, where)} {where} GROUP BY value "
                f"ORDER BY n DESC, value NULLS FIRST LIMIT 20", params)] for name, expr in FACETS.items()}
        return found

    def stamp(self) -> tuple:
        if is_postgres(self.db):
            with self.ledger() as l:
                return tuple(l.conn.execute("SELECT (SELECT max(coalesce(finished, started)) FROM runs), "
                                            "(SELECT count(*) FROM reviews)").fetchone())
        files = [Path(self.db), Path(self.db + "-wal")]
        return tuple(f.stat().st_mtime_ns if f.exists() else 0 for f in files)

    def figure(self, figure_id: str) -> dict:
        with self.ledger() as l:
            found = self._figures(l, "WHERE q.id = ?", (figure_id,), 1)
            if not found:
                raise NotFound(f"no figure {figure_id!r}")
            figure = found[0]
            row = l.conn.execute('SELECT q."start", q."end", d.text, d.source, d.published FROM quantities q '
                                 "JOIN documents d ON d.id = q.document_id WHERE q.id = ?", (figure_id,)).fetchone()
            left, right = max(0, row["start"] - PASSAGE_CONTEXT), min(len(row["text"]), row["end"] + PASSAGE_CONTEXT)
            passage = {"before": row["text"][left:row["start"]], "span": row["text"][row["start"]:row["end"]],
                       "after": row["text"][row["end"]:right], "source": row["source"], "published": row["published"]}
            siblings = self._figures(l, "WHERE m.group_id = ? AND q.id != ?", (figure["group_id"], figure_id), 1) \
                if figure["group_id"] else []
            trail = [dict(r) for r in l.rows("SELECT action, field, value, reviewer, reason, created FROM reviews "
                                             "WHERE item_kind = 'quantity' AND item_id = ? ORDER BY created", (figure_id,))]
        return {"figure": figure, "passage": passage, "siblings": siblings, "reviews": trail}

    def documents(self, page: int) -> dict:
        with self.ledger() as l:
            total = l.count("documents")
            rows = [dict(r) for r in l.rows(
                "SELECT id, source, title, outlet, published, words FROM documents ORDER BY source, id LIMIT ? OFFSET ?",
                (PAGE_SIZE, (page - 1) * PAGE_SIZE))]
        return {"documents": rows, **paging(page, total)}

    def document(self, document_id: str) -> dict:
        with self.ledger() as l:
            row = l.conn.execute("SELECT id, source, title, outlet, published, text FROM documents WHERE id = ?",
                                 (document_id,)).fetchone()
            if row is None:
                raise NotFound(f"no document {document_id!r}")
            spans = [{"kind": "figure", "start": r[0], "end": r[1], "href": f"/figures/{r[2]}"} for r in l.rows(
                'SELECT "start", "end", id FROM quantities WHERE document_id = ?', (document_id,))]
            spans += [{"kind": "quote", "start": r[0], "end": r[1], "href": f"/quotes?speaker={quote(r[2] or '')}"}
                      for r in l.rows('SELECT "start", "end", speaker_text FROM quotes WHERE document_id = ?',
                                      (document_id,))]
            spans += [{"kind": "mention", "start": r[0], "end": r[1], "href": f"/entities/{r[2]}"} for r in l.rows(
                'SELECT m."start", m."end", e.canonical_id FROM mentions m '
                "JOIN resolved_entities e ON e.id = m.entity_id WHERE m.document_id = ?", (document_id,))]
            claims = self._claims(l, "WHERE c.document_id = ?", (document_id,), 1, 10_000, 'c."start", c.id')
            spans += [{"kind": "claim", "start": c["start"], "end": c["end"], "href": f"#claim-{c['id']}"}
                      for c in claims]
        doc = dict(row)
        return {"document": {k: v for k, v in doc.items() if k != "text"}, "segments": segments(doc["text"], spans),
                "claims": claims}

    def entities(self, page: int) -> dict:
        with self.ledger() as l:
            total = l.conn.execute("SELECT count(*) FROM entities WHERE canonical_id IS NULL").fetchone()[0]
            rows = [dict(r) for r in l.rows(
                "SELECT c.id, c.name, c.type, n.mentions, n.documents FROM entity_counts n "
                "JOIN entities c ON c.id = n.entity_id ORDER BY n.mentions DESC, c.name, c.id LIMIT ? OFFSET ?",
                (PAGE_SIZE, (page - 1) * PAGE_SIZE))]
        return {"entities": rows, **paging(page, total)}

    def entity(self, entity_id: str) -> dict:
        with self.ledger() as l:
            row = l.conn.execute("SELECT id, name, type, canonical_id FROM entities WHERE id = ?", (entity_id,)).fetchone()
            if row is None:
                raise NotFound(f"no entity {entity_id!r}")
            members = "SELECT id FROM entities WHERE ? IN (id, canonical_id)"
            aliases = [r[0] for r in l.rows(f"SELECT DISTINCT alias FROM aliases WHERE entity_id IN ({members}) "
                                            "ORDER BY alias", (entity_id,))]
            figures = self._figures(l, f"WHERE q.source_entity_id IN ({members})", (entity_id,), 1)
            quotes = [dict(r) for r in l.rows(
                f"SELECT q.id, q.surface, q.document_id AS document FROM quotes q WHERE q.speaker_entity_id IN ({members}) "
                "ORDER BY q.document_id, q.\"start\" LIMIT 100", (entity_id,))]
            mentions = l.conn.execute("SELECT coalesce(sum(mentions), 0) FROM entity_counts WHERE entity_id = ?",
                                      (entity_id,)).fetchone()[0]
            claims = self._claims(l, f"WHERE c.source_entity_id IN ({members})", (entity_id,), 1, 100)
        return {"entity": dict(row), "aliases": aliases, "figures": figures, "quotes": quotes, "mentions": mentions,
                "claims": claims}

    def quotes(self, page: int, speaker: Optional[str]) -> dict:
        where, params = ("WHERE coalesce(e.name, q.speaker_text) = ?", (speaker,)) if speaker else ("", ())
        with self.ledger() as l:
            reviews = Reviews(l)
            base = ("FROM quotes q LEFT JOIN resolved_entities e ON e.id = q.speaker_entity_id "
                    "JOIN documents d ON d.id = q.document_id")
            total = l.conn.execute(f"SELECT count(*) {base} {where}", params).fetchone()[0]
            rows = []
            for r in l.rows(f"SELECT q.id, q.surface, coalesce(e.name, q.speaker_text) AS speaker, e.canonical_id AS speaker_id, "
                            f"q.document_id AS document, coalesce(d.outlet, d.source) AS outlet {base} {where} "
                            "ORDER BY speaker, d.source, q.\"start\", q.id LIMIT ? OFFSET ?",
                            (*params, PAGE_SIZE, (page - 1) * PAGE_SIZE)):
                item = reviews.apply("quote", dict(r))
                if item is not None:
                    if "speaker_text" in item:
                        item["speaker"] = item["speaker_text"]
                    rows.append(item)
        return {"quotes": rows, "speaker": speaker, **paging(page, total)}

    def _claims(self, l: Ledger, where: str, params: tuple, page: int, size: int = PAGE_SIZE,
                order: str = 'coalesce(e.name, c.source_text, \'\'), d.source, c."start", c.id') -> list[dict]:
        """Claims with their source, cue, content, kind and document, and the other outlets that
        carry the same claim (`relays.carriers`)."""
        from .relays import CLAIMS, carriers

        rows = [dict(r) for r in l.rows(f"{CLAIMS} {where} ORDER BY {order} LIMIT ? OFFSET ?",
                                        (*params, size, (page - 1) * size))]
        for r in rows:
            r["outlet"] = r["outlet"] or r["document_source"]
        carriers(l, rows, lambda r: r["outlet"] or r["document_source"], load_settings()["relay"]["max_carriers_shown"])
        return rows

    def claims(self, page: int, filters: dict[str, str]) -> dict:
        """Claims, faceted by source (the canonical entity), outlet and kind."""
        clauses = [f"{CLAIM_FACETS[name]} = ?" for name in filters]
        params = tuple(filters.values())
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        with self.ledger() as l:
            total = l.conn.execute(f"SELECT count(*) {CLAIMS_FROM} {where}", params).fetchone()[0]
            claims = self._claims(l, where, params, page)
            key = ("claims", self.stamp(), where, params)
            facets = self.facet_cache.get(key)
            if facets is None:
                if len(self.facet_cache) > 256:
                    self.facet_cache.clear()
                facets = self.facet_cache[key] = {name: [dict(r) for r in l.rows(
                    f"SELECT {expr} AS value, count(*) AS n {CLAIMS_FROM} {where} GROUP BY value "
                    "ORDER BY n DESC, value NULLS FIRST LIMIT 20", params)] for name, expr in CLAIM_FACETS.items()}
        return {"claims": claims, "facets": facets, "filters": filters, **paging(page, total)}

    def search(self, q: str, page: int) -> dict:
        limits = load_settings()["serve"]
        words = re.findall(r"\w+", q)[:limits["max_search_words"]]
        with self.ledger() as l:
            spellings = other_spellings(l, words, limits["max_search_aliases"])
            total, docs = l.search("documents", words, PAGE_SIZE, (page - 1) * PAGE_SIZE, spellings)
            quotes = l.search("quotes", words, 20, 0, spellings)[1]
            claims = l.search("claims", words, 20, 0, spellings)[1]
        return {"q": q, "documents": docs, "quotes": quotes, "claims": claims, "also_spelled": list(spellings),
                **paging(page, total)}


def other_spellings(l: Ledger, words: list[str], limit: int) -> tuple[str, ...]:
    """The other names of the entities the words name: every alias of every entity linked to one
    spelled with exactly these words (or, when none is, with all of them among others), up to
    `limit`, those of the most-mentioned entities first."""
    wanted = [w.lower() for w in words]
    if not wanted:
        return ()
    longest = max(wanted, key=len)
    exact, holding = set(), set()
    for r in l.rows("SELECT entity_id, alias FROM aliases WHERE lower(alias) LIKE ?",
                    (f"%{longest.replace('%', '').replace('_', '')}%",)):
        spelled = re.findall(r"\w+", r[1].lower())
        if spelled == wanted:
            exact.add(r[0])
        elif set(wanted) <= set(spelled):
            holding.add(r[0])
    named = sorted(exact or holding)[:500]
    if not named:
        return ()
    marks = ", ".join("?" * len(named))
    roots = [r[0] for r in l.rows(f"SELECT DISTINCT canonical_id FROM resolved_entities WHERE id IN ({marks})",
                                  tuple(named))]
    marks = ", ".join("?" * len(roots))
    found: list[str] = []
    for r in l.rows(f"SELECT a.alias, coalesce(max(c.mentions), 0) AS weight FROM aliases a "
                    f"JOIN entities e ON e.id = a.entity_id LEFT JOIN entity_counts c ON c.entity_id = "
                    f"coalesce(e.canonical_id, e.id) WHERE coalesce(e.canonical_id, e.id) IN ({marks}) "
                    "GROUP BY a.alias ORDER BY weight DESC, a.alias", tuple(roots)):
        if not set(wanted) <= set(re.findall(r"\w+", r[0].lower())) and re.search(r"\w", r[0]):
            found.append(r[0])
        if len(found) == limit:
            break
    return tuple(found)


def paging(page: int, total: int) -> dict:
    return {"page": page, "pages": max(1, math.ceil(total / PAGE_SIZE)), "total": total}


def create_app(db: str, allow_review: bool = False, token: Optional[str] = None,
               hosts: Optional[Iterable[str]] = None) -> FastAPI:
    """The explorer app for the ledger at `db`; review is off unless `allow_review`. With `hosts`
    (as a Host header spells them: "127.0.0.1:8000"), a request for any other host is refused."""
    Ledger(db, readonly=True).close()  # fail now, with a clear message, if it is not a ledger
    explorer = Explorer(db)
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    env.filters["marked"] = marked
    env.filters["highlighted"] = highlighted
    app = FastAPI(title="claimledger", docs_url=None, redoc_url=None, openapi_url=None)
    csrf = secrets.token_urlsafe(32)  # this process's form token: pages of other origins cannot read it
    allowed = {h.lower() for h in hosts} if hosts is not None else None
    max_page = load_settings()["serve"]["max_page"]

    @app.middleware("http")
    async def guard(request: Request, call_next):
        if allowed is not None and request.headers.get("host", "").lower() not in allowed:
            response = PlainTextResponse(f"[CL001] this server answers for {', '.join(sorted(allowed))} only, "
                                         "not the Host this request names", status_code=400)
        else:
            response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        return response

    def render(request: Request, template: str, data: dict, status: int = 200):
        if request.url.path.endswith(".json"):
            return JSONResponse({"ok": status < 400, **data}, status_code=status)
        body = env.get_template(template).render(**data, allow_review=allow_review, token_required=bool(token),
                                                 request_path=request.url.path, csrf=csrf)
        return HTMLResponse(body, status_code=status)

    async def respond(request: Request, template: str, data: dict, status: int = 200):
        return await run_in_threadpool(render, request, template, data, status)

    def page(path: str, template: str):
        def register(fn: Callable[..., dict]):
            def build(request: Request):
                try:
                    data = fn(request, **request.path_params)
                except NotFound as exc:
                    return render(request, "error.html", {"error": str(exc), "status": 404}, 404)
                except (ClaimledgerError, ValueError, *database_errors()) as exc:
                    return render(request, "error.html", {"error": str(exc), "status": 400}, 400)
                return render(request, template, data)

            async def handler(request: Request):
                return await run_in_threadpool(build, request)  # off the event loop: others go on
            app.add_api_route(path + ".json", handler, methods=["GET"])
            app.add_api_route(path, handler, methods=["GET"])
            return fn
        return register

    def page_number(request: Request) -> int:
        given = request.query_params.get("page", "1")
        if not (given.isascii() and given.isdigit() and len(given) <= len(str(max_page))
                and 1 <= int(given) <= max_page):
            raise UsageError(f"page must be a whole number from 1 to {max_page}")
        return int(given)

    @app.get("/")
    async def home():
        return RedirectResponse("/groups")

    @page("/groups", "groups.html")
    def groups(request: Request):
        return explorer.groups(page_number(request), request.query_params.get("status") or None,
                               request.query_params.get("measure") or None)

    @page("/groups/{group_id}", "group.html")
    def group(request: Request, group_id: str):
        return explorer.group(group_id)

    @page("/figures", "figures.html")
    def figures(request: Request):
        filters = {k: v for k, v in request.query_params.items() if k in FACETS and v}
        return explorer.figures(page_number(request), filters)

    @page("/figures/{figure_id}", "figure.html")
    def figure(request: Request, figure_id: str):
        return explorer.figure(figure_id)

    @page("/documents", "documents.html")
    def documents(request: Request):
        return explorer.documents(page_number(request))

    @page("/documents/{document_id}", "document.html")
    def document(request: Request, document_id: str):
        return explorer.document(document_id)

    @page("/entities", "entities.html")
    def entities(request: Request):
        return explorer.entities(page_number(request))

    @page("/entities/{entity_id}", "entity.html")
    def entity(request: Request, entity_id: str):
        return explorer.entity(entity_id)

    @page("/quotes", "quotes.html")
    def quotes(request: Request):
        return explorer.quotes(page_number(request), request.query_params.get("speaker") or None)

    @page("/claims", "claims.html")
    def claims(request: Request):
        filters = {k: v for k, v in request.query_params.items() if k in CLAIM_FACETS and v}
        return explorer.claims(page_number(request), filters)

    @page("/search", "search.html")
    def search(request: Request):
        return explorer.search(request.query_params.get("q", ""), page_number(request))

    @page("/review", "review.html")
    def review_list(request: Request):
        with Ledger(db, readonly=True) as l:
            reviewed = [dict(r) for r in l.rows("SELECT * FROM reviews ORDER BY created DESC, id LIMIT 200")]
            return {"reviewed": reviewed, "pending": pending(l), **({"csrf": csrf} if allow_review else {})}

    def same_origin(request: Request) -> bool:
        """False when the browser says the request comes from a page of another origin."""
        origin = request.headers.get("origin")
        if origin is not None and origin != f"{request.url.scheme}://{request.headers.get('host', '')}":
            return False
        return request.headers.get("sec-fetch-site", "same-origin") in ("same-origin", "none")

    def has(given: Any, secret: str) -> bool:
        return isinstance(given, str) and hmac.compare_digest(given.encode(), secret.encode())

    async def submit_review(request: Request):
        async def refuse(error: str, status: int):
            data = {"error": error, "status": status}
            if request.url.path.endswith(".json"):
                return JSONResponse({"ok": False, **data}, status)
            return await respond(request, "error.html", data, status)

        if not allow_review:
            return await refuse("review is off: start the server with --allow-review", 403)
        if not same_origin(request):
            return await refuse("a review comes from this explorer's own pages, not another site", 403)
        form = dict(await request.form())
        header_token = request.headers.get("x-claimledger-token")
        if token and not (has(form.get("token"), token) or has(header_token, token)):
            return await refuse("a valid review token is needed", 403)
        if not (has(form.get("csrf"), csrf) or token):  # the token, which pages cannot know, does as well
            return await refuse("the form is out of date (the server restarted?): reload the page and save again", 403)

        def store():
            with Ledger(db) as l:
                return add_review(l, form.get("kind", ""), form.get("item", ""), form.get("action", ""),
                                  form.get("reviewer", ""), form.get("reason", ""), form.get("field") or None,
                                  form.get("value") or None)
        try:
            saved = await run_in_threadpool(store)
        except ClaimledgerError as exc:
            return await refuse(str(exc), 400)
        if request.url.path.endswith(".json"):
            return JSONResponse({"ok": True, "review": saved.__dict__})
        back = {"quantity": f"/figures/{saved.item_id}", "entity": f"/entities/{saved.item_id}",
                "quote": "/quotes"}.get(saved.item_kind, "/review")
        return RedirectResponse(back, status_code=303)

    app.add_api_route("/review.json", submit_review, methods=["POST"])
    app.add_api_route("/review", submit_review, methods=["POST"])

    @app.exception_handler(404)
    async def not_found(request: Request, exc: Any):
        return await respond(request, "error.html", {"error": "no such page", "status": 404}, 404)

    @app.exception_handler(405)
    async def not_allowed(request: Request, exc: Any):
        return await respond(request, "error.html", {"error": "this page is only read (GET)", "status": 405}, 405)

    return app


def host_names(host: str, port: int) -> Optional[set[str]]:
    """The Host headers a server listening on host:port answers: the address itself (and every
    loopback name, on loopback); None, for any, on a wildcard address (0.0.0.0, ::)."""
    if host in ("0.0.0.0", "::", ""):
        return None
    names = {"127.0.0.1", "localhost", "[::1]"} if host in LOOPBACK else {f"[{host}]" if ":" in host else host}
    return {f"{n}:{port}" for n in names} | (names if port == 80 else set())


def listen(host: str, port: int) -> socket.socket:
    """A socket listening on host:port, or a UsageError saying why there can be none."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror:
        raise UsageError(f"cannot serve on {host!r}: no such address on this machine; try --host 127.0.0.1") from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(f"cannot serve on {host}:{port}: the port is in use (another server?); "
                             "choose another with --port") from None
        if exc.errno == errno.EACCES:
            raise UsageError(f"cannot serve on {host}:{port}: not allowed (ports below 1024 need privileges); "
                             "choose another with --port") from None
        raise UsageError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None
    sock.set_inheritable(True)
    return sock


def serve(db: str, host: str = "127.0.0.1", port: int = 8000, allow_review: bool = False,
          token: Optional[str] = None, announce: Optional[Callable[[], None]] = None) -> None:
    """Opens the ledger and the port (each failure a ClaimledgerError, before anything is
    announced), calls `announce`, then serves until interrupted."""
    import uvicorn

    if allow_review and host not in LOOPBACK and not token:
        raise UsageError(f"review on a non-loopback address ({host}) needs --token; or serve on 127.0.0.1")
    app = create_app(db, allow_review, token, hosts=host_names(host, port))
    sock = listen(host, port)
    if announce is not None:
        announce()
    try:
        uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[sock])
    finally:
        sock.close()
