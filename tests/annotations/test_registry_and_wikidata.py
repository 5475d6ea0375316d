"""The registry covers every entity; Wikidata ids are checked and well-formed; the live check compares names."""

import re

from taq_news.annotations.registry import NAME_LABELS
from taq_news.validation.wikidata import check_registry


def test_every_name_mention_and_speaker_resolves_to_the_registry(corpus):
    for rec in corpus.records:
        for m in rec["entities"]:
            if m["label"] in NAME_LABELS:
                assert m["entity_id"] in corpus.registry, (rec["id"], m["text"])
                assert m["wikidata_id"] == corpus.registry[m["entity_id"]].wikidata
            else:
                assert m["entity_id"] is None
        for q in rec["quotes"]:
            e = corpus.registry[q["speaker_entity_id"]]
            assert (q["speaker_name"], q["speaker_kind"]) == (e.name, e.kind)


def test_every_registry_entry_is_used(corpus):
    used = set()
    for rec in corpus.records:
        used |= {m["entity_id"] for m in rec["entities"]}
        for q in rec["quotes"]:
            used |= {q["speaker_entity_id"], q["addressee_entity_id"], *q["via"]}
        used |= {r["entity_id"] for r in rec["relations"]}
        used.add(rec["outlet"]["entity_id"])
    assert set(corpus.registry) <= used, sorted(set(corpus.registry) - used)


def test_linked_ids_carry_their_check(corpus):
    linked = [e for e in corpus.registry.values() if e.wikidata]
    assert len(linked) >= 10
    for e in linked:
        assert re.fullmatch(r"Q[1-9][0-9]*", e.wikidata)
        assert "not checked live" in e.wikidata_check["method"] and e.wikidata_check["source"]


def test_anonymous_speakers_are_described_and_marked(corpus):
    anon = [e for e in corpus.registry.values() if e.kind == "anonymous"]
    assert anon and all(e.label is None and e.wikidata is None and len(e.name.split()) >= 2 for e in anon)
    officer = corpus.registry["anon-002-intelligence-officer"]
    assert officer.name == "one intelligence officer and undercover diplomat based in Afghanistan"


def test_live_check_compares_labels_and_aliases(corpus):
    items = {
        "Q48340": {"labels": {"en": {"value": "CNN"}}, "aliases": {}},
        "Q889": {"labels": {"en": {"value": "Islamic Emirate"}}, "aliases": {"fr": [{"value": "Afghanistan"}]}},
    }

    def fake_fetch(qid):
        if qid not in items:
            raise OSError("offline")
        return items[qid]

    verdicts = {eid: v for eid, _, v in check_registry(corpus.registry, fake_fetch)}
    assert verdicts["cnn"] == "ok"
    assert verdicts["afghanistan"] == "mismatch"  # only an English label or alias counts
    assert verdicts["al-qaeda"].startswith("error")
