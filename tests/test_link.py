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
