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
