import gzip
import io
import json

import pytest

from claimledger.errors import (BinaryInput, EmptyInput, MalformedInput, MissingInput,
                                OversizedInput, UndecodableInput)
from claimledger.ingest import Overrides, decode, input_format, read_inputs
from claimledger.models import Article

from .conftest import EXAMPLES


def read_all(*paths, **kw):
    return list(read_inputs([str(p) for p in paths], **kw))


def test_formats_by_name(tmp_path):
    assert input_format(tmp_path / "a.html.gz") == "html"
    assert input_format(tmp_path / "a.TXT") == "text"
    assert input_format(tmp_path / "a.jsonl") == "jsonl"
    assert input_format(tmp_path / "a.pdf") is None


def test_example_folder_reads_every_article():
    items = read_all(EXAMPLES)
    assert all(isinstance(i, Article) for i in items)
    assert {i.fmt for i in items} == {"text", "html"}
    jsonl = [i for i in items if i.url]
    assert len(jsonl) == 2 and jsonl[0].outlet == "Example Monitor" and jsonl[0].published == "2024-12-17"


def test_gzipped_html_is_unpacked(tmp_path):
    html = (EXAMPLES / "frontline-daily.html").read_bytes()
    (tmp_path / "page.html.gz").write_bytes(gzip.compress(html))
    [article] = read_all(tmp_path / "page.html.gz")
    assert article.fmt == "html" and "Captured North Korean soldier" in article.body


def test_stdin_json_lines_with_overrides():
    line = json.dumps({"text": "Officials said 30 people were hurt in the blast on the bridge.", "url": "u1"})
    [article] = list(read_inputs(["-"], Overrides(outlet="Wire", published="2025-01-02"),
                                 stdin=io.StringIO(line + "\n")))
    assert article.source == "u1" and article.outlet == "Wire" and article.published == "2025-01-02"


def test_globs_expand(tmp_path):
    for name in ("a.txt", "b.txt", "c.md"):
        (tmp_path / name).write_text("Some article text that is long enough to be kept here.")
    items = read_all(tmp_path / "*.txt")
    assert sorted(i.source.rsplit("/", 1)[-1] for i in items) == ["a.txt", "b.txt"]


def test_legacy_encoding_is_decoded_not_rejected():
    text = "Le café à Kyiv a fermé, selon le conseil municipal, après les frappes de drones répétées."
    assert decode("x", text.encode("cp1252")) == text


@pytest.mark.parametrize("data, error", [
    (b"\x89PNG\r\n\x1a\n\x00\x00", BinaryInput),
    (b"   \n\n  ", EmptyInput),
    (bytes([0xff, 0xfe, 0xfd, 0x80, 0x81]) * 50, UndecodableInput),
])
def test_bad_bytes_are_named(data, error):
    with pytest.raises(error):
        decode("x", data)


def test_bad_inputs_become_errors_and_the_batch_goes_on(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "big.txt").write_bytes(b"word " * 2_100_001)
    (tmp_path / "bad.jsonl").write_text('{"text": "A fine line of article text, long enough."}\nnot json\n')
    (tmp_path / "good.txt").write_text("A good article with enough words in it to be kept.")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    items = read_all(tmp_path, tmp_path / "missing.txt")
    errors = {type(i) for i in items if not isinstance(i, Article)}
    assert errors == {EmptyInput, OversizedInput, MalformedInput, MissingInput}
    assert sum(isinstance(i, Article) for i in items) == 2
    assert all("missing.txt" in str(i) for i in items if isinstance(i, MissingInput))


def test_a_folder_without_articles_is_named(tmp_path):
    (tmp_path / "readme.pdf").write_bytes(b"%PDF")
    [error] = read_all(tmp_path)
    assert isinstance(error, EmptyInput) and "no article files" in error.reason


GOOD = "The council said on Tuesday that 14 families had been moved from the flooded streets near the canal."


def lines_of(tmp_path, *records):
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n")
    return read_all(path)


def test_lone_surrogates_in_a_json_line_become_replacement_characters(tmp_path):
    [article] = lines_of(tmp_path, {"text": GOOD + " \ud8b6", "title": "Flood \udc00 update", "url": "u\ud800"})
    assert article.body.endswith("\ufffd") and article.title == "Flood \ufffd update"
    for value in (article.body, article.title, article.url, article.source):
        value.encode("utf-8")  # storable


def test_a_deeply_nested_json_line_is_skipped_not_a_crash(tmp_path):
    items = lines_of(tmp_path, "[" * 100_000, {"text": GOOD})
    assert isinstance(items[0], MalformedInput) and "nested too deeply" in items[0].reason
    assert items[0].source.endswith("in.jsonl:1") and isinstance(items[1], Article)


@pytest.mark.parametrize("url", [True, ["https://a.test/1"], 12, {"href": "x"}])
def test_a_url_that_is_not_a_string_is_rejected_not_stringified(tmp_path, url):
    [error, _] = lines_of(tmp_path, {"text": GOOD, "url": url}, {"text": GOOD})
    assert isinstance(error, MalformedInput) and "`url` must be a string" in error.reason


def test_json_error_message_reads_once(tmp_path):
    [error] = [i for i in lines_of(tmp_path, '{"text": "abc', {"text": GOOD}) if isinstance(i, MalformedInput)]
    assert "at at" not in error.reason and "Unterminated string" in error.reason and "column" in error.reason


def test_an_unparseable_published_is_warned_about_and_dropped(tmp_path):
    from claimledger.errors import InputWarning

    warning, article = lines_of(tmp_path, {"text": GOOD, "published": "the other day"})
    assert isinstance(warning, InputWarning) and "the other day" in warning.reason
    assert warning.source.endswith("in.jsonl:1") and article.published is None
    [kept] = lines_of(tmp_path, {"text": GOOD, "published": "Oct 24, 2024"})
    assert kept.published == "Oct 24, 2024"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_are_decoded_not_rejected(codec):
    text = GOOD + " Le café était fermé."
    assert decode("x", text.encode(codec)) == text


def test_a_file_name_that_is_not_utf8_is_named_in_a_storable_form(tmp_path):
    import os

    path = os.path.join(os.fsencode(tmp_path), b"caf\xe9.txt")
    with open(path, "wb") as f:
        f.write(GOOD.encode())
    [article] = read_all(tmp_path)
    assert article.source.endswith("caf\\xe9.txt")
    article.source.encode("utf-8")


def test_bad_bytes_on_stdin_are_replaced_not_fatal():
    raw = io.BytesIO(b'{"text": "' + GOOD.encode() + b' \xff\xfe"}\n')
    stream = io.TextIOWrapper(raw, encoding="utf-8")
    [article] = list(read_inputs(["-"], stdin=stream))
    assert article.body == GOOD + " \ufffd\ufffd"
