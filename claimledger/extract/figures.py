"""Figures: numbers with their qualifier, what they count, a category and who originated them.

Numbers are found by a pattern built from the `[figures]` tables (digits, number words, scale
words, currency, percent, ranges, qualifiers); spaCy's entities veto the ones that are dates, times,
ordinals or parts of names. What is counted comes from the parse, the category from the nearest
cue in the sentence, the originator from `attribution.find_source`.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Optional

from ..annotate import ents_of, text_of
from ..models import Quantity, Quote, make_id
from ..settings import Settings
from .attribution import MentionIndex, find_source, source_in_discourse
from .dates import as_of

DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# Text tokenised before it was published has its separators set apart ("230, 000", "6. 1"): in a
# document written that way (`detached_separators` in patterns.toml finds it) a space may follow one.
DETACHED_DIGITS = r"\d{1,3}(?:, ?\d{3})+(?:\. ?\d+)?|\d{1,3}\. \d{1,2}(?![\d,])|\d+(?:\.\d+)?"
SEPARATOR_SPACE = re.compile(r"(?<=\d)([.,]) (?=\d)")
CONFLICT = ("casualties", "killed", "wounded", "captured", "deployed")


@dataclass(frozen=True)
class NumberMatch:
    start: int
    end: int
    low: Optional[float]
    high: Optional[float]
    qualifier: str
    vague: bool
    unit: Optional[str]
    core_start: int
    core_end: int


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@functools.cache
def number_pattern(settings: Settings, detached: bool = False) -> re.Pattern:
    f = settings["figures"]
    words = _alternation(list(f["number_words"]))
    number = rf"(?:{DETACHED_DIGITS if detached else DIGITS}|(?:{words})(?:-(?:{words}))?)"
    scale = rf"(?:\s?(?:{_alternation(f['scale_words'])})\b)?"
    currency = rf"(?:{_alternation(f['currency_symbols'])})?"
    amount = rf"{currency}(?:a\s)?{number}{scale}"
    joiner = _alternation(f["range_joiners"])
    qualifier = _alternation(f["qualifiers_floor"] + f["qualifiers_ceiling"] + f["qualifiers_approximate"])
    percent = rf"(?:\s?(?:{_alternation(f['percent_words'])})(?!\w))?"
    vague = _alternation(f["vague_words"])
    # "magnitude-6.1": a number hyphenated to a measure cue is one
    # "48km", "193km/h": a unit written onto its number
    glued = f"(?:{_alternation(u for kind in f['units'].values() for u in kind if ' ' not in u)})"
    measure_prefixes = "".join(f"(?<={re.escape(cue)}-)|" for cue in sorted(f["measure_cues"]))
    return re.compile(
        rf"(?:{measure_prefixes}(?<![\w/#.,:$£€¥-]))"
        rf"(?:(?P<qual>{qualifier})\s+)?(?:(?P<between>between|from)\s+)?"
        rf"(?:(?P<low>{amount})(?:\s?(?:{joiner})\s?(?:(?:{qualifier})\s+)?(?P<high>{amount}))?|(?P<vague>{vague}))"
        rf"(?P<pct>{percent})"
        rf"(?!(?!{glued}\b)[\w/]|[.,:]\d)",
        re.IGNORECASE)


def parse_amount(text: str, settings: Settings) -> tuple[Optional[float], Optional[str]]:
    f = settings["figures"]
    unit = None
    for symbol, code in f["currency_symbols"].items():
        if text.startswith(symbol):
            unit, text = code, text[len(symbol):]
    text = SEPARATOR_SPACE.sub(r"\1", text.strip().lower())
    if text.startswith("a "):
        text = text[2:]
    scale = 1.0
    for word, factor in sorted(f["scale_words"].items(), key=lambda kv: -len(kv[0])):
        m = re.search(rf"\s?{re.escape(word)}$", text)
        if m and m.start() > 0:
            scale, text = float(factor), text[:m.start()]
            break
    if re.fullmatch(DIGITS, text):
        return float(text.replace(",", "")) * scale, unit
    total = 0.0
    for part in text.split("-"):
        if part not in f["number_words"]:
            return None, unit
        total += f["number_words"][part]
    return total * scale, unit


def find_numbers(text: str, settings: Settings) -> list[NumberMatch]:
    f = settings["figures"]
    floor, ceiling = set(f["qualifiers_floor"]), set(f["qualifiers_ceiling"])
    out = []
    detached = re.search(f["detached_separators"], text) is not None
    for m in number_pattern(settings, detached).finditer(text):
        qual = (m.group("qual") or "").lower()
        if m.group("vague"):
            value = float(f["vague_words"][m.group("vague").lower()])
            core = m.span("vague")
            out.append(NumberMatch(m.start(), m.end(), value, None, "vague", True, None, *core))
            continue
        low, unit = parse_amount(m.group("low"), settings)
        high = None
        if m.group("high"):
            high, unit2 = parse_amount(m.group("high"), settings)
            unit = unit or unit2
        if low is None or (m.group("high") and high is None):
            continue
        if m.group("pct"):
            unit = "percent"
        core = (m.start("low"), m.end("high") if m.group("high") else m.end("low"))
        if high is not None:
            if m.group("between") is None and high <= low:
                continue
            out.append(NumberMatch(m.start(), m.end(), low, high, "range", False, unit, *core))
        elif qual in floor:
            out.append(NumberMatch(m.start(), m.end(), low, None, "floor", False, unit, *core))
        elif qual in ceiling:
            out.append(NumberMatch(m.start(), m.end(), None, low, "ceiling", False, unit, *core))
        else:
            out.append(NumberMatch(m.start(), m.end(), low, low, "approximate" if qual else "exact",
                                   False, unit, *core))
    return out


def is_not_a_figure(match: NumberMatch, doc, text: str, settings: Settings) -> bool:
    """Dates, years, clock times, ordinals, list numbers, parts of names, a lone pronoun "one"."""
    f = settings["figures"]
    core = text[match.core_start:match.core_end]
    if re.fullmatch(r"0\d+", core):
        return True  # "000", "03": a code or the broken tail of "1, 000", never an amount
    if core.lower() in f["pronoun_numbers"] and not counts_a_toll(doc, match, None, None, settings, text):
        return True
    if re.fullmatch(r"\d{4}", core) and f["year_range"][0] <= int(core) <= f["year_range"][1] \
            and match.unit is None:
        return True
    line_start = text.rfind("\n", 0, match.start) + 1
    if match.start == line_start and re.match(r"\d{1,2}[.)]\s", text[match.core_start:]):
        return True
    span = doc.char_span(match.core_start, match.core_end, alignment_mode="expand")
    if span is None:
        return False
    if is_model_number(span, core):
        return True
    labels = {tok.ent_type_ for tok in span} - {""}
    if labels & set(f["time_entity_labels"]):
        return not (is_duration_or_age(text, match, doc, f) or is_appositive_age(doc, span))
    if labels & set(f["name_entity_labels"]):
        return match.unit is None and not has_scale_word(text[match.core_start:match.core_end], f)
    return False


def is_model_number(span, core: str) -> bool:
    """A number that is part of a name: digits right after a proper noun and before a singular noun
    or nothing ("the SEA-ME-WE 4 cable", "Flight 370", "Apollo 11"): a count of more than one
    counts a plural."""
    if not re.fullmatch(r"\d{1,4}", core) or int(core) < 2 or span.start == 0:
        return False
    if span.end >= len(span.doc) or span.doc[span.end].like_num:
        return False
    before, after = span.doc[span.start - 1], span.doc[span.end]
    singular_or_none = after.is_punct or after.tag_ in ("NN", "NNP") or after.pos_ not in ("NOUN", "PROPN")
    named = before.pos_ == "PROPN" and before.text[:1].isupper() or before.is_alpha and before.is_upper \
        and len(before.text) > 1  # "the SEA-ME-WE 4 cable": an acronym the tagger took for a noun
    return named and not before.is_sent_start and before.whitespace_ != "" and singular_or_none


def is_lone_pronoun(match: NumberMatch, text: str, settings: Settings) -> bool:
    return text[match.core_start:match.core_end].lower() in settings["figures"]["pronoun_numbers"]


def counts_a_toll(doc, match: NumberMatch, counted: Optional[str], category: Optional[str], settings: Settings,
                  text: Optional[str] = None) -> bool:
    """"One" is a figure when it is qualified ("at least one") or is what a verb of a toll acts on
    ("killing one man", "one person died"); elsewhere it is a pronoun or an article ("one of them
    said", "one captive said")."""
    if match.qualifier not in ("exact",):
        return True
    if category is None:
        return text is None or not re.match(r"\s+of\b", text[match.end:match.end + 4])
    f = settings["figures"]
    span = doc.char_span(match.core_start, match.core_end, alignment_mode="expand")
    if span is None or category not in f["people_verb_categories"]["categories"]:
        return False
    return governing_category(counted_noun(span), f["conflict_categories"], verb_only=True) == category


def is_duration_or_age(text: str, match: NumberMatch, doc, f: dict) -> bool:
    """"10 years", "a 30-minute interview", "aged 17 and 20": amounts of time, not dates."""
    ent = next((e for e in ents_of(doc) if e.start_char <= match.core_start < e.end_char), None)
    window = text[match.core_start:max(match.end, ent.end_char if ent else match.end) + 12].lower()
    before = text[max(0, match.start - 20):match.start].lower()
    units = "|".join(f["duration_units"])
    return bool(re.match(rf"[\d.,\w\s-]*?[\s-](?:{units})s?\b", window)) or \
        bool(re.search(r"\bage[sd]?\b(?: of)?\s*$", before))


def has_scale_word(core: str, f: dict) -> bool:
    return any(re.search(rf"\b{re.escape(w)}$", core.lower()) for w in f["scale_words"] if len(w) > 2)


def counted_phrase(doc, match: NumberMatch) -> Optional[str]:
    """The noun phrase the number quantifies: "North Korean soldiers", "them" in "4,000 of them"."""
    span = doc.char_span(match.core_start, match.core_end, alignment_mode="expand")
    if span is None:
        return None
    last = span[-1]
    i = last.i + 1
    while i < len(doc) and doc[i].text in ("-", "–") or (i < len(doc) and doc[i].lower_ in ("strong",)):
        i += 1
    if i + 1 < len(doc) and doc[i].lower_ == "out" and doc[i + 1].lower_ == "of":
        i += 1  # "three out of four lines"
    if i < len(doc) and doc[i].lower_ == "of":
        i += 1
        while i < len(doc) and doc[i].pos_ == "DET":
            i += 1  # "three of the people"
    words = []
    while i < len(doc) and (doc[i].pos_ in ("ADJ", "NOUN", "PROPN", "PRON", "NUM", "PUNCT") or
                            is_participle_modifier(doc, i)) and len(words) < 8:
        tok = doc[i]
        if tok.pos_ == "PUNCT" and tok.text not in ("-",):
            break
        words.append(tok)
        if tok.pos_ == "PRON" or (tok.pos_ in ("NOUN", "PROPN") and
                                  (i + 1 >= len(doc) or doc[i + 1].pos_ not in ("NOUN", "PROPN"))):
            break
        i += 1
    while words and words[-1].pos_ not in ("NOUN", "PROPN", "PRON"):
        words.pop()
    if not words:
        return number_of_phrase(span) or valued_noun(span)
    return text_of(doc)[words[0].idx:words[-1].idx + len(words[-1].text)]


def is_participle_modifier(doc, i: int) -> bool:
    """"40 damaged shops", "12 wounded soldiers": a past participle before the noun it describes."""
    return doc[i].tag_ == "VBN" and i + 1 < len(doc) and doc[i + 1].pos_ in ("NOUN", "PROPN", "ADJ")


def valued_noun(span) -> Optional[str]:
    """The noun before a bare figure that it is the value of ("a city of population 167,000", "a
    population of 20,000"): what it counts. A tally noun ("a toll of 40") is left to the cues."""
    root = span.root
    head = root.head if root.dep_ == "nummod" else \
        root.head.head if root.dep_ == "pobj" and root.head.lower_ == "of" else None
    if head is None or head.i >= root.i or head.pos_ != "NOUN" or head.lemma_.lower() in NUMBER_NOUNS:
        return None
    return head.text


NUMBER_NOUNS = ("number", "total", "count", "tally", "toll", "figure", "estimate")


def number_of_phrase(span) -> Optional[str]:
    """"put the number of North Korean soldiers at around 12,000": what "number of" names."""
    for tok in span.sent:
        if tok.lemma_.lower() in NUMBER_NOUNS and tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ == "of":
            head = next((c for c in tok.doc[tok.i + 1].children if c.dep_ == "pobj"), None)
            if head is not None:
                words = [t for t in head.subtree if t.i <= head.i]
                return text_of(span.doc)[words[0].idx:head.idx + len(head.text)]
    return None


def category_of(doc, match: NumberMatch, counted: Optional[str], settings: Settings) -> str:
    """What kind of figure this is, from its unit, the words around it and the parse: a measure
    (money, percent, distance, magnitude, age, duration, rank, ...), a toll (killed, wounded, ...)
    of the people its verb acts on, or a plain count."""
    if match.unit == "percent":
        return "percent"
    if match.unit:
        return "money"
    f = settings["figures"]
    span = doc.char_span(match.core_start, match.core_end, alignment_mode="expand")
    noun = counted_noun(span) if span is not None else None
    kind = measure_kind(doc, match, span, noun, f)
    if kind:
        return kind
    people = is_people(noun, counted, f)
    parsed = governing_category(noun, f["conflict_categories"], event_nouns=tuple(f["event_nouns"])) \
        if noun is not None else None
    named = cue_word(counted, f["conflict_categories"])
    if named:
        return named  # "Leaves Guard Dead and 3 Hurt": the headline's word after the number is the toll
    if parsed and (people or parsed in f["people_verb_categories"]["categories"] and acted_on(noun)):
        return parsed
    if people and speaks(noun, settings):
        return "count"  # "two former soldiers say ...": the people counted are who speaks, not a toll
    if people:
        return nearest_conflict_cue(doc, match, f["conflict_categories"]) or "count"
    if not counted:
        return tally_category(span, f["conflict_categories"]) or nearest_conflict_cue(
            doc, match, f["conflict_categories"], f["bare_figure_cue_distance"]) or "other"
    return "count"


def cue_word(counted: Optional[str], table: dict[str, list[str]]) -> Optional[str]:
    """The category of a counted "phrase" that is one toll word ("2 Hurt", "5 dead", "3 missing")."""
    word = (counted or "").lower()
    return next((category for category, cues in table.items() if " " not in word and word in cues), None)


def partitive_whole(doc, match: NumberMatch, f: dict) -> Optional[str]:
    """"25 of the injured were flown out", "four of the dead were children": a part of a toll the
    text has already given, written into what is counted ("of the injured"); "4,000 of them" is not."""
    m = re.match(r"\s+of\s+the\s+(\w+)\b", text_of(doc)[match.core_end:match.core_end + 40])
    word = doc.char_span(match.core_end + m.start(1), match.core_end + m.end(1)) if m else None
    if word is not None and cue_category(word[0], f["conflict_categories"]):
        return f"{f['partitive_scope']} {word.text.lower()}"
    return None


def acted_on(noun) -> bool:
    """Whether a noun may be what a verb of a toll acts on: not the object of a preposition other than
    "of" ("evacuated to 10 temporary shelters": the shelters are where, not who, was evacuated)."""
    return noun.dep_ != "pobj" or noun.head.lower_ in ("of", "among", "including")


def tally_category(span, table: dict[str, list[str]]) -> Optional[str]:
    """The category of the tally a bare figure is the value of, from the parse: "bringing the
    confirmed death toll from the disaster to 11", "put the number of injured at 40"."""
    if span is None or span.root.dep_ != "pobj" or span.root.head.lower_ not in ("to", "at"):
        return None
    verb = span.root.head.head
    for tally in verb.children:
        if tally.dep_ in ("dobj", "nsubj", "nsubjpass") and tally.lemma_.lower() in NUMBER_NOUNS:
            found = next((c for tok in tally.subtree if tok.i != tally.i
                          for c in [cue_category(tok, table, exact=True)] if c), None)
            if found:
                return found
    return None


MEASURES = ("percent", "money", "distance", "speed", "area", "weight", "magnitude")


def measured_thing(noun, f: dict) -> Optional[str]:
    """What a measure measures, from the parse: "45% of voters" (voters), "$2bn in aid" (aid), "a
    depth of 10 km" (depth), "55 km west of the town" (town), "the damage cost 200 million euros"
    (damage), "turnout rose to 45%" (turnout)."""
    preps = set(f["measure_of_preps"])
    x = noun
    while x.dep_ in ("appos", "conj") and x.head.i != x.i:
        x = x.head
    for owner in (x, x.head):
        for child in owner.children:
            if child.dep_ == "prep" and child.lower_ in preps | {"from"}:
                obj = next((c for c in child.children if c.dep_ == "pobj"), None)
                if obj is not None and not obj.like_num and obj.pos_ in ("NOUN", "PROPN"):
                    return phrase_lemma(obj)
        if owner.pos_ in ("VERB", "AUX"):
            break
    if x.dep_ == "pobj" and x.head.lower_ in preps and x.head.head.pos_ == "NOUN":
        return phrase_lemma(x.head.head)
    verb, steps = x, 0
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i and steps < 4:
        verb, steps = verb.head, steps + 1
    if verb.pos_ in ("VERB", "AUX"):
        subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and not c.is_ancestor(noun)
                        and c.i != noun.i), None)
        if subject is not None and subject.pos_ == "NOUN":
            return phrase_lemma(subject)
    return None


def phrase_lemma(tok) -> str:
    """A noun with its compounds and the place it is of ("traffic to India": traffic to india)."""
    words = [c.lemma_.lower() for c in tok.children if c.dep_ == "compound" and c.i < tok.i] + [tok.lemma_.lower()]
    for child in tok.children:
        if child.dep_ == "prep" and child.lower_ != "between":  # "traffic between Europe and Asia": a route
            obj = next((c for c in child.children if c.dep_ == "pobj" and c.ent_type_ in ("GPE", "LOC", "FAC")), None)
            if obj is not None:
                words += [child.lower_, obj.text.lower()]
                break
    for child in tok.children:
        if child.dep_ == "poss" and child.ent_type_ in ("GPE", "LOC", "FAC"):
            words.insert(0, child.text.lower().removesuffix("'s").removesuffix("’s"))
    return " ".join(words)


def main_places(doc, f: dict) -> set[str]:
    """The document's most mentioned places, lower case: where its whole story happens."""
    cached = doc.user_data.get("claimledger_main_places")
    if cached is None:
        counts: dict[str, int] = {}
        for ent in ents_of(doc):
            if ent.label_ in f["scope_labels"]:
                name = ent.text.lower().removeprefix("the ")  # "the Rift Valley" is "Rift Valley"
                counts[name] = counts.get(name, 0) + 1
        cached = set(sorted(counts, key=lambda k: (-counts[k], k))[:f["scope_main_places"]])
        doc.user_data["claimledger_main_places"] = cached
    return cached


def toll_scope(doc, match: NumberMatch, settings: Settings, stated_only: bool = False) -> Optional[str]:
    """Where or in what a toll is counted: "in Bener Meriah district", "at the hospital", or the
    year of the event that caused it ("in 2004" for "the 2004 tsunami killed ..."). With
    `stated_only`, only a place or year the figure's own clause states, not the place its speaker
    answers for nor how badly people were hurt."""
    f = settings["figures"]
    span = doc.char_span(match.core_start, match.core_end, alignment_mode="expand")
    if span is None:
        return None
    noun = counted_noun(span)
    verb, steps = noun, 0
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i and steps < 6:
        verb, steps = verb.head, steps + 1
    owners = [noun] + clause_verbs(verb, f["scope_verb_climb"])
    if verb.pos_ in ("VERB", "AUX"):  # "12 were killed and 70 injured by collapsing buildings in X"
        owners += [c for c in verb.children if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX")]
    for owner in owners:
        for child in owner.children:
            place = place_phrase(doc, child, f)
            if place:
                return place
    fronted = fronted_phrase(span)
    if fronted is not None:
        place = place_phrase(doc, fronted, f)
        if place:
            return place
    place = None if stated_only else speaker_place(doc, verb, f, settings["attribution"]["cue_verbs"])
    if place:
        return place
    severity = None if stated_only else severity_of(verb if verb.pos_ in ("VERB", "AUX") else noun, noun, f)
    if severity:
        return severity
    if verb.pos_ in ("VERB", "AUX"):
        for child in verb.children:
            if child.dep_ in ("nsubj", "nsubjpass") and child.i != noun.i and not child.is_ancestor(noun):
                year = next((t.text for t in child.subtree if re.fullmatch(r"(?:1[89]|20)\d\d", t.text)), None)
                if year:
                    return f"in {year}"
    return None


def place_phrase(doc, prep, f: dict, nested: bool = True) -> Optional[str]:
    """The scope a place phrase gives ("in Bener Meriah district"), from a preposition of
    `scope_preps` whose object names a place other than the document's main ones; a place inside
    the object's own phrase counts ("in a village in Bener Meriah district")."""
    agent = prep.dep_ == "agent" and nested  # "injured by collapsing buildings in X": X, never "by"
    if not agent and (prep.dep_ != "prep" or prep.lower_ not in f["scope_preps"]):
        return None
    obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
    if obj is None:
        return None
    if agent:
        return next((p for p in map(lambda c: place_phrase(doc, c, f, nested=False), obj.children) if p), None)
    if obj.lemma_.lower() in f["event_nouns"]:
        return None  # "2 hurt in Ohio office shooting": the event, not a place in it
    words = [t for t in obj.subtree if t.i <= obj.i and t.dep_ not in ("det", "poss", "punct")]
    words = words[-f["scope_max_words"]:]
    place = " ".join(t.text for t in words if t.ent_type_ in f["scope_labels"]) or named_as_place(obj, words, f)
    if not place and len(words) == 1 and any(c.dep_ == "det" and c.lower_ == "the" for c in obj.children):
        words = named_before(doc, obj, f) or words  # "in the district": the district named before
        place = " ".join(t.text for t in words if t.ent_type_ in f["scope_labels"])
        if holds_main_place(doc, place, f):
            return None  # "across the province": the province the whole story happens in
    if place and place.lower() not in main_places(doc, f):
        return f"{prep.lower_} " + " ".join(t.text for t in words)
    if nested and not place:
        return next((p for p in map(lambda c: place_phrase(doc, c, f, nested=False), obj.children) if p), None)
    return None


def named_as_place(obj, words: list, f: dict) -> str:
    """A name the model took for a person's or an organisation's that its own phrase makes a place's:
    a place noun with the name on it ("Bukit Sari village") or in apposition to it ("Tessel, the
    capital of Drava district")."""
    nouns = f["scope_place_nouns"]
    names = [w for w in words if w.pos_ == "PROPN" and w.ent_type_ in ("PERSON", "ORG")]
    if obj.lemma_.lower() in nouns and any(w.dep_ == "compound" for w in names) or \
            obj.i in {w.i for w in names} and any(c.dep_ == "appos" and c.lemma_.lower() in nouns
                                                  for c in obj.children):
        return " ".join(w.text for w in words)
    return ""


def named_before(doc, noun, f: dict) -> list:
    """The words of the nearest earlier place that a definite common noun names again ("the
    district" after "Bener Meriah district"): that noun with a place name on it, within
    `scope_anaphor_sentences` sentences before."""
    sentences = 0
    for t in reversed(doc[:noun.sent.start]):
        if t.is_sent_end:
            sentences += 1
            if sentences > f["scope_anaphor_sentences"]:
                break
        if t.lemma_.lower() == noun.lemma_.lower():
            names = [c for c in t.children if c.dep_ == "compound" and c.ent_type_ in f["scope_labels"]]
            if names:
                return [w for w in t.subtree
                        if w.i <= t.i and w.dep_ not in ("det", "poss", "punct", "case")][-f["scope_max_words"]:]
    return []


def holds_main_place(doc, place: str, f: dict) -> bool:
    """Whether a place named back ("the province": "West Papua province") holds one of the
    document's main places: then it is where the whole story happens."""
    words = set(place.lower().split())
    return any(set(main.split()) <= words for main in main_places(doc, f))


def speaker_place(doc, verb, f: dict, cue_verbs: list[str]) -> Optional[str]:
    """The place the speaker of the figure's clause answers for, when the words naming them hold
    one ("the Sorong regency police spokesman told ...", or "the regency police spokesman" after
    Sorong regency was named): their count is that place's, not the whole story's."""
    steps = 0
    while verb.dep_ in ("ccomp", "advcl", "conj", "xcomp") and verb.head.i != verb.i and steps < 4:
        verb, steps = verb.head, steps + 1
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is None or verb.lemma_.lower() not in cue_verbs:
        return None
    for word in subject.subtree:  # "the regency police spokesman Snr. Comr. Agus Rianto"
        if word.i >= subject.i or word.dep_ != "compound" or word.pos_ != "NOUN":
            continue
        named = named_before(doc, word, f)
        place = " ".join(t.text for t in named if t.ent_type_ in f["scope_labels"])
        if place and not holds_main_place(doc, place, f):
            return "in " + " ".join(t.text for t in named)
    return None


def fronted_phrase(span):
    """The phrase a sentence opens with, set off by a comma ("In neighbouring Central Aceh district,
    10 people were killed, 140 were injured ..."): it scopes every clause after it, whichever verb
    the parse hung it on."""
    sent = span.sent
    first = sent[0]
    if first.dep_ != "prep" or span.start <= first.i:
        return None
    end = max(t.i for t in first.subtree)
    after = sent.doc[end + 1] if end + 1 < len(sent.doc) else None
    if after is None or after.text != "," or after.i >= span.start:
        return None
    return first


def is_own_count(doc, match: NumberMatch, category: str, settings: Settings) -> bool:
    """A toll the speaker counted themselves: its verb one of `own_count_verbs` with a personal
    pronoun as subject ("we have received around 50 people with injuries", "she had treated 20")."""
    f = settings["figures"]
    if category not in f["people_verb_categories"]["categories"]:
        return False
    span = doc.char_span(match.core_start, match.core_end, alignment_mode="expand")
    if span is None:
        return False
    verb, steps = counted_noun(span), 0
    while verb.pos_ not in ("VERB", "AUX") and verb.dep_ != "ROOT" and steps < 6:
        verb, steps = verb.head, steps + 1
    return verb.lemma_.lower() in f["own_count_verbs"] and any(
        c.dep_ == "nsubj" and c.tag_ == "PRP" for c in verb.children)


def clause_verbs(verb, climb: int) -> list:
    """The figure's verb and the verbs it is a conjunct or participle of, whose place phrases scope it
    too ("In Central Aceh district, 10 people were killed and 140 injured"; "In the village a landslide
    buried a plantation, killing one man")."""
    if verb.pos_ not in ("VERB", "AUX"):
        return []
    verbs = [verb]
    while len(verbs) <= climb and verbs[-1].dep_ in ("conj", "advcl") and verbs[-1].head.pos_ in ("VERB", "AUX") \
            and (verbs[-1].dep_ == "conj" or verbs[-1].tag_ == "VBG"):
        verbs.append(verbs[-1].head)
    return verbs


def severity_of(verb, noun, f: dict) -> Optional[str]:
    """How badly a toll's people are hurt, when its words say ("30 people seriously injured", "eight
    suffered serious injuries", "261 got minor injuries"): a part of the toll, apart from the whole."""
    words = [verb] + [c for c in verb.children if c.dep_ in ("advmod", "acomp", "dobj", "prep", "amod")]
    words += [g for c in words[1:] for g in c.children if g.dep_ in ("pobj", "amod", "compound")]
    words += [g for c in words if c.dep_ == "pobj" for g in c.children if g.dep_ == "amod"]
    words += [c for c in noun.children if c.dep_ in ("amod", "advmod")]
    for scope, cues in f["severity_scopes"].items():
        if any(w.lemma_.lower() in cues or w.lower_ in cues for w in words):
            return scope
    return None


def what_is_measured(doc, match: NumberMatch, counted: Optional[str], category: str,
                     settings: Settings) -> Optional[str]:
    """For a measure, what it measures and in which unit ("depth in kilometers"); for a toll, what
    it counts and its scope ("people at the hospital"); a count keeps what it counts."""
    if category == "age":
        return whose_age(doc, match) or counted
    if category in settings["figures"]["people_verb_categories"]["categories"] or \
            category in settings["figures"]["conflict_categories"]:
        scope = toll_scope(doc, match, settings)
        if scope and not (counted or "").lower().endswith(scope.lower()):
            counted = f"{counted} {scope}" if counted else scope
        whole = partitive_whole(doc, match, settings["figures"])
        return f"{counted} {whole}" if counted and whole else whole or counted
    if category == "count" and counted:
        # "10 houses in Tessel": where its clause says things are counted, never how badly
        scope = toll_scope(doc, match, settings, stated_only=True)
        if scope and not counted.lower().endswith(scope.lower()):
            return f"{counted} {scope}"
        return counted
    if category not in MEASURES:
        return counted
    span = doc.char_span(match.core_start, match.core_end, alignment_mode="expand")
    if span is None:
        return counted
    noun = counted_noun(span)
    thing = measured_thing(noun, settings["figures"])
    unit = counted if category not in ("percent", "magnitude") and counted else None
    if thing and unit and thing != unit.lower():
        return f"{thing} in {unit}"
    if category == "percent":
        place = share_place(span, settings["figures"])
        if place:
            return f"{settings['figures']['share_scope']} {place}"
    return thing or counted


def share_place(span, f: dict) -> Optional[str]:
    """The place a share is of, in its own phrase ("52 percent in Egypt", "70 per cent of web services
    in Egypt", "65 per cent of India's traffic"), not in a share coordinated with it ("..., and 60 per
    cent in India"): shares of different places are different things."""
    head = span.root
    while head.dep_ in ("nummod", "quantmod", "compound") and head.head.i != head.i:
        head = head.head
    own = [t for c in head.children if c.dep_ not in ("conj", "cc", "punct", "appos") for t in c.subtree
           if not on_a_route(t, head)]
    names = [t for t in own if t.ent_type_ in f["scope_labels"]] or places_of_its_verb(head, f)
    if names:
        return " ".join(t.text for t in names if abs(t.i - names[0].i) <= 3)  # the first place's words
    # "over 70 percent of their traffic": a share of its owner's whole, not of all traffic
    owned = next((t for t in own if t.dep_ == "pobj" and t.head.lower_ == "of" and t.head.head.i == head.i
                  and any(c.dep_ == "poss" and c.pos_ == "PRON" for c in t.children)), None)
    return " ".join(w.text for w in owned.subtree) if owned is not None else None


def places_of_its_verb(head, f: dict) -> list:
    """The place a share's verb puts it in ("100 percent of traffic was lost in Qatar"), or the place
    that has the share ("Qatar also lost over 70 percent"): the share is that place's."""
    verb = head.head
    if verb.pos_ not in ("VERB", "AUX") or verb.i == head.i:
        return []
    if head.dep_ in ("nsubj", "nsubjpass"):
        return [t for c in verb.children if c.dep_ == "prep" and c.lower_ in f["scope_preps"]
                for t in c.subtree if t.ent_type_ in f["scope_labels"]]
    if head.dep_ == "dobj":
        return [t for c in verb.children if c.dep_ == "nsubj" for t in c.subtree if t.ent_type_ in f["scope_labels"]]
    return []


def on_a_route(tok, head) -> bool:
    """Whether a word is in a "between X and Y" phrase under `head`: a route, not a place whose share it is."""
    while tok.i != head.i and tok.head.i != tok.i:
        if tok.dep_ == "prep" and tok.lower_ == "between":
            return True
        tok = tok.head
    return False


def whose_age(doc, match: NumberMatch) -> Optional[str]:
    """Whose age a number is: the person named right before it ("Ann Lee, 37,"), or the noun a
    "37-year-old" describes."""
    span = doc.char_span(match.core_start, match.core_end, alignment_mode="expand")
    if span is None:
        return None
    if is_appositive_age(doc, span):
        ent = next((e for e in ents_of(doc) if e.end == span.start - 1 and e.label_ == "PERSON"), None)
        if ent is not None:
            return ent.text
    for tok in doc[span.end:min(len(doc), span.end + 6)]:
        if tok.lower_ in ("old", "year-old", "years-old"):
            nxt = tok.i + 1
            if nxt < len(doc) and doc[nxt].pos_ in ("NOUN", "PROPN"):
                return described_person(doc[nxt]) or doc[nxt].text
            break
    return None


def described_person(tok) -> Optional[str]:
    """The person a "37-year-old" phrase is about: the name it heads ("15-year-old Andreas
    Kostopoulos"), or the person its noun stands beside ("Ann Lee, a 38-year-old Velm resident")."""
    noun = tok
    while noun.dep_ in ("compound", "flat", "amod", "nmod") and noun.head.i > noun.i:
        noun = noun.head
    person = noun if noun.ent_type_ == "PERSON" else \
        noun.head if noun.dep_ == "appos" and noun.head.ent_type_ == "PERSON" else \
        next((c for c in noun.head.children if c.dep_ == "nsubj" and c.ent_type_ == "PERSON"), None) \
        if noun.dep_ == "attr" else None
    if person is None:
        return None
    ent = next((e for e in ents_of(person.doc) if e.start <= person.i < e.end and e.label_ == "PERSON"), None)
    return ent.text if ent is not None else person.text


def speaks(noun, settings: Settings) -> bool:
    """Whether what is counted is the subject of a reporting verb ("two soldiers said ...")."""
    return noun is not None and noun.dep_ == "nsubj" and noun.head.lemma_.lower() in \
        settings["attribution"]["cue_verbs"]


def counted_noun(span):
    """The token the number counts: the noun it modifies ("40 Palestinians"), or the number itself
    where it stands for what it counts ("2,700 were wounded", "4,000 of them")."""
    tok = span.root
    while tok.dep_ in ("nummod", "compound", "quantmod") and tok.head.i != tok.i and tok.head.like_num:
        tok = tok.head
    if tok.dep_ in ("nummod", "compound", "quantmod", "amod") and tok.head.i != tok.i and \
            tok.head.pos_ in ("NOUN", "PROPN", "PRON"):
        return tok.head
    return tok


def unit_of(noun, f: dict) -> Optional[tuple[str, str, float]]:
    """(kind, unit word, factor to the kind's base unit) when the noun is a unit of measure."""
    if noun is None:
        return None
    words = [noun.lemma_.lower(), noun.lower_]
    if noun.i > 0:
        words.insert(0, f"{noun.doc[noun.i - 1].lower_} {noun.lemma_.lower()}")
    for kind, units in f["units"].items():
        for w in words:
            for candidate in (w, w.rstrip("s") if len(w) > 3 else w):
                if candidate in units:
                    return kind, candidate, float(units[candidate])
    return None


def measure_kind(doc, match: NumberMatch, span, noun, f: dict) -> Optional[str]:
    text = text_of(doc)
    before = text[max(0, match.start - 20):match.start].lower()
    after = text[match.end:match.end + 20].lower()
    if re.search(f["age_before"], before) or re.match(f["age_after"], after) or is_appositive_age(doc, span):
        return "age"
    if re.search(f["rank_before"], before) or re.match(f["rank_after"], after):
        return "rank"
    if noun is not None and noun.lemma_.lower() in f["currency_words"] or \
            (noun is not None and noun.lower_ in f["currency_words"]):
        return "money"
    if span is not None:
        reach = f["measure_cue_tokens"]
        window = list(doc[max(span.sent.start, span.start - 1):span.end])
        for tok in doc[span.end:min(span.sent.end, span.end + reach)]:
            window.append(tok)
            if tok.pos_ in ("NOUN", "PROPN", "VERB") and not any(w in f["measure_cues"] for w in
                                                               re.split(r"[-\s]", tok.lower_)):
                break
        for tok in window:
            for word in re.split(r"[-\s]", tok.lower_):
                if word in f["measure_cues"]:
                    return f["measure_cues"][word]
    unit = unit_of(noun, f)
    if unit and unit[0] == "distance" and re.match(f["per_hour_after"], after):
        return "speed"
    if unit:
        return unit[0]
    return None


def is_writers_aside(doc, match: NumberMatch, settings: Settings) -> bool:
    """"Police said they had located Ann Lee, 37, on the highway": an age set off after a name is
    the writer's description of who is meant, not what the source said, unless the source is saying
    who it is ("The paper identified them as Ann Lee, 37, and ...")."""
    span = doc.char_span(match.core_start, match.core_end, alignment_mode="expand")
    if span is None or not is_appositive_age(doc, span):
        return False
    name = doc[span.start - 2]
    verbs = settings["figures"]["identity_verbs"]
    return not any(a.lemma_.lower() in verbs for a in name.ancestors)


def is_appositive_age(doc, span) -> bool:
    """"Ann Lee, 37, of Leeds": a bare number set off by commas right after a person's name."""
    if span is None or span.start < 2 or span.end >= len(doc):
        return False
    before, after = doc[span.start - 1], doc[span.end]
    return before.text == "," and after.text in (",", ")") and doc[span.start - 2].ent_type_ == "PERSON" \
        and len(span) == 1


def is_people(noun, counted: Optional[str], f: dict) -> bool:
    """Whether what is counted is people: a people noun (by lemma), a nationality or group of people
    (NORP: "Palestinians", "North Koreans"), or a pronoun."""
    people = set(f["people_nouns"]["words"])
    if noun is not None and noun.pos_ in ("NOUN", "PROPN", "PRON") and not noun.like_num:
        lemma = noun.lemma_.lower()
        if lemma in people or noun.lower_ in people or noun.ent_type_ == "NORP" or noun.pos_ == "PRON":
            return True
    head = (counted or "").split()[-1].lower() if counted else ""
    return bool(head) and (head.rstrip("s") in people or head in people)


def cue_category(tok, table: dict[str, list[str]], exact: bool = False) -> Optional[str]:
    """The category a single-word cue gives this token; a prefix ("deploy" in "deploying") counts
    unless `exact`."""
    lemma, lower = tok.lemma_.lower(), tok.lower_
    for category, cues in table.items():
        for cue in cues:
            if " " in cue:
                continue
            if cue in (lemma, lower) or (not exact and len(cue) > 4 and lower.startswith(cue)):
                return category
    return None


def phrase_category(verb, table: dict[str, list[str]]) -> Optional[str]:
    """A cue of several words made by a verb and its object: "lost their lives", "sustained injuries"."""
    obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
    if obj is None:
        return None
    tokens = sorted([verb, *obj.subtree], key=lambda t: t.i)
    lemmas = " ".join(t.lemma_.lower() for t in tokens)
    lowers = " ".join(t.lower_ for t in tokens)
    for category, cues in table.items():
        if any(" " in cue and (cue in lemmas or cue in lowers) for cue in cues):
            return category
    return None


def governing_category(noun, table: dict[str, list[str]], verb_only: bool = False,
                       event_nouns: tuple[str, ...] = ()) -> Optional[str]:
    """The category the parse gives what is counted: a cue on the noun itself ("fatalities"), on
    its modifiers ("24 people dead"), or on the verb it is the subject or object of ("killed 40
    Palestinians", "four others died", "the death toll rose to 24"); a verb of killing joined to one
    of wounding ("killed or wounded") makes casualties."""
    found: list[str] = []
    own = None if verb_only else cue_category(noun, table)
    if own:
        return own
    for child in () if verb_only else noun.children:
        if child.dep_ in ("amod", "acomp", "oprd", "acl", "relcl"):
            c = cue_category(child, table)
            if c:
                return c
    x, steps = noun, 0
    while x.pos_ not in ("VERB", "AUX") and x.dep_ not in ("ROOT",) and steps < 6:
        if x.dep_ == "pobj" and (x.head.lower_ != "of" or steps > 0):
            return None  # "killed 230,000 people in 12 countries": the verb does not act on the countries
        x = x.head
        steps += 1
    if x.pos_ not in ("VERB", "AUX"):
        return None
    verbs = [x] + [c for c in x.children if c.dep_ == "conj" and c.pos_ == "VERB"
                   and not any(g.dep_ in ("nsubj", "nsubjpass", "dobj") for g in c.children)]
    for v in verbs:
        c = cue_category(v, table) or phrase_category(v, table)
        if c:
            found.append(c)
    if not found:
        table_event_nouns = set(event_nouns)
        children = sorted((c for c in x.children if c.i != noun.i and not noun.is_ancestor(c)
                           and not c.is_ancestor(noun)),
                          key=lambda c: c.dep_ not in ("acomp", "oprd", "attr", "xcomp"))
        for child in children:
            if child.dep_ in ("acomp", "oprd", "attr", "xcomp"):
                c = cue_category(child, table)
            elif child.dep_ in ("nsubj", "nsubjpass", "dobj"):
                c = next((cue_category(t, table, exact=True) for t in child.subtree
                          if t.pos_ == "NOUN" and t.lemma_.lower() not in table_event_nouns
                          and cue_category(t, table, exact=True)), None)
            else:
                continue
            if c:
                found.append(c)
                break
    if "killed" in found and "wounded" in found:
        return "casualties"
    return found[0] if found else None


def nearest_conflict_cue(doc, match: NumberMatch, table: dict[str, list[str]],
                         max_distance: float = float("inf")) -> Optional[str]:
    """The category of the toll cue nearest the figure in its sentence ("killed", "were wounded"),
    read as a lemma or a word; a one-word cue of five letters or more also matches as a word's start
    ("evacuat" in "evacuated"). A cue after the figure is half a word nearer, a longer cue a tenth of
    a word per word; at equal distance the cue listed first wins."""
    span = doc.char_span(match.core_start, match.core_end, alignment_mode="expand")
    if span is None:
        return None
    sent = span.sent
    lemmas = [t.lemma_.lower() for t in sent]
    lowers = [t.lower_ for t in sent]
    cues, lengths, prefixes = _cue_index(table)
    best: tuple | None = None  # (distance, the cue's place in the table, token)
    for i, lower in enumerate(lowers):
        tok_i = sent.start + i
        if span.start <= tok_i < span.end:
            continue
        for n in lengths:
            if i + n > len(lowers):
                continue
            hits = [*cues.get(" ".join(lemmas[i:i + n]), ()), *cues.get(" ".join(lowers[i:i + n]), ())]
            if n == 1:
                hits += [hit for k in range(5, len(lower) + 1) for hit in prefixes.get(lower[:k], ())]
            distance = abs(tok_i - span.start) - (0.5 if tok_i > span.start else 0) - 0.1 * n
            for place, category in hits:
                if distance <= max_distance and (best is None or (distance, place, i) < best[:3]):
                    best = (distance, place, i, category)
    return best[3] if best else None


_CUE_INDEXES: dict[int, tuple] = {}


def _cue_index(table: dict[str, list[str]]) -> tuple[dict, tuple, dict]:
    """The cues of a category table, indexed: each cue's (place in the table, category), the word
    counts cues have, and the one-word cues that also match as a word's start."""
    kept = _CUE_INDEXES.get(id(table))
    if kept is None or kept[0] is not table:
        cues: dict[str, list] = {}
        prefixes: dict[str, list] = {}
        place = 0
        for category, words in table.items():
            for cue in words:
                cues.setdefault(cue, []).append((place, category))
                if len(cue.split()) == 1 and len(cue) > 4:
                    prefixes.setdefault(cue, []).append((place, category))
                place += 1
        lengths = tuple(sorted({len(cue.split()) for cue in cues}))
        kept = _CUE_INDEXES[id(table)] = (table, (cues, lengths, prefixes))
    return kept[1]


def source_of(doc, match: NumberMatch, index: MentionIndex, quotes: list[Quote],
              settings: Settings, relations: Optional[list] = None) -> tuple[Optional[str], Optional[str]]:
    """Who originates the figure: an attribution around it, or, inside a direct quote, one inside
    the quote or else the quote's speaker; an interviewer's questions originate nothing."""
    inside = next((q for q in quotes if q.start <= match.core_start and match.core_end <= q.end), None)
    if inside is None:
        found = find_source(doc, match.core_start, match.core_end, index, settings)
        if describes_the_source(doc, match, found[1]):
            return None, None  # "Ann Lee, 22, said": the reporter's description of who speaks
        if holds_the_figure(text_of(doc), match, found[1]):
            found = (None, None)
        if found[1] or relations is None:
            return found
        found = source_in_discourse(doc, match.core_start, match.core_end, relations, settings)
        return (None, None) if holds_the_figure(text_of(doc), match, found[1]) else found
    if inside.speaker_text in interviewers(text_of(doc), quotes):
        return None, None
    found = find_source(doc, match.core_start, match.core_end, index, settings,
                        within=(inside.start, inside.end), named_only=True, within_quote=True)
    return found if found[1] else (inside.speaker, inside.speaker_text)


NOUN_PHRASE_LINKS = ("nummod", "quantmod", "npadvmod", "amod", "compound", "det", "punct", "nmod", "hmod")


def describes_the_source(doc, match: NumberMatch, source_text: Optional[str]) -> bool:
    """Whether the figure sits in an apposition to the one who speaks ("Ann Lee, 22, said", "Ann Lee,
    a 22-year-old resident, said"): the reporter describes the source, who does not state it."""
    if not source_text:
        return False
    span = doc.char_span(match.core_start, match.core_end, alignment_mode="expand")
    if span is None:
        return False
    tok, steps = span.root, 0
    while tok.dep_ in NOUN_PHRASE_LINKS and tok.head.i != tok.i and steps < 6:
        tok, steps = tok.head, steps + 1
    if tok.dep_ != "appos":
        return False
    described = tok.head
    return described.dep_ in ("nsubj", "nsubjpass") and \
        re.search(rf"(?<!\w){re.escape(described.text)}(?!\w)", source_text) is not None


def holds_the_figure(text: str, match: NumberMatch, source_text: Optional[str]) -> bool:
    """Whether the source phrase found is the one the figure itself stands in ("Ann Lee, a
    22-year-old resident, said"): what a figure describes never originates it."""
    if not source_text:
        return False
    start = text.find(source_text, max(0, match.start - len(source_text)), match.end + len(source_text))
    return start != -1 and start <= match.start and match.end <= start + len(source_text)


def is_increment(text: str, match: NumberMatch, settings: Settings) -> bool:
    """"An additional 20,000", "another 2,000", "four other people", "two more soldiers": a figure on
    top of a total, or beside it, not the total."""
    f = settings["figures"]
    words = "|".join(re.escape(w) for w in f["increment_words"])
    before = text[max(0, match.start - 30):match.start]
    after = "|".join(re.escape(w) for w in f["increment_after"])
    if re.search(r"\bthe\s+$", before, re.IGNORECASE) and re.match(r"\s+others?\b", text[match.end:], re.IGNORECASE):
        return False  # "the two other victims": the rest of those counted, not more of them
    return bool(re.search(rf"\b(?:{words})\s+$", before, re.IGNORECASE) or
                re.match(rf"\s+(?:{after})\b(?!\s+than\b)", text[match.end:match.end + 20], re.IGNORECASE))


def interviewers(text: str, quotes: list[Quote]) -> set[str]:
    """Names whose interview turns ("Name: ...") are mostly questions."""
    asked: dict[str, list[bool]] = {}
    for q in quotes:
        name = q.speaker_text or ""
        if name and text[max(0, q.start - len(name) - 2):q.start] == name + ": ":
            asked.setdefault(name, []).append(q.surface.rstrip(" ”\"'’").endswith("?"))
    return {name for name, turns in asked.items() if sum(turns) * 2 >= len(turns)}


def extract_figures(doc, document_id: str, index: MentionIndex, published: Optional[str],
                    settings: Settings, quotes: Optional[list[Quote]] = None,
                    relations: Optional[list] = None) -> list[Quantity]:
    """Every figure in the document; `relations` (the attribution layer's reported speech) give a
    figure its sentence leaves unattributed the source of the report that holds or precedes it."""
    text = text_of(doc)
    quotes = quotes or []
    out = []
    for match in find_numbers(text, settings):
        if is_not_a_figure(match, doc, text, settings):
            continue
        counted = counted_phrase(doc, match)
        category = category_of(doc, match, counted, settings)
        if is_lone_pronoun(match, text, settings) and not counts_a_toll(doc, match, counted, category, settings):
            continue
        counted = what_is_measured(doc, match, counted, category, settings)
        source, source_text = source_of(doc, match, index, quotes, settings, relations)
        if category == "age" and is_writers_aside(doc, match, settings):
            source, source_text = None, None
        if source_text and is_own_count(doc, match, category, settings):
            speaker = source_text.split(",")[0]  # "Ema Suryani", not "Ema Suryani, a doctor at ..."
            counted = f"{counted or ''} {settings['figures']['own_count_scope']} {speaker}".strip()
        surface = text[match.start:match.end]
        out.append(Quantity(
            id=make_id(document_id, "quantity", match.start, match.end),
            document=document_id, start=match.start, end=match.end, surface=surface,
            low=match.low, high=match.high, qualifier=match.qualifier, vague=match.vague,
            unit=match.unit, counted=counted, category=category, source=source,
            source_text=source_text, as_of=as_of(doc, match.core_start, match.core_end, published, settings),
            increment=is_increment(text, match, settings)))
    return out
