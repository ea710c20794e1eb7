import pytest

from claimledger.extract.dates import resolve


@pytest.mark.parametrize("expression, iso", [
    ("on Wednesday", "2025-02-19"),          # published on a Wednesday
    ("Monday", "2025-02-17"),
    ("last Wednesday", "2025-02-12"),
    ("yesterday", "2025-02-18"),
    ("the end of November last year", "2024-11"),
    ("October of last year", "2024-10"),
    ("in November", "2024-11"),
    ("early January", "2025-01"),
    ("last fall", "2024-09/2024-11"),
    ("last month", "2025-01"),
    ("this year", "2025"),
    ("Oct. 18, 2024", "2024-10-18"),
    ("2019", "2019"),
    ("three months", None),
    ("the past two weeks", None),
    ("decades", None),
])
def test_expressions_resolve_against_the_publication_date(settings, expression, iso):
    assert resolve(expression, "2025-02-19", settings) == iso


def test_relative_expressions_need_a_publication_date(settings):
    assert resolve("last fall", None, settings) is None
    assert resolve("Oct. 18, 2024", None, settings) == "2024-10-18"


def test_figures_take_the_date_in_their_sentence(nlp, settings):
    from claimledger.extract.attribution import MentionIndex
    from claimledger.extract.entities import extract_entities
    from claimledger.extract.figures import extract_figures

    doc = nlp("Officials said on Monday that 30 soldiers had been wounded. About 12 were captured.")
    entities, mentions = extract_entities(doc, "d", settings)
    got = {q.low: q.as_of for q in extract_figures(doc, "d", MentionIndex(mentions, entities), "2025-02-19", settings)}
    assert got == {30: "2025-02-17", 12: "2025-02-19"}


@pytest.mark.parametrize("expression", ["on 3 March", "Saturday", "last fall", "yesterday", "March 3"])
def test_an_undated_document_never_takes_the_clock_year(settings, expression):
    assert resolve(expression, None, settings) is None


@pytest.mark.parametrize("expression", ["1730 GMT", "by 0915 GMT", "at 14:20 local time"])
def test_clock_times_are_not_years(settings, expression):
    assert resolve(expression, "2025-02-19", settings) is None


def _as_of_values(nlp, settings, text, published):
    from claimledger.extract.attribution import MentionIndex
    from claimledger.extract.entities import extract_entities
    from claimledger.extract.figures import extract_figures

    doc = nlp(text)
    entities, mentions = extract_entities(doc, "d", settings)
    return {q.low: q.as_of for q in extract_figures(doc, "d", MentionIndex(mentions, entities), published, settings)}


def test_undated_documents_give_no_as_of_date(nlp, settings):
    text = ("The regional governor said on 3 March that 120 homes had been flooded. "
            "A fisherman, 61, drowned. Another 14 families left the valley by 0915 GMT.")
    assert set(_as_of_values(nlp, settings, text, None).values()) == {None}


def test_a_clock_time_beside_a_figure_does_not_make_a_year(nlp, settings):
    got = _as_of_values(nlp, settings, "By 1730 GMT rescuers had pulled 45 people from the rubble.", "2025-02-19")
    assert got[45] == "2025-02-19"


@pytest.mark.parametrize("expression, published, iso", [
    ("the 1980s", None, None),               # must not: dateparser fills in today from the clock
    ("the late 1990s", "2025-02-19", None),
    ("july 2003", None, "2003-07"),          # its own year says when, dated document or not
    ("5 July", "2025-02-19", "2024-07-05"),  # without a year: the latest such day before publication
    ("Friday, 14 February", "2025-02-19", "2025-02-14"),
    ("31 February 2024", None, None),
    ("48", "2025-02-19", None),
])
def test_written_dates_are_read_without_the_clock(settings, expression, published, iso):
    assert resolve(expression, published, settings) == iso


@pytest.mark.parametrize("expression", ["may 0000", "march 9999", "31 june 2024", "0 july"])
def test_impossible_dates_are_no_dates_never_an_error(settings, expression):
    assert resolve(expression, None, settings) is None
    assert resolve(expression, "2025-02-19", settings) is None


def test_a_date_in_another_clause_does_not_date_the_figure(nlp, settings):
    got = _as_of_values(nlp, settings, "The storm killed 12 people on Tuesday in a town that the flood of 2019 had "
                                       "ruined.", "2025-02-19")
    assert got[12] == "2025-02-18"  # must not: 2019, the flood's year


def test_a_past_date_carries_into_the_next_sentence_and_a_recent_one_does_not(nlp, settings):
    past = _as_of_values(nlp, settings, "In March 2019 a storm hit the coast of Varna. Nine people died in the storm.",
                         "2025-02-19")
    assert past[9] == "2019-03"
    recent = _as_of_values(nlp, settings, "On Monday a storm hit the coast of Varna. Nine people died in the storm.",
                           "2025-02-19")
    assert recent[9] == "2025-02-19"
    # must not: an undated document takes no date from the sentence before
    assert _as_of_values(nlp, settings, "In March 2019 a storm hit the coast of Varna. Nine people died in the "
                                        "storm.", None)[9] is None
    # must not: a past date in a clause of its own ("the flood of 2019") is not the passage's date
    nested = _as_of_values(nlp, settings, "A storm hit Varna, killing 4 people in a town that the flood of 2019 "
                                          "had ruined. The storm brought 80 millimetres of rain.", "2025-02-19")
    assert nested[80] != "2019"


def test_a_date_in_a_sentence_without_a_verb_still_dates_its_figure(nlp, settings):
    assert _as_of_values(nlp, settings, "Flood toll: 12 dead on 3 May 2024", "2025-02-19")[12] == "2024-05-03"


@pytest.mark.parametrize("expression, iso", [
    ("January 11-13", "2025-01-13"),
    ("11-13 January", "2025-01-13"),
    ("Oct. 2-4, 2023", "2023-10-04"),
])
def test_a_span_of_days_is_read_as_its_last_day_never_a_year(settings, expression, iso):
    assert resolve(expression, "2025-02-19", settings) == iso  # must not: "11-13" as the year 2013
