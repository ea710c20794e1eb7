"""Ingest: paths in, `Article`s out (or an `InputError` naming why one input cannot be read).

Reads files, folders (recursively), globs and `-` (JSON lines on stdin); unpacks `.gz`; rejects
binary, empty and oversized inputs; decodes legacy encodings instead of rejecting them. Nothing here
parses HTML or cleans text: that is the clean stage's work, done per document.
"""
from __future__ import annotations

import codecs
import glob
import gzip
import json
import os
import re
import sys
import unicodedata
import zlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Iterable, Iterator, Optional, Union

from charset_normalizer import from_bytes

from .errors import (BinaryInput, EmptyInput, InputError, InputWarning, MalformedInput, MissingInput,
                     OversizedInput, UndecodableInput)
from .models import Article, sha256_of
from .settings import load_settings

TEXT_SUFFIXES = {".txt": "text", ".text": "text", ".md": "text", ".markdown": "text",
                 ".html": "html", ".htm": "html", ".xhtml": "html",
                 ".jsonl": "jsonl", ".ndjson": "jsonl"}
BINARY_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"PK\x03\x04", b"\x7fELF",
                b"RIFF", b"\x00\x00\x01\x00", b"OggS", b"ID3", b"\x1f\x8b")
STDIN = "-"
OVERSIZED_LINE = object()  # stands in for a JSON line too long to read
LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # JSON's "\\ud8b6" escapes: not text, cannot be stored
UNICODE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


@dataclass(frozen=True)
class Overrides:
    outlet: Optional[str] = None
    published: Optional[str] = None


Item = Union[Article, InputError, InputWarning]


def name_of(path: Union[str, Path]) -> str:
    """A path as text that can be printed and stored: bytes that are not UTF-8 (which Python keeps as
    lone surrogates) written as `\\xNN` escapes."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def storable(text: str) -> str:
    """Text without lone surrogates (each becomes U+FFFD), so that it can be encoded and stored."""
    return LONE_SURROGATE.sub("\ufffd", text)


def input_format(path: Path) -> Optional[str]:
    """`text`, `html` or `jsonl` from the file name (`.html.gz` is html), or None if unsupported."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return TEXT_SUFFIXES.get(suffixes[-1]) if suffixes else None


def expand_paths(paths: Iterable[str]) -> Iterator[Union[str, Path, InputError]]:
    """Each argument as files to read, in a stable order; a bad argument as an `InputError`."""
    for arg in paths:
        if arg == STDIN or arg.startswith(("http://", "https://")):
            yield arg
            continue
        path = Path(arg)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and input_format(p))
            if not found:
                yield EmptyInput(name_of(arg), "folder holds no article files (.txt .md .html .htm .jsonl, "
                                      "optionally gzipped)")
            yield from found
        elif path.is_file():
            yield path
        elif glob.has_magic(arg):
            matches = sorted(Path(p) for p in glob.glob(arg, recursive=True) if Path(p).is_file())
            if not matches:
                yield MissingInput(name_of(arg), "pattern matches no file")
            yield from matches
        else:
            yield MissingInput(name_of(arg), "no such file or folder; check the path")


def read_bytes(path: Path) -> bytes:
    limits = load_settings()["limits"]
    source = name_of(path)
    try:
        size = path.stat().st_size
        if size > limits["max_input_bytes"]:
            raise OversizedInput(source, f"file is {size / 1e6:.1f} MB, over the "
                                         f"{limits['max_input_bytes'] / 1e6:.0f} MB limit for one article")
        data = path.read_bytes()
    except OSError as exc:
        raise MissingInput(source, f"cannot read file ({exc.strerror or exc})") from exc
    if path.suffix.lower() == ".gz":
        data = gunzip(source, data, limits["max_decompressed_bytes"])
    return data


def gunzip(source: str, data: bytes, limit: int) -> bytes:
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise MalformedInput(source, f"not a valid gzip file ({exc})") from exc
    if len(out) > limit:
        raise OversizedInput(source, f"unpacks to over {limit / 1e6:.0f} MB, the limit for one article")
    return out


def decode(source: str, data: bytes) -> str:
    """Text from bytes: UTF-8 when it fits, else the legacy encoding that fits best."""
    head = data[:8192]
    wide = decode_wide(data)
    if wide is not None:
        data, head = wide.encode("utf-8"), b""
    elif head.startswith(BINARY_MAGIC) or b"\x00" in head:
        raise BinaryInput(source, "binary data, not text (an image, archive or document?)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = decode_legacy(source, data)
    if not text.strip():
        raise EmptyInput(source, "empty: no text in the file")
    if _control_ratio(text) > 0.05:
        raise BinaryInput(source, "mostly control characters, not text")
    return text


def decode_wide(data: bytes) -> Optional[str]:
    """UTF-16 or UTF-32 text, told by its byte-order mark or, without one, by where its zero bytes
    fall (most characters of news text have a zero high byte); None when the bytes are neither."""
    for bom, codec in UNICODE_BOMS:
        if data.startswith(bom):
            try:
                return _if_text(data.decode(codec))
            except UnicodeDecodeError:
                return None
    head = data[:8192]
    if len(head) < 8 or b"\x00" not in head:
        return None
    share = load_settings()["limits"]["wide_text_zero_share"]
    for width, codecs_by_slot in ((4, {0: "utf-32-le", 3: "utf-32-be"}), (2, {0: "utf-16-le", 1: "utf-16-be"})):
        if len(data) % width:
            continue
        columns = [head[i::width] for i in range(width)]
        zeros = [c.count(0) / max(1, len(c)) for c in columns]
        for slot, codec in codecs_by_slot.items():
            if zeros[slot] < 0.05 and all(z >= share for i, z in enumerate(zeros) if i != slot):
                try:
                    return _if_text(data.decode(codec))
                except UnicodeDecodeError:
                    return None
    return None


def _if_text(text: str) -> Optional[str]:
    """The decoded text, unless it is mostly characters no text holds (format, unassigned, private)."""
    sample = text[:20000]
    odd = sum(1 for ch in sample if unicodedata.category(ch) in ("Cf", "Cn", "Co", "Cs"))
    return None if _control_ratio(text) + odd / max(1, len(sample)) > 0.05 else text


def decode_legacy(source: str, data: bytes) -> str:
    """The encoding charset-normalizer finds least messy; on a tie, the ones Western news sites used."""
    limits = load_settings()["limits"]
    results = list(from_bytes(data))
    if not results or min(r.chaos for r in results) > limits["max_decoding_chaos"]:
        raise UndecodableInput(source, "not UTF-8, and no other text encoding reads it as text")
    least = min(r.chaos for r in results)
    tied = [r for r in results if r.chaos <= least + 0.01]
    preferred = limits["preferred_legacy_encodings"]
    tied.sort(key=lambda r: preferred.index(r.encoding) if r.encoding in preferred else len(preferred))
    return str(tied[0])


def _control_ratio(text: str) -> float:
    sample = text[:20000]
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\n\r\t\f") or ch == "\ufffd")
    return bad / max(1, len(sample))


def read_file(path: Path, overrides: Overrides = Overrides()) -> Iterator[Item]:
    """The articles in one file: one for text and HTML, one per line for JSON lines."""
    source = name_of(path)
    fmt = input_format(path)
    try:
        if fmt is None:
            raise MalformedInput(source, f"unsupported file type {''.join(path.suffixes) or '(none)'}; "
                                         "use .txt .md .html .htm or .jsonl")
        if fmt == "jsonl":
            yield from read_json_lines(source, json_lines_of(path), overrides)
            return
        data = read_bytes(path)
        text = decode(source, data)
    except InputError as exc:
        yield exc
        return
    yield Article(source=source, raw_sha256=sha256_of(data), fmt=fmt, body=text,
                  outlet=overrides.outlet, published=overrides.published)


def json_lines_of(path: Path) -> Iterator[object]:
    """The lines of a (possibly gzipped) JSON lines file, streamed: the file may hold many articles."""
    source = name_of(path)
    limit = load_settings()["limits"]["max_input_bytes"]
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    try:
        with opener(path, "rb") as stream:
            for line in stream:
                if len(line) > limit:
                    yield OVERSIZED_LINE
                    continue
                yield line.decode("utf-8-sig", errors="replace")
    except (OSError, EOFError, zlib.error) as exc:
        raise MalformedInput(source, f"cannot read JSON lines ({exc})") from exc


def read_json_lines(source: str, lines: Iterable[str], overrides: Overrides) -> Iterator[Item]:
    stored = 0
    for number, line in enumerate(lines, 1):
        if line is not OVERSIZED_LINE and not line.strip():
            continue
        where = f"{source}:{number}"
        if line is OVERSIZED_LINE:
            yield OversizedInput(where, "JSON line is over the size limit for one article")
            continue
        try:
            article = article_from_json(where, line, overrides)
        except InputError as exc:
            yield exc
            continue
        if article.published and not overrides.published:
            from .clean import parse_date

            if not parse_date(article.published):
                yield InputWarning(where, f"`published` {article.published[:40]!r} is not a date (use "
                                          "YYYY-MM-DD); the date is looked for in the text instead")
                article = replace(article, published=None)
        yield article
        stored += 1
    if not stored:
        yield EmptyInput(source, "no article in these JSON lines")


def article_from_json(where: str, line: str, overrides: Overrides) -> Article:
    try:
        record = json.loads(line.rstrip("\r\n"))
    except json.JSONDecodeError as exc:
        message = exc.msg.removesuffix(" at")  # "Unterminated string starting at"
        raise MalformedInput(where, f"not valid JSON ({message} at column {exc.colno})") from None
    except RecursionError:
        raise MalformedInput(where, "not valid JSON for an article (nested too deeply)") from None
    if not isinstance(record, dict):
        raise MalformedInput(where, "a JSON line must be an object with `text` or `html`")
    fields = {name: _str_or_none(where, record, name) for name in ("text", "html", "title", "url", "outlet",
                                                                     "published")}
    body, fmt = fields["text"], "text"
    if not body:
        body, fmt = fields["html"], "html"
    if not body:
        raise EmptyInput(where, "JSON line has no `text` or `html` field with content")
    url = fields["url"]
    return Article(
        source=url or where,
        raw_sha256=sha256_of(line.encode("utf-8", "surrogatepass")),
        fmt=fmt,
        body=storable(record[fmt]),
        title=fields["title"],
        url=url,
        outlet=overrides.outlet or fields["outlet"],
        published=overrides.published or fields["published"],
        origin=where,
    )


def _str_or_none(where: str, record: dict, name: str) -> Optional[str]:
    """A JSON line's field as storable text, None when absent, null or blank; any other type is an error."""
    value = record.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise MalformedInput(where, f"`{name}` must be a string, not {type(value).__name__} "
                                    f"({json.dumps(value)[:40]})")
    return storable(value).strip() or None


def read_stdin(stream: IO[str], overrides: Overrides) -> Iterator[Item]:
    """JSON lines on stdin, read as bytes where possible so that bytes that are not UTF-8 are replaced,
    not fatal."""
    buffer = getattr(stream, "buffer", None)
    lines = (line.decode("utf-8-sig", errors="replace") for line in buffer) if buffer is not None else stream
    return read_json_lines("<stdin>", lines, overrides)


def read_inputs(paths: Iterable[str], overrides: Overrides = Overrides(),
                stdin: IO[str] = sys.stdin, fetcher=None) -> Iterator[Item]:
    """Every article from every argument, in order; unreadable inputs as `InputError`s. URLs need a
    `fetch.Fetcher`."""
    return read_expanded(expand_paths(paths), overrides, stdin, fetcher)


def read_expanded(items: Iterable[Union[str, Path, InputError]], overrides: Overrides = Overrides(),
                  stdin: IO[str] = sys.stdin, fetcher=None) -> Iterator[Item]:
    """The articles of arguments already expanded by `expand_paths`."""
    for item in items:
        if isinstance(item, InputError):
            yield item
        elif item == STDIN:
            yield from read_stdin(stdin, overrides)
        elif isinstance(item, str):
            if fetcher is None:
                yield MissingInput(item, "URLs are read by `claimledger build`, which fetches them")
                continue
            from .fetch import read_url

            yield from read_url(item, fetcher, overrides)
        else:
            yield from read_file(item, overrides)


__all__ = ["Overrides", "read_inputs", "read_expanded", "read_file", "expand_paths", "decode", "input_format"]
