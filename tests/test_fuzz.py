"""Fuzz: a folder of generated inputs from every class that once stopped a batch (lone surrogates,
file names that are not UTF-8, JSON nested 100,000 deep, non-string fields, UTF-16/32, binary,
oversized clean text, bad dates, bad lines sharing one URL...) mixed with good articles.

Each run draws a new mix from a seed (`CLAIMLEDGER_FUZZ_SEED` to replay one; the seed is in the
failure message). Two builds of the folder, one process and `--jobs 2`, must: exit 0 (some input is
good), print no traceback, store or skip every input, naming a JSON line by its file and line, and
write the same ledger. Bounded: about 40 inputs, two builds of a few seconds each.
"""
from __future__ import annotations

import gzip
import json
import os
import random
import sqlite3

from claimledger.ingest import name_of

from .conftest import exported, run_cli

ORGS = ["The harbour authority", "The regional council", "Velkar Water", "The transport ministry",
        "A local charity", "The fire service"]
THINGS = ["families", "homes", "boats", "schools", "workers", "buses"]
VERBS = ["moved", "closed", "repaired", "inspected", "counted", "evacuated"]
PLACES = ["the old quay", "the northern ring road", "Marrow Bridge", "the river delta", "the east market"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def sentence(rng: random.Random, i: int) -> str:
    return (f"{rng.choice(ORGS)} said on {rng.choice(DAYS)} that {rng.randint(2, 900)} {rng.choice(THINGS)} "
            f"had been {rng.choice(VERBS)} near {rng.choice(PLACES)}, in case {i}.")


def article(rng: random.Random, i: int) -> str:
    return " ".join(sentence(rng, i * 10 + k) for k in range(rng.randint(1, 3)))


def json_line(rng: random.Random, i: int, shared_url: str) -> tuple[str, bool]:
    """One line of a JSON lines file and whether it must be stored (else skipped)."""
    kind = rng.choice(["good", "surrogate", "nested", "url_type", "title_type", "bad_json", "unterminated",
                       "not_object", "no_text", "bad_date", "furniture_shared_url", "html", "good_url"])
    text = article(rng, i)
    if kind == "good":
        return json.dumps({"text": text}), True
    if kind == "good_url":
        return json.dumps({"text": text, "url": f"https://fuzz.test/{i}", "published": "2025-03-0%d" % rng.randint(1, 9)}), True
    if kind == "surrogate":
        return json.dumps({"text": text + " \ud8b6", "title": "Notice \udc01", "url": f"https://fuzz.test/s{i}\ud800"}), True
    if kind == "nested":
        return "[" * 100_000 + "]" * rng.choice([0, 100_000]), False
    if kind == "url_type":
        return json.dumps({"text": text, "url": rng.choice([True, ["https://x.test"], 7, {"a": 1}])}), False
    if kind == "title_type":
        return json.dumps({"text": text, "title": rng.choice([False, 3.5, ["t"]])}), False
    if kind == "bad_json":
        return '{"text": ' + json.dumps(text) + ",,}", False
    if kind == "unterminated":
        return '{"text": "' + text, False
    if kind == "not_object":
        return json.dumps([text]), False
    if kind == "no_text":
        return json.dumps({"title": text}), False
    if kind == "bad_date":
        return json.dumps({"text": text, "published": "not known"}), True
    if kind == "html":
        return json.dumps({"html": f"<html><body><article><p>{text}</p></article></body></html>"}), True
    return json.dumps({"text": "Share\nSave", "url": shared_url}), False


def write_file(rng: random.Random, folder, i: int) -> tuple[bytes, bool]:
    """One file (its name as bytes) and whether it must be stored."""
    kind = rng.choice(["good", "utf16", "utf16_bom", "utf32", "utf32_bom", "cp1252", "latin1_name", "binary",
                       "empty", "controls", "furniture", "short", "gzip", "html_broken"])
    text = article(rng, i)
    name, data, good = f"f{i:03d}-{kind}.txt".encode(), text.encode(), True
    if kind == "utf16":
        data = text.encode(rng.choice(["utf-16-le", "utf-16-be"]))
    elif kind == "utf16_bom":
        data = text.encode("utf-16")
    elif kind == "utf32":
        data = text.encode(rng.choice(["utf-32-le", "utf-32-be"]))
    elif kind == "utf32_bom":
        data = text.encode("utf-32")
    elif kind == "cp1252":
        data = (text + " Le café était fermé.").encode("cp1252")
    elif kind == "latin1_name":
        name = f"f{i:03d}-caf\xe9".encode("latin-1") + b".txt"
    elif kind == "binary":
        name, data, good = f"f{i:03d}.html".encode(), b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(200)), False
    elif kind == "empty":
        data, good = b"  \n\n ", False
    elif kind == "controls":
        data, good = bytes(rng.randrange(1, 9) for _ in range(300)), False
    elif kind == "furniture":
        data, good = b"Advertisement\nShare\nSave\nRead more\n", False
    elif kind == "short":
        data, good = b"Too short.", False
    elif kind == "gzip":
        name, data = f"f{i:03d}.txt.gz".encode(), gzip.compress(text.encode())
    elif kind == "html_broken":
        name, data, good = f"f{i:03d}.html".encode(), b"<html><body><div><p>The ministry said that 12 people were", False
    with open(os.path.join(os.fsencode(folder), name), "wb") as f:
        f.write(data)
    return name, good


def make_mix(folder, seed: int) -> dict[str, bool]:
    """The inputs written to `folder`: each one's name as claimledger names it, and whether it is good."""
    rng = random.Random(seed)
    expected: dict[str, bool] = {}
    for i in range(rng.randint(18, 26)):
        name, good = write_file(rng, folder, i)
        expected[name_of(os.path.join(os.fsencode(folder), name))] = good
    shared_url = "https://fuzz.test/same"
    for f in range(2):
        lines, goods = [], []
        for n in range(rng.randint(6, 12)):
            line, good = json_line(rng, 1000 * (f + 1) + n, shared_url)
            lines.append(line)
            goods.append(good)
        path = folder / f"lines-{f}.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
        for n, (line, good) in enumerate(zip(lines, goods), 1):
            record = json.loads(line) if good else {}
            url = record.get("url")
            expected[url.replace("\ud800", "\ufffd") if url else f"{path}:{n}"] = good
    # clean text over the limit: skipped with the same code by both engines (spaCy's E088 before)
    sentence_line = "Bridge {} is shut for repairs."
    (folder / "huge.txt").write_text("\n".join(sentence_line.format(k) for k in range(75_000)))
    expected[str(folder / "huge.txt")] = False
    good_one = folder / "always-good.txt"
    good_one.write_text(article(rng, 9999))
    expected[str(good_one)] = True
    return expected


def ledger_rows(db) -> tuple[set[str], dict[str, str]]:
    conn = sqlite3.connect(db)
    try:
        stored = {r[0] for r in conn.execute("SELECT source FROM documents")}
        skipped = {r[0]: r[1] for r in conn.execute("SELECT source, code FROM skipped")}
    finally:
        conn.close()
    return stored, skipped


def test_a_fuzzed_mixed_folder_builds_alike_in_one_and_two_processes(tmp_path):
    seed = int(os.environ.get("CLAIMLEDGER_FUZZ_SEED") or random.SystemRandom().randrange(10**6))
    folder = tmp_path / "in"
    folder.mkdir()
    expected = make_mix(folder, seed)
    ledgers = []
    for jobs in ("1", "2"):
        db = tmp_path / f"jobs{jobs}.db"
        result = run_cli("build", str(folder), "--db", str(db), "--jobs", jobs)
        where = f"seed {seed}, --jobs {jobs}:\n{result.stderr[-3000:]}"
        assert result.returncode == 0, where
        assert "Traceback" not in result.stderr, where
        assert "CL900" not in result.stderr, where  # an internal failure is a bug, not a bad input
        stored, skipped = ledger_rows(db)
        for name, good in expected.items():
            assert name in (stored if good else skipped), (name, good, where)
        assert skipped.get(str(folder / "huge.txt")) == "CL104", where
        ledgers.append((exported(db), sorted(skipped.items())))
    assert ledgers[0] == ledgers[1], f"seed {seed}: one process and --jobs 2 wrote different ledgers"


def test_a_fuzzed_folder_of_only_bad_inputs_exits_2_and_leaves_no_ledger(tmp_path):
    seed = int(os.environ.get("CLAIMLEDGER_FUZZ_SEED") or random.SystemRandom().randrange(10**6))
    rng = random.Random(seed)
    folder = tmp_path / "in"
    folder.mkdir()
    lines = [line for line, good in (json_line(rng, n, "https://fuzz.test/same") for n in range(40)) if not good]
    (folder / "bad.jsonl").write_text("\n".join(lines[:8]) + "\n")
    (folder / "caf\udce9.txt").write_bytes(b"\x00\x01" * 100) if os.name == "posix" else None
    db = tmp_path / "l.db"
    result = run_cli("build", str(folder), "--db", str(db))
    assert result.returncode == 2 and "Traceback" not in result.stderr, (seed, result.stderr[-2000:])
    assert "nothing could be stored" in result.stderr and not db.exists(), seed
    for n in range(1, min(8, len(lines)) + 1):
        assert f"bad.jsonl:{n}" in result.stderr, (seed, n, result.stderr[-2000:])
