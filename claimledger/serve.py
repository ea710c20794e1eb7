"""Serve: a web explorer over a ledger, with review.

Every page has a `.json` twin with the same content (`/groups` and `/groups.json`). Reading opens
the ledger read-only for each request; review (POST /review) is refused unless the app was made
with `allow_review`, and needs the token when one is set. Article text is hostile input: the
templates escape everything, and highlighting is done by splitting text into escaped segments.
SQL takes values only as parameters; no request path reaches the file system.
"""
from __future__ import annotations

import html
import math
import re
from pathlib import Path
from typing import Any, Callable, Optional

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from .errors import ClaimledgerError, UsageError
from .review import Reviews, add_review, pending
from .store import DATABASE_ERRORS, Ledger
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
    Figures win over quotes, quotes over mentions, where spans overlap."""
    rank = {"figure": 0, "quote": 1, "mention": 2}
    cuts = sorted({0, len(text)} | {s["start"] for s in spans} | {s["end"] for s in spans})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        covering = [s for s in spans if s["start"] <= a and b <= s["end"]]
        top = min(covering, key=lambda s: rank[s["kind"]]) if covering else None
        out.append({"text": text[a:b], "kind": top["kind"] if top else None,
                    "href": top["href"] if top else None})
    return out


class Explorer:
    """Page data as plain dicts (what the `.json` twins return); templates render the same dicts."""

    def __init__(self, db: str):
        self.db = db
        self.facet_cache: dict[tuple, dict] = {}

    def ledger(self) -> Ledger:
        return Ledger(self.db, readonly=True)

    def groups(self, page: int, status: Optional[str]) -> dict:
        where, params = ("WHERE g.status = ?", (status,)) if status else ("", ())
        with self.ledger() as l:
            total = l.conn.execute(f"SELECT count(*) FROM groups g {where}", params).fetchone()[0]
            rows = [dict(r) for r in l.rows(
                f"SELECT g.id, g.label, g.status, g.note, (SELECT count(*) FROM group_members m WHERE m.group_id = g.id) "
                f"AS figures, (SELECT count(*) FROM group_originators o WHERE o.group_id = g.id) AS originators "
                f"FROM groups g {where} ORDER BY g.label, g.id LIMIT ? OFFSET ?", (*params, PAGE_SIZE, (page - 1) * PAGE_SIZE))]
            statuses = [dict(r) for r in l.rows("SELECT status, count(*) AS n FROM groups GROUP BY status ORDER BY status")]
        return {"groups": rows, "statuses": statuses, "status": status, **paging(page, total)}

    def group(self, group_id: str) -> dict:
        with self.ledger() as l:
            row = l.conn.execute("SELECT id, label, status, note FROM groups WHERE id = ?", (group_id,)).fetchone()
            if row is None:
                raise NotFound(f"no group {group_id!r}")
            figures = self._figures(l, "WHERE m.group_id = ?", (group_id,), 1, 1000)
            related = [dict(r) for r in l.rows("SELECT g.id, g.label, g.status FROM group_relations r "
                                               "JOIN groups g ON g.id = r.related_id WHERE r.group_id = ?", (group_id,))]
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
        if key not in self.facet_cache:
            if len(self.facet_cache) > 256:
                self.facet_cache.clear()
            self.facet_cache[key] = {name: [dict(r) for r in l.rows(
                f"SELECT {expr} AS value, count(*) AS n {figures_from(expr, where)} {where} GROUP BY value "
                f"ORDER BY n DESC, value NULLS FIRST LIMIT 20", params)] for name, expr in FACETS.items()}
        return self.facet_cache[key]

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
            spans += [{"kind": "quote", "start": r[0], "end": r[1], "href": f"/quotes?speaker={r[2] or ''}"}
                      for r in l.rows('SELECT "start", "end", speaker_text FROM quotes WHERE document_id = ?',
                                      (document_id,))]
            spans += [{"kind": "mention", "start": r[0], "end": r[1], "href": f"/entities/{r[2]}"} for r in l.rows(
                'SELECT m."start", m."end", e.canonical_id FROM mentions m '
                "JOIN resolved_entities e ON e.id = m.entity_id WHERE m.document_id = ?", (document_id,))]
        doc = dict(row)
        return {"document": {k: v for k, v in doc.items() if k != "text"}, "segments": segments(doc["text"], spans)}

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
        return {"entity": dict(row), "aliases": aliases, "figures": figures, "quotes": quotes, "mentions": mentions}

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

    def search(self, q: str, page: int) -> dict:
        words = re.findall(r"\w+", q)
        with self.ledger() as l:
            total, docs = l.search("documents", words, PAGE_SIZE, (page - 1) * PAGE_SIZE)
            quotes = l.search("quotes", words, 20)[1]
        return {"q": q, "documents": docs, "quotes": quotes, **paging(page, total)}


def paging(page: int, total: int) -> dict:
    return {"page": page, "pages": max(1, math.ceil(total / PAGE_SIZE)), "total": total}


def create_app(db: str, allow_review: bool = False, token: Optional[str] = None) -> FastAPI:
    """The explorer app for the ledger at `db`; review is off unless `allow_review`."""
    Ledger(db, readonly=True).close()  # fail now, with a clear message, if it is not a ledger
    explorer = Explorer(db)
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    env.filters["marked"] = marked
    app = FastAPI(title="claimledger", docs_url=None, redoc_url=None, openapi_url=None)

    def respond(request: Request, template: str, data: dict, status: int = 200):
        if request.url.path.endswith(".json"):
            return JSONResponse({"ok": status < 400, **data}, status_code=status)
        body = env.get_template(template).render(**data, allow_review=allow_review, token_required=bool(token),
                                                 request_path=request.url.path)
        return HTMLResponse(body, status_code=status)

    def page(path: str, template: str):
        def register(fn: Callable[..., dict]):
            async def handler(request: Request):
                try:
                    data = fn(request, **request.path_params)
                except NotFound as exc:
                    return respond(request, "error.html", {"error": str(exc), "status": 404}, 404)
                except (ClaimledgerError, ValueError, *DATABASE_ERRORS) as exc:
                    return respond(request, "error.html", {"error": str(exc), "status": 400}, 400)
                return respond(request, template, data)
            app.add_api_route(path + ".json", handler, methods=["GET"])
            app.add_api_route(path, handler, methods=["GET"])
            return fn
        return register

    def page_number(request: Request) -> int:
        try:
            return max(1, int(request.query_params.get("page", "1")))
        except ValueError:
            raise UsageError("page must be a number") from None

    @app.get("/")
    async def home():
        return RedirectResponse("/groups")

    @page("/groups", "groups.html")
    def groups(request: Request):
        return explorer.groups(page_number(request), request.query_params.get("status") or None)

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

    @page("/search", "search.html")
    def search(request: Request):
        return explorer.search(request.query_params.get("q", ""), page_number(request))

    @page("/review", "review.html")
    def review_list(request: Request):
        with Ledger(db, readonly=True) as l:
            reviewed = [dict(r) for r in l.rows("SELECT * FROM reviews ORDER BY created DESC, id LIMIT 200")]
            return {"reviewed": reviewed, "pending": pending(l)}

    async def submit_review(request: Request):
        wants_json = request.url.path.endswith(".json")
        if not allow_review:
            data = {"error": "review is off: start the server with --allow-review", "status": 403}
            return JSONResponse({"ok": False, **data}, 403) if wants_json else respond(request, "error.html", data, 403)
        form = dict(await request.form())
        if token and form.get("token") != token and request.headers.get("x-claimledger-token") != token:
            return JSONResponse({"ok": False, "error": "a valid review token is needed", "status": 403}, 403)
        try:
            with Ledger(db) as l:
                saved = add_review(l, form.get("kind", ""), form.get("item", ""), form.get("action", ""),
                                   form.get("reviewer", ""), form.get("reason", ""), form.get("field") or None,
                                   form.get("value") or None)
        except ClaimledgerError as exc:
            data = {"error": str(exc), "status": 400}
            return JSONResponse({"ok": False, **data}, 400) if wants_json else respond(request, "error.html", data, 400)
        if wants_json:
            return JSONResponse({"ok": True, "review": saved.__dict__})
        back = {"quantity": f"/figures/{saved.item_id}", "entity": f"/entities/{saved.item_id}",
                "quote": "/quotes"}.get(saved.item_kind, "/review")
        return RedirectResponse(back, status_code=303)

    app.add_api_route("/review.json", submit_review, methods=["POST"])
    app.add_api_route("/review", submit_review, methods=["POST"])

    @app.exception_handler(404)
    async def not_found(request: Request, exc: Any):
        return respond(request, "error.html", {"error": "no such page", "status": 404}, 404)

    return app


def serve(db: str, host: str = "127.0.0.1", port: int = 8000, allow_review: bool = False,
          token: Optional[str] = None) -> None:
    import uvicorn

    if allow_review and host not in ("127.0.0.1", "localhost", "::1") and not token:
        raise UsageError(f"review on a non-loopback address ({host}) needs --token; or serve on 127.0.0.1")
    uvicorn.run(create_app(db, allow_review, token), host=host, port=port, log_level="warning")
