"""Blocking keys: what the cross-document steps use to find candidates without comparing everything.

Each key is a pure function of one document (or one name), computed with the rest of its records,
so that the store can file a new document among a ledger of any size with a few index lookups:

    text_signature   the MinHash of the text's word shingles (near-copies)
    minhash_bands    LSH band buckets of that signature: two near-copies share a bucket
    story_keys       pairs of the document's main entities, each with what it is most about (kept
                     in the ledger; stories themselves are filed by content)
    story_terms      the document's weighted words: the store files it in the story whose centroid
                     its TF-IDF vector is most like
    story_parts      a story's documents cut into the events of one kind it mixes
    name_block       the opening letters of a name's last word: names compared for spelling
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from functools import lru_cache
from typing import Iterable, Optional

from ..models import make_id
from ..settings import Settings
from .entities import initials, name_key

WORD = re.compile(r"\w+")
MINHASH_SCHEME = "affine32"  # stored signatures must be read back with the scheme that made them


@lru_cache(maxsize=8)
def _permutations(num_perm: int, seed: int):
    """The affine permutations (a odd, b) of datasketch's "affine32" scheme, drawn as it draws them."""
    import numpy as np

    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def minhash_values(items: Iterable[bytes], num_perm: int, seed: int):
    """The MinHash of byte strings, as datasketch's `MinHash(scheme="affine32")` computes it (SHA-1's
    first 32 bits, the MurmurHash3 finalizer, affine permutations mod 2^32, the minimum of each),
    equal to it value for value (a test pins this), without importing datasketch (and SciPy) in every
    worker. Returns uint32 values; the maximum for no items."""
    import numpy as np

    a, b = _permutations(num_perm, seed)
    hashes = [int.from_bytes(hashlib.sha1(item).digest()[:4], "little") for item in items]
    if not hashes:
        return np.full(num_perm, 0xFFFFFFFF, dtype=np.uint32)
    hv = np.array(hashes, dtype=np.uint32).reshape(-1, 1)
    with np.errstate(over="ignore"):
        hv = hv ^ (hv >> np.uint32(16))
        hv = hv * np.uint32(0x85EBCA6B)
        hv = hv ^ (hv >> np.uint32(13))
        hv = hv * np.uint32(0xC2B2AE35)
        hv = hv ^ (hv >> np.uint32(16))
        return (hv * a + b).min(axis=0)


def text_signature(text: str, settings: Settings) -> bytes:
    """The MinHash signature of the text's word shingles, as bytes for the store."""
    table = settings["group"]
    words = [w.lower() for w in WORD.findall(text)]
    n = table["shingle_words"]
    shingles = {" ".join(words[i:i + n]).encode("utf-8") for i in range(max(1, len(words) - n + 1))}
    return minhash_values(shingles, table["minhash_permutations"], 1).astype("<u8").tobytes()


def minhash_bands(signature: bytes, settings: Settings) -> tuple[int, ...]:
    """One bucket number per LSH band (`lsh_bands` bands of `lsh_rows` values each); empty when
    the signature is not of this ledger's size."""
    table = settings["group"]
    bands, rows = table["lsh_bands"], table["lsh_rows"]
    if len(signature) != 8 * table["minhash_permutations"]:
        return ()
    width = 8 * rows
    return tuple(int.from_bytes(hashlib.blake2b(signature[b * width:(b + 1) * width], digest_size=7).digest(),
                                "little") for b in range(bands))


def story_keys(entity_ids: Iterable[str], settings: Settings) -> tuple[str, ...]:
    """A key for each pair of an anchor (one of the document's `story_anchors` most-mentioned
    entities) with another of its `story_entities` most mentioned, counting only entities it
    mentions at least `story_entity_min_mentions` times. Two documents sharing a key share a story.
    A name said once (an outlet, a platform) makes no key, and every key holds an anchor, what the
    article is most about: pairs of names that recur in any coverage (two ministries) would
    otherwise chain unrelated stories into one."""
    table = settings["group"]
    counts = Counter(entity_ids)
    ranked = sorted((e for e, n in counts.items() if n >= table["story_entity_min_mentions"]),
                    key=lambda e: (-counts[e], e))[:table["story_entities"]]
    anchors = ranked[:table["story_anchors"]]
    pairs = {tuple(sorted((a, b))) for i, a in enumerate(anchors) for b in ranked[i + 1:]}
    return tuple(make_id("story", a, b, length=16) for a, b in sorted(pairs))


def name_block(name: str) -> str:
    """Names compared for near spelling share this: the first letters of their last word."""
    words = name_key(name).split()
    return words[-1][:3] if words else ""


def name_initials(name: str) -> str:
    """The initials of a name of several words (what an acronym spells); empty for one word."""
    return initials(name) if len(name.split()) > 1 else ""


def story_terms(text: str, settings: Settings) -> dict[str, float]:
    """The document's words, weighted for filing it among stories: counts of its content words (not
    `story_stopwords`), a capitalised word (a name) and a word of the first line (the headline)
    weighing more. The store turns them into a TF-IDF vector against the ledger's own document
    frequencies and compares it with the stories' centroids."""
    table = settings["group"]
    stop = set(table["story_stopwords"])
    weights: dict[str, float] = {}
    for n, line in enumerate(text.split("\n")):
        for word in STORY_WORD.findall(line):
            lower = word.lower()
            if lower in stop or (len(lower) < 3 and not lower[0].isdigit()):
                continue
            weight = (table["story_name_weight"] if word[0].isupper() else 1.0) * \
                (table["story_headline_weight"] if n == 0 else 1.0)
            weights[lower] = weights.get(lower, 0.0) + weight
    return weights


def story_vector(terms: dict[str, float], df: dict[str, int], documents: int, settings: Settings) -> dict[str, float]:
    """The `story_vector_terms` heaviest terms by TF-IDF (document frequencies `df` among
    `documents`, plus `story_prior_documents` that hold none of them), unit length."""
    import math

    table = settings["group"]
    size, prior = table["story_vector_terms"], table["story_prior_documents"]
    scored = {t: (1 + math.log(w)) * math.log((documents + prior + 1) / max(1, df.get(t, 1)))
              for t, w in terms.items()}
    top = sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))[:size]
    norm = math.sqrt(sum(v * v for _, v in top)) or 1.0
    return {t: v / norm for t, v in top if v > 0}


def story_parts(members: list[tuple[str, dict[str, float], Optional[str]]],
                settings: Settings) -> list[list[str]]:
    """A story's documents (id, story vector, publication date), in the order they were stored,
    cut into the events it mixes: two events of one kind filed together because the first article
    of the second was most like the first (two heavyweight bouts of one boxer, two jewel heists in
    one city). An article's nearest articles are nearly always of its own event, so the parts are
    the groups its documents form with their mutual nearest neighbours (`[group]
    story_split_neighbours`, from `story_split_min_similarity`), those of `story_split_min_part`
    documents on; the rest go with the part they are most like on average. Parts stay one story
    when they are alike on average (`story_split_keep_similarity`) or were published within
    `story_split_days` of each other: a long story's later news is still the story. One part:
    the story is one event."""
    import numpy as np

    table = settings["group"]
    smallest = table["story_split_min_part"]
    ids = [m[0] for m in members]
    if len(members) < 2 * smallest:
        return [ids]
    vocabulary = {t: i for i, t in enumerate(sorted({t for _, vector, _ in members for t in vector}))}
    matrix = np.zeros((len(members), len(vocabulary)))
    for row, (_, vector, _) in enumerate(members):
        for term, weight in vector.items():
            matrix[row, vocabulary[term]] = weight
    similar = matrix @ matrix.T
    np.fill_diagonal(similar, -1.0)
    nearest = [{int(j) for j in np.argsort(-similar[i], kind="stable")[:table["story_split_neighbours"]]
                if similar[i, j] >= table["story_split_min_similarity"]} for i in range(len(members))]
    mutual = [(i, j) for i, near in enumerate(nearest) for j in near if i in nearest[j]]
    parts = [g for g in components(range(len(members)), mutual) if len(g) >= smallest]
    dates = [_day(m[2]) for m in members]
    parts = _keep_alike_together(parts, similar, dates, table)
    if len(parts) < 2:
        return [ids]
    placed = {i for part in parts for i in part}
    for i in range(len(members)):
        if i not in placed:
            max(parts, key=lambda part: float(similar[i, part].mean())).append(i)
    return [[ids[i] for i in sorted(part)] for part in sorted(parts, key=min)]


def components(items: Iterable, linked: Iterable[tuple]) -> list[list]:
    """The items joined by the linked pairs, directly or through others (union-find), each group in
    the items' order and the groups in the order of their first item."""
    root = {x: x for x in items}

    def find(x):
        while root[x] != x:
            root[x] = root[root[x]]
            x = root[x]
        return x

    for a, b in linked:
        root[find(a)] = find(b)
    groups: dict = {}
    for x in root:
        groups.setdefault(find(x), []).append(x)
    return list(groups.values())


def _keep_alike_together(parts: list[list[int]], similar, dates: list, table) -> list[list[int]]:
    """Parts joined while two of them are alike on average or published close together."""
    parts = [list(p) for p in parts]
    joined = True
    while joined and len(parts) > 1:
        joined = False
        for a in range(len(parts)):
            for b in range(a + 1, len(parts)):
                alike = float(similar[parts[a]][:, parts[b]].mean()) >= table["story_split_keep_similarity"]
                close = any(abs((dates[i] - dates[j]).days) <= table["story_split_days"]
                            for i in parts[a] if dates[i] for j in parts[b] if dates[j])
                if alike or close:
                    parts[a] += parts.pop(b)
                    joined = True
                    break
            if joined:
                break
    return parts


def _day(published: Optional[str]):
    from datetime import date

    try:
        return date.fromisoformat(published[:10]) if published else None
    except ValueError:
        return None


STORY_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+|\d+(?:[.,]\d+)?")
