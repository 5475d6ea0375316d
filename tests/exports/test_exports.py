"""Every export format round-trips: written by `taq-news export`, read back, the same annotations."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from taq_news.annotations.registry import ONTONOTES_LABELS
from taq_news.cli import main
from taq_news.core.tokens import record_spans, tokenized
from taq_news.exports.brat import (
    CONF,
    Attribute,
    Event,
    Normalization,
    Problem,
    Relation,
    TextBound,
    parse_ann,
    read_ann,
    read_folder,
)
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
    assert len(docs) == len(RECORDS)  # in the order of the documents config
    for r, doc in zip(RECORDS, docs, strict=True):
        got = entities_from_conll(r["text"], record_spans(r), doc)
        assert got == sorted((e["start"], e["end"], e["label"]) for e in r["entities"])
        tags = [t for _, t in doc]
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
    for r, d in zip(RECORDS, docs, strict=True):
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


def test_brat_conf_lists_the_schema_labels():
    # the conf as it was written by hand, with the entity labels from the schema in their place
    assert CONF == ("[entities]\n" + "".join(f"{label}\n" for label in ONTONOTES_LABELS) + "Quote\nCue\nSource\nAddressee\n\n"
                    "[relations]\nCue\tArg1:Quote, Arg2:Cue\nSource\tArg1:Quote, Arg2:Source\nAddressee\tArg1:Quote, Arg2:Addressee\n\n"
                    "[events]\n\n[attributes]\nQuoteType\tArg:Quote, Value:direct|mixed|indirect\nQuoteId\tArg:Quote\n")
    assert ONTONOTES_LABELS[0] == "PERSON" and len(ONTONOTES_LABELS) == 18


def test_the_shared_brat_parser_reads_our_export(tmp_path):
    folder = export(tmp_path, "brat")
    docs, problems = read_folder(folder)
    assert problems == [] and [d.name for d in docs] == [r["id"] for r in RECORDS]
    for r, doc in zip(RECORDS, docs, strict=True):
        assert doc.file == folder / f"{r['id']}.ann" and doc.text == r["text"]
        ann = parse_ann(doc.file.read_text("utf-8"), doc.text)
        assert ann == doc.ann and ann.problems == [] and ann.events == []
        labels = [tb.label for tb in ann.textbounds.values()]
        roles = [k for q in r["quotes"] for k in ("cue", "speaker", "addressee") if q[k]]
        assert sorted(labels) == sorted([e["label"] for e in r["entities"]] + ["Quote"] * len(r["quotes"])
                                        + [{"cue": "Cue", "speaker": "Source", "addressee": "Addressee"}[k] for k in roles])
        quotes = [tb for tb in ann.textbounds.values() if tb.label == "Quote"]
        assert [tb.fragments for tb in quotes] == [tuple((c["start"], c["end"]) for c in q["content"]) for q in r["quotes"]]
        assert len(ann.relations) == len(roles) and all(rel.arg1 in ann.textbounds and rel.arg2 in ann.textbounds for rel in ann.relations)
        by_quote = {(a.target, a.name): a.value for a in ann.attributes}
        assert [(by_quote[tb.id, "QuoteId"], by_quote[tb.id, "QuoteType"]) for tb in quotes] == [(q["id"], q["type"]) for q in r["quotes"]]
        assert all(n.type == "Reference" and n.resource == "TAQ" and n.target in ann.textbounds for n in ann.normalizations)
        assert {n.ref for n in ann.normalizations} >= {e["entity_id"] for e in r["entities"] if e["entity_id"]}
    assert any(len(tb.fragments) > 1 for d in docs for tb in d.ann.textbounds.values()), "the export has a discontinuous quote"


HAND_TEXT = "The senator said that the bill would pass, and it would. Critics disagreed."
HAND_ANN = (
    "T1\tSource 0 11\tThe senator\n"
    "T2\tCue 12 16\tsaid\n"
    "T3\tContent 17 41;47 55\tthat the bill would pass it would\n"
    "T4\tAttribution 12 16\tsaid\n"
    "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1 Source2:T1\n"
    "A1\tFactuality E1 asserted\n"
    "M2\tNegated T3\n"
    "#1\tAnnotatorNotes T3\tsplit by the clause\n"  # a comment line: skipped
    "N1\tReference T1 Wikidata:Q4416090\tsenator\n"
    "R1\tCoref Arg1:T1 Arg2:T1\n"
    "*\tEquiv T1 T1\n"
)


def test_the_shared_brat_parser_reads_a_hand_written_file():
    ann = parse_ann(HAND_ANN, HAND_TEXT)
    assert ann.problems == []
    assert ann.textbounds["T3"] == TextBound("T3", "Content", ((17, 41), (47, 55)), "that the bill would pass it would", 3)
    assert [tb.label for tb in ann.textbounds.values()] == ["Source", "Cue", "Content", "Attribution"]
    assert ann.events == [Event("E1", "Attribution", "T4", (("Content", "T3"), ("Cue", "T2"), ("Source", "T1"), ("Source2", "T1")), 5)]
    assert ann.attributes == [Attribute("A1", "Factuality", "E1", "asserted", 6), Attribute("M2", "Negated", "T3", None, 7)]
    assert ann.normalizations == [Normalization("N1", "Reference", "T1", "Wikidata", "Q4416090", "senator", 9)]
    assert ann.relations == [Relation("R1", "Coref", "T1", "T1", 10)]


def test_the_shared_brat_parser_reports_problems_with_their_lines():
    ann = parse_ann("T1\tSource 0 11\tThe senator\nT2 Cue 12 16 said\n\nT3\tCue 12 16\tsays\nT4\tCue 12 99\tsaid\nA1\tFlag\nN1\tReference T1\tx\n",
                    HAND_TEXT, "doc.txt")
    assert ann.problems == [
        Problem(2, "syntax", "not a brat annotation line: 'T2 Cue 12 16 said'"),
        Problem(4, "text", "T3 text does not match its offsets"),
        Problem(5, "offsets", f"T4 has offsets outside doc.txt ({len(HAND_TEXT)} characters)"),
        Problem(6, "shape", "A1 is not 'Name TARGET [VALUE]'"),
        Problem(7, "shape", "N1 is not 'Type TARGET RESOURCE:ID<TAB>text'"),
    ]
    assert list(ann.textbounds) == ["T1", "T3"]  # a span outside the text is not kept
    with pytest.raises(ValueError, match="^line 2: not a brat annotation line"):
        read_ann("T1\tORG 0 3\tThe\nT2 Cue\n", HAND_TEXT)


def test_brat_folders_pair_each_ann_with_its_text(tmp_path: Path):
    (tmp_path / "ann").mkdir()
    (tmp_path / "text").mkdir()
    (tmp_path / "text/doc.txt").write_text(HAND_TEXT, "utf-8")
    (tmp_path / "ann/doc_ab12.ann").write_text(HAND_ANN, "utf-8")  # <stem>_<annotator>.ann, its text in a sibling text/ folder
    (tmp_path / "ann/bad.txt").write_bytes(b"caf\xe9")
    (tmp_path / "ann/bad.ann").write_text("", "utf-8")
    (tmp_path / "ann/lost.ann").write_text("T1\tSource 0 3\tThe\n", "utf-8")
    (tmp_path / "ann/broken.txt").write_text(HAND_TEXT, "utf-8")
    (tmp_path / "ann/broken.ann").write_text("T1\tSource 0 11\tThe senator\nT2\tCue x\tsaid\n", "utf-8")
    docs, problems = read_folder(tmp_path)
    assert [(d.name, d.ann.textbounds["T3"].fragments) for d in docs if d.name == "doc_ab12"] == [("doc_ab12", ((17, 41), (47, 55)))]
    assert [d.name for d in docs] == ["broken", "doc_ab12"]
    assert [(p.check, Path(p.file).name, p.line) for p in problems] == [("utf8-invalid", "bad.txt", None), ("brat-syntax", "broken.ann", 2), ("brat-unpaired", "lost.ann", None)]
    assert problems[1].message == "not a brat annotation line: 'T2\\tCue x\\tsaid'"
    (tmp_path / "ann/lost.ann").write_text("T1\tSource 0 500\tThe\n", "utf-8")
    (tmp_path / "ann/lost.txt").write_text(HAND_TEXT, "utf-8")
    with pytest.raises(ValueError, match=f"lost.ann: T1 has offsets outside lost.txt \\({len(HAND_TEXT)} characters\\)"):
        read_folder(tmp_path)


@pytest.mark.parametrize("fmt", ["jsonl", "standoff", "conll", "spacy", "brat"])
def test_exports_are_deterministic(tmp_path, fmt):
    a, b = export(tmp_path / "a", fmt), export(tmp_path / "b", fmt)
    if a.is_dir():
        assert {p.name: p.read_bytes() for p in a.iterdir()} == {p.name: p.read_bytes() for p in b.iterdir()}
    else:
        assert a.read_bytes() == b.read_bytes()


def test_spacy_convert_reads_our_documents_and_entities(tmp_path):
    """spaCy's own CoNLL converter splits on the -DOCSTART- lines: one document per record, every entity, no stray token."""
    import spacy
    from spacy.tokens import DocBin

    conll = export(tmp_path, "conll")
    out = tmp_path / "converted"
    out.mkdir()
    run = subprocess.run([sys.executable, "-m", "spacy", "convert", str(conll), str(out), "--converter", "ner"], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    docs = list(DocBin().from_disk(out / f"{conll.stem}.spacy").get_docs(spacy.blank("en").vocab))
    assert len(docs) == len(RECORDS) == 5
    assert sum(len(d.ents) for d in docs) == sum(len(r["entities"]) for r in RECORDS) == 377
    assert all("-DOCSTART-" not in d.text for d in docs)
    for doc, r in zip(docs, RECORDS, strict=True):
        # spacy convert joins tokens with spaces ("al - Qaeda"): compare without white space
        assert [("".join(e.text.split()), e.label_) for e in doc.ents] == [("".join(m["text"].split()), m["label"]) for m in r["entities"]]
