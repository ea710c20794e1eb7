"""Cleaning keeps the prose and drops the furniture: must / must-not checks on real pages."""
import json

import pytest

from claimledger.clean import clean_article, parse_date, remove_repeats, split_paragraphs
from claimledger.errors import NoArticleText
from claimledger.ingest import read_file, read_inputs
from claimledger.models import Article

from .conftest import EXAMPLES, shared_path


def cleaned(path):
    [article] = list(read_file(path))
    return clean_article(article)


def test_scraped_page_loses_its_furniture():
    doc = cleaned(EXAMPLES / "scraped-defectors.txt")
    for furniture in ("Advertisement", "14 Comments", "Sign up", "Enter your email", "By signing up",
                      "Photo: Lee Ji-won", "shows a photograph of his old unit", "Related stories",
                      "Why Pyongyang sent troops", "Edited by", "Kang Min-jun Feb 3"):
        assert furniture not in doc.text, furniture
    assert doc.text.count("believe their relatives will be punished") == 1
    assert "treated as if he had never existed" in doc.text
    assert doc.published == "2025-02-03" and doc.published_from == "text"


def test_html_page_gives_text_and_metadata():
    doc = cleaned(EXAMPLES / "frontline-daily.html")
    assert "the first time one of the prisoners has asked publicly for asylum" in doc.text
    for furniture in ("Subscribe", "213 comments", "All rights reserved", "Cookie settings",
                      "Drones change the battle"):
        assert furniture not in doc.text, furniture
    assert doc.outlet == "Frontline Daily"
    assert doc.published == "2025-02-20"
    assert doc.title == "Captured North Korean soldier asks to go to Seoul"


def test_near_duplicate_paragraphs_are_dropped_but_different_ones_kept(settings):
    paras = ["Officials said on Monday that the strike had destroyed two bridges near the town.",
             "Officials said on Monday that the strike destroyed two bridges near the town.",
             "Residents said the water supply had been cut for three days after the strike."]
    assert remove_repeats(paras, settings) == [paras[0], paras[2]]


def test_typos_and_prose_are_left_alone():
    article = Article("t.txt", "0", "text", "Thier capture has sparked global curiosity,not just in Seoul.\n")
    assert clean_article(article).text == "Thier capture has sparked global curiosity,not just in Seoul."


def test_text_without_article_is_rejected():
    with pytest.raises(NoArticleText):
        clean_article(Article("t.txt", "0", "text", "Share\nSave\nAdvertisement\nShort.\n"))


@pytest.mark.parametrize("written, iso", [("Oct 24, 2024", "2024-10-24"), ("February 19th 2025", "2025-02-19"),
                                          ("2025-02-20T08:30:00+00:00", "2025-02-20"), ("not a date", None)])
def test_dates_are_read(written, iso):
    assert parse_date(written) == iso


def test_split_paragraphs_drops_blank_and_invisible_lines():
    assert split_paragraphs("a\r\n\u00a0\n \n\u200b\nb") == ["a", "b"]


def test_seed_pages_clean_as_the_reference_says():
    seeds = shared_path("seeds")
    gold = json.loads(shared_path("eval", "seeds.gold.json").read_text())["docs"]
    for article in read_inputs([str(seeds)]):
        doc = clean_article(article)
        g = gold[article.source.rsplit("/", 1)[-1].split(".")[0]]
        folded = " ".join(doc.text.lower().replace("’", "'").split())
        for s in g.get("present", []):
            assert " ".join(s.lower().replace("’", "'").split()) in folded, s
        for s in g.get("absent", []):
            assert s.lower() not in folded, s
        for s in g.get("once", []):
            assert folded.count(s.lower()) == 1, s


def _fixpoint_fragments(paragraphs, dropped, max_words):
    """The rule as first written: mark fragments beside dropped lines until nothing changes."""
    from claimledger.clean import is_fragment

    dropped = list(dropped)
    changed = True
    while changed:
        changed = False
        for i, para in enumerate(paragraphs):
            if not dropped[i] and is_fragment(para, max_words) and (
                    (i and dropped[i - 1]) or (i + 1 < len(paragraphs) and dropped[i + 1])):
                dropped[i] = changed = True
    return dropped


def test_fragments_beside_furniture_are_dropped_as_the_fixpoint_rule_says():
    import random

    from claimledger.clean import drop_fragments_beside_furniture

    rng = random.Random(12)
    kinds = ["Read more", "A whole sentence of article text ends here.", "Short crumb", "Another line of prose."]
    for _ in range(300):
        paragraphs = [rng.choice(kinds) for _ in range(rng.randint(1, 12))]
        dropped = [rng.random() < 0.2 for _ in paragraphs]
        expected = _fixpoint_fragments(paragraphs, dropped, 4)
        drop_fragments_beside_furniture(paragraphs, dropped, 4)
        assert dropped == expected, paragraphs


def test_a_long_run_of_fragments_after_furniture_goes_in_one_pass(settings):
    from claimledger.clean import remove_furniture

    paragraphs = ["Advertisement"] + [f"Menu item {i}" for i in range(8000)] + \
                 ["The council said the bridge would reopen once the repairs had been checked."]
    assert remove_furniture(paragraphs, settings) == paragraphs[-1:]


def test_clean_text_over_the_limit_is_skipped_as_oversized(settings):
    from claimledger.errors import OversizedInput

    limit = settings["limits"]["max_article_chars"]
    body = "\n".join(f"Bridge {i} is shut." for i in range(limit // 18 + 2))
    with pytest.raises(OversizedInput, match="limit"):
        clean_article(Article("long.txt", "0", "text", body))


@pytest.mark.parametrize("line, published", [
    ("March 4, 2019-8: 15AM", "2019-03-04"),     # a wire dateline with its time
    ("June 07, 2018 9: 41AM", "2018-06-07"),
    ("FRIDAY 05 APRIL 2019", "2019-04-05"),       # a weekday before the date
    ("Updated 3 / 8 / 2019 5: 12 PM", "2019-03-08"),
    ("Published: March 3, 2021 at 4:05 pm EST", "2021-03-03"),
])
def test_a_dateline_under_the_headline_dates_the_article(line, published):
    article = Article("dated.txt", "dated.txt", "text",
                      f"Flood waters rise along the Marel\n\n{line}\n\n"
                      "Flooding along the Marel river forced 300 families from their homes on Tuesday, "
                      "officials in the valley said, and the water was still rising in the evening.")
    doc = clean_article(article)
    assert doc.published == published and doc.published_from == "text"


def test_a_date_inside_a_sentence_of_the_article_is_no_dateline():
    article = Article("undated.txt", "undated.txt", "text",
                      "Flood waters rise along the Marel\n\n"
                      "Flooding along the Marel river forced 300 families from their homes, officials said on "
                      "March 4, 2019, and the water was still rising in the evening.")
    assert clean_article(article).published is None


def test_a_date_in_the_file_name_outranks_a_date_line_at_the_foot():
    body = ("Flood waters rise along the Marel\n\n"
            "Flooding along the Marel river forced 300 families from their homes on Tuesday, officials in "
            "the valley said, and the water was still rising in the evening.\n\nFriday, December 4, 2015.")
    named = clean_article(Article("wire_2015-11-26_flood.txt", "wire_2015-11-26_flood.txt", "text", body))
    assert named.published == "2015-11-26" and named.published_from == "file name"
    unnamed = clean_article(Article("flood.txt", "flood.txt", "text", body))
    assert unnamed.published == "2015-12-04" and unnamed.published_from == "text"
