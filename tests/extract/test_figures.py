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
