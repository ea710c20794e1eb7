"""Cross-document linking, on ledgers built by the real pipeline from small articles of our own."""
import json

from claimledger.pipeline import build

from .conftest import exported

ARTICLES = {
    "a.txt": "Ukrainian President Volodymyr Zelenskyy said on Monday that two North Korean soldiers had "
             "been captured. South Korea's National Intelligence Service confirmed the capture.",
    "b.txt": "Volodymyr Zelensky told reporters that the two prisoners were being questioned in Kyiv. "
             "The NIS said it was ready to help with the questioning of both men.",
    "c.txt": "Sokil Park, who directs a group that helps defectors, said the men faced punishment at home. "
             "Pak Yusung, a former soldier, said the same of his own unit.",
}


def built(tmp_path):
    for name, text in ARTICLES.items():
        (tmp_path / name).write_text(text)
    db = tmp_path / "l.db"
    build([str(tmp_path)], str(db), quiet=True)
    return json.loads(exported(db))


def test_spellings_and_acronyms_link_across_documents(tmp_path):
    data = built(tmp_path)
    people = {e["name"]: e for e in data["entities"] if e["type"] == "PERSON"}
    zelenskyy = [e for name, e in people.items() if name.startswith("Volodymyr Zelensk")]
    assert len(zelenskyy) == 1 and {"Volodymyr Zelensky", "Volodymyr Zelenskyy"} <= \
        {zelenskyy[0]["name"], *zelenskyy[0]["aliases"]}
    nis = [e for e in data["entities"] if e["name"] == "National Intelligence Service"]
    assert len(nis) == 1 and "NIS" in nis[0]["aliases"]
    assert not any(e["name"] == "NIS" for e in data["entities"])
    mentioned = {m["entity"] for m in data["mentions"]}
    assert zelenskyy[0]["id"] in mentioned and nis[0]["id"] in mentioned


def test_similar_names_of_different_people_stay_apart(tmp_path):
    data = built(tmp_path)
    names = {e["name"] for e in data["entities"] if e["type"] == "PERSON"}
    assert {"Sokil Park", "Pak Yusung"} <= names


ORDERED = [
    "The U.S. said on Monday that it would send 40 more engineers to the port, officials said.",
    "US officials said the engineers would arrive within a week and stay until the repairs ended.",
    "The United States has already sent 120 engineers to the region, the State Department said.",
]


def linked_names(tmp_path, names):
    folder = tmp_path / "-".join(names)
    folder.mkdir()
    for name, text in zip(names, ORDERED):
        (folder / name).write_text(text)
    db = folder / "l.db"
    build([str(folder)], str(db), quiet=True)
    data = json.loads(exported(db))
    by_id = {e["id"]: e for e in data["entities"]}
    return sorted({by_id[m["entity"]]["name"] for m in data["mentions"] if m["surface"] in ("U.S.", "US")})


def test_acronym_links_do_not_depend_on_the_order_of_the_inputs(tmp_path):
    first = linked_names(tmp_path, ["a.txt", "b.txt", "c.txt"])
    second = linked_names(tmp_path, ["b.txt", "a.txt", "c.txt"])  # "US" stored before "U.S."
    assert first == second == ["United States"]
