"""Live sources against a local HTTP server on 127.0.0.1 serving real pages from ../shared/corpora."""
import gzip
import http.server
import json
import threading
import time
from collections import Counter

import pytest

from .conftest import ROOT, run_cli, shared_path

FAST = ROOT / "claimledger" / "patterns.toml"


@pytest.fixture()
def patterns(tmp_path, monkeypatch):
    """The project's patterns with a short politeness delay and timeout, so the test runs quickly."""
    text = FAST.read_text().replace("delay_seconds = 1.0", "delay_seconds = 0.05") \
        .replace("timeout_seconds = 20", "timeout_seconds = 1").replace("backoff_seconds = 1.0", "backoff_seconds = 0.05")
    path = tmp_path / "patterns.toml"
    path.write_text(text)
    monkeypatch.setenv("CLAIMLEDGER_PATTERNS", str(path))
    return path


@pytest.fixture()
def site():
    pages = sorted(shared_path("corpora", "trafilatura-eval-en-news", "html").glob("*.html.gz"))[:3]
    bodies = {f"/news/{i}": gzip.decompress(p.read_bytes()) for i, p in enumerate(pages)}
    hits: Counter = Counter()
    state = {"feed_etag": '"v1"'}

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def send(self, code, body=b"", headers=()):
            self.send_response(code)
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            hits[self.path] += 1
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            if self.path == "/robots.txt":
                return self.send(200, b"User-agent: *\nDisallow: /private/\n")
            if self.path == "/feed.xml":
                if self.headers.get("If-None-Match") == state["feed_etag"]:
                    return self.send(304)
                items = "".join(f"<item><title>t</title><link>{base}{p}</link></item>"
                                for p in [*bodies, "/private/secret", "/broken", "/slow", "/moved", "/gone"])
                feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'
                return self.send(200, feed.encode(), [("ETag", state["feed_etag"]), ("Content-Type", "application/rss+xml")])
            if self.path in bodies:
                return self.send(200, bodies[self.path], [("Content-Type", "text/html; charset=utf-8")])
            if self.path == "/moved":
                return self.send(301, b"", [("Location", f"{base}/news/0")])
            if self.path == "/broken":
                return self.send(503)
            if self.path == "/slow":
                time.sleep(2)
                return self.send(200, b"<html><body><p>late</p></body></html>")
            return self.send(404)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits, state
    server.shutdown()


def test_feed_build_is_polite_and_fetches_nothing_twice(site, patterns, tmp_path):
    base, hits, state = site
    db = tmp_path / "l.db"
    first = run_cli("build", f"{base}/feed.xml", "--db", str(db))
    assert first.returncode == 0, first.stderr
    lines = first.stderr
    assert "/private/secret: robots.txt disallows" in lines
    assert "/broken: HTTP 503" in lines and "after 3 tries" in lines
    assert "/slow: could not fetch" in lines
    assert "/gone: HTTP 404" in lines
    assert hits["/broken"] == 3 and hits["/private/secret"] == 0
    data = json.loads(run_cli("export", "--db", str(db)).stdout)
    sources = {d["source"] for d in data["documents"]}
    assert {f"{base}/news/{i}" for i in range(3)} <= sources
    assert len(data["documents"]) == 3  # /moved lands on /news/0: the same text, stored once

    before = hits.copy()
    again = run_cli("build", f"{base}/feed.xml", "--db", str(db))
    assert again.returncode == 0
    assert hits["/feed.xml"] == before["/feed.xml"] + 1  # asked again, answered 304
    for path in ("/news/0", "/news/1", "/news/2"):
        assert hits[path] == before[path] == 1, path


def test_watch_runs_rounds_and_adds_only_new_articles(site, patterns, tmp_path):
    base, hits, state = site
    db = tmp_path / "l.db"
    result = run_cli("watch", f"{base}/feed.xml", "--db", str(db), "--interval", "0.1", "--rounds", "2")
    assert result.returncode == 0, result.stderr
    rounds = [line for line in result.stderr.splitlines() if "claimledger watch: round" in line]
    assert len(rounds) == 2 and "stored 3" in rounds[0] and "stored 0" in rounds[1]
    assert hits["/news/1"] == 1


def test_watch_refuses_paths(tmp_path):
    result = run_cli("watch", str(tmp_path), "--db", str(tmp_path / "l.db"), "--rounds", "1")
    assert result.returncode == 2 and "feed URLs" in result.stderr
