"""Fetch: articles, RSS/Atom feeds and sitemaps from the web, politely. Part of the ingest stage.

One request at a time, at least `[fetch] delay_seconds` apart per host; robots.txt is obeyed;
pages already fetched are asked for again only with If-None-Match / If-Modified-Since, and an
article already in the ledger is not fetched again at all; failures are retried with backoff and
then reported as one line. What was fetched is remembered in the ledger's `fetches` table.
"""
from __future__ import annotations

import time
import urllib.error
import urllib.request
import urllib.robotparser
from dataclasses import dataclass
from typing import Iterator, Optional
from urllib.parse import urljoin, urlparse

from lxml import etree

from . import __version__
from .errors import InputError, MalformedInput, MissingInput
from .ingest import BINARY_MAGIC, Overrides, decode
from .models import Article, sha256_of
from .settings import load_settings
from .store import Ledger

USER_AGENT = f"claimledger/{__version__} (+https://pypi.org/project/claimledger/)"
FEED_ROOTS = {"rss", "feed", "urlset", "sitemapindex", "RDF"}


def is_url(arg: str) -> bool:
    return urlparse(arg).scheme in ("http", "https")


@dataclass(frozen=True)
class Response:
    url: str
    status: int
    body: bytes
    etag: Optional[str]
    last_modified: Optional[str]
    location: Optional[str] = None


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects come back as responses, so a target already fetched is not fetched again."""

    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(_KeepRedirects)
REDIRECTS = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 5


class Fetcher:
    """HTTP with manners, remembering in the ledger what it fetched."""

    def __init__(self, ledger: Ledger):
        table = load_settings()["fetch"]
        self.ledger = ledger
        self.delay = table["delay_seconds"]
        self.timeout = table["timeout_seconds"]
        self.retries = table["retries"]
        self.backoff = table["backoff_seconds"]
        self.max_bytes = load_settings()["limits"]["max_input_bytes"]
        self.last_request: dict[str, float] = {}
        self.robots: dict[str, urllib.robotparser.RobotFileParser] = {}

    def already_stored(self, url: str) -> bool:
        row = next(self.ledger.rows("SELECT 1 FROM fetches WHERE url = ? AND document_id IS NOT NULL", (url,)), None)
        return row is not None

    def allowed(self, url: str) -> bool:
        parts = urlparse(url)
        root = f"{parts.scheme}://{parts.netloc}"
        if root not in self.robots:
            parser = urllib.robotparser.RobotFileParser()
            try:
                response = self._request(root + "/robots.txt", {}, retries=0)
                parser.parse(response.body.decode("utf-8", "replace").splitlines() if response.status == 200 else [])
            except InputError:
                parser.parse([])
            self.robots[root] = parser
        return self.robots[root].can_fetch(USER_AGENT, url)

    def fetched(self, url: str) -> bool:
        """Whether the page was fetched whole before (in this run or an earlier one)."""
        row = next(self.ledger.rows("SELECT 1 FROM fetches WHERE (url = ? OR final_url = ?) AND status = 200",
                                    (url, url)), None)
        return row is not None

    def get(self, url: str) -> Response:
        """The page after redirects; a 304 Response when it has not changed since it was last
        fetched, or when a redirect leads to a page already fetched."""
        for _ in range(MAX_REDIRECTS):
            response = self._get_one(url)
            if response.status not in REDIRECTS:
                return response
            target = urljoin(url, response.location or "")
            if self.fetched(target):
                return Response(target, 304, b"", None, None)
            url = target
        raise MissingInput(url, f"more than {MAX_REDIRECTS} redirects")

    def _get_one(self, url: str) -> Response:
        if not self.allowed(url):
            raise MissingInput(url, "robots.txt disallows fetching this page")
        known = next(self.ledger.rows("SELECT etag, last_modified FROM fetches WHERE url = ?", (url,)), None)
        headers = {}
        if known is not None:
            if known["etag"]:
                headers["If-None-Match"] = known["etag"]
            if known["last_modified"]:
                headers["If-Modified-Since"] = known["last_modified"]
        response = self._request(url, headers, self.retries)
        self.remember(url, response)
        return response

    def remember(self, url: str, response: Response, document_id: Optional[str] = None) -> None:
        with self.ledger.transaction():
            self.ledger.conn.execute(
                "INSERT INTO fetches (url, final_url, status, etag, last_modified, fetched_at, document_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET final_url = excluded.final_url, "
                "status = excluded.status, etag = coalesce(excluded.etag, fetches.etag), "
                "last_modified = coalesce(excluded.last_modified, fetches.last_modified), "
                "fetched_at = excluded.fetched_at",
                (url, response.url, response.status, response.etag, response.last_modified, time.time(), document_id))

    def mark_stored(self, url: str, document_id: str) -> None:
        with self.ledger.transaction():
            self.ledger.conn.execute("UPDATE fetches SET document_id = ? WHERE url = ?", (document_id, url))

    def _wait_for_turn(self, host: str) -> None:
        wait = self.last_request.get(host, 0.0) + self.delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self.last_request[host] = time.monotonic()

    def _request(self, url: str, headers: dict[str, str], retries: int) -> Response:
        host = urlparse(url).netloc
        attempt = 0
        while True:
            self._wait_for_turn(host)
            request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **headers})
            try:
                with OPENER.open(request, timeout=self.timeout) as reply:
                    body = reply.read(self.max_bytes + 1)
                    if len(body) > self.max_bytes:
                        raise MalformedInput(url, "page is over the size limit for one article")
                    return Response(reply.geturl(), reply.status, body, reply.headers.get("ETag"),
                                    reply.headers.get("Last-Modified"))
            except urllib.error.HTTPError as exc:
                if exc.code == 304:
                    return Response(url, 304, b"", None, None)
                if exc.code in REDIRECTS:
                    return Response(url, exc.code, b"", None, None, exc.headers.get("Location"))
                if exc.code < 500 and exc.code != 429 or attempt >= retries:
                    raise MissingInput(url, f"HTTP {exc.code} {exc.reason}" +
                                       (f" after {attempt + 1} tries" if attempt else "")) from None
            except (urllib.error.URLError, TimeoutError, OSError) as exc:
                if attempt >= retries:
                    reason = getattr(exc, "reason", exc)
                    raise MissingInput(url, f"could not fetch ({reason}) after {attempt + 1} tries") from None
            attempt += 1
            time.sleep(self.backoff * 2 ** (attempt - 1))


def feed_links(url: str, body: bytes) -> Optional[list[str]]:
    """The article links of an RSS/Atom feed or a sitemap; None when the body is not one."""
    if not body.lstrip().startswith(b"<"):
        return None
    try:
        root = etree.fromstring(body, etree.XMLParser(resolve_entities=False, no_network=True, recover=True))
    except etree.XMLSyntaxError:
        return None
    if root is None or etree.QName(root).localname not in FEED_ROOTS:
        return None
    links = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        name = etree.QName(el).localname
        if name == "link" and el.get("href") and el.getparent() is not None and \
                etree.QName(el.getparent()).localname == "entry":
            links.append(el.get("href"))
        elif name == "link" and (el.text or "").strip() and etree.QName(el.getparent()).localname == "item":
            links.append(el.text.strip())
        elif name == "loc" and (el.text or "").strip():
            links.append(el.text.strip())
    return [urljoin(url, link) for link in links]


def read_url(url: str, fetcher: Fetcher, overrides: Overrides, depth: int = 0) -> Iterator[Article | InputError]:
    """The articles at a URL: the page itself, or every page a feed or sitemap lists."""
    if fetcher.already_stored(url):
        return
    try:
        response = fetcher.get(url)
    except InputError as exc:
        yield exc
        return
    if response.status == 304:
        return
    links = feed_links(url, response.body) if depth < 2 else None
    if links is not None:
        for link in dict.fromkeys(links):
            yield from read_url(link, fetcher, overrides, depth + 1)
        return
    if response.body[:8].startswith(BINARY_MAGIC):
        yield MalformedInput(url, "not a web page (binary content)")
        return
    try:
        text = decode(url, response.body)
    except InputError as exc:
        yield exc
        return
    yield Article(source=url, raw_sha256=sha256_of(response.body), fmt="html", body=text, url=response.url,
                  outlet=overrides.outlet, published=overrides.published)
