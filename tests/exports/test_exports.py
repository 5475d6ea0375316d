"""Every export format round-trips: written by `taq-news export`, read back, the same annotations."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from taq_news.annotations.registry import NAME_LABELS, ONTONOTES_LABELS
from taq_news.cli import main
from taq_news.core.tokens import record_spans, tokenized
from taq_news.exports.brat import (
    CONF,
    Ann,
    Attribute,
    Event,
    Normalization,
    Note,
    Problem,
    Relation,
    TextBound,
    norm_id,
    parse_ann,
    read_ann,
    read_folder,
    registry_id,
    write_ann,
)
from taq_news.exports.conll import entities_from_conll, read_conll
from taq_news.exports.spacy_docbin import read_docbin
from taq_news.validation.record_checks import span_incidents
from taq_news.validation.record_rules import entity_id_rules, quote_rules
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


def test_brat_quote_ids_are_notes_and_registry_ids_word_characters(tmp_path):
    folder = export(tmp_path, "brat")
    r = RECORDS[0]
    ann = (folder / f"{r['id']}.ann").read_text("utf-8")
    q = r["quotes"][0]
    assert "\tAnnotatorNotes T" in ann and f"\t{q['id']}\n" in ann and "QuoteId" not in ann  # brat shows a note's text
    assert "TAQ:al_qaeda\t" in ann and "TAQ:al-qaeda" not in ann and registry_id("al_qaeda") == "al-qaeda"
    note = next(line for line in ann.splitlines() if line.startswith("#"))
    with pytest.raises(ValueError, match="needs a QuoteType attribute and its quote id as its AnnotatorNotes"):
        read_ann(ann.replace(note + "\n", ""), r["text"])


def test_brat_conf_lists_the_schema_labels():
    conf = parse_conf(CONF)
    assert conf.entities == [*ONTONOTES_LABELS, "Quote", "Cue", "Source", "Addressee"]
    assert ONTONOTES_LABELS[0] == "PERSON" and len(ONTONOTES_LABELS) == 18
    # a role points at its own span or at the entity mention on it
    assert conf.relations == {role: [({"Quote"}, {role, *ONTONOTES_LABELS})] for role in ("Cue", "Source", "Addressee")}
    assert conf.attributes == {"QuoteType": ({"Quote"}, {"direct", "mixed", "indirect"})}  # the quote id is a note, not a flag
    assert CONF.index("[entities]") < CONF.index("[relations]") < CONF.index("[events]") < CONF.index("[attributes]")


def test_the_shared_brat_parser_reads_our_export(tmp_path):
    folder = export(tmp_path, "brat")
    docs, problems = read_folder(folder)
    assert problems == [] and [d.name for d in docs] == [r["id"] for r in RECORDS]
    for r, doc in zip(RECORDS, docs, strict=True):
        assert doc.file == folder / f"{r['id']}.ann" and doc.text == r["text"]
        ann = parse_ann(doc.file.read_text("utf-8"), doc.text)
        assert ann == doc.ann and ann.problems == [] and ann.events == []
        tbs = list(ann.textbounds.values())
        assert len({(tb.label, tb.fragments) for tb in tbs}) == len(tbs), "one T per (type, span)"
        names = {"cue": "Cue", "speaker": "Source", "addressee": "Addressee"}
        roles = [(k, q) for q in r["quotes"] for k in names if q[k]]
        mentions = {(e["start"], e["end"]): e["entity_id"] for e in r["entities"]}
        # a role on a mention's span (an addressee: with the mention's registry id) is that mention's T
        own = {(names[k], q[k]["start"], q[k]["end"], q["addressee_entity_id"] if k == "addressee" else None) for k, q in roles
               if (q[k]["start"], q[k]["end"]) not in mentions or (k == "addressee" and mentions[q[k]["start"], q[k]["end"]] != q["addressee_entity_id"])}
        assert sorted(tb.label for tb in tbs) == sorted([e["label"] for e in r["entities"]] + ["Quote"] * len(r["quotes"]) + [o[0] for o in own])
        quotes = [tb for tb in tbs if tb.label == "Quote"]
        assert [tb.fragments for tb in quotes] == [tuple((c["start"], c["end"]) for c in q["content"]) for q in r["quotes"]]
        assert len(ann.relations) == len(roles) and all(rel.arg1 in ann.textbounds and rel.arg2 in ann.textbounds for rel in ann.relations)
        assert [rel.type for rel in ann.relations] == [names[k] for k, _ in roles]
        types = {a.target: a.value for a in ann.attributes if a.name == "QuoteType"}
        notes = {c.target: c.text for c in ann.notes if c.type == "AnnotatorNotes"}
        assert [(notes[tb.id], types[tb.id]) for tb in quotes] == [(q["id"], q["type"]) for q in r["quotes"]]
        assert len(ann.attributes) == len(ann.notes) == len(quotes)
        assert all(n.type == "Reference" and n.resource == "TAQ" and n.target in ann.textbounds for n in ann.normalizations)
        # normalization ids are word characters only and map back to the registry ids
        assert all(re.fullmatch(r"[A-Za-z0-9_]+", n.ref) and norm_id(registry_id(n.ref)) == n.ref for n in ann.normalizations)
        linked = {e["entity_id"] for e in r["entities"]} | {q[k] for q in r["quotes"] for k in ("speaker_entity_id", "addressee_entity_id")}
        assert {registry_id(n.ref) for n in ann.normalizations} == linked - {None}
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
    "#1\tAnnotatorNotes T3\tsplit by the clause\n"
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
    assert ann.notes == [Note("#1", "AnnotatorNotes", "T3", "split by the clause", 8)]


def test_the_shared_brat_parser_reports_problems_with_their_lines():
    ann = parse_ann("T1\tSource 0 11\tThe senator\nT2 Cue 12 16 said\n\nT3\tCue 12 16\tsays\nT4\tCue 12 99\tsaid\nA1\tFlag\nN1\tReference T1\tx\n"
                    "#1\tAnnotatorNotes T1 T3\tx\nT1\tCue 12 16\tsaid\n", HAND_TEXT, "doc.txt")
    assert ann.problems == [
        Problem(2, "syntax", "not a brat annotation line: 'T2 Cue 12 16 said'"),
        Problem(4, "text", "T3 text does not match its offsets"),
        Problem(5, "offsets", f"T4 has offsets outside doc.txt ({len(HAND_TEXT)} characters)"),
        Problem(6, "shape", "A1 is not 'Name TARGET [VALUE]'"),
        Problem(7, "shape", "N1 is not 'Type TARGET RESOURCE:ID<TAB>text'"),
        Problem(8, "shape", "#1 is not 'Type TARGET<TAB>text'"),
        Problem(9, "syntax", "T1 is defined twice (lines 1 and 9); brat ids are unique in a file"),
    ]
    assert ann.textbounds["T1"].text == "The senator"  # the second T1 replaces nothing
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


# --- brat's rules, as its configuration documentation states them ------------------------------
# annotation.conf: [entities] one type a line; [relations] 'Name<TAB>Arg1:A|B, Arg2:C' and the
# '<OVERLAP><TAB>Arg1:X, Arg2:Y, <OVL-TYPE>:contain|equal|cross|<ANY>' rules; [attributes]
# 'Name<TAB>Arg:T, Value:v1|v2' (no Value: a binary flag). '#' lines are comments. A type list may
# hold <ANY> (any type) or <ENTITY> (any [entities] type). brat refuses every overlap of two
# text-bound annotations that no <OVERLAP> rule allows: 'contain' lets an Arg1 lie inside an Arg2,
# 'equal' (the same span) and 'cross' (a partial overlap) go either way, <ANY> allows all of them.


@dataclass
class Conf:
    entities: list[str] = field(default_factory=list)
    relations: dict[str, list[tuple[set[str], set[str]]]] = field(default_factory=dict)
    overlaps: list[tuple[set[str], set[str], set[str]]] = field(default_factory=list)
    attributes: dict[str, tuple[set[str], set[str] | None]] = field(default_factory=dict)


def parse_conf(text: str) -> Conf:
    conf, section = Conf(), None
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if m := re.fullmatch(r"\[(\w+)\]", line.strip()):
            section = m.group(1)
            continue
        name, _, rest = line.partition("\t")
        args = dict(a.strip().split(":", 1) for a in rest.split(",")) if rest else {}
        types = {k: set(v.split("|")) for k, v in args.items()}
        if section == "entities":
            conf.entities.append(name)
        elif section == "relations" and name == "<OVERLAP>":
            conf.overlaps.append((types["Arg1"], types["Arg2"], types["<OVL-TYPE>"]))
        elif section == "relations":
            conf.relations.setdefault(name, []).append((types["Arg1"], types["Arg2"]))
        elif section == "attributes":
            conf.attributes[name] = (types["Arg"], types.get("Value"))
    return conf


def matches(conf: Conf, label: str, types: set[str]) -> bool:
    return label in types or "<ANY>" in types or ("<ENTITY>" in types and label in conf.entities)


def overlap_kind(a: TextBound, b: TextBound) -> tuple[str, str, str] | None:
    """How two text-bound annotations overlap, as (kind, type, type); for contain, the inner first.
    brat finds overlaps by extent (first start to last end, so a span between two fragments of a
    discontinuous one overlaps it) and tells equal and contain by fragments."""
    if not (a.fragments[0][0] < b.fragments[-1][1] and b.fragments[0][0] < a.fragments[-1][1]):
        return None
    if set(a.fragments) == set(b.fragments):
        return ("equal", *sorted((a.label, b.label)))

    def inside(x: TextBound, y: TextBound) -> bool:
        return all(any(ys <= xs and xe <= ye for ys, ye in y.fragments) for xs, xe in x.fragments)

    if inside(a, b):
        return ("contain", a.label, b.label)
    if inside(b, a):
        return ("contain", b.label, a.label)
    return ("cross", *sorted((a.label, b.label)))


def overlap_allowed(conf: Conf, kind: str, t1: str, t2: str) -> bool:
    for a1, a2, kinds in conf.overlaps:
        forward, backward = matches(conf, t1, a1) and matches(conf, t2, a2), matches(conf, t2, a1) and matches(conf, t1, a2)
        if "<ANY>" in kinds and (forward or backward):
            return True
        if kind == "contain" and "contain" in kinds and forward:  # t1 inside t2
            return True
        if kind in ("equal", "cross") and kind in kinds and (forward or backward):
            return True
    return False


def allowed_overlaps(conf: Conf) -> set[tuple[str, str, str]]:
    """Every (kind, type, type) the <OVERLAP> rules allow, in overlap_kind's form."""
    out = set()
    for t1 in conf.entities:
        for t2 in conf.entities:
            out |= {(k, *sorted((t1, t2))) for k in ("equal", "cross") if overlap_allowed(conf, k, t1, t2)}
            if overlap_allowed(conf, "contain", t1, t2):
                out.add(("contain", t1, t2))
    return out


def brat_errors(conf: Conf, ann: Ann) -> tuple[list[str], int]:
    """What brat's rules refuse in one parsed .ann, and how many overlapping pairs were checked."""
    errors, pairs = [], 0
    tbs = list(ann.textbounds.values())
    errors += [f"{tb.id}: {tb.label} is not an [entities] type" for tb in tbs if tb.label not in conf.entities]
    for i, a in enumerate(tbs):
        for b in tbs[i + 1:]:
            if (found := overlap_kind(a, b)) is not None:
                pairs += 1
                if not overlap_allowed(conf, *found):
                    errors.append(f"{a.id} and {b.id}: no <OVERLAP> rule lets {found[1]} and {found[2]} {found[0]}")
    for r in ann.relations:
        a1, a2 = ann.textbounds.get(r.arg1), ann.textbounds.get(r.arg2)
        if a1 is None or a2 is None:
            errors.append(f"{r.id}: an argument is no text-bound annotation")
        elif not any(matches(conf, a1.label, x) and matches(conf, a2.label, y) for x, y in conf.relations.get(r.type, [])):
            errors.append(f"{r.id}: {r.type} is not declared from {a1.label} to {a2.label}")
    for at in ann.attributes:
        target = ann.textbounds.get(at.target)
        declared = conf.attributes.get(at.name)
        if declared is None or target is None or not matches(conf, target.label, declared[0]):
            errors.append(f"{at.id}: {at.name} is not declared for {target.label if target else at.target}")
        elif (at.value is None) != (declared[1] is None) or (declared[1] is not None and at.value not in declared[1]):
            errors.append(f"{at.id}: {at.name} value {at.value!r} is not one of {declared[1]}")
    errors += [f"{x.id}: its target {x.target} is not in the file" for x in (*ann.normalizations, *ann.notes) if x.target not in ann.textbounds]
    return errors, pairs


def test_brat_rules_accept_every_line_of_our_export(tmp_path):
    folder = export(tmp_path, "brat")
    conf = parse_conf((folder / "annotation.conf").read_text("utf-8"))
    errors, pairs, kinds = [], 0, set()
    for r in RECORDS:
        ann = parse_ann((folder / f"{r['id']}.ann").read_text("utf-8"), r["text"])
        found, n = brat_errors(conf, ann)
        errors += found
        pairs += n
        tbs = list(ann.textbounds.values())
        kinds |= {k[0] for i, a in enumerate(tbs) for b in tbs[i + 1:] if (k := overlap_kind(a, b))}
    assert errors == []
    assert pairs > 200 and kinds == {"contain", "cross"}  # mentions in quotes and sources, spans between a quote's parts


def test_brat_rules_catch_made_up_violations(tmp_path):
    folder = export(tmp_path, "brat")
    conf = parse_conf((folder / "annotation.conf").read_text("utf-8"))
    r = RECORDS[0]
    ann = (folder / f"{r['id']}.ann").read_text("utf-8")
    assert brat_errors(conf, parse_ann(ann, r["text"]))[0] == []
    quote = next(line.split("\t")[:2] for line in ann.splitlines() if "\tQuote " in line)
    made_up = {
        "T901\tORG 12 15\tal-": "T1 and T901: no <OVERLAP> rule lets ORG and ORG contain",  # mentions are flat
        f"T902\t{quote[1]}\t{r['text'][int(quote[1].split()[1]):int(quote[1].split()[2])]}": "no <OVERLAP> rule lets Quote and Quote equal",
        "T903\tSpeaker 12 20\tal-Qaeda": "T903: Speaker is not an [entities] type",
        "R901\tCue Arg1:T1 Arg2:T2": "R901: Cue is not declared from ORG to GPE",
        "R902\tSpeaker Arg1:T1 Arg2:T2": "R902: Speaker is not declared from ORG to GPE",
        f"A901\tQuoteType {quote[0]} quoted": "A901: QuoteType value 'quoted' is not one of",
        f"A902\tQuoteId {quote[0]}": "A902: QuoteId is not declared for Quote",
        "A903\tQuoteType T1 direct": "A903: QuoteType is not declared for ORG",
        "#901\tAnnotatorNotes T999\tx": "#901: its target T999 is not in the file",
    }
    for line, error in made_up.items():
        errors, _ = brat_errors(conf, parse_ann(ann + line + "\n", r["text"]))
        assert [e for e in errors if error in e], (line, errors)
    # a conf without the rules refuses the export's overlaps
    bare = parse_conf("\n".join(x for x in CONF.splitlines() if not x.startswith("<OVERLAP>")))
    assert len(brat_errors(bare, parse_ann(ann, r["text"]))[0]) > 50


# Where two text-bound annotations can fall: entity mentions of each label, a quote's content (one
# part or two), and each role of a quote (an addressee with the mention's registry id or another).
SLOTS = [("mention", label) for label in ONTONOTES_LABELS] + [("content", ""), ("cue", ""), ("speaker", ""), ("addressee", "same"), ("addressee", "other")]
SHAPES = [((10, 20),), ((12, 18),), ((5, 25),), ((15, 25),), ((22, 28),), ((5, 45),), ((15, 35),), ((10, 20), (30, 40)), ((12, 18), (30, 40)), ((22, 28), (42, 48))]


def two_spans(a: tuple, sa: tuple, b: tuple, sb: tuple) -> dict:
    """A record with slot a on shape sa and slot b on shape sb; each role's quote has content of its own far off."""
    text = "x" * 400
    rec: dict = {"id": "000_0000000000000000", "text": text, "entities": [], "quotes": []}
    for n, ((what, how), shape) in enumerate(((a, sa), (b, sb))):
        span = [{"start": s, "end": e, "text": text[s:e]} for s, e in shape]
        if what == "mention":
            rec["entities"].append({**span[0], "label": how, "entity_id": "ent" if how in NAME_LABELS else None})
            continue
        q = {"id": f"{rec['id']}-q{n}", "type": "indirect", "content": span if what == "content" else [{"start": 300 + 20 * n, "end": 310 + 20 * n, "text": "x" * 10}],
             "cue": None, "speaker": None, "addressee": None, "speaker_entity_id": "spk", "speaker_name": "S", "speaker_kind": "person", "addressee_entity_id": None}
        if what != "content":
            q[what] = span[0]
        if what == "addressee":
            q["addressee_entity_id"] = "ent" if how == "same" else "other"
        rec["quotes"].append(q)
    rec["entities"].sort(key=lambda m: (m["start"], m["end"]))
    return rec


def test_brat_overlap_rules_are_what_the_data_model_allows():
    """Every record the span, quote and entity-id rules accept passes brat's rules and reads back, every
    record they refuse fails them, and every overlap annotation.conf allows occurs in an accepted one:
    no rule is missing, none is wider than the data model."""
    conf = parse_conf(CONF)
    seen, refused = set(), set()
    for a in SLOTS:
        for b in SLOTS:
            for sa in SHAPES:
                for sb in SHAPES:
                    if (len(sa) > 1 and a[0] != "content") or (len(sb) > 1 and b[0] != "content"):
                        continue
                    rec = two_spans(a, sa, b, sb)
                    found = span_incidents(rec, "f") + [*quote_rules(rec, "f", None), *entity_id_rules(rec, "f", None)]
                    ann = parse_ann(write_ann(rec), rec["text"])
                    if found:  # overlapping mentions, a quote listed twice: brat's rules refuse them too
                        refused |= {i.check for i in found}
                        assert brat_errors(conf, ann)[0], (a, sa, b, sb)
                        continue
                    assert brat_errors(conf, ann)[0] == [], (a, sa, b, sb)
                    assert read_ann(write_ann(rec), rec["text"]) == {"entities": rec["entities"], "quotes": [
                        {k: q[k] for k in QUOTE_KEYS} for q in rec["quotes"]]}
                    tbs = list(ann.textbounds.values())
                    seen |= {k for i, x in enumerate(tbs) for y in tbs[i + 1:] if (k := overlap_kind(x, y))}
    assert refused == {"entity-overlap", "quote-duplicate"}
    assert seen == allowed_overlaps(conf)


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


def test_brat_lines_as_other_tools_write_them_are_read():
    """An event without arguments written with brat's trailing space, and a span whose text
    crosses a line break (PolNeAR has both), parse without problems; a broken line still does not."""
    text = "Hello there.\nNew paragraph here."
    ann = parse_ann("T1\tContent 6 26\tthere.\nNew paragraph\nT2\tSource 0 5\tHello\nE1\tAttribution:T2 \n", text)
    assert ann.problems == []
    assert ann.textbounds["T1"].text == "there.\nNew paragraph" and [e.type for e in ann.events] == ["Attribution"]
    assert [p.kind for p in parse_ann("T1\tContent 0 5\tHello\nT2 broken\n", text).problems] == ["syntax"]


def test_a_span_text_with_a_paragraph_break_is_one_annotation():
    text = "Hello there.\n\nNew paragraph here."
    ann = parse_ann("T1\tContent 6 27\tthere.\n\nNew paragraph\nT2\tSource 0 5\tHello\n", text)
    assert ann.problems == [] and ann.textbounds["T1"].text == "there.\n\nNew paragraph" and ann.textbounds["T2"].line == 4
