from claimledger.extract.entities import entity_id, extract_entities, name_key


def linked(nlp, settings, text):
    doc = nlp(text)
    entities, mentions = extract_entities(doc, "d", settings)
    names = {e.id: e.name for e in entities}
    return {m.surface: names[m.entity] for m in mentions}, entities


def test_surnames_and_acronyms_link_to_the_full_name(nlp, settings):
    text = ("South Korea's National Intelligence Service said on Thursday that Ryu Seong-hyeon had fled. "
            "Ryu said the NIS had interviewed him twice.")
    links, _ = linked(nlp, settings, text)
    assert links["Ryu"] == "Ryu Seong-hyeon"
    assert links["NIS"] == "National Intelligence Service"


def test_ambiguous_short_name_goes_to_the_nearest_earlier_full_name(nlp, settings):
    text = ("Kim Jong Un inspected the troops. Later, lawmaker Kim Gun wrote on Facebook about the soldiers. "
            "Kim urged the government to act.")
    links, _ = linked(nlp, settings, text)
    assert links["Kim"] == "Kim Gun"


def test_titles_and_possessives_are_not_part_of_names(nlp, settings):
    links, _ = linked(nlp, settings, "Mr. Park thanked the host. Sokil Park said his group helps defectors.")
    assert links["Park"] == "Sokil Park"
    links, _ = linked(nlp, settings, "Daniel Tudor's book was published in Seoul. Tudor said it was cruel.")
    assert "Daniel Tudor" in links and links["Tudor"] == "Daniel Tudor"


def test_ids_ignore_spelling_of_hyphens_and_dots():
    assert name_key("Kim Jong-un") == name_key("Kim Jong Un")
    assert entity_id("GPE", "U.S.") == entity_id("GPE", "US")


def test_a_place_the_model_calls_a_person_is_a_place_by_where_the_text_puts_it(nlp, settings):
    from claimledger.extract.entities import extract_entities

    doc = nlp("A landslide hit Dunmore village on Tuesday, killing one man.")
    assert [e.label_ for e in doc.ents if e.text == "Dunmore"] == ["PERSON"]  # what the model says
    entities, _ = extract_entities(doc, "d", settings)
    assert [e.type for e in entities if e.name == "Dunmore"] == ["GPE"]


def test_a_person_who_speaks_stays_a_person(nlp, settings):
    from claimledger.extract.entities import extract_entities

    doc = nlp("Anna Kelmora arrived at noon. Kelmora said the road was open.")
    entities, _ = extract_entities(doc, "d", settings)
    assert any(e.type == "PERSON" and "Kelmora" in e.name for e in entities)


def test_a_capitalised_common_word_is_not_an_organisation(nlp, settings):
    from claimledger.extract.entities import extract_entities

    doc = nlp("The Budget was read out on Monday. Critics said the budget helped nobody, and Oxfam agreed.")
    names = {e.name for e in extract_entities(doc, "d", settings)[0]}
    assert "Budget" not in names
    assert "Oxfam" in names


def test_one_name_is_one_entity_whatever_the_model_labels_each_mention(nlp, settings):
    from claimledger.extract.entities import extract_entities

    doc = nlp("Aid reached the port city of Velm on Monday. The navy sent 30 ships to Velm, officials said.")
    entities, _ = extract_entities(doc, "d", settings)
    [velm] = [e for e in entities if e.name == "Velm"]
    assert velm.type == "GPE"  # "the port city of Velm": a place, though the model called one mention a person


def test_a_role_hung_on_a_name_by_a_dash_is_not_the_name(nlp, settings):
    links, _ = linked(nlp, settings, "Jonathan Pell-director of wholesale at Velmnet-told reporters the line was cut. "
                                     "Ryu Seong-hyeon said the line was cut.")
    assert "Jonathan Pell" in links.values() and not any("director" in n for n in links.values())
    assert "Ryu Seong-hyeon" in links.values()  # must: a name's own hyphenated part stays
