"""Issue [2/5]'s promises about the gold, asserted on the built records."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

from taq_news.core.quote_marks import find_passages, unaccounted
from taq_news.validation.record_checks import CorpusIndex

ROOT = Path(__file__).resolve().parents[2]


def test_every_quoted_passage_is_a_quote_or_a_listed_non_quote(records):
    total = 0
    for rec in records.values():
        total += len(find_passages(rec["text"]))
        assert unaccounted(rec) == [], rec["id"]
    assert total > 50


def test_unclosed_quotes_are_found_and_annotated(records):
    unclosed = {doc: [p for p in find_passages(r["text"]) if not p.closed] for doc, r in records.items()}
    assert len(unclosed["001_11cc45b15fc6f254"]) == 1 and len(unclosed["003_1aa4f263d7f3497b"]) == 1
    for doc, passages in unclosed.items():
        for p in passages:
            covering = [q for q in records[doc]["quotes"] if any(s["start"] <= p.start < s["end"] for s in q["content"])]
            assert covering and all(q["note"] and "never closed" in q["note"] for q in covering)


def test_all_eighteen_types_are_defined_and_quotes_have_speakers(records):
    labels = Counter(m["label"] for r in records.values() for m in r["entities"])
    assert {"PERSON", "NORP", "ORG", "GPE", "LOC", "DATE", "CARDINAL", "ORDINAL", "EVENT", "LAW"} <= set(labels)
    for r in records.values():
        assert r["annotation"]["guidelines"] == "1.0" and r["annotation"]["method"] == "adjudicated"
        for q in r["quotes"]:
            assert q["speaker_entity_id"] and q["speaker_name"] and q["speaker_kind"]


def test_cross_document_links(records):
    index = CorpusIndex()
    for r in records.values():
        index.add(r, r["id"], None)
    assert index.incidents() == []  # clusters have two or more quotes, relations resolve
    clusters = Counter(q["cluster_id"] for r in records.values() for q in r["quotes"] if q["cluster_id"])
    assert len(clusters) >= 8
    rel000 = records["000_e764413d3f418c65"]["relations"]
    assert {"type": "rewrites", "document": "001_11cc45b15fc6f254", "entity_id": None} in rel000
    cites = {rel["entity_id"] for rel in records["002_761bafcaa80bbbf4"]["relations"] if rel["type"] == "cites"}
    assert {"the-frontier-post", "the-daily-beast"} <= cites


def test_reports_of_cnn_are_cnn_speaking(records):
    """A trap from the field notes: in 000, "reports CNN" quotes CNN's words, not a person's."""
    for q in records["000_e764413d3f418c65"]["quotes"]:
        if q["cue"] and q["cue"]["text"] in ("reports", "notes", "adds"):
            assert q["speaker_entity_id"] == "cnn" and q["speaker_kind"] == "outlet"


def test_agreement_script_reruns_and_matches_the_readme():
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "agreement.py"), "--json"], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert set(data) >= {"pass-a vs pass-b", "pass-a vs gold", "pass-b vs gold"}
    readme = (ROOT / "README.md").read_text("utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| quote content F1, overlap |"))
    assert f"{data['pass-a vs pass-b']['quote_f1_overlap']:.3f}" == row.split("|")[2].strip()


def test_readme_and_card_are_different_files_with_their_own_content():
    readme = (ROOT / "README.md").read_text("utf-8")
    card = (ROOT / "dataset" / "README.md").read_text("utf-8")
    assert readme.startswith("# TAQ-News") and "make dataset" in readme and "make test" in readme
    assert card.startswith("---\n") and "dataset_info:" in card
    for text in (readme, card):
        assert "### Per article" in text and "pass-a vs pass-b" in text


def test_stats_script_prints_the_tables():
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "stats.py")], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0 and "### Entity mentions per type" in run.stdout and "| PERSON |" in run.stdout
