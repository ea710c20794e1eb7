"""The annotate stage: the model's attribute ruler applied from tables, blank lines ending sentences."""
import pytest

from claimledger.annotate import PARAGRAPH_BREAKS, AttributeTable, load_nlp, mark_paragraph_breaks

TEXT = ("Let's be clear: there are 3 battalions there, and they're gonna stay. The minister didn't say "
        "nothin' about it, y'all. I'm told it gets worse; it got worse in May. You know what he said?\n\n"
        "Officials were briefed. Its own report, which was leaked, is theirs. Whoever wrote it was wrong\n\n"
        "Next paragraph without a stop at the end of the line before")


def annotations(doc):
    return [(t.text, t.tag_, t.pos_, t.lemma_, str(t.morph), t.dep_) for t in doc]


def test_the_table_writes_what_spacys_attribute_ruler_writes():
    import spacy

    ours = load_nlp()
    plain = spacy.load(ours.meta["lang"] + "_" + ours.meta["name"])
    assert "attribute_ruler" in plain.pipe_names
    plain.add_pipe(PARAGRAPH_BREAKS, before="parser")  # the one other difference: the same parse then
    assert annotations(ours(TEXT)) == annotations(plain(TEXT))


def test_the_pipeline_runs_the_table_instead_of_the_ruler():
    names = load_nlp().pipe_names
    assert "claimledger_attribute_table" in names and "attribute_ruler" not in names


def test_multi_word_rules_write_on_their_target_word(nlp):
    doc = nlp("We're gonna win. Let's go.")
    by_text = {t.text: t for t in doc}
    assert by_text["na"].lemma_ == "to"  # "gon na": the rule's second word
    assert by_text["'s"].lemma_ == "us"


def test_a_ruler_the_table_cannot_read_keeps_spacys_matcher():
    import spacy

    blank = spacy.blank("en")
    ruler = blank.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "very", "OP": "+"}]], {"POS": "ADV"})
    assert AttributeTable.compile(ruler) is None
    ruler = blank.add_pipe("attribute_ruler", name="plain")
    ruler.add([[{"LOWER": {"IN": ["very", "so"]}}, {"IS_ALPHA": True}]], {"POS": "ADV"})
    assert AttributeTable.compile(ruler) is None  # IS_ALPHA is not read by the table
    ruler = blank.add_pipe("attribute_ruler", name="readable")
    ruler.add([[{"LOWER": {"IN": ["very", "so"]}}, {"TAG": "JJ"}]], {"POS": "ADV"})
    assert AttributeTable.compile(ruler) is not None


@pytest.mark.parametrize("text, starts", [
    ("A line without a stop\n\nThe next one starts a sentence", ["A", "The"]),
    ("No blank line here and no stop\nso one sentence", ["No"]),
    ("Ends with a blank line\n\n", ["Ends"]),
])
def test_a_blank_line_starts_a_sentence(nlp, text, starts):
    doc = nlp(text)
    assert [s[0].text for s in doc.sents if not s[0].is_space] == starts


def test_no_sentence_starts_after_an_abbreviated_title(nlp):
    doc = nlp("Floods hit Kisii county. The county police spokesman Snr. Supt. Mary Okoth told reporters that "
              "9 people were injured. It rained again.")
    assert [s[0].text for s in doc.sents] == ["Floods", "The", "It"]


def test_paragraph_breaks_on_a_one_token_doc(nlp):
    doc = nlp.make_doc("Hello")
    assert mark_paragraph_breaks(doc) is doc


def test_the_remembered_lemmatizer_gives_spacys_lemmas_and_keeps_the_rulers():
    import spacy

    ours = load_nlp()
    assert "claimledger_lemma_memo" in ours.pipe_names and "lemmatizer" not in ours.pipe_names
    plain = spacy.load(ours.meta["lang"] + "_" + ours.meta["name"])
    plain.add_pipe(PARAGRAPH_BREAKS, before="parser")
    twice = TEXT + " " + TEXT.replace("\n\n", " ")  # the second time from memory
    assert [t.lemma_ for t in ours(twice)] == [t.lemma_ for t in plain(twice)]
    assert [t.lemma_ for t in ours("He was gonna go.")][2:4] == ["go", "to"]  # "na": the ruler's lemma
