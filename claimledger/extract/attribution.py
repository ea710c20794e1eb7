"""Who said it: the originator of a figure or the speaker of a quote, read from the parse.

In order: a source phrase in the sentence ("according to X", "as per X", "citing X"); the subject of
a reporting verb that governs the item or stands nearest to it ("X said", "X estimates indicate",
a reporting clause after the figure); a pronoun or a common noun subject ("he", "the agency")
resolved to the nearest earlier entity of a fitting type. Nothing found means unattributed: a
source is never invented.
"""
from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from ..annotate import text_of
from ..models import Entity, Mention
from ..settings import Settings

PERSON_PRONOUNS = {"he", "she", "him", "her"}
POSSESSIVE_PRONOUNS = {"his", "her"}
OWNER_PREPS = ("by", "for", "from")  # "a survey by / for / from X": who made or commissioned it
GROUP_PRONOUNS = {"they", "it", "we"}
# A source phrase that is only one of these names no one (the figure's originator is unknown).
PRONOUN_SOURCES = frozenset(PERSON_PRONOUNS | GROUP_PRONOUNS | {"i", "you", "who", "which", "that", "this", "one"})
LABEL_RANK = {"PERSON": 0, "ORG": 1, "GPE": 2, "NORP": 3}
PHRASE_END = re.compile(r"[,;:.!?()“”\"]|\s[-–—]\s")
SUBJECT_DEPS = ("nsubj", "nsubjpass")
PROPER_WORD = re.compile(r"\b[A-Z][\w.'’-]*[a-z]")
# "The Frenchman", "the chairwoman", "the 38-year-old": nouns that can only name a person.
PERSON_NOUN = re.compile(r"(?:man|woman|-old)$")
PARAGRAPH_BREAK = re.compile(r"\n+")
ACRONYM = re.compile(r"\b[A-Z][A-Z&.]{1,}[A-Z]\b")
LEADING_ARTICLE = re.compile(r"^(?:the|a|an|The|A|An)\s+")
# How many clauses up a subjectless reporting verb's subject is sought (`subject_up_the_parse`).
CLIMB_STEPS = 5
# A subject longer than this is named by the entity inside it rather than by all its words.
MAX_SOURCE_WORDS = 14


@dataclass(frozen=True)
class Located:
    start: int
    end: int
    entity: str
    label: str


class MentionIndex:
    """The document's mentions in text order, with their entity type, for span look-ups."""

    def __init__(self, mentions: list[Mention], entities: list[Entity]):
        types = {e.id: e.type for e in entities}
        self.items = sorted((Located(m.start, m.end, m.entity, types.get(m.entity, "")) for m in mentions),
                            key=lambda x: x.start)
        self.starts = [x.start for x in self.items]
        self.counts = Counter(x.entity for x in self.items)
        self.quoted: set[int] = set()  # indexes of items inside direct quotes
        self.quote_spans: list[tuple[int, int]] = []

    def mark_quoted(self, spans: list[tuple[int, int]]) -> None:
        """Mentions inside these quotes are what a speaker talks about, not who speaks: a pronoun
        or a description after a quote refers past them."""
        self.quoted = {i for i, x in enumerate(self.items) for s, e in spans if s <= x.start and x.end <= e}
        self.quote_spans = sorted(spans)

    def in_quote(self, pos: int) -> bool:
        i = bisect.bisect_right(self.quote_spans, (pos, float("inf"))) - 1
        return i >= 0 and self.quote_spans[i][0] <= pos < self.quote_spans[i][1]

    def inside(self, start: int, end: int) -> list[Located]:
        i = bisect.bisect_left(self.starts, start)
        out = []
        while i < len(self.items) and self.items[i].start < end:
            if self.items[i].end <= end:
                out.append(self.items[i])
            i += 1
        return out

    def best_inside(self, start: int, end: int, head: Optional[int] = None) -> Optional[Located]:
        """The entity a phrase names: the one holding its head word, else a person before an
        organisation before a place, the earliest first."""
        found = self.inside(start, end)
        if not found:
            return None
        if head is not None:
            holding = [x for x in found if x.start <= head < x.end]
            if holding:
                return holding[0]
        return min(found, key=lambda x: (LABEL_RANK.get(x.label, 9), x.start))

    def salient_person_before(self, pos: int, reach: int) -> Optional[Located]:
        """Who "he" or "the defender" most likely is: the last person named before `pos`, unless
        that name occurs once in the document while another person named within `reach` recurs
        (a passing name, or a place the tagger took for a person, is rarely who speaks on)."""
        last = self.last_before(pos, {"PERSON"})
        if last is None or self.counts[last.entity] > 1:
            return last
        i = bisect.bisect_left(self.starts, pos) - 1
        best = last
        while i >= 0 and self.items[i].start >= pos - reach:
            x = self.items[i]
            if x.label == "PERSON" and self.counts[x.entity] > self.counts[best.entity] and i not in self.quoted:
                best = x
            i -= 1
        return best

    def people_between(self, start: int, end: int) -> list[Located]:
        """The people named between two offsets, outside direct quotes, in text order."""
        i = bisect.bisect_left(self.starts, start)
        out = []
        while i < len(self.items) and self.items[i].start < end:
            x = self.items[i]
            if x.label == "PERSON" and x.end <= end and i not in self.quoted:
                out.append(x)
            i += 1
        return out

    def last_before(self, pos: int, labels: set[str]) -> Optional[Located]:
        i = bisect.bisect_left(self.starts, pos) - 1
        while i >= 0:
            if self.items[i].label in labels and self.items[i].end <= pos and i not in self.quoted:
                return self.items[i]
            i -= 1
        return None


def phrase_source(doc, sent, start: int, end: int, index: MentionIndex, settings: Settings,
                  within: tuple[int, int] = (0, 1 << 62)) -> Optional[tuple[Optional[str], str]]:
    """An "according to X" style source in the sentence, nearest to the item."""
    phrases = settings["attribution"]["source_phrases"]
    text = text_of(doc)
    best = None
    pattern = re.compile(rf"\b(?:{'|'.join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))})\s+",
                         re.IGNORECASE)
    for m in pattern.finditer(text, sent.start_char, sent.end_char):
        if start <= m.start() < end or not within[0] <= m.start() < within[1]:
            continue
        if is_rate(doc, m.end()):
            continue  # "$84 per barrel", "per cent": a rate, not a source
        p_start, phrase_end = phrase_extent(doc, m.end(), min(sent.end_char, within[1]))
        if p_start <= start < phrase_end:
            phrase_end = start
        if describes_phrase_object(doc, m.end(), start):
            continue  # "according to Interoute, which links 92 cities": the writer's aside on the source
        phrase = text[p_start:phrase_end].strip()
        if not phrase or len(phrase.split()) > 12 or not phrase[:1].isalpha():
            continue
        if not phrase_covers(doc, m.start(), start, end):
            continue
        distance = abs(m.start() - start)
        if best is None or distance < best[0]:
            best = (distance, p_start, p_start + len(phrase), phrase)
    if best is None:
        return None
    _, p_start, p_end, phrase = best
    words = doc.char_span(p_start, p_start + len(phrase), alignment_mode="expand")
    located = index.best_inside(p_start, p_end, words.root.idx if words is not None else None)
    return (located.entity if located else None), phrase


def describes_phrase_object(doc, begin: int, start: int) -> bool:
    """Whether the item sits in the object of the source phrase starting at `begin`, past its first
    word: a clause or apposition that says who the source is."""
    noun = phrase_object(doc, begin, len(text_of(doc)))
    item = doc.char_span(start, start + 1, alignment_mode="expand")
    if noun is None or item is None or start <= begin:
        return False
    return item[0] in noun.subtree and item[0].i != noun.i


def phrase_object(doc, begin: int, limit: int):
    """The object of the source phrase whose words start at `begin` ("according to [the agency]"),
    found up the parse from its first word without leaving [begin, limit); None when the parse has none."""
    first = doc.char_span(begin, min(limit, begin + 1), alignment_mode="expand")
    if first is None:
        return None
    noun = first[0]
    while noun.dep_ not in ("pobj", "dobj") and noun.head.i != noun.i and begin <= noun.head.idx < limit:
        noun = noun.head  # (a token's head is a new object each time: compare positions, never identity)
    return noun if noun.dep_ in ("pobj", "dobj") else None


def is_rate(doc, begin: int) -> bool:
    """Whether the words after "per" make a rate: a bare common noun ("per barrel", "per day"), with no
    determiner or name that would make it a source ("per the report", "per Reuters")."""
    span = doc.char_span(begin, min(begin + 1, len(text_of(doc))), alignment_mode="expand")
    if span is None or not len(span):
        return False
    word = span[0]
    before = doc[word.i - 1].lower_ if word.i > 0 else ""
    return before == "per" and word.pos_ in ("NOUN", "NUM", "SYM") and word.tag_ != "NNP"


def base_forms(token) -> frozenset[str]:
    """The token's lemma and its plain inflection stems: the lemmatizer misses some ("rated" → "rat")."""
    return _base_forms(token.lower_, token.lemma_)


@lru_cache(maxsize=65536)
def _base_forms(word: str, lemma: str) -> frozenset[str]:
    stems = {word, lemma.lower()}
    for suffix in ("s", "es", "d", "ed", "ing"):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            stem = word[: -len(suffix)]
            stems |= {stem, stem + "e"}
    return frozenset(stems)


def phrase_extent(doc, begin: int, limit: int, asides: bool = False) -> tuple[int, int]:
    """The words after "according to": the object's noun phrase when the parse has one, else up to
    the next punctuation. Without `asides`, a clause set off by a comma that says who the source is
    (", which runs a network ...") is not part of its name."""
    noun = phrase_object(doc, begin, limit)
    if noun is not None:
        aside = set() if asides else {t.i for c in noun.rights if c.dep_ in ("relcl", "appos", "acl")
                                      and doc[c.left_edge.i - 1].is_punct for t in c.subtree}
        words = [t for t in noun.subtree if t.idx >= begin and t.i not in aside]
        while len(words) > 1 and words[-1].is_punct:
            words.pop()
        return words[0].idx, min(limit, words[-1].idx + len(words[-1].text))
    tail = text_of(doc)[begin:limit]
    stop = PHRASE_END.search(tail)
    return begin, begin + (stop.start() if stop else len(tail))


def names_someone(found: tuple[Optional[str], str]) -> bool:
    """A source that is an entity or has a proper name in its words, not "people" or "they"."""
    entity, words = found
    capitalised = [i for i, w in enumerate(LEADING_ARTICLE.sub("", words).split()) if PROPER_WORD.match(w)]
    return bool(entity) or len(capitalised) > 1 or any(i > 0 for i in capitalised)


def phrase_covers(doc, phrase_start: int, start: int, end: int) -> bool:
    """Whether "according to X" at `phrase_start` speaks for the item: it follows the item (closing
    the sentence), attaches to the sentence's root, or to the clause that holds the item; not so
    when it opens a later clause ("300 were killed, and according to X 2,000 were hurt")."""
    cue = doc.char_span(phrase_start, phrase_start + 1, alignment_mode="expand")
    item = doc.char_span(start, end, alignment_mode="expand")
    if cue is None or item is None:
        return True
    if phrase_start > start:
        return cue.start == 0 or doc[cue.start - 1].pos_ != "CCONJ"
    head = cue[0].head
    return head.dep_ == "ROOT" or head == cue[0] or item.root in head.subtree


def reporting_verbs(sent, settings: Settings, speech: bool = False) -> list:
    """Reporting verbs in the sentence, and cue nouns the tagger took for verbs ("the U.S. estimate that").
    With `speech` (for a direct quote), also every verb that can frame spoken words: claim verbs and
    verbs of the manner of speaking ("she shot back", "he quipped")."""
    table = settings["attribution"]
    cues = set(table["cue_verbs"]) | (set(table["claim_verbs"]) | set(table["speech_verbs"]) if speech else set())
    out = []
    for t in sent:
        if not base_forms(t) & cues:
            continue
        if t.pos_ in ("VERB", "AUX") or (t.pos_ == "NOUN" and t.i + 1 < len(t.doc) and t.doc[t.i + 1].lower_ == "that"):
            out.append(t)
    return out


def subject_tokens(verb) -> Optional[list]:
    """The words naming who reports: the subject; for a participle or infinitive without one, the
    subject of the verb it hangs from ("Stumpf tried ..., explaining ..."); after a quote, the name
    following an inverted verb ("...,” cautioned another defector, Pak Yusung"); before a cue noun
    the tagger took for a verb, the words before it."""
    agent = next((c for c in verb.children if c.dep_ == "agent"), None)
    named_by = [c for c in agent.children if c.dep_ == "pobj"] if agent is not None else []
    if named_by:
        return list(named_by[0].subtree)  # "the plan announced by the minister": the minister
    if verb.tag_ == "VBN" and any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children):
        return None  # "GDP is expected at 3%", "41 are confirmed dead": what is reported, not who reports
    if verb.tag_ == "VBN" and verb.dep_ == "acl":
        return None  # "the man accused of shooting three": what was done to him, by someone unnamed
    subjects = [c for c in verb.children if c.dep_ in SUBJECT_DEPS]
    if subjects:
        return list(min(subjects, key=lambda c: abs(c.i - verb.i)).subtree)
    if verb.pos_ == "NOUN":  # "a New York Times report that ...": the noun's owner, else the words before
        owners = [c for c in verb.children if c.dep_ in ("poss", "compound", "nmod") and c.i < verb.i]
        phrase_start = min((t.i for c in verb.lefts for t in c.subtree), default=verb.i)
        joined = phrase_start > verb.sent.start and verb.doc[phrase_start - 1].pos_ == "CCONJ"
        if owners and not joined:  # not "South Korea and the U.S. estimate that ..."
            return sorted((t for c in owners for t in c.subtree), key=lambda t: t.i)
        return [t for t in verb.sent if t.i < verb.i] or None
    names_before = proper_name_before(verb)
    if verb.tag_ == "VBG" and verb.dep_ == "advcl" and names_before and names_before[-1].ent_type_ == "DATE":
        names_before = []  # "tweeted early Friday saying ...": a day is not who says it
    if verb.tag_ == "VBG" and names_before:
        return names_before  # "footage of Hillary Clinton asking, ...", however it is parsed
    if verb.dep_ == "acl" and verb.head.pos_ in ("PROPN", "NOUN"):
        return [t for t in verb.head.subtree if t.i <= verb.head.i]  # "footage of Hillary Clinton asking, ..."
    if verb.dep_ in ("advcl", "xcomp", "conj") and verb.head.i != verb.i:
        inherited = [c for c in verb.head.children if c.dep_ in SUBJECT_DEPS]
        if inherited:
            return list(inherited[0].subtree)
    follows_quote = verb.i > verb.sent.start and verb.doc[verb.i - 1].is_punct
    after = next((c for c in verb.rights if c.dep_ in ("dobj", "attr", "appos", "npadvmod", "oprd")
                  and c.pos_ in ("PROPN", "NOUN")), None)
    if after is not None and follows_quote:
        return list(after.subtree)
    return subject_up_the_parse(verb)


def subject_up_the_parse(verb) -> Optional[list]:
    """The subject of the clause a subjectless reporting verb hangs from, a few steps up ("began by
    saying", "seemed to think", "stopped short of calling"); for "X quoted Y as saying", Y."""
    v = verb
    for _ in range(CLIMB_STEPS):
        if v.dep_ == "pcomp" and v.head.dep_ == "prep":
            if v.head.lower_ == "as" and v.head.head.lemma_.lower() in ("quote", "cite"):
                quoted = [c for c in v.head.head.children if c.dep_ == "dobj"]
                return list(quoted[0].subtree) if quoted else None
            v = v.head.head
        elif v.dep_ in ("advcl", "xcomp", "conj", "acomp", "prep", "pcomp") and v.head.i != v.i:
            v = v.head
        else:
            return None
        subjects = [c for c in v.children if c.dep_ in SUBJECT_DEPS]
        if subjects:
            return list(subjects[0].subtree)
    return None


def referent_of_description(head, index: MentionIndex, settings: Settings) -> Optional[Located]:
    """"The agency", "the carrier", "the study", "the spokesman": a definite description that
    speaks refers to the organisation or person named shortly before it: a person when its noun is
    a person's role, else an organisation (what reports and is not a person is a body or its
    document); nouns that name nobody in particular ("the source", "the witness") stay words."""
    if head.pos_ != "NOUN" or not any(c.lower_ in ("the", "this", "that") for c in head.children):
        return None
    table = settings["attribution"]
    lemma = head.lemma_.lower()
    if lemma in table["source_nouns"]:
        earlier = owner_of_earlier_mention(head, index, table)
        if earlier is not None:
            return earlier
    if lemma in table["person_role_nouns"] or PERSON_NOUN.search(head.lower_):
        found = index.salient_person_before(head.idx, table["description_reach_chars"])
    elif lemma in table["unresolved_nouns"]:
        return None
    else:
        found = index.last_before(head.idx, {"ORG"})
    if found is None or head.idx - found.end > table["description_reach_chars"]:
        return None
    return found


def owner_of_earlier_mention(head, index: MentionIndex, table: dict) -> Optional[Located]:
    """"The report predicted ...": the report named before it ("a report by Forrester Research",
    "the IMF's report") belongs to the entity named in that earlier phrase."""
    doc = head.doc
    reach = head.idx - table["description_reach_chars"] * 3
    for t in reversed(doc[:head.i]):
        if t.idx < reach:
            break
        if t.pos_ != "NOUN" or t.lemma_.lower() != head.lemma_.lower():
            continue
        words = list(t.subtree)
        owner = index.best_inside(words[0].idx, words[-1].idx + len(words[-1].text))
        if owner is not None:
            return owner
    return None


def counted_subject(words: list) -> bool:
    """"70% said", "two in three voters believe": a counted share of people answering a survey
    is what a report counts, not who reports it."""
    head = next((w for w in words if w.head not in words), words[0])
    if head.lower_ == "one" and any(c.dep_ == "prep" and c.lower_ == "of" for c in head.children):
        return False  # "one of the family's lawyers, Ada Kim, said": one person, not a share
    def year(c) -> bool:
        return c.ent_type_ == "DATE" or (c.text.isdigit() and len(c.text) == 4)
    return head.like_num or head.pos_ == "NUM" or head.lower_ in ("%", "percent", "per") or \
        any(c.dep_ == "nummod" and not year(c) for c in head.children) and head.pos_ != "PROPN"


def proper_name_before(verb) -> list:
    """The run of proper nouns right before the verb, if any."""
    words = []
    i = verb.i - 1
    while i >= verb.sent.start and verb.doc[i].pos_ == "PROPN":
        words.insert(0, verb.doc[i])
        i -= 1
    return words


def earlier_reporter(doc, verb, index: MentionIndex, settings: Settings, depth: int):
    """"..., the report predicted. ..., it said": "it" reporting goes on with whoever reported
    last, in this sentence or the one before, when that was a body or its document."""
    sent = verb.sent
    start = doc[sent.start - 1].sent.start if sent.start > 0 else sent.start
    verbs = [v for v in reporting_verbs(doc[start:verb.i], settings) if v.i < verb.i]
    for v in reversed(verbs):
        words = subject_tokens(v)
        if not words or words[0].lower_ == "it":
            continue
        found = subject_source(doc, v, index, v.sent.start_char, settings, depth=depth + 1)
        if found and found[0]:
            return found
    return None


def subject_source(doc, verb, index: MentionIndex, before: int, settings: Settings,
                   item: tuple[int, int] = (0, 0), depth: int = 0) -> Optional[tuple[Optional[str], str]]:
    """The reporting verb's subject as (entity id or None, the words naming it); None when there is
    none, or when the subject holds the item itself ("Just 9 percent of voters said ...")."""
    words = subject_tokens(verb)
    if not words:
        return None
    s_start, s_end = words[0].idx, words[-1].idx + len(words[-1].text)
    if s_start < item[1] and item[0] < s_end or counted_subject(words):
        return None
    surface = text_of(doc)[s_start:s_end]
    head = words[0] if len(words) == 1 else next((w for w in words if w.head not in words), words[0])
    if head.lower_ in PERSON_PRONOUNS:
        return pronoun_referent(doc, head, index, settings)
    if head.lower_ == "it" and depth < 2:
        earlier = earlier_reporter(doc, verb, index, settings, depth)
        if earlier is not None:
            return earlier
    if head.lower_ in GROUP_PRONOUNS:
        found = index.last_before(before, {"ORG", "GPE", "PERSON"})
        return (found.entity, text_of(doc)[found.start:found.end]) if found else None
    located = index.best_inside(s_start, s_end, head.idx)
    if located is None and head.pos_ == "NOUN" and head.lemma_.lower() in settings["attribution"]["source_nouns"]:
        owner = source_noun_owner(doc, head, index, settings)  # "a survey for the charity suggests"
        if owner is not None:
            return owner
    if (located is None or located.label == "NORP") and \
            is_person_description(head, settings["attribution"]["person_role_nouns"], definite=True):
        found = pronoun_referent(doc, head, index, settings)  # "the coach added": who has been speaking
        if found and found[1]:
            return found
    located = located or referent_of_description(head, index, settings)
    if head.pos_ == "PRON" and not located:
        return None
    phrase = surface.rstrip(" ,;:-—–")
    if located is None and head.pos_ == "PROPN":
        phrase = proper_name_of(doc, head)  # "40-year-old Ana Ruiz, a nurse" is Ana Ruiz
    if len(phrase.split()) > MAX_SOURCE_WORDS:
        return (located.entity, text_of(doc)[located.start:located.end]) if located else None
    return (located.entity if located else None), phrase


def grammatical_role(doc, found: Located) -> str:
    """How a name stands in its clause: "subject" (of any verb, also as the apposition or conjunct of
    one), "oblique" (a possessor, "Moore's film", or inside a prepositional phrase, "at Blackburn",
    "by Mokoena"), else "object"."""
    span = doc.char_span(found.start, found.end, alignment_mode="expand")
    if span is None:
        return "object"
    token = span.root
    while token.dep_ in ("compound", "flat", "appos", "conj", "nmod", "amod") and token.head.i != token.i:
        token = token.head
    if token.dep_ in SUBJECT_DEPS:
        return "subject"
    if token.dep_ in ("poss", "pobj", "agent", "pcomp"):
        return "oblique"
    return "object"


def sentence_at(doc, pos: int):
    """The sentence holding the character offset, None outside the text."""
    span = doc.char_span(pos, min(pos + 1, len(text_of(doc))), alignment_mode="expand")
    return span[0].sent if span is not None and len(span) else None


def pronoun_referent(doc, token, index: MentionIndex, settings: Settings, depth: int = 0
                     ) -> Optional[tuple[Optional[str], str]]:
    """Who "he", "she" or "the defender" (`token`) is, the way a reader follows a story: the named
    subject of a clause governing it in its own sentence; else, sentence by sentence back
    (`pronoun_sentences`, within `pronoun_reach_chars`), who last spoke (the subject of a reporting
    verb, itself resolved when it is "he" or a description), or a person who is a sentence's subject;
    else the person in the nearest sentence naming one, subjects before objects before possessors."""
    table = settings["attribution"]
    if depth > table["pronoun_sentences"]:
        return None
    for governing in token.head.ancestors if token.head.i != token.i else ():
        for c in governing.children:
            if c.dep_ in SUBJECT_DEPS and c.i < token.i and c.pos_ == "PROPN" and not index.in_quote(c.idx):
                found = speaker_named_by(doc, list(c.subtree), index, settings, depth, speaking=True)
                if found:
                    return found
    for c in token.sent:  # a person who is the subject of another clause before it, outside quotes
        if c.i >= token.i:
            break
        if c.dep_ in SUBJECT_DEPS and c.ent_type_ == "PERSON" and not index.in_quote(c.idx):
            found = speaker_named_by(doc, list(c.subtree), index, settings, depth, speaking=False)
            if found:
                return found
    reporting = set(table["cue_verbs"]) | set(table["claim_verbs"])
    roles = set(table["person_role_nouns"])
    sent, reach = token.sent, token.idx - table["pronoun_reach_chars"]
    for _ in range(table["pronoun_sentences"]):
        if sent.start == 0:
            break
        sent = doc[sent.start - 1].sent
        if sent.end_char < reach:
            break
        for words, speaking in speaker_candidates(sent, index, reporting, roles):
            found = speaker_named_by(doc, words, index, settings, depth, speaking)
            if found and found[1]:
                return found
    located = nearest_person(doc, token.idx, index, table["pronoun_sentences"])
    return (located.entity, text_of(doc)[located.start:located.end]) if located else None


def speaker_candidates(sent, index: MentionIndex, reporting: set[str], roles: set[str]) -> list[tuple[list, bool]]:
    """Who may be speaking on after this sentence: the subjects of its reporting verbs (outside
    quotes), then its main subject when that is a person (a name, "he", "the coach")."""
    out = []
    for verb in sent:
        if verb.pos_ in ("VERB", "AUX") and base_forms(verb) & reporting and not index.in_quote(verb.idx):
            words = subject_tokens(verb)
            if words and not index.in_quote(words[0].idx) and not counted_subject(words):
                out.append((words, True))
    for c in sent.root.children:
        if c.dep_ in SUBJECT_DEPS and not index.in_quote(c.idx) and (
                c.ent_type_ == "PERSON" or c.lower_ in PERSON_PRONOUNS or is_person_description(c, roles)):
            out.append((list(c.subtree), False))
    return out


def speaker_named_by(doc, words: list, index: MentionIndex, settings: Settings, depth: int,
                     speaking: bool) -> Optional[tuple[Optional[str], str]]:
    """The person (or, for one who is reporting, the body) a candidate subject names; through "he"
    and person descriptions to whom they refer."""
    head = next((w for w in words if w.head not in words), words[0])
    if head.lower_ in PERSON_PRONOUNS:
        return pronoun_referent(doc, head, index, settings, depth + 1)
    start, end = words[0].idx, words[-1].idx + len(words[-1].text)
    located = index.best_inside(start, end, head.idx)
    if located is not None and located.label != "NORP" and (
            located.label == "PERSON" or speaking and not names_a_body(text_of(doc)[located.start:located.end], settings)):
        return located.entity, text_of(doc)[located.start:located.end]
    if (located is None or located.label == "NORP") and speaking and head.pos_ == "PROPN":
        return None, proper_name_of(doc, head)  # a name the model missed ("Democratic Sen. Ann Roe")
    if (located is None or located.label == "NORP") and \
            is_person_description(head, settings["attribution"]["person_role_nouns"], definite=True):
        return pronoun_referent(doc, head, index, settings, depth + 1)
    return None


def names_a_body(name: str, settings: Settings) -> bool:
    """Whether a name says it is an organisation ("Rural Care Trust", "the Apex Group", "NATO"):
    such a name is never "he" or "she", though a person the model typed as an organisation may be."""
    words = set(settings["attribution"]["body_name_words"])
    return name.isupper() and len(name) > 1 or any(w.strip(".,") in words for w in name.split())


def is_person_description(head, role_nouns, definite: bool = False) -> bool:
    """"The coach", "the 55-year-old Frenchman", "a spokeswoman": a singular noun naming a person's
    role (`person_role_nouns`) or a person ("-man", "-woman", "-old")."""
    if head.tag_ not in ("NN", "NNP") or head.pos_ not in ("NOUN", "PROPN"):
        return False
    if not (head.lemma_.lower() in role_nouns or PERSON_NOUN.search(head.lower_)):
        return False
    determiners = {c.lower_ for c in head.children if c.dep_ == "det"}
    return bool(determiners & {"the", "this", "that"}) or (not definite and bool(determiners & {"a", "an"}))


def nearest_person(doc, pos: int, index: MentionIndex, sentences: int) -> Optional[Located]:
    """The person in the nearest sentence before `pos` that names one: a subject before an object,
    a possessor or a name after a preposition only when that is all; past a sentence whose subject
    is "he" or "she" (its referent is further back). Beyond that, the last person named."""
    sent = sentence_at(doc, pos)
    fallback = None
    while sent is not None and sentences > 0:
        end = min(pos, sent.end_char)
        roles = [(grammatical_role(doc, x), x) for x in index.people_between(sent.start_char, end)]
        subjects = [x for role, x in roles if role == "subject"]
        if subjects:
            return subjects[-1]
        pronoun_subject = any(t.lower_ in ("he", "she") and t.dep_ in SUBJECT_DEPS and t.idx < end for t in sent)
        objects = [x for role, x in roles if role == "object"]
        if objects and not pronoun_subject:
            return objects[-1]
        if roles and fallback is None and not pronoun_subject:
            fallback = roles[-1][1]
        sentences -= 1
        sent = doc[sent.start - 1].sent if sent.start > 0 else None
    return fallback or index.last_before(pos, {"PERSON"})


def proper_name_of(doc, head) -> str:
    """The run of proper nouns around a name's head word, without its titles' descriptions, age or
    appositive."""
    first = last = head.i
    while first - 1 >= head.sent.start and doc[first - 1].pos_ == "PROPN" and doc[first - 1].head.i in range(first - 1, last + 2):
        first -= 1
    while last + 1 < head.sent.end and doc[last + 1].pos_ == "PROPN" and doc[last + 1].head == head:
        last += 1
    return text_of(doc)[doc[first].idx:doc[last].idx + len(doc[last].text)]


def find_source(doc, start: int, end: int, index: MentionIndex, settings: Settings,
                verbs_outside: tuple[int, int] | None = None, within: tuple[int, int] | None = None,
                named_only: bool = False, speech: bool = False,
                within_quote: bool = False) -> tuple[Optional[str], Optional[str]]:
    """(entity id, source words) for the item at [start, end); (None, None) when unattributed.

    `verbs_outside` is a span no reporting verb may come from (the quote itself); `within` bounds
    where one may come from (the quote's paragraph). With `named_only`, a source that names no
    entity ("people say") does not count. With `speech` the item is a direct quote: any verb of
    saying may frame it (`reporting_verbs`). With `within_quote` the item lies in a direct quote and
    `within` is that quote: a verb of wanting or planning there tells what someone wants, and it is the
    quote's speaker who says so."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None, None
    sent = span.sent
    outside = verbs_outside or (start, end)
    lo, hi = within or (0, len(text_of(doc)))
    found = phrase_source(doc, sent, *outside, index, settings, (lo, hi))
    if found and (not named_only or names_someone(found)):
        return found
    if not within_quote:
        found = framing_source(doc, sent, span, index, settings, (lo, hi))
        if found and (not named_only or names_someone(found)):
            return found
    verbs = [v for v in reporting_verbs(sent, settings, speech)
             if not (outside[0] <= v.idx < outside[1]) and lo <= v.idx < hi]
    if within_quote:  # "'The agency wanted 60 votes,' she said": a want the speaker tells of
        attitude = set(settings["attribution"]["attitude_verbs"])
        verbs = [v for v in verbs if not base_forms(v) & attitude]
    for verb in ranked_verbs(verbs, span):
        if speaker_holds_item(verb, outside):
            break  # "Two soldiers say ...": the figure is part of who speaks, not what is said
        if not speech and reports_elsewhere(verb, span, settings["attribution"]):
            continue  # a quote's verb of saying is found by its own rules (quotes.py)
        found = subject_source(doc, verb, index, sent.start_char, settings, outside)
        if found and (not named_only or names_someone(found)):
            return found
    if speech:
        return None, None  # who speaks a quote is never the owner of a report named beside it
    return (owner_of_source_noun(doc, sent, index, settings, lo, hi)
            or (None if within_quote else framing_source(doc, sent, span, index, settings, (lo, hi), owned=False))
            or (None, None))


def source_noun_owner(doc, noun, index: MentionIndex, settings: Settings
                      ) -> Optional[tuple[Optional[str], str]]:
    """Who a report, survey or study belongs to: its possessor ("Oxfam's report", "his plan"), who
    made or commissioned it ("a survey for the charity", "a study carried out by X", "a poll published
    in Y"), or a name compounded with it ("a Gallup poll"); a description among them is resolved ("the
    charity" is the charity named before). None when nothing says."""
    for c in noun.children:
        if c.dep_ == "poss":
            if c.lower_ in POSSESSIVE_PRONOUNS:
                return pronoun_referent(doc, c, index, settings)
            found = index.best_inside(min(t.idx for t in c.subtree),
                                      max(t.idx + len(t.text) for t in c.subtree), c.idx)
            if found is not None:
                return found.entity, text_of(doc)[found.start:found.end]
    preps = [c for c in noun.children if c.dep_ == "prep" and (c.lower_ in OWNER_PREPS or c.lower_ == "in" and any(
        g.dep_ == "pobj" and g.pos_ == "PROPN" for g in c.children))]  # "a survey in the Daily Post"
    for made in (c for c in noun.children if c.dep_ == "acl" and c.tag_ == "VBN"):
        preps += [c for c in made.children if c.dep_ == "agent" or c.dep_ == "prep" and c.lower_ in OWNER_PREPS + ("in",)]
    for prep in preps:
        owner = next((c for c in prep.children if c.dep_ == "pobj"), None)
        if owner is None or owner.ent_type_ in ("DATE", "TIME", "GPE", "LOC") or owner.like_num:
            continue
        words = sorted(owner.subtree, key=lambda t: t.i)
        found = index.best_inside(words[0].idx, words[-1].idx + len(words[-1].text), owner.idx)
        if found is None and owner.pos_ == "NOUN":
            found = referent_of_description(owner, index, settings)
        if found is not None:
            return found.entity, text_of(doc)[found.start:found.end]
        if owner.pos_ in ("NOUN", "PROPN") and len(words) <= MAX_SOURCE_WORDS:
            return None, text_of(doc)[words[0].idx:words[-1].idx + len(words[-1].text)]  # "the charity"
    for c in noun.children:
        if c.dep_ in ("compound", "nmod"):
            words = list(c.subtree)
            start, end = words[0].idx, words[-1].idx + len(words[-1].text)
            found = index.best_inside(start, end, c.idx)
            if found is not None and found.label != "NORP":
                return found.entity, text_of(doc)[start:end]  # the whole name: "CNN/ORC", "Reuters/Ipsos"
    return None


def framing_source(doc, sent, span, index: MentionIndex, settings: Settings, within: tuple[int, int],
                   owned: bool = True) -> Optional[tuple[Optional[str], str]]:
    """"Under Mrs. Lee's plan, ...", "In a Gallup poll, ...": a source noun with an owner, in a
    phrase set on the clause that holds the item, frames what the clause says. Not `owned`, the
    noun itself is the source when it has no owner and its phrase opens the sentence ("In a poll
    released Sunday, 62 percent ...")."""
    nouns = set(settings["attribution"]["source_nouns"])
    for prep in sent:
        if prep.dep_ != "prep" or prep.lower_ not in ("under", "in") or not within[0] <= prep.idx < within[1]:
            continue
        noun = next((c for c in prep.children if c.dep_ == "pobj" and c.lemma_.lower() in nouns), None)
        clause = prep.head  # the clause it frames: up to the main verb ("Under X's plan, those filing ... would pay")
        while clause.dep_ not in ("ROOT", "ccomp", "conj") and clause.head.i != clause.i:
            clause = clause.head
        if noun is None or clause.pos_ not in ("VERB", "AUX"):
            continue
        inside_phrase = {t.i for t in prep.subtree}
        holds = {t.i for t in clause.subtree} - inside_phrase
        if span.root.i not in holds:
            continue
        owner = source_noun_owner(doc, noun, index, settings)
        if owner is not None and owner[0] is not None:
            return owner
        if not owned and owner is None and prep.i == sent.start and clause.i > noun.i:
            return None, unowned_source_words(doc, noun)  # a phrase that opens the sentence
    return None


def unowned_source_words(doc, noun) -> str:
    """The words naming a report no entity owns: the name compounded with it ("a New York Times/CBS
    News survey" is New York Times/CBS News), else the noun with its article ("a poll")."""
    names = [t for t in noun.lefts if t.dep_ in ("compound", "nmod") and t.pos_ == "PROPN"]
    if names:
        words = sorted({w for t in names for w in t.subtree}, key=lambda w: w.i)
        words = [w for w in words if w.pos_ != "DET" and w.dep_ != "amod"]
        if words:
            return text_of(doc)[words[0].idx:words[-1].idx + len(words[-1].text)]
    words = [t for t in noun.lefts if t.dep_ in ("det", "amod", "compound")] + [noun]
    return text_of(doc)[words[0].idx:noun.idx + len(noun.text)]


def owner_of_source_noun(doc, sent, index: MentionIndex, settings: Settings, lo: int, hi: int):
    """"The IMF's estimate", "a Reuters/Ipsos poll": the first source noun in the sentence whose owner
    (`source_noun_owner`) is a named entity."""
    nouns = set(settings["attribution"]["source_nouns"])
    for t in sent:
        if t.pos_ != "NOUN" or not lo <= t.idx < hi or t.lemma_.lower() not in nouns:
            continue
        owner = source_noun_owner(doc, t, index, settings)
        if owner is not None and owner[0] is not None:
            return owner
    return None


def speaker_holds_item(verb, item: tuple[int, int]) -> bool:
    words = subject_tokens(verb)
    return bool(words) and words[0].idx < item[1] and item[0] < words[-1].idx + len(words[-1].text)


def reports_elsewhere(verb, span, table: dict) -> bool:
    """Whether a reporting verb reports something else than the item: one whose content follows a
    clause break after the item ("2 dead in mall shooting; police say the gunman worked there"); one
    whose subject goes on to do what holds the item ("Police told staff to stay, then evacuated the
    9-storey block"); one that does not govern the item and stands in a clause hung on another
    ("When the talks had concluded, two men were hurt"), unless that clause frames the sentence."""
    content = governed_content(verb, table)
    if content is not None and content[0] > verb.idx and span.end_char <= content[0] and any(
            t.text in table["clause_breaks"] for t in span.doc[span.end:verb.i]):
        return True
    governing = set(span.root.ancestors) | {span.root}
    if verb in governing:  # it reports its own content, then does what holds the item
        step = next((c for c in verb.children if c in governing), None)
        return step is not None and step.dep_ == "conj" and content is not None and \
            not content[0] <= span.start_char < content[1]
    path = [verb]
    while path[-1].head.i != path[-1].i and path[-1].head not in governing:
        path.append(path[-1].head)
    return any(hung_on_another(t, table) for t in path)


def hung_on_another(clause, table: dict) -> bool:
    """A relative clause, or an adverbial one a word opens ("When the talks had concluded"), not
    one that frames its sentence ("As the Post reported") nor a bare participle ("..., saying")."""
    if clause.dep_ not in table["subordinate_clause_deps"]:
        return False
    if clause.dep_ != "advcl":
        return True
    opener = [c for c in clause.children if c.dep_ == "mark" or c.tag_ == "WRB"]
    return bool(opener) and not frames_the_sentence(clause, table)


def frames_the_sentence(clause, table: dict) -> bool:
    """"As the Post reported, ...": a clause opened by a framing mark speaks for its sentence."""
    return any(c.dep_ == "mark" and c.lower_ in table["framing_marks"] for c in clause.children)


def ranked_verbs(verbs: list, span) -> list:
    """Verbs that govern the item first, then the others by distance."""
    return sorted(verbs, key=lambda v: (v not in span.root.ancestors, abs(v.i - span.start)))


@dataclass(frozen=True)
class Relation:
    """One attribution read from the parse: who (source), the cue (a reporting verb or a source
    phrase) and what is attributed (the content), each as a character span of the clean text."""

    source: Optional[str]
    source_text: Optional[str]
    cue_start: int
    cue_end: int
    start: int  # the content's span
    end: int


def reported_relations(doc, index: MentionIndex, settings: Settings) -> list[Relation]:
    """Every reported-speech relation in the document: a reporting verb with what it governs
    ("X said that ...", "..., X said", "X urged Y to ...", "X denied the report", "X called for ...")
    and a source phrase with the clause it speaks for ("according to X, ..."). A relation whose
    source names nobody is left out."""
    table = settings["attribution"]
    verbs = set(table["cue_verbs"]) | set(table["claim_verbs"])
    out = []
    for sent in doc.sents:
        for verb in sent:
            if verb.pos_ not in ("VERB", "AUX"):
                continue
            if not base_forms(verb) & verbs:
                found = stance_relation(doc, verb, index, settings)
                if found is not None:
                    out.append(found)
                continue
            passive = passive_relation(doc, verb, index, table)
            if passive is not None:
                out.append(passive)
                continue
            content = governed_content(verb, table)
            if content is None:
                continue
            # "X, Mr. Clarke said, Y": the reporting clause sits inside what it reports
            item = (0, 0) if content[0] < verb.idx < content[1] else content
            found = subject_source(doc, verb, index, sent.start_char, settings, item)
            if found and (found[0] or names_someone(found) or ACRONYM.search(found[1] or "")):
                out.append(Relation(found[0], found[1], verb.idx, verb.idx + len(verb.text), *content))
        out.extend(phrase_relations(doc, sent, index, settings))
        out.extend(noun_relations(doc, sent, index, table))
    return out


def noun_relations(doc, sent, index: MentionIndex, table: dict) -> list[Relation]:
    """"A Herald report that the mill will close", "the ministry's claim that ...": a source noun
    with a "that" clause, owned by a named body or person, reports that clause."""
    out = []
    nouns = set(table["source_nouns"]) | set(table["claim_nouns"])
    for t in sent:
        if t.pos_ != "NOUN" or t.lemma_.lower() not in nouns:
            continue
        clause = next((c for c in t.children if c.dep_ in ("acl", "ccomp", "relcl") and c.i > t.i and
                       any(w.dep_ == "mark" and w.lower_ == "that" for w in c.children)), None)
        owner = next((c for c in t.children if c.dep_ in ("poss", "compound") and c.i < t.i), None)
        if owner is None and t.dep_ in ("dobj", "attr") and t.head.lemma_.lower() in table["claim_light_verbs"]:
            # "the senator expressed concern that ...", "she made the case that ...": who does it
            owner = next((c for c in t.head.children if c.dep_ == "nsubj"), None)
        if clause is None or owner is None or owner.pos_ == "PRON" and owner.lower_ not in POSSESSIVE_PRONOUNS:
            continue
        words = list(owner.subtree)
        located = index.best_inside(words[0].idx, words[-1].idx + len(words[-1].text), owner.idx)
        if located is None:
            continue
        content = list(clause.subtree)
        out.append(Relation(located.entity, text_of(doc)[located.start:located.end], t.idx, t.idx + len(t.text),
                            content[0].idx, content[-1].idx + len(content[-1].text)))
    return out


def governed_content(verb, table: dict) -> Optional[tuple[int, int]]:
    """The span of what a reporting verb reports: its clausal complement (with an object standing
    between them, "urged voters to ..."), else its object ("denied the report"), else the object of
    a preposition that names a topic ("called for ...", "spoke about ..."); None when it governs
    nothing said."""
    right = [c for c in verb.children if c.i > verb.i]
    clausal = [c for c in verb.children if c.dep_ in table["claim_clause_deps"]]
    objects = [c for c in right if c.dep_ in ("dobj", "dative", "oprd")]
    topics = [c for c in right if c.dep_ == "prep" and c.lower_ in table["claim_topic_preps"]]
    if not clausal:  # the small parser often hangs "said on Monday that ..." on the verb as advcl
        clausal = [c for c in right if c.dep_ == "advcl" and c.tag_ != "VBG"]
    if clausal:
        clause = min(clausal, key=lambda c: abs(c.i - verb.i))
        parts = [clause] + ([o for o in objects if o.i < clause.i] if clause.i > verb.i else [])
    elif objects and verb.lemma_.lower() not in table["claim_clause_only_verbs"]:
        parts = objects + topics[:1]  # "accused X of ...", "likened X to ...", "painted X as ..."
    elif topics and verb.lemma_.lower() not in table["claim_clause_only_verbs"]:
        parts = topics[:1]
    else:
        return interrupted_content(verb)
    words = sorted((w for part in parts for w in part.subtree), key=lambda w: w.i)
    words = [w for w in words if not w.is_punct or words[0].i < w.i < words[-1].i]
    if len(words) < table["claim_min_words"]:
        return None
    return words[0].idx, words[-1].idx + len(words[-1].text)


def stance_relation(doc, verb, index: MentionIndex, settings: Settings) -> Optional[Relation]:
    """"Politifact pointed out that ...", "Trump charges that ...": any verb whose subject is a named
    person or body and which governs a "that" (or wh-) clause states that person's claim; the parse
    decides, not a list of verbs."""
    table = settings["attribution"]
    clause = next((c for c in verb.children if c.dep_ == "ccomp" and c.i > verb.i and
                   any(w.dep_ == "mark" and w.lower_ in table["stance_marks"] or
                       w.tag_ in ("WDT", "WP", "WRB") for w in c.children)), None)
    if clause is None:
        return None
    subjects = [c for c in verb.children if c.dep_ == "nsubj"]
    if not subjects:
        return None
    words = list(subjects[0].subtree)
    located = index.best_inside(words[0].idx, words[-1].idx + len(words[-1].text), subjects[0].idx)
    if located is None or located.label not in ("PERSON", "ORG", "NORP", "GPE"):
        return None
    content = list(clause.subtree)
    return Relation(located.entity, text_of(doc)[located.start:located.end], verb.idx, verb.idx + len(verb.text),
                    content[0].idx, content[-1].idx + len(content[-1].text))


def interrupted_content(verb) -> Optional[tuple[int, int]]:
    """"The air, Mr. Obama noted, had become worse": a reporting clause set into what it reports
    (the parser hangs it on that clause) reports the words of its head around it."""
    head = verb.head
    if verb.dep_ not in ("parataxis", "advcl", "ccomp", "conj") or head.i == verb.i or \
            not any(c.dep_ in SUBJECT_DEPS for c in verb.children) or head.pos_ not in ("VERB", "AUX"):
        return None
    inner = {w.i for w in verb.subtree}
    words = [w for w in head.subtree if w.i not in inner and not w.is_punct]
    before = [w for w in words if w.i < verb.i]
    if len(before) < 2:
        return None
    return before[0].idx, max(w.idx + len(w.text) for w in words)


def passive_relation(doc, verb, index: MentionIndex, table: dict) -> Optional[Relation]:
    """"The plan was first reported by the Herald": the agent of a passive reporting verb is the
    source, and its passive subject what is reported."""
    subject = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
    agent = next((c for c in verb.children if c.dep_ == "agent"), None)
    if subject is None or agent is None:
        return None
    objects = [c for c in agent.children if c.dep_ == "pobj"]
    if not objects:
        return None
    who = list(objects[0].subtree)
    w_start, w_end = who[0].idx, who[-1].idx + len(who[-1].text)
    located = index.best_inside(w_start, w_end, objects[0].idx)
    words = text_of(doc)[w_start:w_end]
    if located is None and not names_someone((None, words)):
        return None
    content = list(subject.subtree)
    if len(content) < table["claim_min_words"] and subject.pos_ == "PRON":
        return None
    return Relation(located.entity if located else None, words, verb.idx, verb.idx + len(verb.text),
                    content[0].idx, content[-1].idx + len(content[-1].text))


def phrase_relations(doc, sent, index: MentionIndex, settings: Settings) -> list[Relation]:
    """"According to X, ...": the phrase speaks for the rest of its sentence."""
    phrases = settings["attribution"]["claim_source_phrases"]
    pattern = re.compile(rf"\b(?:{'|'.join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))})\s+",
                         re.IGNORECASE)
    text = text_of(doc)
    out = []
    for m in pattern.finditer(text, sent.start_char, sent.end_char):
        p_start, p_end = phrase_extent(doc, m.end(), sent.end_char)
        words = doc.char_span(p_start, p_end, alignment_mode="expand")
        if words is None or len(words) > 12:
            continue
        located = index.best_inside(p_start, p_end, words.root.idx)
        source_text = text[p_start:p_end].strip(" ,;:")
        if not source_text or not names_someone((located.entity if located else None, source_text)):
            continue
        before = (sent.start_char, m.start())
        after = (phrase_extent(doc, m.end(), sent.end_char, asides=True)[1], sent.end_char)
        content = max((trim_span(text, *before), trim_span(text, *after)), key=lambda s: s[1] - s[0])
        if content[1] - content[0] < 2:
            continue
        out.append(Relation(located.entity if located else None, source_text, m.start(),
                            m.start() + len(m.group(0).rstrip()), *content))
    return out


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without white space and punctuation at either end."""
    while start < end and (text[start].isspace() or text[start] in ",;:—–-"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:.—–-"):
        end -= 1
    return start, end


def source_in_discourse(doc, start: int, end: int, relations: list[Relation], settings: Settings,
                        ) -> tuple[Optional[str], Optional[str]]:
    """The source a careful reader gives an item its own sentence attributes to nobody: the
    relation whose content holds it (the innermost), else the source of the report the text is
    still relaying: the last relation before it (in its own sentence, one told forward), when its
    cue stands in the same paragraph, or in the previous one that the item's paragraph goes on relaying
    (`continues_report`), within `carry_reach_chars`. Nothing found stays unattributed."""
    holding = [r for r in relations if r.start <= start and end <= r.end]
    if holding:
        r = min(holding, key=lambda r: r.end - r.start)
        return r.source, r.source_text
    sentence = sentence_at(doc, start)
    opening = sentence.start_char if sentence is not None else start
    # in its own sentence, only a report told forward ("X endorsed one plan: freeing 2,472 ...");
    # after an inverted one ("..., said 40-year-old Ana Ruiz") come words on who spoke
    before = [r for r in relations if r.cue_end <= opening or r.cue_end <= start and r.start >= r.cue_end]
    if not before:
        return None, None
    last = max(before, key=lambda r: r.cue_start)
    text = text_of(doc)
    reach = settings["attribution"]["carry_reach_chars"]
    breaks = len(PARAGRAPH_BREAK.findall(text, last.cue_end, start))
    if start - last.cue_start > reach or breaks > settings["attribution"]["carry_paragraphs"]:
        return None, None
    if breaks and not continues_report(text, sentence, last):
        return None, None
    return last.source, last.source_text


def continues_report(text: str, sentence, last: Relation) -> bool:
    """Whether a new paragraph still relays the report before it: the report ended on a colon
    ("She argued that:"), or the paragraph's subject is who spoke, by name or as "he" or "she"
    ("Ms Reyes also takes aim at ..."). A paragraph about something else ("The quake struck
    at a depth of 10 km") is the writer's own."""
    if sentence is None:
        return False
    if text[:sentence.start_char].rstrip().endswith(":"):
        return True
    spoken = {w.lower() for w in re.findall(r"\w+", last.source_text or "")}
    for word in sentence.root.children:
        if word.dep_ in ("nsubj", "nsubjpass"):
            if word.lower_ in PERSON_PRONOUNS or word.lower_ in spoken:
                return True
    return False
