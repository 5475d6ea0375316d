"""One rule, one place: every rule the build enforces on annotation content is a record rule
(src/taq_news/validation/record_rules.py) that ``validate`` runs on JSONL, Parquet and YAML alike.

Each case mutates a real record of the published Parquet and, where the rule has an
annotation form, the real annotation file it was built from; validate must report the
same check on all three, and the build must refuse the YAML form.
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from taq_news import validate
from taq_news.annotations.registry import load_registry
from taq_news.core.checks import CHECKS
from taq_news.core.incidents import IncidentError
from taq_news.core.paths import Layout
from taq_news.core.schema import arrow_schema, load_schemas
from taq_news.corpus.compile import compile_corpus
from taq_news.validation.fast.columnar import ColumnarPath
from taq_news.validation.readers import Item
from taq_news.validation.record_rules import (
    CHECK_IDS,
    batch_incidents,
    date_in_evidence,
    name_in_evidence,
    record_incidents,
)
from taq_news.validation.records import Selection, validate_records

ROOT = Path(__file__).resolve().parents[2]
GOLD = pq.read_table(ROOT / "dataset/data/documents/train-00000-of-00001.parquet").to_pylist()
SCHEMAS = load_schemas(str(ROOT / "schema"))
ARROW = arrow_schema(SCHEMAS, "documents")
REGISTRY_PATH = ROOT / "dataset/entities.yaml"
REGISTRY = load_registry(REGISTRY_PATH, "dataset/entities.yaml")
D0, D1, D2, D3, D4 = "000_e764413d3f418c65", "001_11cc45b15fc6f254", "002_761bafcaa80bbbf4", "003_1aa4f263d7f3497b", "004_f31936eab82d1273"


def rec(records: list[dict], doc: str) -> dict:
    return next(r for r in records if r["id"] == doc)


def mention(r: dict, text: str) -> dict:
    return next(m for m in r["entities"] if m["text"] == text)


def quote(r: dict, qid: str) -> dict:
    return next(q for q in r["quotes"] if q["id"] == f"{r['id']}-{qid}")


def replace_once(old: str, new: str):
    def edit(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)
    return edit


def duplicate_q01(text: str) -> str:
    block = text[text.index("  - id: q01\n") : text.index("  - id: q02\n")]
    return text.replace("  - id: q02\n", block.replace("id: q01", "id: q09") + "  - id: q02\n", 1)


def drop_q05(text: str) -> str:
    return text[: text.index("  - id: q05\n")] + text[text.index("  - id: q06\n") :]


def _set(doc: str, fn):
    def mutate(records: list[dict]) -> None:
        fn(rec(records, doc))
    return mutate


def _dup_quote(r: dict) -> None:
    r["quotes"].append({**copy.deepcopy(quote(r, "q01")), "id": r["id"] + "-q09"})


def _overlap(r: dict) -> None:
    a, b = r["entities"][0], r["entities"][1]
    b.update(start=a["start"], text=r["text"][a["start"] : b["end"]])


def _value_linked(r: dict) -> None:
    mention(r, "Friday").update(entity_id="cnn", wikidata_id=REGISTRY["cnn"].wikidata)


# (check, document, annotation edit or None when the build derives the field, record mutation)
CASES = [
    ("stated-without-evidence", D2,
     replace_once('    evidence: "ANI | Updated: May 06, 2021 07:43 IST"\n    note: The page header', "    evidence: null\n    note: The page header"),
     _set(D2, lambda r: r["outlet"].update(evidence=None, evidence_span=None))),
    ("basis-without-note", D3,
     replace_once("    basis: unknown\n    evidence: null\n    note: >-\n      The text names no outlet",
                  "    basis: unknown\n    evidence: null\n    note: ''\n    x: >-\n      The text names no outlet"),
     _set(D3, lambda r: r["outlet"].update(note=None))),
    ("unknown-with-value", D3, replace_once("    name: null\n    entity: null\n    basis: unknown", "    name: Reuters\n    entity: null\n    basis: unknown"),
     _set(D3, lambda r: r["outlet"].update(name="Reuters"))),
    ("value-missing", D2, replace_once("    name: ANI\n", "    name: null\n"),
     _set(D2, lambda r: r["outlet"].update(name=None))),
    ("date-invalid", D2, replace_once('    date: "2021-05-06"', '    date: "2021-02-30"'),
     _set(D2, lambda r: r["published"].update(date="2021-02-30"))),
    ("date-precision-mismatch", D2, None, _set(D2, lambda r: r["published"].update(precision="month"))),
    ("evidence-span-mismatch", D2, None, _set(D2, lambda r: r["outlet"].update(evidence_span={"start": 134, "end": 150, "layer": "page"}))),
    ("stated-evidence-mismatch", D2, replace_once("    name: ANI\n", "    name: AN\n"),  # "AN" is not a token of "ANI | Updated ..."
     _set(D2, lambda r: r["outlet"].update(name="AN"))),
    ("stated-evidence-mismatch", D2, replace_once('    date: "2021-05-06"', '    date: "2021-05-07"'),  # 07 is the hour of 07:43, not a day
     _set(D2, lambda r: r["published"].update(date="2021-05-07"))),
    ("entity-id-missing", D3, replace_once("  - {exact: CNN, label: ORG, entity: cnn}", "  - {exact: CNN, label: ORG}"),
     _set(D3, lambda r: mention(r, "CNN").update(entity_id=None, wikidata_id=None))),
    ("value-entity-linked", D3, replace_once("  - {exact: Friday, label: DATE}", "  - {exact: Friday, label: DATE, entity: cnn}"),
     _set(D3, _value_linked)),
    ("quote-id-duplicate", D3, replace_once("  - id: q03\n", "  - id: q02\n"),
     _set(D3, lambda r: quote(r, "q03").update(id=r["id"] + "-q02"))),
    ("quote-duplicate", D3, duplicate_q01, _set(D3, _dup_quote)),
    ("addressee-incomplete", D3, replace_once("    addressee: null\n    addressee_entity: null\n", "    addressee: null\n    addressee_entity: cnn\n"),
     _set(D3, lambda r: quote(r, "q01").update(addressee_entity_id="cnn"))),
    ("relation-target-invalid", D0, replace_once("  - {type: rewrites, document: 001_11cc45b15fc6f254}", "  - {type: rewrites, document: 001_11cc45b15fc6f254, entity: cnn}"),
     _set(D0, lambda r: r["relations"][0].update(entity_id="cnn"))),
    ("quote-marks-unaccounted", D4, drop_q05,
     _set(D4, lambda r: r["quotes"].remove(quote(r, "q05")))),
    ("segment-invalid", D4, None, _set(D4, lambda r: r["source"]["segments"].pop(3))),
    ("speaker-unresolved", D3, replace_once("    speaker_entity: taliban\n", "    speaker_entity: null\n"),
     _set(D3, lambda r: next(q for q in r["quotes"] if q["speaker_entity_id"] == "taliban").update(speaker_entity_id=None))),
    ("speaker-kind-invalid", D3, replace_once("    speaker_entity: taliban\n", "    speaker_entity: afghanistan\n"),
     _set(D3, lambda r: next(q for q in r["quotes"] if q["speaker_entity_id"] == "taliban").update(
         speaker_entity_id="afghanistan", speaker_name=REGISTRY["afghanistan"].name, speaker_kind=REGISTRY["afghanistan"].kind))),
    # A reference check of record_checks, which the build now runs on the record it assembles.
    ("entity-unknown", D3, replace_once("  - {exact: CNN, label: ORG, entity: cnn}", "  - {exact: CNN, label: ORG, entity: nobody-we-know}"),
     _set(D3, lambda r: mention(r, "CNN").update(entity_id="nobody-we-know", wikidata_id=None))),
    # A span check of record_checks, which the build now runs on the record it assembles (no copy of its own).
    ("entity-overlap", D3,
     replace_once("  - {exact: Al-Qaeda, label: ORG, entity: al-qaeda}\n",
                  "  - {exact: Al-Qaeda, label: ORG, entity: al-qaeda}\n  - {exact: \"Al-Qaeda\u2019s bond\", label: ORG, entity: al-qaeda}\n"),
     _set(D3, _overlap)),
    # Removals overlap: the build refuses it in the YAML, and a record file carrying it must fail too.
    ("removal-overlap", D4, replace_once("    - {exact: Show More, reason: navigation}", "    - {exact: Show More, reason: navigation}\n    - {exact: More, reason: navigation}"),
     _set(D4, lambda r: r["source"]["removed"].append(copy.deepcopy(r["source"]["removed"][0])))),
    # A segment starting inside the removal before it gives the same paragraph (the removal is
    # cut out either way), so only the boundary rule can tell the raw range is not the record's.
    ("segment-invalid", D3, None, _set(D3, lambda r: r["source"]["segments"][0].update(raw_start=5))),
    # Rules the columnar path clears per batch with vectorised tests: each broken in one row.
    ("page-part-mismatch", D3, None, _set(D3, lambda r: r.update(title="A headline nobody wrote"))),
    ("page-part-mismatch", D1, None, _set(D1, lambda r: r["highlights"].reverse())),
    ("control-character", D3, None, _set(D3, lambda r: r["quotes"][0].update(note="one\u2028two"))),
    ("raw-name-invalid", D3, None, _set(D3, lambda r: r["source"].update(file=f"dataset/raw/{D4}.txt"))),
    ("document-id-mismatch", D3, None, _set(D3, lambda r: r["annotation"].update(file=f"dataset/annotations/{D4}.yaml"))),
]
IDS = [f"{c[0]}-{i}" for i, c in enumerate(CASES)]


@pytest.fixture(scope="module")
def checkout(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("checkout")
    for part in ("schema", "dataset"):
        shutil.copytree(ROOT / part, root / part, ignore=shutil.ignore_patterns("passes", "__pycache__"))
    (root / "dataset/annotations/passes").mkdir()
    return root


def mutated(mutate) -> list[dict]:
    records = copy.deepcopy(GOLD)
    mutate(records)
    return records


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def write_parquet(path: Path, records: list[dict]) -> Path:
    pq.write_table(pa.Table.from_pylist(records, schema=ARROW), path)
    return path


def found(incidents) -> set[tuple[str, int | None]]:
    return {(i.check, i.line) for i in incidents}


def test_the_rules_report_only_registered_ids_and_the_gold_is_clean():
    assert CHECK_IDS <= set(CHECKS)
    for r in GOLD:
        assert record_incidents(r, "x", 1, REGISTRY) == [], r["id"]


@pytest.mark.parametrize("check,doc,edit,mutate", CASES, ids=IDS)
def test_jsonl_and_parquet_report_the_check_on_the_mutated_record(check, doc, edit, mutate, tmp_path):
    records = mutated(mutate)
    line = [r["id"] for r in records].index(doc) + 1
    paths = [write_jsonl(tmp_path / "r.jsonl", records)]
    try:
        paths.append(write_parquet(tmp_path / "r.parquet", records))
    except pa.ArrowInvalid:
        assert check == "speaker-unresolved"  # a null speaker id cannot be written to the published Parquet schema
    for path in paths:
        for fast in (True, False):  # the fast and columnar paths, and the precise one
            got = found(validate([path], registry=REGISTRY_PATH, fast=fast))
            assert (check, line) in got, (path.suffix, fast, got)
            assert {ln for c, ln in got if c == check} == {line}, (path.suffix, fast, got)


@pytest.mark.parametrize("check,doc,edit,mutate", [c for c in CASES if c[2] is not None], ids=[i for i, c in zip(IDS, CASES, strict=True) if c[2] is not None])
def test_yaml_reports_the_same_check_and_the_build_refuses_it(check, doc, edit, mutate, checkout):
    target = checkout / "dataset/annotations" / f"{doc}.yaml"
    original = target.read_text("utf-8")
    target.write_text(edit(original), "utf-8")
    try:
        assert check in {i.check for i in validate([target])}
        with pytest.raises(IncidentError) as refused:
            compile_corpus(Layout(checkout))
        assert check in {i.check for i in refused.value.incidents}
    finally:
        target.write_text(original, "utf-8")


def test_the_checkout_copy_builds_when_unchanged(checkout):
    compile_corpus(Layout(checkout))


@pytest.mark.parametrize("check,doc,edit,mutate", CASES, ids=IDS)
def test_batches_the_columnar_path_accepts_still_get_the_rules(check, doc, edit, mutate):
    """The columnar path stands in for the row checks, not for the rules: on a batch it accepts,
    batch_incidents gives what record_incidents gives row by row."""
    if check not in CHECK_IDS:
        pytest.skip("not a record rule")
    records = mutated(mutate)
    try:
        batch = pa.Table.from_pylist(records, schema=ARROW).to_batches()[0]
    except pa.ArrowInvalid:
        pytest.skip("not representable in the Arrow schema")
    rows = [i for k, r in enumerate(batch.to_pylist()) for i in record_incidents(r, "f", k + 1, REGISTRY)]
    assert batch_incidents(batch, "f", 1, REGISTRY) == rows
    assert check in {i.check for i in rows}
    if ColumnarPath(SCHEMAS, REGISTRY).accepts(batch):  # most of these mutations pass the columnar checks
        got = list(validate_records([Item("f", k + 1, r) for k, r in enumerate(records)], SCHEMAS, REGISTRY, Selection()))
        assert check in {i.check for i in got}


def test_a_segment_that_does_not_come_from_its_raw_range_is_reported_in_a_checkout():
    records = copy.deepcopy(GOLD)
    seg = rec(records, D4)["source"]["segments"][2]
    seg["raw_start"] += 1  # still ordered and disjoint, but raw[raw_start:raw_end] is not the paragraph
    got = list(validate_records([Item("f", k + 1, r) for k, r in enumerate(records)], SCHEMAS, REGISTRY, Selection(), layout=Layout(ROOT)))
    assert ("raw-offset-mismatch", 5, "source.segments[2]") in {(i.check, i.line, i.path) for i in got}


@pytest.mark.parametrize("name,evidence,ok", [
    ("CNN", "Kabul, Afghanistan CNN \u00a0\u2014", True),
    ("ANI", "ANI | Updated: May 06, 2021 07:43 IST", True),
    ("ani", "ANI | Updated", True),
    ("AN", "ANI | Updated: May 06, 2021 07:43 IST", False),
    ("Fox News", "according to fox  news,", True),
    ("Fox", "Foxes", False),
])
def test_an_outlet_name_is_stated_as_whole_tokens(name, evidence, ok):
    assert name_in_evidence(name, evidence) is ok


@pytest.mark.parametrize("date,evidence,ok", [
    ("2021-05-06", "ANI | Updated: May 06, 2021 07:43 IST", True),
    ("2021-05-07", "ANI | Updated: May 06, 2021 07:43 IST", False),  # 07 is the hour
    ("2021-05-20", "May 06, 2021", False),  # 20 is part of the year
    ("2021-05-21", "May 06, 2021", False),
    ("2021-05", "ANI | Updated: May 06, 2021 07:43 IST", True),
    ("2021", "Updated: May 06, 2021", True),
    ("2021-05-06", "6 May 2021", True),
    ("2021-05-06", "Thursday, 6th of May, 2021", True),
    ("2021-05-06", "published 2021-05-06T07:43", True),
    ("2021-06-05", "2021-05-06", False),
    ("2021-05-06", "May 2021, day 6", False),
    ("2021", "at 20:21 local time", False),
    ("2021-09", "Sept. 2021", True),
])
def test_a_stated_date_is_stated_by_a_date_expression(date, evidence, ok):
    assert date_in_evidence(date, evidence) is ok
