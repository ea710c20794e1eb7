"""Blocking keys: what lets a new document find its near-copies and its story by index lookups."""
import dataclasses

from claimledger.extract.blocking import (minhash_bands, name_block, name_initials, story_keys, story_parts,
                                          story_terms, story_vector, text_signature)

from ..conftest import EXAMPLES


def test_a_light_rewrite_shares_a_bucket_and_an_unrelated_text_does_not(settings):
    wire = (EXAMPLES / "kursk-wire.txt").read_text()
    rewrite = wire.replace("said", "stated", 2) + "\n\nThis story has been updated."
    other = (EXAMPLES / "scraped-defectors.txt").read_text()
    bands = {name: minhash_bands(text_signature(text, settings), settings)
             for name, text in (("wire", wire), ("rewrite", rewrite), ("other", other))}
    assert len(bands["wire"]) == settings["group"]["lsh_bands"]
    assert set(enumerate(bands["wire"])) & set(enumerate(bands["rewrite"]))
    assert not set(enumerate(bands["wire"])) & set(enumerate(bands["other"]))
    assert minhash_bands(b"too short", settings) == ()


def test_story_keys_pair_the_anchor_with_the_main_entities_and_ignore_names_said_once(settings):
    mentioned = ["kursk"] * 4 + ["zelenskyy"] * 3 + ["pyongyang"] * 2 + ["telegram", "reuters"]
    keys = story_keys(mentioned, settings)
    assert len(keys) == 2  # kursk, the anchor, with zelenskyy and with pyongyang
    assert keys == story_keys(list(reversed(mentioned)), settings)
    assert set(story_keys(["zelenskyy"] * 3 + ["pyongyang"] * 2, settings)).isdisjoint(keys)
    assert story_keys(["telegram", "reuters", "kyiv"], settings) == ()


def test_names_are_blocked_by_their_last_word():
    assert name_block("Volodymyr Zelensky") == name_block("Zelenskyy") == "zel"
    assert name_initials("National Intelligence Service") == "NIS"
    assert name_initials("NIS") == ""


def test_our_minhash_equals_datasketch_affine32_value_for_value():
    """Stored signatures were made with datasketch's affine32 scheme: ours must read the same."""
    import random

    from datasketch import MinHash

    from claimledger.extract.blocking import minhash_values

    rng = random.Random(7)
    for seed, num_perm in ((1, 64), (2, 60), (5, 128)):
        for size in (1, 3, 40, 400):
            items = [bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 30))) for _ in range(size)]
            theirs = MinHash(num_perm=num_perm, seed=seed, scheme="affine32")
            theirs.update_batch(items)
            assert (minhash_values(items, num_perm, seed) == theirs.hashvalues).all(), (seed, num_perm, size)
    assert (minhash_values([], 64, 1) == MinHash(num_perm=64, seed=1, scheme="affine32").hashvalues).all()


# One champion's two title defences, in two cities against two challengers: words enough in common
# for one story, each article nearest to the others on its own bout.
BOUT_A = [
    "Venn stops Olt in Hamburg. Heavyweight champion Dario Venn kept his belt on Saturday, stopping Kasimir Olt in the fifth round before a sold-out crowd at the Elbe Arena in Hamburg.",
    "Dario Venn retains heavyweight title. Venn floored Kasimir Olt twice in Hamburg and the referee waved the fight off in the fifth round; Olt, a former sparring partner, could not answer the count.",
    "Fifth-round stoppage in Hamburg. Kasimir Olt lasted five rounds against champion Dario Venn at the Elbe Arena, where a left hook ended the heavyweight bout; Olt's corner protested the stoppage.",
    "Olt beaten by Venn in Hamburg. The Elbe Arena crowd saw Dario Venn defend his heavyweight belt against Kasimir Olt, who was down twice before the fifth-round stoppage in Hamburg.",
    "Venn too strong for Olt. Heavyweight champion Dario Venn needed five rounds in Hamburg to beat Kasimir Olt; the Elbe Arena bout was his ninth title defence, and Olt said he would retire.",
]
BOUT_B = [
    "Venn outpoints Reyk in Lisbon. Heavyweight champion Dario Venn kept his belt on Saturday, beating Tomas Reyk on points after twelve rounds at the Atlantico Pavilion in Lisbon.",
    "Dario Venn retains heavyweight title on points. Venn and Tomas Reyk went the distance in Lisbon; all three judges scored the twelve rounds for Venn, while Reyk's promoter called the cards a disgrace.",
    "Twelve rounds in Lisbon. Tomas Reyk took champion Dario Venn the full twelve rounds at the Atlantico Pavilion, and the judges gave the heavyweight bout to Venn by wide margins; Reyk wants a rematch.",
    "Reyk loses to Venn in Lisbon. The Atlantico Pavilion crowd booed the points decision that let Dario Venn keep his heavyweight belt against Tomas Reyk after twelve close rounds in Lisbon.",
    "Venn survives Reyk. Heavyweight champion Dario Venn needed all twelve rounds in Lisbon to beat Tomas Reyk; the Atlantico Pavilion bout was his fourteenth title defence, and Reyk said he was robbed.",
]


def bout_vectors(settings, texts):
    terms = [story_terms(t, settings) for t in texts]
    df: dict[str, int] = {}
    for t in terms:
        for word in t:
            df[word] = df.get(word, 0) + 1
    return [story_vector(t, df, len(texts), settings) for t in terms]


def small_story_settings(settings):
    """Parts of three articles, three nearest neighbours: the rule at the size of a test."""
    group = {**settings["group"], "story_split_neighbours": 3, "story_split_min_part": 3}
    return dataclasses.replace(settings, raw={**settings.raw, "group": group})


def test_a_story_mixing_two_events_of_one_kind_is_cut_into_them(settings):
    small = small_story_settings(settings)
    vectors = bout_vectors(settings, BOUT_A + BOUT_B)
    interleaved = [0, 5, 1, 6, 2, 7, 3, 8, 4, 9]
    undated = [(f"d{i}", vectors[i], None) for i in interleaved]
    assert story_parts(undated, small) == [[f"d{i}" for i in range(5)], [f"d{i}" for i in range(5, 10)]]
    years_apart = [(f"d{i}", vectors[i], "2019-05-04" if i < 5 else "2024-06-01") for i in interleaved]
    assert len(story_parts(years_apart, small)) == 2


def test_a_story_must_not_be_cut_when_its_parts_are_weeks_apart_or_one_event(settings):
    small = small_story_settings(settings)
    vectors = bout_vectors(settings, BOUT_A + BOUT_B)
    weeks_apart = [(f"d{i}", vectors[i], "2024-05-04" if i < 5 else "2024-06-01") for i in range(10)]
    assert len(story_parts(weeks_apart, small)) == 1, "a long story's later news is still the story"
    one_bout = bout_vectors(settings, BOUT_A + [t.replace("Olt", "Olt's") for t in BOUT_A])
    assert len(story_parts([(f"d{i}", v, None) for i, v in enumerate(one_bout)], small)) == 1
    # at the shipped size, five articles an event are too few to cut a story
    assert len(story_parts([(f"d{i}", vectors[i], None) for i in range(10)], settings)) == 1
