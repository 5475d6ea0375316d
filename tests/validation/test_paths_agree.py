"""Differential test: every validation path gives the same incidents as the precise path.

The oracle is the precise row path with the pure-Python engine (``fast=False,
engine="python"``): every rule there is Python we wrote or python-jsonschema read
as strict.py says (ECMA patterns, RFC 3986 uri-reference). Against it run

- the precise row path with jsonschema-rs (``fast=False, engine="rs"``);
- the per-record fast path (``FastPath``: jsonschema-rs on the equivalent schema, tight loops);
- JSONL read into Arrow and checked by the columnar path (the default for JSONL outside a checkout);
- the columnar Parquet path (the same records written to Parquet, where they fit its schema exactly);

at every ``--level`` 1..5, on every invalid record fixture and on corruptions of
every kind of field of the real records, with the hostile values of strict.py in
the vocabulary. Any difference in the set of (check, line) incidents fails.
"""

from __future__ import annotations

import copy
import json
import unicodedata

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taq_news.annotations.registry import load_registry
from taq_news.audit.dispatch import validate
from taq_news.core.schema import arrow_schema, load_schemas
from taq_news.validation import readers
from taq_news.validation import records as validator_module
from taq_news.validation.strict import too_deep
from tests.conftest import ROOT
from tests.validation.test_validate_properties import leaves

PARQUET = ROOT / "dataset/data/documents/train-00000-of-00001.parquet"
RECORDS = pq.read_table(PARQUET).to_pylist()
SCHEMAS = load_schemas(str(ROOT / "schema"))
ARROW = arrow_schema(SCHEMAS, "documents")
REGISTRY_PATH = ROOT / "dataset/entities.yaml"
REGISTRY = load_registry(REGISTRY_PATH, str(REGISTRY_PATH))
FIXTURES = ROOT / "tests/fixtures/invalid"
CASES = yaml.safe_load((FIXTURES / "EXPECTED.yaml").read_text("utf-8"))
LEVELS = (1, 2, 3, 4, 5)
SETTINGS = settings(max_examples=20, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# Whitespace and near-whitespace at span edges: ECMA says U+FEFF, U+00A0, U+2028, U+3000 are
# whitespace and U+0085, U+180E, U+200B are not (Python's str.isspace says otherwise on several).
EDGE_CHARS = ["\u0085", "\ufeff", "\u00a0", "\u2028", "\u3000", "\u180e", "\u200b", "\t", "\x1c"]
STRING_EDITS = ["newline", "lone-surrogate", "nfd", "empty", *(f"edge:{c}" for c in EDGE_CHARS)]
INT_EDITS = ["float", "huge", "int64-edge", "negative", "plus-one", "bool"]
ANY_EDITS = ["null", "list", "object", "string"]


def _incidents(path, level: int, **opts) -> set[tuple[str, int | None]]:
    return {(i.check, i.line) for i in validate([path], registry=REGISTRY_PATH, level=level, **opts)}


def run_paths(tmp_path, lines: list[bytes], monkeypatch, records: list | None = None) -> dict:
    """{(path name, level): set of (check, line)} for a JSONL file of these lines (and its Parquet twin)."""
    jsonl = tmp_path / "records.jsonl"
    jsonl.write_bytes(b"".join(lines))
    parquet = None
    if records is not None:
        try:
            table = pa.Table.from_pylist(records, schema=ARROW)
        except (pa.ArrowException, TypeError, ValueError, OverflowError):
            table = None
        if table is not None and [encode(r) for r in table.to_pylist()] == [encode(r) for r in records]:  # 25.0 == 25 in Python
            parquet = tmp_path / "records.parquet"
            pq.write_table(table, parquet)
    found = {}
    with monkeypatch.context() as mp:
        mp.setattr(validator_module, "load_registry", lambda *a: REGISTRY)  # loaded once, not per call
        for level in LEVELS:
            found["oracle", level] = _incidents(jsonl, level, fast=False, engine="python")
            found["row-rs", level] = _incidents(jsonl, level, fast=False, engine="rs")
            found["jsonl-arrow", level] = _incidents(jsonl, level)
            if parquet is not None:
                found["parquet-columnar", level] = _incidents(parquet, level)
                found["parquet-row-python", level] = _incidents(parquet, level, fast=False, engine="python")
        # the per-record fast path alone: no Arrow batches
        mp.setattr(validator_module, "_columnar_for", lambda *a: None)
        for level in LEVELS:
            found["fast-record", level] = _incidents(jsonl, level)
    return found


def assert_agree(found: dict) -> None:
    oracle = {level: found["oracle", level] for level in LEVELS}
    diffs = {key: (got - oracle[key[1]], oracle[key[1]] - got) for key, got in found.items() if got != oracle[key[1]]}
    assert not diffs, f"paths disagree with the oracle (path, level): (extra, missing): {diffs}"


def encode(record: object) -> bytes:
    try:
        return json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n"
    except UnicodeEncodeError:  # a lone surrogate: only an escape can write it
        return json.dumps(record).encode("ascii") + b"\n"


# ---- the invalid fixtures -----------------------------------------------------------------

RECORD_FIXTURES = [c for c in CASES if c["mode"] == "records" and (FIXTURES / c["fixture"]).exists()]


@pytest.mark.parametrize("case", RECORD_FIXTURES, ids=[c["check"] for c in RECORD_FIXTURES])
def test_every_invalid_record_fixture_gets_the_same_incidents_on_every_path(case, tmp_path, monkeypatch):
    data = (FIXTURES / case["fixture"]).read_bytes()
    records = None
    if case["fixture"].endswith(".jsonl"):
        try:
            # the project's strict decoder: a repeated key, NaN or a line too deep has no Parquet twin
            if any(too_deep(line) for line in data.splitlines()):
                raise ValueError("too deep")
            records = [readers._loads(line.decode("utf-8")) for line in data.splitlines() if line.strip()]
        except (ValueError, UnicodeDecodeError):
            records = None
        lines = data.splitlines(keepends=True)
    else:  # a Parquet fixture: every path reads the file itself
        (tmp_path / "records.parquet").write_bytes(data)
        with monkeypatch.context() as mp:
            mp.setattr(validator_module, "load_registry", lambda *a: REGISTRY)
            for level in LEVELS:
                oracle = _incidents(tmp_path / "records.parquet", level, fast=False, engine="python")
                assert _incidents(tmp_path / "records.parquet", level) == oracle
                assert _incidents(tmp_path / "records.parquet", level, fast=False, engine="rs") == oracle
        return
    found = run_paths(tmp_path, lines, monkeypatch, records)
    assert_agree(found)
    if case["check"] not in ("raw-offset-mismatch", "source-hash-mismatch", "raw-coverage-gap", "extractor-differs"):  # raw files are not at hand outside the checkout
        assert any(check == case["check"] for check, _ in found["oracle", 5]), found["oracle", 5]


# ---- the hostile values, named --------------------------------------------------------------

def _with_edge_span(rec: dict, ch: str, where: str, kind: str) -> dict:
    """A span at the end of the text whose first or last character is ``ch``; offsets stay exact."""
    out = copy.deepcopy(rec)
    piece = f"x{ch}" if where == "end" else f"{ch}x"
    start = len(out["text"]) + 1
    out["text"] += " " + piece
    span = {"start": start, "end": start + 2, "text": piece}
    if kind == "entity":
        out["entities"].append({"id": out["id"] + "-e999", **span, "label": "CARDINAL", "entity_id": None, "wikidata_id": None, "origin": "curated"})
    else:
        out["non_quotes"].append({**span, "reason": "term"})
    return out


def _named_cases():
    rec = RECORDS[4]
    cases = {}
    for ch in EDGE_CHARS:
        for where in ("start", "end"):
            for kind in ("entity", "non_quote"):
                cases[f"U+{ord(ch):04X} at the {where} of a {kind}"] = _with_edge_span(rec, ch, where, kind)
    r = copy.deepcopy(rec)
    r["entities"][0]["start"] = float(r["entities"][0]["start"])
    cases["offset 25.0"] = r
    r = copy.deepcopy(rec)
    r["source"]["segments"][0]["end"] = float(r["source"]["segments"][0]["end"])
    cases["segment offset as a float"] = r
    r = copy.deepcopy(rec)
    r["entities"][0]["end"] = 10**30
    cases["offset 10**30"] = r
    for key in ("id",):
        r = copy.deepcopy(rec)
        r[key] += "\n"
        cases[f"{key} with a trailing newline"] = r
    for path in (("entities", 0, "id"), ("quotes", 0, "id"), ("language",), ("entities", 1, "entity_id"), ("entities", 0, "wikidata_id"),
                 ("quotes", 0, "speaker_entity_id"), ("source", "sha256"), ("annotation", "guidelines"), ("published", "date"), ("source", "file")):
        r = copy.deepcopy(rec)
        node = r
        for k in path[:-1]:
            node = node[k]
        if isinstance(node.get(path[-1]), str):
            node[path[-1]] += "\n"
            cases[f"{'.'.join(map(str, path))} with a trailing newline"] = r
    r = copy.deepcopy(rec)
    r["title"] = "x\ud800"
    cases["a lone surrogate"] = r
    r = copy.deepcopy(rec)
    r["text"] = unicodedata.normalize("NFD", r["text"]) + " Cafe\u0301"
    cases["text not NFC"] = r
    return cases


NAMED = _named_cases()


@pytest.mark.parametrize("name", sorted(NAMED))
def test_hostile_values_get_the_same_incidents_on_every_path(name, tmp_path, monkeypatch):
    records = [RECORDS[0], NAMED[name], RECORDS[1]]
    found = run_paths(tmp_path, [encode(r) for r in records], monkeypatch, records)
    assert_agree(found)
    assert found["oracle", 5], "a hostile value must be reported"


def test_the_published_corpus_is_nfc_and_passes_every_path(tmp_path, monkeypatch):
    assert all(unicodedata.is_normalized("NFC", r["text"]) for r in RECORDS)
    found = run_paths(tmp_path, [encode(r) for r in RECORDS], monkeypatch, RECORDS)
    assert_agree(found)
    assert not {c for c, _ in found["oracle", 5]} - {"raw-unavailable", "registry-unavailable", "cluster-singleton", "relation-unresolved"}


# ---- random corruptions of every field -----------------------------------------------------

def corrupt(value: object, how: str) -> object:
    if how == "null":
        return None
    if how == "list":
        return [value]
    if how == "object":
        return {"x": value}
    if how == "string":
        return str(value)
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return {"float": float(value), "huge": 10**30, "int64-edge": 2**63, "negative": -1, "plus-one": value + 1, "bool": True}.get(how, value + 0.5)
    if isinstance(value, str):
        if how.startswith("edge:"):
            return how[5:] + value if len(value) % 2 else value + how[5:]
        return {"newline": value + "\n", "lone-surrogate": value + "\ud800", "nfd": value + "e\u0301", "empty": ""}.get(how, value + "\n")
    return 25.0 if how in INT_EDITS else "x\n"  # null: a hostile value of either kind


@SETTINGS
@given(st.integers(0, len(RECORDS) - 1), st.integers(0, 10**6), st.sampled_from(STRING_EDITS + INT_EDITS + ANY_EDITS))
def test_random_corruptions_get_the_same_incidents_on_every_path(tmp_path_factory, monkeypatch, i, nth, how):
    record = copy.deepcopy(RECORDS[i])
    fields = list(leaves(record))
    path, value = fields[nth % len(fields)]
    node = record
    for k in path[:-1]:
        node = node[k]
    node[path[-1]] = corrupt(value, how)
    records = [RECORDS[(i + 1) % len(RECORDS)], record]  # a valid neighbour, then the corrupted record
    assert_agree(run_paths(tmp_path_factory.mktemp("c"), [encode(r) for r in records], monkeypatch, records))
