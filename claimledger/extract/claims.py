"""Claims: every attribution relation in a document, direct or indirect, as one record.

Indirect claims are the reported-speech relations the attribution layer reads from the parse
(`attribution.reported_relations`); direct claims are the quotes that have a speaker (a quote
nobody is found to speak is no relation). Content that
lies inside a quote is that quote's claim, not a second, indirect one.
"""
from __future__ import annotations

from ..annotate import text_of
from ..models import Claim, Quote, make_id
from .attribution import MentionIndex, Relation


def extract_claims(doc, document_id: str, index: MentionIndex, quotes: list[Quote],
                   relations: list[Relation], min_words: int = 1) -> list[Claim]:
    """One claim per quote with a speaker and per reported relation of at least `min_words` words
    (`[attribution] claim_record_min_words`: "said so", "denied it" report that something was
    said, not what)."""
    text = text_of(doc)
    out = [Claim(make_id(document_id, "claim", q.start, q.end, "direct"), document_id, q.start, q.end,
                 q.surface, q.speaker, q.speaker_text, None, None, None, "direct")
           for q in quotes if q.speaker or q.speaker_text]
    seen = set()
    for r in relations:
        if (r.start, r.end) in seen or any(q.start <= r.start and r.end <= q.end for q in quotes):
            continue
        if len(text[r.start:r.end].split()) < min_words:
            continue
        seen.add((r.start, r.end))
        out.append(Claim(make_id(document_id, "claim", r.start, r.end, "indirect"), document_id, r.start, r.end,
                         text[r.start:r.end], r.source, r.source_text, text[r.cue_start:r.cue_end],
                         r.cue_start, r.cue_end, "indirect"))
    return out


def claim_terms(content: str, settings) -> frozenset[str]:
    """The words a claim's content is compared by across documents (`[relay]`): lower case, less
    stopwords, each less a common suffix ("killed" and "kills" are "kill"). Pure."""
    import re

    table = settings["relay"]
    stop, suffixes, keep = set(table["stopwords"]), table["suffixes"], table["min_stem_chars"]
    terms = set()
    for word in re.findall(r"\w+", content.lower()):
        if word in stop:
            continue
        for suffix in suffixes:
            if word.endswith(suffix) and len(word) - len(suffix) >= keep:
                word = word[:-len(suffix)]
                break
        terms.add(word)
    return frozenset(terms)


def claim_buckets(terms: frozenset[str], settings) -> tuple[int, ...]:
    """The buckets two claims of nearly the same content share (`[relay]`): one of the exact set of
    words, and, from `min_words` words on, one per LSH band of the words' MinHash. Pure."""
    import hashlib

    table = settings["relay"]
    exact = hashlib.blake2b("\x1f".join(sorted(terms)).encode("utf-8"), digest_size=7, person=b"exact").digest()
    buckets = [int.from_bytes(exact, "little")]
    if len(terms) >= table["min_words"]:
        from .blocking import minhash_values

        values = minhash_values([t.encode("utf-8") for t in sorted(terms)], table["minhash_permutations"], 2
                                ).astype("<u8").tobytes()
        width = 8 * table["lsh_rows"]
        for band in range(table["lsh_bands"]):
            digest = hashlib.blake2b(values[band * width:(band + 1) * width], digest_size=7,
                                     person=band.to_bytes(2, "little")).digest()
            buckets.append(int.from_bytes(digest, "little"))
    return tuple(buckets)


def terms_jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0
