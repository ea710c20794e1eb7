"""Claims: every attribution relation, read once by the attribution layer; sentences of our own."""
from claimledger.extract.attribution import MentionIndex, reported_relations
from claimledger.extract.claims import extract_claims
from claimledger.extract.entities import extract_entities
from claimledger.extract.figures import extract_figures
from claimledger.extract.quotes import extract_quotes


def read(nlp, settings, text):
    doc = nlp(text)
    entities, mentions = extract_entities(doc, "d", settings)
    index = MentionIndex(mentions, entities)
    names = {e.id: e.name for e in entities}
    quotes = extract_quotes(doc, "d", index, settings)
    relations = reported_relations(doc, index, settings)
    claims = extract_claims(doc, "d", index, quotes, relations)
    figures = extract_figures(doc, "d", index, None, settings, quotes, relations)
    return claims, names, {f.low if f.low is not None else f.high: (names.get(f.source), f.source_text)
                           for f in figures}


def indirect(claims):
    return [c for c in claims if c.kind == "indirect"]


def test_reported_speech_is_a_claim_with_its_source_cue_and_content(nlp, settings):
    text = "Maria Lopez said on Tuesday that the bridge would reopen in spring."
    claims, names, _ = read(nlp, settings, text)
    [claim] = indirect(claims)
    assert names[claim.source] == "Maria Lopez"
    assert claim.cue == "said"
    assert claim.surface.startswith("that the bridge would reopen")
    assert text[claim.start:claim.end] == claim.surface


def test_a_reporting_clause_after_its_content(nlp, settings):
    claims, names, _ = read(nlp, settings, "The harbour will stay closed until Friday, the Port Authority said.")
    [claim] = indirect(claims)
    assert claim.surface.startswith("The harbour will stay closed")
    assert "Port Authority" in (names.get(claim.source) or claim.source_text)


def test_according_to_speaks_for_the_rest_of_its_sentence(nlp, settings):
    claims, _, _ = read(nlp, settings, "According to the Fisheries Board, catches fell sharply last winter.")
    [claim] = indirect(claims)
    assert claim.surface.startswith("catches fell sharply")
    assert "Fisheries Board" in claim.source_text


def test_a_verb_of_urging_reports_its_object_and_clause(nlp, settings):
    claims, names, _ = read(nlp, settings, "Governor Ann Kell urged residents to leave the valley before dark.")
    [claim] = indirect(claims)
    assert "residents to leave the valley" in claim.surface
    assert names[claim.source] == "Ann Kell"


def test_must_not_take_a_thing_shown_or_released_for_something_said(nlp, settings):
    claims, _, _ = read(nlp, settings, "The Tarrow Institute released its annual report on Monday.")
    assert indirect(claims) == []


def test_must_not_give_a_quote_a_second_indirect_claim(nlp, settings):
    claims, names, _ = read(nlp, settings, "“We will rebuild every school in the district,” Mayor Tom Idris said.")
    assert [c.kind for c in claims] == ["direct"]
    assert names[claims[0].source] == "Tom Idris"


def test_must_not_make_a_claim_of_a_quote_nobody_speaks(nlp, settings):
    claims, _, _ = read(nlp, settings, "The slogan “build it better and build it now” was painted on the wall.")
    assert claims == []


def test_must_not_credit_nobody_named(nlp, settings):
    claims, _, _ = read(nlp, settings, "It was said that the river had never flooded before.")
    assert indirect(claims) == []


def test_a_figure_after_a_report_keeps_the_report_source(nlp, settings):
    text = ("The health ministry of Varnia said in a statement that the clinic had reopened. "
            "About 300 patients were treated there in its first week.")  # its paragraph still relays it
    _, names, figures = read(nlp, settings, text)
    assert figures[300][1] is not None and "ministry" in figures[300][1].lower() + (figures[300][0] or "").lower()


def test_a_figure_far_from_any_report_stays_unattributed(nlp, settings):
    text = ("The health ministry of Varnia said in a statement that the clinic had reopened.\n\n"
            "Rain fell all week.\n\nThe road crews laid about 300 metres of new asphalt.")
    _, _, figures = read(nlp, settings, text)
    assert figures[300] == (None, None)


def test_a_counted_share_of_respondents_is_not_a_source(nlp, settings):
    text = ("Civic Research polled 2,000 adults in March. 70% said they would vote, "
            "and 45% said they trusted the council.")
    _, _, figures = read(nlp, settings, text)
    assert figures[45][1] != "70%"


def test_a_quote_paragraph_after_a_quote_continues_its_speaker(nlp, settings):
    text = ("“The dam is safe for now,” said engineer Lena Brook.\n\n"
            "“But another winter like this one would test it badly.”")
    claims, names, _ = read(nlp, settings, text)
    direct = [c for c in claims if c.kind == "direct"]
    assert [names.get(c.source) for c in direct] == ["Lena Brook", "Lena Brook"]


def test_paragraphs_run_together_reopen_a_quote_whose_closing_mark_is_lost(nlp, settings):
    text = ('Ms Adair said: "We have mended the north road already. "We will mend the south road '
            'by June and the east road after that."')
    claims, names, _ = read(nlp, settings, text)
    direct = [c for c in claims if c.kind == "direct"]
    assert [c.surface[:12] for c in direct] == ["We have mend", "We will mend"]
    assert {names.get(c.source) or c.source_text for c in direct} == {"Adair"} or \
        all("Adair" in (names.get(c.source) or c.source_text) for c in direct)


def test_a_passive_reporting_verb_credits_its_agent(nlp, settings):
    claims, names, _ = read(nlp, settings, "The closure of the mill was first reported by the Dunmore Herald.")
    [claim] = indirect(claims)
    assert claim.surface == "The closure of the mill"
    assert "Dunmore Herald" in claim.source_text


def test_an_accusation_reports_its_object_and_what_it_is_accused_of(nlp, settings):
    claims, names, _ = read(nlp, settings, "Senator Ida Marsh accused the council of hiding the audit.")
    [claim] = indirect(claims)
    assert claim.surface.startswith("the council of hiding")
    assert names[claim.source] == "Ida Marsh"


def test_a_quote_set_one_sentence_a_line_closes_on_a_later_line(nlp, settings):
    text = ('"The water came up to the roof.\nWe lost everything we had," said farmer Ruth Okafor.\n'
            'The river fell by evening.')
    claims, names, _ = read(nlp, settings, text)
    [quote] = [c for c in claims if c.kind == "direct"]
    assert quote.surface.startswith("The water came up") and quote.surface.endswith("everything we had,")
    assert "Ruth Okafor" in (names.get(quote.source) or quote.source_text)


def test_an_unnamed_speaker_with_an_age_and_apposition_is_named_by_the_name(nlp, settings):
    claims, names, _ = read(nlp, settings, '"We have nowhere to go," said 52-year-old Tomas Vireo, a baker.')
    [quote] = [c for c in claims if c.kind == "direct"]
    assert (names.get(quote.source) or quote.source_text) == "Tomas Vireo"


def test_the_report_belongs_to_whoever_published_the_report_named_before(nlp, settings):
    text = ("Sales of bicycles will double by 2030, according to a report by analysts Pell Research.\n\n"
            "Growth will come from cities, the report predicted. Commuters will buy 40 million bikes, it said.")
    _, _, figures = read(nlp, settings, text)
    assert figures[40_000_000][0] == "Pell Research"


def test_a_source_noun_owned_by_a_body_reports_its_that_clause(nlp, settings):
    claims, names, _ = read(nlp, settings, "Voters read a Dunmore Herald report that the mill would close in May.")
    [claim] = indirect(claims)
    assert claim.surface.startswith("that the mill would close")
    assert "Dunmore Herald" in claim.source_text


def test_a_subjectless_reporting_verb_takes_the_subject_up_the_parse(nlp, settings):
    claims, names, _ = read(nlp, settings, "Governor Hal Brandt began by saying that the dam was safe.")
    [claim] = indirect(claims)
    assert names.get(claim.source) == "Hal Brandt" and "dam was safe" in claim.surface


def test_one_of_a_group_is_a_person_not_a_counted_share(nlp, settings):
    claims, _, _ = read(nlp, settings, "One of the family's lawyers, Ada Kim, said the police had ignored "
                                       "the warnings.")
    [claim] = indirect(claims)
    assert "Ada Kim" in (claim.source_text or "")


def test_a_reporting_clause_set_inside_its_content_keeps_its_source(nlp, settings):
    claims, names, _ = read(nlp, settings, "The tunnel, Mayor Ida Kern said, will open to traffic next year.")
    [claim] = indirect(claims)
    assert names.get(claim.source) == "Ida Kern"


def test_must_not_record_a_claim_that_says_nothing(nlp, settings):
    doc = nlp("Senator Omar Vance denied it.")
    entities, mentions = extract_entities(doc, "d", settings)
    index = MentionIndex(mentions, entities)
    relations = reported_relations(doc, index, settings)
    claims = extract_claims(doc, "d", index, [], relations, settings["attribution"]["claim_record_min_words"])
    assert not indirect(claims)


def test_a_claim_noun_made_by_its_subject_reports_its_clause(nlp, settings):
    claims, names, _ = read(nlp, settings, "Senator Ines Duarte expressed concern that the new port would "
                                           "flood the marshes.")
    assert any(names.get(c.source) == "Ines Duarte" and "flood the marshes" in c.surface for c in indirect(claims))
