"""The ledger opens as-is in Datasette (a test-only dependency)."""
import json
import shutil
import subprocess
import sys
import time
import urllib.request

import pytest

from .test_web_browser import free_port


def test_datasette_serves_the_ledger(example_ledger):
    if shutil.which("datasette") is None and not (sys.prefix and shutil.which("datasette", path=f"{sys.prefix}/bin")):
        pytest.skip("datasette is not installed (pip install -e '.[test]')")
    exe = shutil.which("datasette") or shutil.which("datasette", path=f"{sys.prefix}/bin")
    port = free_port()
    proc = subprocess.Popen([exe, "serve", str(example_ledger), "--port", str(port), "--immutable",
                             str(example_ledger)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}/{example_ledger.stem}/quantities.json?_shape=array"
        deadline = time.monotonic() + 60
        while True:
            try:
                rows = json.load(urllib.request.urlopen(url, timeout=2))
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.3)
        assert rows and {"surface", "low", "category", "document_id"} <= rows[0].keys()
        fts = json.load(urllib.request.urlopen(
            f"http://127.0.0.1:{port}/{example_ledger.stem}/documents.json?_search=asylum&_shape=array", timeout=5))
        assert fts
    finally:
        proc.terminate()
        proc.wait()
