"""Cross-source groups: what the seeds must show, and near-copies on articles of our own."""
import json
import re
from pathlib import Path

import pytest

import claimledger
from claimledger.pipeline import build
from claimledger.store import Ledger

from .conftest import EXAMPLES, exported, shared_path


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    db = tmp_path_factory.mktemp("seeds") / "l.db"
    build([str(shared_path("seeds"))], str(db), quiet=True)
    return json.loads(exported(db))


def group_holding(data, anchor_doc, surface):
    docs = {d["id"]: d["source"] for d in data["documents"]}
    wanted = [q["id"] for q in data["quantities"] if anchor_doc in docs[q["document"]] and q["surface"] == surface]
    assert wanted, (anchor_doc, surface)
    return next(g for g in data["groups"] if wanted[0] in g["quantities"])


def names(data, ids):
    entities = {e["id"]: e["name"] for e in data["entities"]}
    return {entities.get(i, i) for i in ids}


def test_deployed_total_is_corroborated_by_several_originators(seeds):
    group = group_holding(seeds, "000_", "over 12,000")
    docs = {d["id"]: d["source"].rsplit("/", 1)[-1][:3] for d in seeds["documents"]}
    members = [q for q in seeds["quantities"] if q["id"] in group["quantities"]]
    assert {docs[q["document"]] for q in members} == {"000", "001", "002"}
    assert group["status"] == "corroborated" and len(group["originators"]) >= 2
    assert "United States" in names(seeds, group["originators"])


def test_two_captured_is_one_source_relayed_by_several_outlets(seeds):
    group = group_holding(seeds, "001_", "two")
    assert group["status"] == "single-source"
    assert names(seeds, group["originators"]) == {"Volodymyr Zelenskyy"}
    # one document names its outlet ("Original Source: ..."), the other nothing: never a file name
    assert group["outlets"] == ["abcnews.go.com"]
    assert "1 outlet(s) and 1 document(s) of unknown outlet" in group["note"]


def test_killed_and_wounded_against_casualties_disagree(seeds):
    casualties = group_holding(seeds, "002_", "about 4,000")
    killed = group_holding(seeds, "000_", "approximately 300")
    wounded = group_holding(seeds, "000_", "over 2,700")
    assert casualties["status"] == "conflicting"
    assert {killed["id"], wounded["id"]} == set(casualties["related"])
    assert "National Intelligence Service" in casualties["note"] and "Ukraine" in casualties["note"]


def test_additional_troops_stand_alone(seeds):
    extra = group_holding(seeds, "002_", "20,000 to 25,000")
    assert len(extra["quantities"]) == 1 and extra["status"] == "single-source"


def test_near_copies_are_found_and_exported(tmp_path):
    original = (EXAMPLES / "kursk-wire.txt").read_text()
    (tmp_path / "original.txt").write_text(original)
    (tmp_path / "rewrite.txt").write_text(original.replace("told lawmakers", "informed legislators")
                                          .replace("nightly address", "evening video"))
    (tmp_path / "other.txt").write_text((EXAMPLES / "scraped-defectors.txt").read_text())
    db = tmp_path / "l.db"
    build([str(tmp_path)], str(db), quiet=True)
    data = json.loads(exported(db))
    sources = {d["id"]: d["source"].rsplit("/", 1)[-1] for d in data["documents"]}
    pairs = {frozenset((sources[p["document_a"]], sources[p["document_b"]])) for p in data["near_copies"]}
    assert pairs == {frozenset(("original.txt", "rewrite.txt"))}
    edges = {(sources[e["document"]], e["kind"]) for e in data["citation_graph"]}
    assert ("original.txt", "figure source") in edges


BRIDGED_STORIES = {
    "a-vohrad.txt": "Shelling hit Vohrad again on Monday. Anna Petrenko, the Vohrad district head, said 14 "
                    "residents were killed. Anna Petrenko said rescue teams were still searching Vohrad. "
                    "Governor Ivan Sirko promised help; Ivan Sirko is due to visit on Friday.",
    "b-tenovo.txt": "Oleh Marenko, the mayor of Tenovo, said 40 people were wounded in Tenovo on Tuesday. "
                    "Oleh Marenko asked the regional governor for more ambulances for Tenovo's clinic.",
    "c-vohrad-again.txt": "Anna Petrenko said on Wednesday that 15 residents were killed in Vohrad. The Vohrad "
                          "district head, Anna Petrenko, added that 3 more were missing.",
    "d-both.txt": "Governor Ivan Sirko toured Tenovo and Vohrad on Thursday. Ivan Sirko said 16 residents were "
                  "killed in Vohrad and 45 people were wounded in Tenovo. In Tenovo, Ivan Sirko met doctors; "
                  "Ivan Sirko then left for Tenovo's hospital.",
}


def test_adding_documents_run_by_run_gives_the_ledger_of_one_run(tmp_path):
    """Near-copies, stories (two of which a later article joins), links and groups are updated
    incrementally as documents arrive; the result must be the one a single build gives. Stories are
    filed by content: the article about both places is like both stories and joins them."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in BRIDGED_STORIES.items():
        (corpus / name).write_text(text)
    wire = (EXAMPLES / "kursk-wire.txt").read_text()
    (corpus / "e-wire-copy.txt").write_text(wire + "\n\nOfficials said 7 more soldiers had been wounded overnight.")
    inputs = [str(p) for p in sorted(EXAMPLES.glob("*.txt")) + sorted(corpus.glob("*.txt"))]
    whole, stepwise = tmp_path / "whole.db", tmp_path / "stepwise.db"
    build(inputs, str(whole), quiet=True)
    for batch in (inputs[:3], inputs[3:5], inputs[5:6], inputs[6:]):
        build(batch, str(stepwise), quiet=True)
        stories = stories_by_file(stepwise)
        if "d-both.txt" not in stories and "b-tenovo.txt" in stories:
            assert stories["a-vohrad.txt"] == stories["c-vohrad-again.txt"] != stories["b-tenovo.txt"]
    assert stories["a-vohrad.txt"] == stories["d-both.txt"] == stories["b-tenovo.txt"]
    assert exported(whole) == exported(stepwise)
    assert json.loads(exported(stepwise))["near_copies"], "the wire copy must be found"
    with Ledger(stepwise) as ledger:
        assert ledger.count("pending") == 0


def stories_by_file(db) -> dict[str, str]:
    with Ledger(db) as ledger:
        return {r["source"].rsplit("/", 1)[-1]: r["story"] for r in ledger.rows("SELECT source, story FROM documents")}


def build_texts(tmp_path, texts: dict[str, str]) -> dict:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in texts.items():
        (corpus / name).write_text(text)
    db = tmp_path / "l.db"
    build([str(corpus)], str(db), quiet=True)
    return json.loads(exported(db))


def groups_of(data, category):
    return [g for g in data["groups"] if g["category"] == category]


FLOOD = ("Flooding in the Marel valley: the Marel river burst its banks near Ostavin after a week of rain. "
         "Rescuers in the Marel valley searched villages around Ostavin.")
# Other words on the same flood, so that two articles are one story but not near-copies.
FLOOD_AGAIN = ("Ostavin counts the cost: after days of downpours the swollen Marel swept through low streets of "
               "Ostavin, and boats ferried families out of the Marel valley while roads stayed closed.")


def test_a_sum_restated_in_another_currency_is_not_a_conflict(tmp_path):
    data = build_texts(tmp_path, {
        "a.txt": FLOOD + " Treasurer Omar Lindqvist said repairs will cost $90 million (£70 million).",
        "b.txt": FLOOD_AGAIN + " Finance officer Lara Voss said the repairs will cost $90 million.",
    })
    [money] = groups_of(data, "money")
    assert money["status"] == "corroborated", money


def test_ages_and_durations_never_conflict(tmp_path):
    data = build_texts(tmp_path, {
        "a.txt": FLOOD + " Police chief Tom Reyes said the search lasted 6 days. Tom Reyes said a fisherman, "
                         "aged 61, drowned.",
        "b.txt": FLOOD_AGAIN + " Mayor Ina Holt said the search lasted 9 days. Ina Holt said a fisherman, aged 64, "
                               "drowned.",
    })
    statuses = {g["category"]: g["status"] for g in data["groups"] if g["category"] in ("age", "duration")}
    assert statuses and "conflicting" not in statuses.values(), data["groups"]


def test_a_toll_floor_below_a_later_count_is_evolving_not_conflicting(tmp_path):
    data = build_texts(tmp_path, {
        "a.txt": FLOOD + " Police chief Tom Reyes said at least 4 people had died.",
        "b.txt": FLOOD_AGAIN + " Mayor Ina Holt said the death toll rose to 19.",
    })
    [killed] = groups_of(data, "killed")
    assert killed["status"] == "evolving", killed


def test_outlets_are_read_from_the_url_never_from_the_file_name(tmp_path):
    feed = tmp_path / "feed.jsonl"
    rows = [{"url": "https://www.marel-post.example/flood", "text": FLOOD + " Mayor Ina Holt said 12 people were missing."},
            {"url": "https://valley-times.example/2025/flood",
             "text": FLOOD_AGAIN + " Mayor Ina Holt said 12 people were missing."}]
    feed.write_text("".join(json.dumps(r) + "\n" for r in rows))
    db = tmp_path / "l.db"
    build([str(feed)], str(db), quiet=True)
    data = json.loads(exported(db))
    [missing] = groups_of(data, "missing")
    assert missing["outlets"] == ["marel-post.example", "valley-times.example"]
    assert "relayed by 2 outlet(s)" in missing["note"]


def test_two_events_of_one_kind_stay_apart_and_one_event_holds(tmp_path):
    quake_a = ("A strong earthquake struck Kelmora province on Sunday, toppling homes in the hill town of "
               "Varnisk. Rescuers in Varnisk pulled survivors from collapsed houses. ")
    quake_b = ("An earthquake shook the coastal city of Dunmarra on Friday, cracking the harbour wall and the "
               "old lighthouse of Dunmarra. Fishing boats in Dunmarra were damaged. ")
    data = build_texts(tmp_path, {
        "1.txt": quake_a + "Governor Selim Arkan said 8 people died in Varnisk.",
        "2.txt": quake_b + "Harbour master Joan Pell said the Dunmarra lighthouse was shut.",
        "3.txt": "Varnisk quake: rescuers still search the hill town of Varnisk in Kelmora province after Sunday's "
                 "earthquake toppled homes. Governor Selim Arkan said collapsed houses in Varnisk trapped families.",
        "4.txt": "Dunmarra harbour wall cracked by Friday's earthquake; the old lighthouse of Dunmarra stays shut, "
                 "harbour master Joan Pell said. Fishing boats in Dunmarra need repair.",
    })
    story = {d["source"].rsplit("/", 1)[-1]: d.get("story") for d in data["documents"]}
    with Ledger(tmp_path / "l.db") as ledger:
        story = {r["source"].rsplit("/", 1)[-1]: r["story"] for r in ledger.rows("SELECT source, story FROM documents")}
    assert story["1.txt"] == story["3.txt"] != story["2.txt"] == story["4.txt"]


def member(originator, name, value=10.0):
    from claimledger.group import Member

    return Member(f"q-{originator}-{value}", f"d-{originator}", value, value, "exact", originator, name, None, None)


def test_spellings_of_one_name_are_one_originator():
    from claimledger.group import assess, one_name_one_originator

    members = one_name_one_originator([member("e1", "Marta Kowalczyk", 10), member("e2", "Marta Kowalczik", 30),
                                       member("e3", "Pavel Dobrev", 10)], 90)
    assert [m.originator for m in members] == ["e1", "e1", "e3"]
    # one originator changing the figure is not two originators disagreeing
    assert assess(members[:2], 0.15)[0] != "conflicting"


@pytest.mark.parametrize("source, entity, part", [
    ("Ukraine's military intelligence", "Ukraine", True),
    ("the ministry's intelligence directorate", "ministry", True),
    ("Ukraine", "Ukraine", False),
    ("President of Ukraine", "Ukraine", False),
])
def test_a_part_of_an_organisation_is_not_the_organisation(source, entity, part):
    from claimledger.group import is_part_of

    assert is_part_of(source, entity) is part


def test_floors_do_not_contradict_higher_values():
    from claimledger.group import Member, assess

    floor = Member("q1", "d1", 2700, None, "floor", "e1", "Agency A", None, None)
    value = Member("q2", "d2", 3000, 3000, "exact", "e2", "Agency B", None, None)
    assert assess([floor, value], 0.15)[0] == "corroborated"


def test_dozens_against_a_floor_of_forty_is_no_rise_in_a_toll():
    from claimledger.group import Member, assess

    dozens = Member("q1", "d1", 10, None, "vague", "e1", "Agency A", None, None)
    floor = Member("q2", "d2", 40, None, "floor", "e2", "Governor B", None, None)
    assert assess([dozens, floor], 0.15, tally=True)[0] == "corroborated"
    earlier = Member("q3", "d3", 12, None, "floor", "e1", "Agency A", None, None)
    later = Member("q4", "d4", 40, 40, "exact", "e2", "Governor B", None, None)
    assert assess([earlier, later], 0.15, tally=True)[0] == "evolving"  # must: at least 12, then 40, is a rise


def test_a_vague_amount_holds_up_to_the_next_number_name(settings):
    from claimledger.group import Member, assess, vague_bound

    thousands = Member("q1", "d1", 1000, vague_bound(1000, settings), "vague", "e1", "Colonel A", None, None)
    count = Member("q2", "d2", 14000, 14000, "exact", "e2", "Governor B", None, None)
    assert assess([thousands, count], 0.15)[0] == "corroborated"  # must not: "thousands" against 14,000
    hundreds = Member("q3", "d3", 100, vague_bound(100, settings), "vague", "e1", "Colonel A", None, None)
    assert assess([hundreds, count], 0.15, max_ratio=50)[0] == "conflicting"  # "hundreds" is under a thousand


def test_tolls_far_apart_count_a_part_and_the_whole_unless_the_toll_rose():
    from claimledger.group import Member, split_far_apart

    village = Member("q1", "d1", 1, 1, "exact", "e1", "Official A", None, None)
    district = Member("q2", "d2", 12, 12, "exact", "e2", "Agency B", None, None)
    near = Member("q3", "d3", 14, 14, "exact", "e2", "Agency B", None, None)
    runs = split_far_apart([district, village, near], ("s", "killed", "people", False), 10.0)
    assert sorted(len(r) for r in runs.values()) == [1, 2]  # must: one man apart from 12 and 14
    assert [m.id for m in runs[("s", "killed", "people", False)]] == ["q1"]  # the smallest keep the key
    early = Member("q4", "d4", 2, 2, "floor", "e1", "Official A", "2025-03-01", None)
    later = Member("q5", "d5", 40, 40, "exact", "e1", "Official A", "2025-03-03", None)
    assert len(split_far_apart([early, later], ("s", "killed", "people", False), 10.0)) == 1  # it rose


def test_an_unnamed_source_that_differs_is_set_aside_not_an_evolution():
    from claimledger.group import Member, assess

    named = Member("q1", "d1", 68, 68, "exact", "e1", "Ledger Daily", None, None)
    other = Member("q2", "d2", 83, 83, "exact", "someone:a newspaper", "a newspaper", None, None)
    status, note = assess([named, other], 0.15)
    assert status == "single-source" and "does not name" in note  # must not: "evolving"
    second = Member("q3", "d3", 67, 67, "exact", "e2", "Civic Pollsters", None, None)
    assert assess([named, other, second], 0.15)[0] == "corroborated"  # the named two agree


def test_the_examples_casualty_estimates_form_one_group(tmp_path):
    db = tmp_path / "l.db"
    build([str(p) for p in sorted(EXAMPLES.iterdir())], str(db), quiet=True)
    data = json.loads(exported(db))
    casualties = groups_of(data, "casualties")
    assert len(casualties) == 1 and len(casualties[0]["quantities"]) == 4, casualties
    # "several hundred" (the Pentagon) against 3,000 to 4,000 (Kyiv) in the same month
    assert casualties[0]["status"] == "conflicting"
    outlets = {o for g in data["groups"] for o in g["outlets"]}
    assert outlets == {"Example Monitor", "Frontline Daily"}  # the other files name no outlet: never "kursk-wire"


def test_a_count_its_own_source_revised_is_evolving_not_conflicting():
    from claimledger.group import Member, assess

    # undated reports: the agency gave 2, then 9; the governor's 5 lies between two of its own counts
    first = Member("q1", "d1", 2, 2, "exact", "agency", "Relief Agency", None, None)
    later = Member("q2", "d2", 9, 9, "exact", "agency", "Relief Agency", None, None)
    governor = Member("q3", "d3", 5, 5, "exact", "gov", "Governor Ames", None, None)
    status, note = assess([first, later, governor], 0.15)
    assert status == "evolving" and "revised" in note
    # must: two sources that each state one differing figure, dates unknown, still disagree
    assert assess([first, governor], 0.15)[0] == "conflicting"


def test_a_past_events_toll_is_grouped_apart_from_todays(tmp_path):
    data = build_texts(tmp_path, {
        "a.txt": FLOOD + " Police chief Tom Reyes said on 3 May 2024 that 14 people had died. "
                         "Tom Reyes said the great flood of 2019 killed 230 people. The 2019 flood cut 40 roads.",
        "b.txt": FLOOD_AGAIN + " Mayor Ina Holt said on 3 May 2024 that 14 people died.",
    })
    toll = [g for g in groups_of(data, "killed") if "in 2019" not in g["label"]]
    past = [g for g in groups_of(data, "killed") if "in 2019" in g["label"]]
    values = {q["id"]: q["surface"] for q in data["quantities"]}
    assert toll and all("230" not in values[i] for g in toll for i in g["quantities"]), data["groups"]
    assert toll[0]["status"] == "corroborated"
    assert past and all("230" in values[i] for g in past for i in g["quantities"])
    assert all(g["label"].count("2019") == 1 for g in past)


def test_a_quakes_magnitudes_group_by_value_and_never_conflict(tmp_path):
    data = build_texts(tmp_path, {
        "a.txt": FLOOD + " The Marel Seismic Office said the magnitude 7.6 quake struck at dawn. "
                         "Geologist Rana Patel said a magnitude 5.1 aftershock followed.",
        "b.txt": FLOOD_AGAIN + " Harbour master Joan Pell said the 7.7 magnitude tremor woke the town.",
    })
    magnitudes = groups_of(data, "magnitude")
    values = {q["id"]: q["low"] for q in data["quantities"]}
    main = next(g for g in magnitudes if {values[i] for i in g["quantities"]} == {7.6, 7.7})
    assert main["status"] == "corroborated", magnitudes
    # must not: the aftershock's 5.1 beside the main shock's 7.6 is no disagreement
    assert all(g["status"] != "conflicting" for g in magnitudes), magnitudes


def test_figures_ten_times_apart_count_different_things():
    from claimledger.group import Member, assess

    province = Member("q1", "d1", 14000, 14000, "exact", "gov", "Governor Ames", None, None)
    family = Member("q2", "d2", 6, 6, "exact", "mother", "Lina Ortiz", None, None)
    rival = Member("q3", "d3", 9000, 9000, "exact", "agency", "Relief Agency", None, None)
    assert assess([province, family], 0.15, max_ratio=10)[0] != "conflicting"
    # must: two rival counts of one thing still disagree
    assert assess([province, rival], 0.15, max_ratio=10)[0] == "conflicting"


def test_killed_plus_wounded_needs_one_originator_to_give_both():
    from claimledger.group import Member, compare_parts

    wounded = Member("q1", "d1", 2, 2, "exact", "hospital", "Hospital spokeswoman", None, None)
    total = Member("q2", "d2", 3, 3, "exact", "police", "Police chief", None, None)
    # the hospital gave only the wounded: 2 is no killed + wounded sum to set against 3 shot
    assert compare_parts([total], {"wounded": [wounded], "killed": []}, 0.15) is None
    killed = Member("q3", "d1", 3, 3, "exact", "hospital", "Hospital spokeswoman", None, None)
    assert compare_parts([total], {"wounded": [wounded], "killed": [killed]}, 0.15) is not None


def test_a_batch_put_in_a_named_story_stays_there(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "flood.txt").write_text(FLOOD)
    (corpus / "budget.txt").write_text("The city council of Brennick passed its annual budget on Tuesday after "
                                       "a long debate about bus fares and library hours in Brennick.")
    db = tmp_path / "l.db"
    build([str(corpus)], str(db), quiet=True)
    before = stories_by_file(db)
    assert before["flood.txt"] != before["budget.txt"]  # unlike words: two stories
    # a user who knows better puts both, already stored, in one story by name
    build([str(corpus)], str(db), quiet=True, story="Marel recovery")
    after = stories_by_file(db)
    assert after["flood.txt"] == after["budget.txt"] == "story:Marel recovery"
    more = tmp_path / "more"
    more.mkdir()
    (more / "again.txt").write_text(FLOOD_AGAIN)
    build([str(more)], str(db), quiet=True, story="Marel recovery")
    with Ledger(db) as ledger:
        ledger.refile()  # refiling everything keeps what the user named
    assert set(stories_by_file(db).values()) == {"story:Marel recovery"}


def test_an_article_like_a_named_story_joins_it(tmp_path):
    named, later = tmp_path / "named", tmp_path / "later"
    named.mkdir()
    later.mkdir()
    (named / "flood.txt").write_text(FLOOD)
    (later / "again.txt").write_text(FLOOD_AGAIN)
    db = tmp_path / "l.db"
    build([str(named)], str(db), quiet=True, story="Marel recovery")
    build([str(later)], str(db), quiet=True)  # no name given: its words lead it to the named story
    assert set(stories_by_file(db).values()) == {"story:Marel recovery"}


@pytest.mark.parametrize("source, originator", [
    ("police", "someone:police"),
    ("the authorities", "someone:authorities"),
    ("Industry experts", "someone:industry experts"),
    ("Velmar's Defence Intelligence", "text:velmar s defence intelligence"),
    ("they", None),
    (None, None),
])
def test_a_source_no_entity_stands_for_is_still_an_originator(source, originator):
    from claimledger.group import text_originator

    assert text_originator(source) == originator


def test_sources_the_text_does_not_name_count_as_one_and_are_not_held_to_a_rival_count():
    from claimledger.group import Member, assess

    def said(originator, value):
        return Member(f"q-{originator}-{value}", f"d-{originator}-{value}", value, value, "exact", originator,
                      originator.split(":")[-1], None, None)

    police, authorities = said("someone:police", 3), said("someone:authorities", 3)
    assert assess([police, authorities], 0.15)[0] == "single-source"  # may be one body
    assert assess([police, said("mayor", 3)], 0.15)[0] == "corroborated"
    assert assess([said("someone:police", 2), authorities], 0.15)[0] != "conflicting"
    assert assess([said("someone:police", 2), said("mayor", 3)], 0.15)[0] != "conflicting"
    assert assess([said("governor", 2), said("mayor", 3)], 0.15)[0] == "conflicting"


def test_unnamed_originators_are_exported_as_their_words(tmp_path):
    data = build_texts(tmp_path, {
        "a.txt": FLOOD + " Police said 12 people were killed in the flood.",
        "b.txt": FLOOD_AGAIN + " Mayor Ina Holt said 12 people were killed in the flood.",
    })
    [killed] = groups_of(data, "killed")
    assert killed["status"] == "corroborated", killed
    assert {"police", "Ina Holt"} <= names(data, killed["originators"])


def surfaces(data, group):
    values = {q["id"]: q["surface"] for q in data["quantities"]}
    return {values[i] for i in group["quantities"]}


def test_distances_group_by_value_in_one_unit(tmp_path):
    data = build_texts(tmp_path, {
        "a.txt": FLOOD + " Police chief Tom Reyes said officers chased the looters for 48 km. "
                         "Tom Reyes said Ostavin lies 135 km from the capital.",
        "b.txt": FLOOD_AGAIN + " Mayor Ina Holt said the chase covered about 30 miles.",
    })
    chase = group_holding(data, "a.txt", "48")
    assert surfaces(data, chase) == {"48", "about 30"}, data["groups"]
    assert chase["status"] == "corroborated"


def test_one_who_speaks_for_an_originator_is_that_originator(tmp_path):
    data = build_texts(tmp_path, {
        "a.txt": FLOOD + " Norvik Telecom said three cables were cut by the flood.",
        "b.txt": FLOOD_AGAIN + " Norvik Telecom spokesman Pavel Orlov said three cables were cut.",
    })
    cables = group_holding(data, "a.txt", "three")
    assert len(cables["quantities"]) == 2, data["groups"]
    assert cables["status"] == "single-source" and len(cables["originators"]) == 1, cables


def test_counts_whose_phrases_share_a_noun_count_one_thing(tmp_path):
    data = build_texts(tmp_path, {
        "a.txt": FLOOD + " Norvik Telecom said three cable systems were cut by the flood.",
        "b.txt": FLOOD_AGAIN + " Engineer Ada Lund said three undersea cables were cut.",
    })
    cables = group_holding(data, "a.txt", "three")
    assert len(cables["quantities"]) == 2 and cables["status"] == "corroborated", data["groups"]


def test_the_badly_hurt_are_a_part_of_the_toll_not_a_rival_count(tmp_path):
    data = build_texts(tmp_path, {
        "a.txt": FLOOD + " Doctor Ema Lind said 30 people were seriously injured. "
                         "Governor Lars Berg said 200 people were injured.",
        "b.txt": FLOOD_AGAIN + " Mayor Ina Holt said 210 people were injured.",
    })
    toll = group_holding(data, "a.txt", "200")
    assert surfaces(data, toll) == {"200", "210"}, data["groups"]
    assert toll["status"] == "corroborated"


def test_in_an_undated_story_a_figure_dated_to_a_year_is_a_past_events(tmp_path):
    data = build_texts(tmp_path, {
        "a.txt": FLOOD + " Police chief Tom Reyes said 14 people died. In 2019 a flood killed 230 people.",
        "b.txt": FLOOD_AGAIN + " Mayor Ina Holt said 14 people died.",
    })
    toll = group_holding(data, "a.txt", "14")
    assert "230" not in surfaces(data, toll), data["groups"]
    assert toll["status"] == "corroborated"


def test_a_story_that_mixed_two_events_is_cut_and_their_later_articles_follow_each(tmp_path, monkeypatch):
    """Ten articles on one champion's two title defences, filed in turns: the build ends with one
    story a bout (at a test's size: parts of three, three neighbours), and a later article on the
    second bout joins that bout's story."""
    from .extract.test_blocking import BOUT_A, BOUT_B

    patterns = (Path(claimledger.__file__).parent / "patterns.toml").read_text(encoding="utf-8")
    patterns = re.sub(r"(?m)^story_split_neighbours = \d+", "story_split_neighbours = 3", patterns)
    patterns = re.sub(r"(?m)^story_split_min_part = \d+", "story_split_min_part = 3", patterns)
    (tmp_path / "patterns.toml").write_text(patterns, encoding="utf-8")
    monkeypatch.setenv("CLAIMLEDGER_PATTERNS", str(tmp_path / "patterns.toml"))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n, (a, b) in enumerate(zip(BOUT_A[:4], BOUT_B[:4])):
        (corpus / f"{n}a.txt").write_text(a)
        (corpus / f"{n}b.txt").write_text(b)
    db = tmp_path / "l.db"
    build([str(corpus)], str(db), quiet=True)
    later = tmp_path / "later.txt"
    later.write_text(BOUT_B[4])
    build([str(later)], str(db), quiet=True)
    story = stories_by_file(db)
    assert len({story[f"{n}a.txt"] for n in range(4)}) == 1
    assert len({story[f"{n}b.txt"] for n in range(4)} | {story["later.txt"]}) == 1
    assert story["0a.txt"] != story["0b.txt"]
    with Ledger(db) as ledger:
        assert ledger.count("pending") == 0


def test_a_figure_dated_a_year_before_its_article_is_a_past_events(settings):
    from claimledger.group import is_past

    assert is_past("2012-04", "2013-07-02", 2013, settings)  # "In April last year a quake killed five"
    assert not is_past("2013-03", "2013-07-02", 2013, settings)  # must not: this spring's news of the story
    assert not is_past("2012-04", None, 2013, settings)  # an undated article: only whole years tell
    assert is_past("2004", None, 2013, settings) and is_past("2012", None, None, settings)


def test_tolls_a_day_apart_are_not_the_same_time():
    from claimledger.group import Member, assess

    early = Member("q1", "d1", 5, 5, "exact", "e1", "Agency A", "2025-07-02", None)
    later = Member("q2", "d2", 24, 24, "exact", "e2", "Agency B", "2025-07-03", None)
    assert assess([early, later], 0.15)[0] == "evolving"  # must not: a conflict across two days
    same_day = Member("q3", "d3", 24, 24, "exact", "e2", "Agency B", "2025-07-02", None)
    assert assess([early, same_day], 0.15)[0] == "conflicting"  # must: the same day, two counts
    month = Member("q4", "d4", 24, 24, "exact", "e2", "Agency B", "2025-07", None)
    assert assess([early, month], 0.15)[0] == "conflicting"  # a month may hold that day


def test_an_originator_at_odds_with_itself_on_one_day_mixes_parts_and_proves_no_conflict():
    from claimledger.group import Member, assess

    district = Member("q1", "d1", 40, 40, "exact", "e1", "Official A", "2025-07-02", None)
    province = Member("q2", "d2", 300, 300, "exact", "e1", "Official A", "2025-07-02", None)
    rival = Member("q3", "d3", 120, 120, "exact", "e2", "Agency B", "2025-07-02", None)
    status, note = assess([district, province, rival], 0.15)
    assert status == "evolving" and "parts of a whole" in note  # must not: "conflicting"
    assert assess([district, rival], 0.15)[0] == "conflicting"  # must: one figure each, one day


def test_a_count_in_a_place_the_clause_names_is_apart_from_the_whole(tmp_path):
    data = build_texts(tmp_path, {
        "a.txt": FLOOD + " Governor Lars Berg said 300 houses were damaged. "
                         "Clerk Ivo Marsh said 12 houses were damaged in Tessel, the capital of Drava district.",
        "b.txt": FLOOD_AGAIN + " Mayor Ina Holt said 310 houses were damaged.",
    })
    whole = group_holding(data, "a.txt", "300")
    # must not: Tessel's 12 against the valley's 300, a conflict
    assert surfaces(data, whole) == {"300", "310"} and whole["status"] == "corroborated", data["groups"]


def test_a_toll_of_children_is_a_part_of_the_toll(tmp_path):
    data = build_texts(tmp_path, {
        "a.txt": FLOOD + " Governor Lars Berg said 24 people were killed. "
                         "The flood killed six children when a school collapsed, Lars Berg said.",
        "b.txt": FLOOD_AGAIN + " Mayor Ina Holt said 25 people were killed.",
    })
    toll = group_holding(data, "a.txt", "24")
    assert surfaces(data, toll) == {"24", "25"}, data["groups"]
    assert "six" not in surfaces(data, toll)


def test_a_name_suffix_does_not_make_another_persons_age():
    from claimledger.group import subject_of
    from claimledger.settings import load_settings

    settings = load_settings()
    assert subject_of("Tomas Varga III", "age", settings) == subject_of("Mr. Varga", "age", settings)


def test_a_floor_joins_the_measure_just_above_it():
    from claimledger.group import Member, split_by_value

    top = Member("q1", "d1", None, 193, "ceiling", "e1", "Sheriff A", None, None)  # "up to 193 km/h"
    floor = Member("q2", "d2", 161, None, "floor", "e2", "Undersheriff B", None, None)  # "more than 100 mph"
    other = Member("q3", "d3", 48, 48, "exact", "e2", "Undersheriff B", None, None)
    runs = split_by_value([top, floor, other], ("s", "speed", "speed", False), 0.15, relative=True)
    assert sorted(sorted(m.id for m in run) for run in runs.values()) == [["q1", "q2"], ["q3"]]
    far = Member("q4", "d4", 100, None, "floor", "e2", "Undersheriff B", None, None)  # "more than 62 mph"
    runs = split_by_value([top, far], ("s", "speed", "speed", False), 0.15, relative=True)
    assert len(runs) == 2  # must not: a floor far below joins


def test_a_director_of_a_body_is_one_voice_with_it_named_as_the_person():
    from claimledger.group import Member, speaking_for

    body = Member("q1", "d1", 75, None, "floor", "org:velmnet", "Velmnet Plc", None, None)
    director = Member("q2", "d2", 90, 90, "approximate", "per:pell", "Ada Pell", None, None)
    said = {"per:pell": {" ada pell velmnet s director of wholesale "}, "org:velmnet": {" velmnet plc "}}
    merged = speaking_for([body, director], said, frozenset({"plc"}), ("spokesman",))
    assert {m.originator for m in merged} == {"per:pell"}  # one voice, the person's ("Velmnet" without "Plc")
    said["per:pell"] = {" velmnet spokesman ada pell "}
    merged = speaking_for([body, director], said, frozenset({"plc"}), ("spokesman",))
    assert {m.originator for m in merged} == {"org:velmnet"}  # a spokesman is the body


def test_rival_estimates_of_a_count_far_apart_still_conflict(tmp_path):
    data = build_texts(tmp_path, {
        "a.txt": FLOOD + " Police chief Tom Reyes said 3,000 people marched through Ostavin on Sunday.",
        "b.txt": FLOOD_AGAIN + " Organiser Ina Holt said 60,000 people marched through Ostavin on Sunday.",
    })
    march = group_holding(data, "a.txt", "3,000")
    assert surfaces(data, march) == {"3,000", "60,000"}, data["groups"]
    assert march["status"] == "conflicting"  # must not: a part beside a whole, as for a toll
