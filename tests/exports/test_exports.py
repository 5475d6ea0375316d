"""Every export format round-trips: written by `taq-news export`, read back, the same annotations."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from taq_news.cli import main
from taq_news.core.tokens import record_spans, tokenized
from taq_news.exports.brat import read_ann
from taq_news.exports.conll import entities_from_conll, read_conll
from taq_news.exports.spacy_docbin import read_docbin

from tests.conftest import ROOT

RECORDS = pq.read_table(ROOT / "dataset/data/documents/train-00000-of-00001.parquet").to_pylist()
QUOTE_KEYS = ("id", "type", "content", "cue", "speaker", "addressee", "speaker_entity_id", "addressee_entity_id")


def export(tmp_path, fmt: str):
    out = tmp_path / f"export.{fmt}"
    assert main(["--root", str(ROOT), "export", "--format", fmt, "--out", str(out)]) == 0
    return out


def entities(record: dict, keys=("start", "end", "text", "label", "entity_id")) -> list[dict]:
    return [{k: e[k] for k in keys} for e in record["entities"]]


def quotes(record: dict, keys=QUOTE_KEYS) -> list[dict]:
    return [{k: q[k] for k in keys} for q in record["quotes"]]


def test_conll_round_trips_every_entity(tmp_path):
    docs = read_conll(export(tmp_path, "conll").read_text("utf-8"))
    assert list(docs) == [r["id"] for r in RECORDS]
    for r in RECORDS:
        got = entities_from_conll(r["text"], record_spans(r), docs[r["id"]])
        assert got == sorted((e["start"], e["end"], e["label"]) for e in r["entities"])
        tags = [t for _, t in docs[r["id"]]]
        assert sum(t.startswith("B-") for t in tags) == len(r["entities"])
        assert all(t == "O" or t[:2] in ("B-", "I-") for t in tags)


def test_tokens_are_split_where_a_gold_span_ends_inside_one():
    # spaCy keeps "pre-9/11" and "U.S.-backed" whole; the gold marks "9/11" and "U.S." inside them.
    for rid, inner in (("003_1aa4f263d7f3497b", "9/11"), ("004_f31936eab82d1273", "U.S.")):
        r = next(x for x in RECORDS if x["id"] == rid)
        e = next(e for e in r["entities"] if e["text"] == inner)
        doc = tokenized(r["text"], record_spans(r))
        assert doc.char_span(e["start"], e["end"]) is not None
        assert doc.text == r["text"]


def test_spacy_docbin_round_trips_entities_and_quotes(tmp_path):
    docs = read_docbin(export(tmp_path, "spacy").read_bytes())
    assert [d["id"] for d in docs] == [r["id"] for r in RECORDS]
    extra = ("speaker_name", "speaker_kind", "via", "cluster_id", "note")
    for r, d in zip(RECORDS, docs):
        assert d["entities"] == entities(r)
        assert [{k: q[k] for k in QUOTE_KEYS + extra} for q in d["quotes"]] == quotes(r, QUOTE_KEYS + extra)


def test_brat_round_trips_entities_and_quotes(tmp_path):
    folder = export(tmp_path, "brat")
    assert (folder / "annotation.conf").is_file()
    for r in RECORDS:
        text = (folder / f"{r['id']}.txt").read_text("utf-8")
        assert text == r["text"]
        got = read_ann((folder / f"{r['id']}.ann").read_text("utf-8"), text)
        assert got["entities"] == entities(r)
        assert got["quotes"] == quotes(r)


def test_brat_reader_refuses_offsets_that_do_not_give_the_text(tmp_path):
    folder = export(tmp_path, "brat")
    r = RECORDS[0]
    ann = (folder / f"{r['id']}.ann").read_text("utf-8").replace("\tORG 12 20\t", "\tORG 13 21\t", 1)
    with pytest.raises(ValueError, match="line 1: T1 text does not match"):
        read_ann(ann, r["text"])


@pytest.mark.parametrize("fmt", ["jsonl", "standoff", "conll", "spacy", "brat"])
def test_exports_are_deterministic(tmp_path, fmt):
    a, b = export(tmp_path / "a", fmt), export(tmp_path / "b", fmt)
    if a.is_dir():
        assert {p.name: p.read_bytes() for p in a.iterdir()} == {p.name: p.read_bytes() for p in b.iterdir()}
    else:
        assert a.read_bytes() == b.read_bytes()
