from claimledger.extract.attribution import MentionIndex
from claimledger.extract.entities import extract_entities
from claimledger.extract.quotes import extract_quotes, quote_spans


def quotes(nlp, settings, text):
    doc = nlp(text)
    entities, mentions = extract_entities(doc, "d", settings)
    names = {e.id: e.name for e in entities}
    return [(text[q.start:q.end], names.get(q.speaker), q.speaker_text)
            for q in extract_quotes(doc, "d", MentionIndex(mentions, entities), settings)]


def test_curly_straight_and_broken_marks(settings):
    text = ('He said “we will stay here for now” today.\n\n'
            'She said "they left the city at dawn" later.\n\n'
            'As Professor Mark Galeotti explains,”The blood of soldiers is useful to the regime.”')
    got = [text[s:e] for s, e in quote_spans(text, settings)]
    assert got == ["we will stay here for now", "they left the city at dawn",
                   "The blood of soldiers is useful to the regime."]


def test_scare_quotes_are_not_quotes(settings):
    text = 'They fight the ‘paper tigers’ and other "issues" or a "strategic mistake" here.'
    assert quote_spans(text, settings) == []


def test_unclosed_quote_runs_to_paragraph_end(settings):
    text = 'He added. "They file reports on everybody\n\nComments'
    assert [text[s:e] for s, e in quote_spans(text, settings)] == ["They file reports on everybody"]


def test_speaker_after_and_before_the_quote(nlp, settings):
    text = ('Daniel Tudor studies the North. “The regime could send your family to the camps,” Tudor said.\n\n'
            '“We were told we were here for training, not to fight,” he said.')
    got = quotes(nlp, settings, text)
    assert [name for _, name, _ in got] == ["Daniel Tudor", "Daniel Tudor"]


def test_interview_turns_are_quotes_by_name(nlp, settings):
    text = ("Interviewer: Thank you for joining us today.\n\n"
            "Sokil Park: Thank you for having me here today.\n\n"
            "Interviewer: What happens to their families?\n\n"
            "Sokil Park: They are punished, often very harshly.")
    got = quotes(nlp, settings, text)
    park = [q for q in got if q[2] == "Sokil Park"]
    assert [q[0] for q in park] == ["Thank you for having me here today.", "They are punished, often very harshly."]


def test_a_loosely_typed_closing_mark_after_a_space_closes_the_quote(nlp, settings):
    from claimledger.extract.attribution import MentionIndex
    from claimledger.extract.entities import extract_entities
    from claimledger.extract.quotes import extract_quotes

    text = ('Rescuer Anil Varma described the night.\n"We dug with our hands until the\n'
            'machines came, " Anil Varma said. The road reopened at dawn.')
    doc = nlp(text)
    entities, mentions = extract_entities(doc, "d", settings)
    quotes = extract_quotes(doc, "d", MentionIndex(mentions, entities), settings)
    assert quotes and all("road reopened" not in q.surface for q in quotes)
    assert any(q.surface.startswith("We dug") for q in quotes)
