import pytest

from claimledger.extract.attribution import MentionIndex
from claimledger.extract.entities import extract_entities
from claimledger.extract.figures import extract_figures, find_numbers


def figures(nlp, settings, text, published=None):
    doc = nlp(text)
    entities, mentions = extract_entities(doc, "d", settings)
    return extract_figures(doc, "d", MentionIndex(mentions, entities), published, settings)


@pytest.mark.parametrize("text, low, high, qualifier", [
    ("more than 11,000 troops", 11000, None, "floor"),
    ("as many as 12,000 troops", None, 12000, "ceiling"),
    ("about 300 soldiers", 300, 300, "approximate"),
    ("20,000 to 25,000 soldiers", 20000, 25000, "range"),
    ("between 5 and 10 people", 5, 10, "range"),
    ("5-10 people", 5, 10, "range"),
    ("£402.4m in aid", 402_400_000, 402_400_000, "exact"),
    ("$1.5 billion in loans", 1_500_000_000, 1_500_000_000, "exact"),
    ("a dozen villages", 12, 12, "exact"),
    ("twenty-five tanks", 25, 25, "exact"),
    ("thousands of soldiers", 1000, None, "vague"),
])
def test_numbers_and_qualifiers(settings, text, low, high, qualifier):
    [m] = find_numbers(text, settings)
    assert (m.low, m.high, m.qualifier) == (low, high, qualifier)


def test_percent_and_currency_units(settings):
    [pct] = find_numbers("Turnout rose to 45.5% in the north.", settings)
    [money] = find_numbers("The fund paid €3 million last year.", settings)
    assert pct.unit == "percent" and pct.low == 45.5
    assert money.unit == "EUR" and money.low == 3_000_000


def test_dates_years_times_ordinals_and_identifiers_are_not_figures(nlp, settings):
    text = ("On Oct. 18, 2024, at 3:48 p.m., the G8 met for the first time since 9/11 and the 21st "
            "summit in 2019. One of them said Section 230 was discussed.")
    assert figures(nlp, settings, text) == []


def test_conflict_categories_and_what_is_counted(nlp, settings):
    text = ("Pyongyang has sent more than 11,000 troops to Russia. About 300 North Korean soldiers were "
            "killed and 2,700 were wounded, while two soldiers were captured by Ukrainian forces.")
    got = {(q.low or q.high): (q.category, q.counted) for q in figures(nlp, settings, text)}
    assert got[11000] == ("deployed", "troops")
    assert got[300] == ("killed", "North Korean soldiers")
    assert got[2700][0] == "wounded"
    assert got[2][0] == "captured"


def test_killed_or_wounded_is_casualties(nlp, settings):
    [q] = figures(nlp, settings, "Ukraine said that about 4,000 of them had been killed or wounded.")
    assert q.category == "casualties" and q.counted == "them"


def test_originators(nlp, settings):
    text = ("According to the Institute for the Study of War, 12,000 soldiers are in Kursk. "
            "Volodymyr Zelenskyy said 3,000 soldiers were killed. "
            "Some 40 soldiers were captured last week.")
    by_value = {q.low: q for q in figures(nlp, settings, text)}
    assert "Institute for the Study of War" in by_value[12000].source_text
    assert by_value[3000].source_text == "Volodymyr Zelenskyy"
    assert by_value[40].source is None and by_value[40].source_text is None


def test_as_of_defaults_to_publication_date(nlp, settings):
    [q] = figures(nlp, settings, "Officials said 30 soldiers were wounded.", published="2025-01-02")
    assert q.as_of == "2025-01-02"


def test_spans_hold_their_surface(nlp, settings):
    text = "Officials said “over 2,700” soldiers were hurt, and as many as 12,000 were sent."
    for q in figures(nlp, settings, text):
        assert text[q.start:q.end] == q.surface


def by_surface(nlp, settings, text):
    return {q.surface: q for q in figures(nlp, settings, text)}


def test_a_counted_nationality_or_group_is_people(nlp, settings):
    got = by_surface(nlp, settings, "Border guards killed 17 Moldovans and detained 30 smugglers near the river.")
    assert got["17"].category == "killed"
    assert got["30"].category in ("captured", "arrested")


@pytest.mark.parametrize("text, surface, category", [
    ("Eleven miners lost their lives in the collapse.", "Eleven", "killed"),
    ("Nine passengers died when the ferry capsized.", "Nine", "killed"),
    ("The gas blast left 14 workers dead.", "14", "killed"),
    ("The gunman shot six students before police arrived.", "six", "casualties"),
    ("A landslide killed one farmer on the slope.", "one", "killed"),
])
def test_tolls_come_from_the_verb_and_its_complement(nlp, settings, text, surface, category):
    assert by_surface(nlp, settings, text)[surface].category == category


def test_one_of_them_and_one_captive_are_not_figures(nlp, settings):
    got = by_surface(nlp, settings, "One of the guards said one hostage wept. The storm killed one fisherman.")
    assert [q.lower() for q in got] == ["one"] and got["one"].category == "killed"


def test_a_place_the_toll_happened_in_is_not_counted_people(nlp, settings):
    got = by_surface(nlp, settings, "The floods killed 800 people in 9 provinces.")
    assert got["800"].category == "killed" and got["9"].category == "count"


@pytest.mark.parametrize("text, surface, category", [
    ("A magnitude-5.8 tremor shook the coast.", "5.8", "magnitude"),
    ("The epicentre lay 42 kilometres south of the port.", "42", "distance"),
    ("The driver reached 110 mph on the ring road.", "110", "speed"),
    ("Pedro Alves, 44, was arrested at the scene.", "44", "age"),
    ("A 19-year-old student was hurt.", "19", "age"),
    ("The strike lasted 12 days.", "12", "duration"),
    ("The No. 4 seed lost in the final.", "4", "rank"),
    ("Repairs will cost 30 million euros.", "30 million", "money"),
])
def test_generic_kinds_are_read_from_units_and_cues(nlp, settings, text, surface, category):
    got = {q.surface.lower().removeprefix("a "): q for q in figures(nlp, settings, text)}
    assert got[surface].category == category


def test_a_measure_names_what_it_measures(nlp, settings):
    got = by_surface(nlp, settings, "The drill reached a depth of 3 kilometres. About 62% of voters backed the plan.")
    assert got["3"].counted == "depth in kilometres"
    assert got["About 62%"].counted == "voter"


def test_people_counted_as_speakers_are_not_a_toll(nlp, settings):
    got = by_surface(nlp, settings, "Three former guards say the prisoners sent to the mines were beaten.")
    assert got["Three"].category == "count"


def test_separators_set_apart_are_read_only_where_the_text_writes_them_so(settings):
    spaced = find_numbers("The flood killed 12, 000 people; a 5. 4-magnitude tremor and 1, 500 homes.", settings)
    assert [(m.low, m.high) for m in spaced] == [(12000, 12000), (5.4, 5.4), (1500, 1500)]
    # must not: in ordinary text a date's day and a count after it stay apart
    ordinary = find_numbers("On May 5, 300 people marched; 4. 5 people were there.", settings)
    assert {m.low for m in ordinary} >= {5, 300} and 5300 not in {m.low for m in ordinary}


def test_a_unit_written_onto_its_number_is_read(settings):
    [chase] = find_numbers("Deputies chased him for 48km before dawn.", settings)
    assert chase.low == 48
    assert find_numbers("He wore a 3rd-place medal and the A4 page.", settings) == []


@pytest.mark.parametrize("text, surface, increment", [
    ("Four other people died in hospital, the governor said.", "Four", True),
    ("Two more soldiers were wounded on Friday, officials said.", "Two", True),
    ("Twelve people died, the governor said.", "Twelve", False),
    ("Ten more than last year died in the floods, officials said.", "Ten", False),
    ("One man died; the two other victims were treated in hospital, police said.", "two", False),
])
def test_a_count_beside_the_toll_is_an_increment(nlp, settings, text, surface, increment):
    found = by_surface(nlp, settings, text)
    assert found[surface].increment is increment


def test_the_nearest_toll_cue_names_the_category_and_ties_go_to_the_cue_listed_first(nlp, settings):
    from claimledger.extract.figures import nearest_conflict_cue

    table = {"killed": ["killed", "dead"], "wounded": ["injured", "wounded"], "evacuated": ["evacuate"]}
    text = "Rescuers said 12 were wounded and 40 dead after the storm, and 300 evacuated."
    doc = nlp(text)
    by_value = {m.low: m for m in find_numbers(text, settings)}
    assert nearest_conflict_cue(doc, by_value[12], table) == "wounded"
    assert nearest_conflict_cue(doc, by_value[40], table) == "killed"
    # a cue of five letters or more also matches as the start of a word ("evacuate" in "evacuated")
    assert nearest_conflict_cue(doc, by_value[300], table) == "evacuated"
    assert nearest_conflict_cue(doc, by_value[300], table, max_distance=0.5) == "evacuated"
    assert nearest_conflict_cue(doc, by_value[12], {"killed": ["storm"]}, max_distance=3) is None
    # at the same distance, the category listed first wins
    tie = nlp("The blast left them hurt 7 injured.")
    [seven] = [m for m in find_numbers(tie.text, settings) if m.low == 7]
    assert nearest_conflict_cue(tie, seven, {"a": ["injured"], "b": ["injure"]}) == "a"
    assert nearest_conflict_cue(tie, seven, {"b": ["injure"], "a": ["injured"]}) == "b"


@pytest.mark.parametrize("text, value, source", [
    ("Dara Okafor, a 34-year-old nurse, said the ward was full.", 34, None),  # who speaks, described
    ('"The roof fell onto my neighbours and their children," said Dara Okafor, a 34-year-old nurse '
     'in the town of Velm.', 34, None),  # after a quote too, where the report's source is that phrase
    ("Lena Brandt, 52, said the water rose overnight.", 52, None),
    ("Lena Brandt, 52, said 30 homes were flooded.", 30, "Lena Brandt"),  # what she states keeps her
    # an age set off after the name of someone a source speaks of is the writer's aside (ECB+ dev's reading)
    ("Officers said Tomas Vik, 41, of Harrow, was arrested.", 41, None),
])
def test_an_age_describing_the_speaker_has_no_originator(nlp, settings, text, value, source):
    from claimledger.extract.attribution import reported_relations
    from claimledger.extract.quotes import extract_quotes

    doc = nlp(text)
    entities, mentions = extract_entities(doc, "d", settings)
    index = MentionIndex(mentions, entities)
    found = extract_figures(doc, "d", index, None, settings, extract_quotes(doc, "d", index, settings),
                            reported_relations(doc, index, settings))
    got = {q.low: q for q in found}[value].source_text
    assert (got is None) if source is None else (got is not None and source in got)


@pytest.mark.parametrize("text, surface", [
    ("Police chased the car at speeds of up to 120 miles an hour.", "up to 120"),
    ("Deputies reached 193km/h on the highway.", "193"),
])
def test_a_distance_per_hour_is_a_speed(nlp, settings, text, surface):
    [q] = [q for q in figures(nlp, settings, text) if q.surface == surface]
    assert q.category == "speed"


def test_a_number_in_a_name_is_no_figure(nlp, settings):
    found = [q.surface for q in figures(nlp, settings, "Engineers will repair the Orion 4 cable first. "
                                                         "Divers found 4 cables cut.")]
    assert found == ["4"]  # must: the four cables; must not: the cable named Orion 4
    assert len(figures(nlp, settings, "Divers found 4 cables cut.")) == 1
    found = figures(nlp, settings, "Crews will first mend the TAT-WE 4 cable, then the TAT-WE 3 cable.")
    assert found == []  # must not: an acronym's number as a count of cables


def test_how_badly_people_are_hurt_scopes_a_toll(nlp, settings):
    got = {q.surface: q.counted for q in figures(nlp, settings, (
        "Doctors said 30 people were seriously injured. Eight people suffered serious injuries. "
        "Officials said 200 people were injured. 120 got minor injuries."))}
    assert got["30"].endswith("seriously") and got["Eight"].endswith("seriously")
    assert got["120"].endswith("lightly")
    assert got["200"] == "people"  # must not: the whole toll scoped


def test_a_bare_figure_takes_the_category_of_the_tally_it_is_the_value_of(nlp, settings):
    got = {q.surface: q.category for q in figures(nlp, settings, (
        "Two more bodies were found in the valley, bringing the confirmed death toll from the flood to 11."))}
    assert got["11"] == "killed"
    # must not: a figure that is no tally's value takes a cue from far away
    got = {q.surface: q.category for q in figures(nlp, settings, "The bridge closed at 11, long before the "
                                                                  "flood killed anyone.")}
    assert got.get("11") != "killed"


@pytest.mark.parametrize("text", ["Ministers brought 1.5 billion rupiah in aid.", "The fund holds 300 million rupees."])
def test_currencies_beyond_the_dollar_are_money(nlp, settings, text):
    [q] = figures(nlp, settings, text)[-1:]
    assert q.category == "money"


FLOOD_REPORT = (
    "Floods swept the Rift Valley in Kenya on Monday. Officials in Kenya said 30 people died across the Rift Valley. "
    "In neighbouring Kericho district, 12 people were killed, 40 were injured and 300 homes were flooded. "
    "In a village in Bomet district, one woman was killed when a wall fell. "
    "Two more people died in hospitals in the district, the county commissioner said. "
    "\"We have treated 25 people with broken bones,\" said Amina Otieno, a doctor at a clinic. "
    "\"We have recorded 28 deaths,\" said Joseph Kamau of the Kenya Red Cross.")


def test_a_place_phrase_scopes_a_toll_wherever_the_sentence_puts_it(nlp, settings):
    got = {q.surface + " " + q.category: q.counted or "" for q in figures(nlp, settings, FLOOD_REPORT)}
    # a phrase the sentence opens with scopes every clause after it, whatever verb the parse hangs it on
    assert got["12 killed"].endswith("Kericho district") and got["40 wounded"].endswith("Kericho district")
    # a place inside the place phrase's own phrase; "the district" is the district named before
    assert got["one killed"].endswith("in Bomet district") and got["Two killed"].endswith("in Bomet district")
    # must not: the story's own place scopes its whole toll
    assert got["30 killed"] == "people"


def test_a_toll_the_speaker_treated_themselves_is_their_own_count(nlp, settings):
    got = {q.surface + " " + q.category: q.counted or "" for q in figures(nlp, settings, FLOOD_REPORT)}
    assert got["25 wounded"] == "people seen by Amina Otieno"
    assert "seen by" not in got["28 killed"]  # must not: an agency's recorded tally is not its own part


def test_a_speaker_who_answers_for_a_place_named_before_counts_that_place(nlp, settings):
    got = {q.surface: q.counted or "" for q in figures(nlp, settings, (
        "Floods swept the Rift Valley in Kenya on Monday. Officials in Kenya said 30 people died across the "
        "Rift Valley. The storm also reached Kisii county. The county police commander Snr. Supt. Mary Okoth told "
        "reporters that the floods had injured 9 people."))}
    assert got["9"] == "people in Kisii county"
    assert got["30"] == "people"  # must not: the whole toll


def test_a_share_of_a_place_is_that_places_share(nlp, settings):
    got = {q.surface: q.counted for q in figures(nlp, settings, (
        "At one point 40 percent of phone traffic in Chile, 25 percent in Peru and 60 percent of Bolivia's lines "
        "were down, the operator said. Turnout was 64 percent, officials said."))}
    assert (got["40 percent"], got["25 percent"], got["60 percent"]) == ("share in Chile", "share in Peru",
                                                                         "share in Bolivia")
    assert "share in" not in (got["64 percent"] or "")  # must not: a share of no place


def test_a_figure_that_is_the_value_of_a_noun_before_it_counts_that_noun(nlp, settings):
    got = {q.surface: (q.category, q.counted) for q in figures(nlp, settings, (
        "Power failed in the port city of population 90,000, where 300 fled their homes. The valley has a "
        "population of 20,000."))}
    assert got["90,000"] == ("count", "population") and got["20,000"] == ("count", "population")
    assert got["300"][0] == "displaced"  # must: the people who fled are still a toll


def test_a_place_naming_the_event_is_no_scope(nlp, settings):
    text = ("1 dead, 2 hurt in Mich. office shooting; police say suspect had worked there\n\n"
            "A man suspected of shooting three people at a firm in Lansing was arrested after a chase. Lansing "
            "police said the man drove from Lansing to Chicago. He was held in Chicago.")
    [hurt] = [q for q in figures(nlp, settings, text) if q.low == 2]
    assert "Mich." not in (hurt.counted or "")  # must not: the event's own place as a part of its toll


def test_a_place_its_own_phrase_names_scopes_a_figure_the_model_did_not_tag(nlp, settings):
    got = {q.surface: q.counted or "" for q in figures(nlp, settings, (
        "Floods swept the Rift Valley in Kenya on Monday and killed 30 people, officials in Kenya said. "
        "Roads across the Rift Valley were cut. In Bukit Sari village a mudslide buried a farm, killing one man, said the official. "
        "Eight houses were destroyed in Mosoriot, the capital of the ward, Kenya Red Cross said."))}
    assert got["one"].endswith("in Bukit Sari village")  # a place noun heads the phrase
    assert got["Eight"].endswith("in Mosoriot")  # a place noun stands in apposition
    assert got["30"] == "people"  # must not: the story's own place scopes its whole toll


def test_where_people_are_taken_is_not_who_is_taken(nlp, settings):
    got = {q.surface: q.category for q in figures(nlp, settings, (
        "The flood forced hundreds of people to be evacuated to 10 temporary shelters, officials said."))}
    assert got["hundreds"] == "displaced"
    assert got["10"] == "count"  # must not: shelters displaced as if they were people


def test_a_headlines_toll_word_after_the_number_is_the_toll(nlp, settings):
    got = {q.surface: q.category for q in figures(nlp, settings, (
        "Blast at Grain Depot Leaves Guard Dead and 3 Hurt\n\n"
        "A man who was fired last month walked into the depot with a rifle on Monday and shot four people."))}
    assert got["3"] == "wounded"  # must not: "casualties" from the shooting the headline opens with
    assert got["four"] == "casualties"


def test_a_participle_before_the_noun_belongs_to_what_is_counted(nlp, settings):
    got = {q.surface: (q.category, q.counted) for q in figures(nlp, settings, (
        "We would not have 41 damaged shops in Velm, she said. Police said 40 wounded soldiers were flown out."))}
    assert got["41"] == ("count", "damaged shops")
    assert got["40"] == ("wounded", "wounded soldiers")


def test_whose_age_a_year_old_phrase_gives(nlp, settings):
    got = {q.surface: q.counted for q in figures(nlp, settings, (
        "Riots have gripped the city since the death of 15-year-old Andreas Kostopoulos. The man charged is "
        "Tomas Varga III, a 38-year-old Velm resident. A 63-year-old woman was hurt."))
        if q.category == "age"}
    assert got["15"] == "Andreas Kostopoulos"  # the whole name, not its first word
    assert got["a 38"] == "Tomas Varga III"  # the person the resident is
    assert got["A 63"] == "woman"



def test_a_share_is_of_the_place_where_it_was_lost_never_of_a_route(nlp, settings):
    got = {q.surface: q.counted for q in figures(nlp, settings, (
        "Cables linking Velm and Tessel were cut on Friday, the operator said. The operator said 100 percent of "
        "traffic was lost in Qatar. Close to 90 percent of all the data traffic between Europe and the "
        "Middle East runs on these cables."))}
    assert got["100 percent"] == "share in Qatar"
    assert got["Close to 90 percent"] == "data traffic"  # must not: a share of Europe's, or of the Middle East's
    owned = {q.surface: q.counted for q in figures(nlp, settings, (
        "Cables were cut on Friday, with two island states also losing over 70 percent of their traffic."))}
    assert owned["over 70 percent"] == "share in their traffic"  # an owner's share, not all traffic's


def test_a_part_of_a_toll_already_given_is_written_as_such(nlp, settings):
    got = {q.surface: q.counted or "" for q in figures(nlp, settings, (
        "The blast killed 30 people and injured 90, officials said. At least 25 of the injured were flown to "
        "Velm. Four of the dead were children. Some 4,000 of them were killed or wounded."))}
    assert got["At least 25"].endswith("of the injured") and got["Four"].endswith("of the dead")
    assert "of the" not in got["Some 4,000"]  # must not: "of them" is the whole they are
    assert "of the" not in got["30"]
