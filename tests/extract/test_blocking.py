"""Blocking keys: what lets a new document find its near-copies and its story by index lookups."""
from claimledger.extract.blocking import minhash_bands, name_block, name_initials, story_keys, text_signature

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
