"""The columnar Parquet path gives exactly the verdicts of the row path it stands in for."""

from __future__ import annotations

import copy
from pathlib import Path

import jsonschema_rs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from taq_news.annotations.registry import load_registry
from taq_news.audit.dispatch import validate as _validate
from taq_news.core.schema import arrow_schema, load_schemas
from taq_news.validation import readers as readers_module
from taq_news.validation import record_rules
from taq_news.validation import records as validator_module
from taq_news.validation.fast.columnar import (
    ColumnarPath,
    SchemaColumns,
    Unsupported,
    dictionary_leaves,
    edge_mask,
    fixed_head,
    re2_pattern,
)
from taq_news.validation.readers import Batch, read_parquet
from taq_news.validation.records import Selection, validate_records
from tests.conftest import ROOT


def validate(*args, **kwargs):
    """Errors only: these tests judge verdicts; the warnings a lone file gets (no registry or raw
    articles at hand) are tested in tests/publishing/test_safe_output.py and the fixtures."""
    return [i for i in _validate(*args, **kwargs) if i.severity != "warning"]

PARQUET = ROOT / "dataset/data/documents/train-00000-of-00001.parquet"
RECORDS = pq.read_table(PARQUET).to_pylist()
SCHEMAS = load_schemas(str(ROOT / "schema"))
REGISTRY = load_registry(ROOT / "dataset/entities.yaml", "entities.yaml")
ARROW = arrow_schema(SCHEMAS, "documents")
SETTINGS = settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
SPAN_PATTERN = r"^\S(?:[\s\S]*\S)?$"


def schema_patterns() -> set[str]:
    found = set()

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("pattern"), str):
                found.add(node["pattern"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    for doc in SCHEMAS.by_file.values():
        walk(doc)
    return found


def code_points() -> list[str]:
    return [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]


def test_the_span_pattern_agrees_with_jsonschema_rs_on_every_code_point_at_every_edge():
    # RE2's \s is ASCII; JSON Schema's (and jsonschema-rs's) is ECMA-262 Unicode whitespace.
    rs = jsonschema_rs.validator_for({"pattern": SPAN_PATTERN})
    chars = code_points()
    values = ["", "ab", "a b", "a\nb"] + chars + [c + "z" for c in chars] + ["z" + c for c in chars]
    arr = pa.array(values)
    want = [rs.is_valid(v) for v in values]
    assert edge_mask(SPAN_PATTERN, arr).to_pylist() == want
    assert pc.match_substring_regex(arr, re2_pattern(SPAN_PATTERN)).to_pylist() == want


@pytest.mark.parametrize("pattern", sorted(schema_patterns()))
def test_every_schema_pattern_translates_and_agrees_with_jsonschema_rs(pattern):
    assert re2_pattern(pattern) is not None, "a schema pattern the columnar path cannot run in RE2 (it would fall back value by value)"
    rs = jsonschema_rs.validator_for({"pattern": pattern})
    seen = [v for r in RECORDS for v in _strings(r)]
    values = sorted(set(seen + [v + x for v in seen[:400] for x in ("\n", " ", "\u00a0", "-", "x", "0")] + ["", "-", "Q0", "Q12", "2021-13", "2021-05-06"]))
    arr = pa.array(values)
    got = pc.match_substring_regex(arr, re2_pattern(pattern)).to_pylist()
    assert got == [rs.is_valid(v) for v in values]


def _strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for v in node.values():
            yield from _strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from _strings(v)


def test_patterns_outside_the_safe_subset_are_not_translated():
    for pattern in (r"^\d+$", r"^.+$", r"\bword", r"^(?=a)", r"^[^\s]$", r"^\w+$"):
        assert re2_pattern(pattern) is None


def test_an_unknown_schema_keyword_refuses_the_whole_path():
    cols = SchemaColumns(SCHEMAS, {"type": "object", "properties": {"id": {"type": "string", "maxLength": 3}}})
    batch = pa.RecordBatch.from_pylist([{"id": "abcd"}])
    with pytest.raises(Unsupported):
        cols.batch_ok(batch)


def test_the_published_batch_is_accepted():
    path = ColumnarPath(SCHEMAS, REGISTRY)
    (batch,) = pq.read_table(PARQUET).to_batches()
    assert path.accepts(batch)


def leaves(node, path=()):
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for k, v in children:
        if isinstance(v, (dict, list)) and v:
            yield from leaves(v, (*path, k))
        elif not isinstance(v, (dict, list)):
            yield (*path, k), v


def incidents(records: list, columnar: bool, monkeypatch) -> list:
    batch = pa.RecordBatch.from_pylist(records, schema=ARROW)
    if not columnar:
        monkeypatch.setattr(validator_module, "_columnar", lambda schemas, registry: None)
    try:
        return [i.format_text() for i in validate_records([Batch("c.parquet", 1, batch)], SCHEMAS, REGISTRY, Selection(level=4))]
    finally:
        monkeypatch.undo()


MUTATIONS = st.sampled_from(["plus", "minus", "append", "prepend-space", "nbsp-end", "empty", "null", "upper", "swap"])


@SETTINGS
@given(st.sampled_from(range(len(RECORDS))), st.data(), MUTATIONS)
def test_any_corruption_gets_the_same_incidents_on_both_paths(i, data, how):
    """Differential: a corrupted batch is refused by the columnar path and reported by the row path,
    and a batch the columnar path accepts is one the row path finds nothing in."""
    records = copy.deepcopy(RECORDS)
    path, value = data.draw(st.sampled_from(list(leaves(records[i]))))
    node = records[i]
    for k in path[:-1]:
        node = node[k]
    if isinstance(value, bool) or how == "null":
        new = None
    elif isinstance(value, int):
        new = value + (data.draw(st.integers(1, 3)) if how in ("plus", "append", "upper") else -data.draw(st.integers(1, 3)))
    elif isinstance(value, str):
        new = {"append": value + "x", "prepend-space": " " + value, "nbsp-end": value + "\u00a0", "empty": "",
               "upper": value.upper(), "swap": value[::-1]}.get(how, value + "-1")
    else:
        new = "x"
    assume(new != value)
    node[path[-1]] = new
    try:
        pa.RecordBatch.from_pylist(records, schema=ARROW)
    except (pa.ArrowException, TypeError, ValueError):
        assume(False)  # not representable in the published Arrow schema: a JSONL-only corruption
    with pytest.MonkeyPatch.context() as mp:
        fast = incidents(records, True, mp)
    with pytest.MonkeyPatch.context() as mp:
        slow = incidents(records, False, mp)
    assert fast == slow
    # And the path does real work: it accepts what is valid and refuses what a record check reports.
    accepted = COLUMNAR.accepts(pa.RecordBatch.from_pylist(records, schema=ARROW))
    # The record rules (record_rules) run on the rows of accepted batches too: the columnar
    # path need not refuse what only they report.
    per_record = [line for line in slow if not any(c in line for c in CROSS_RECORD) and not any(f" {c} " in line for c in RULE_CHECKS)]
    if per_record:
        assert not accepted
    if not slow:
        assert accepted


CROSS_RECORD = (" cluster-singleton ", " relation-unresolved ", " id-duplicate ")
RULE_CHECKS = record_rules.CHECK_IDS - {"raw-offset-mismatch"}
COLUMNAR = ColumnarPath(SCHEMAS, REGISTRY)


def test_a_corrupt_parquet_file_reports_the_same_rows_with_and_without_the_columnar_path(tmp_path, monkeypatch):
    records = copy.deepcopy(RECORDS)
    records[3]["entities"][2]["start"] += 1
    records[1]["quotes"][0]["speaker_name"] = "Somebody Else"
    path = tmp_path / "broken.parquet"
    pq.write_table(pa.Table.from_pylist(records, schema=ARROW), path)
    fast = [(i.line, i.check, i.path) for i in validate([path], registry=ROOT / "dataset/entities.yaml", level=4)]
    monkeypatch.setattr(validator_module, "_columnar", lambda schemas, registry: None)
    slow = [(i.line, i.check, i.path) for i in validate([path], registry=ROOT / "dataset/entities.yaml", level=4)]
    assert fast == slow
    assert {line for line, _, _ in fast} == {2, 4}


def test_cross_record_incidents_point_at_the_same_place_on_both_paths(tmp_path, monkeypatch):
    records = copy.deepcopy(RECORDS)
    records[0]["quotes"][3]["cluster_id"] = "lonely-cluster"
    records[2]["relations"][1]["document"] = "999_0000000000000000"
    path = tmp_path / "cross.parquet"
    pq.write_table(pa.Table.from_pylist(records, schema=ARROW), path)
    assert ColumnarPath(SCHEMAS, REGISTRY).accepts(pa.Table.from_pylist(records, schema=ARROW).to_batches()[0])
    fast = [(i.line, i.check, i.path) for i in validate([path], registry=ROOT / "dataset/entities.yaml", level=4)]
    monkeypatch.setattr(validator_module, "_columnar", lambda schemas, registry: None)
    slow = [(i.line, i.check, i.path) for i in validate([path], registry=ROOT / "dataset/entities.yaml", level=4)]
    assert fast == slow
    assert (1, "cluster-singleton", "quotes[3].cluster_id") in fast
    assert (3, "relation-unresolved", "relations[1].document") in fast


def _relabel(records: list, edit) -> list:
    out = copy.deepcopy(records)
    for rec in out:
        edit(rec)
    return out


def test_item_ids_unique_in_a_record_are_accepted_in_any_order():
    # The cheap uniqueness test needs rising ids; shuffled but unique ids must still pass (by hashing).
    def shuffle(rec):
        rec["entities"] = sorted(rec["entities"], key=lambda m: m["start"])
        ids = [m["id"] for m in rec["entities"]]
        for m, new in zip(rec["entities"], reversed(ids), strict=True):
            m["id"] = new

    path = ColumnarPath(SCHEMAS, REGISTRY)
    assert path.accepts(pa.RecordBatch.from_pylist(_relabel(RECORDS, shuffle), schema=ARROW))


def test_a_repeated_entity_id_in_one_record_is_refused_on_both_paths(monkeypatch):
    def clash(rec):
        if len(rec["entities"]) > 1:
            rec["entities"][1]["id"] = rec["entities"][0]["id"]

    records = _relabel(RECORDS, clash)
    assert not ColumnarPath(SCHEMAS, REGISTRY).accepts(pa.RecordBatch.from_pylist(records, schema=ARROW))
    assert incidents(records, True, monkeypatch) == incidents(records, False, monkeypatch) != []


def _shifted(record: dict, prefix: str) -> dict:
    """The record with ``prefix`` put before its text and every offset moved to match."""
    rec = copy.deepcopy(record)
    k = len(prefix)
    rec["text"] = prefix + rec["text"]

    def move(span):
        if span is not None:
            span["start"] += k
            span["end"] += k

    for m in rec["entities"]:
        move(m)
    for q in rec["quotes"]:
        for s in q["content"]:
            move(s)
        for key in ("cue", "speaker", "addressee"):
            move(q[key])
    for n in rec["non_quotes"]:
        move(n)
    for seg in rec["source"]["segments"]:
        move(seg)
    return rec


def test_spans_after_multi_byte_characters_are_compared_by_code_point():
    # 2-, 3- and 4-byte UTF-8 characters before every span: byte and code-point offsets differ.
    records = [_shifted(r, "é — 😀 ") for r in RECORDS]
    path = ColumnarPath(SCHEMAS, REGISTRY)
    assert path.accepts(pa.RecordBatch.from_pylist(records, schema=ARROW))
    for r in records:
        r["entities"][-1]["start"] -= 1  # off by one code point (not by one byte)
        r["entities"][-1]["end"] -= 1
    assert not path.accepts(pa.RecordBatch.from_pylist(records, schema=ARROW))


# The exact shortcuts for costly patterns -----------------------------------------


@pytest.mark.parametrize("pattern", sorted(p for p in schema_patterns() if fixed_head(p)))
def test_split_patterns_give_jsonschema_rs_verdicts_value_by_value(pattern):
    # A head of single-character atoms tested per run, a tail on distinct values: exact for any string.
    rs = jsonschema_rs.validator_for({"pattern": pattern})
    split = fixed_head(pattern)
    seen = sorted({v for r in RECORDS for v in _strings(r) if rs.is_valid(v)})[:50]
    k = split[0]
    values = seen + [
        v[:i] + c + v[i + 1 :] for v in seen[:10] for i in (0, k // 2, k - 1, k, len(v) - 1) for c in ("é", "A", "_", "-", "😀", "")
    ] + [x for v in seen[:10] for x in (v[:k], v[: k - 1], v + "\n", v + "0", " " + v)] + [""]
    cols = SchemaColumns(SCHEMAS, {})
    for v in values:
        assert cols._split_ok(split, pa.array([v])) == rs.is_valid(v), v


def test_a_bad_id_inside_a_run_of_equal_heads_is_found():
    pattern = r"^[0-9]{3}_[0-9a-f]{16}-e[0-9]{3,}$"
    ids = [f"000_{'0' * 16}-e{n:03d}" for n in range(1, 200)]
    cols = SchemaColumns(SCHEMAS, {})
    assert cols._split_ok(fixed_head(pattern), pa.array(ids))
    for bad in (f"000_{'0' * 15}é-e050", f"000_{'0' * 16}-E050", f"000_{'0' * 16}-e05", f"000_{'0' * 16}-e050 "):
        assert not cols._split_ok(fixed_head(pattern), pa.array(ids[:50] + [bad] + ids[50:])), bad


def test_the_edge_test_masks_null_slots_whatever_bytes_they_span():
    # A null slot may span bytes (Arrow only requires monotonic offsets): here a space.
    arr = pa.StringArray.from_buffers(2, pa.py_buffer(np.array([0, 1, 3], np.int32)), pa.py_buffer(b"a  "), pa.py_buffer(np.array([1], np.uint8)))
    assert edge_mask(SPAN_PATTERN, arr).to_pylist() == [True, None]


def _copies(n: int) -> list[dict]:
    """n copies of the gold records with fresh record and item ids (a batch large enough
    for the column-wide shortcuts, which start at 4096 values)."""
    out = []
    for c in range(n):
        for r in copy.deepcopy(RECORDS):
            new = f"{c:03d}_{int(r['id'][4:], 16) ^ (c + 1):016x}"
            for item in [*r["entities"], *r["quotes"]]:
                item["id"] = new + item["id"][len(r["id"]) :]
            # Relations to documents would not resolve among the copies: keep those to entities only
            # (a relation to neither is relation-target-invalid).
            r["relations"] = [x for x in r["relations"] if x["document"] is None]
            r["id"] = new
            r["source"]["file"] = f"dataset/raw/{new}.txt"  # file names follow the id
            r["annotation"]["file"] = f"dataset/annotations/{new}.yaml"
            out.append(r)
    return out


BIG = _copies(14)


def test_large_batches_take_the_shortcuts_and_still_refuse_one_bad_value():
    assert len([m for r in BIG for m in r["entities"]]) >= 4096
    assert COLUMNAR.accepts(pa.RecordBatch.from_pylist(BIG, schema=ARROW))
    corruptions = [
        ("entities", 5, "id", lambda v: v[:6] + "é" + v[7:]),   # non-ASCII in the head
        ("entities", 5, "id", lambda v: v[:-4] + "E" + v[-3:]),  # tail letter
        ("entities", 9, "text", lambda v: v + "\u00a0"),         # no-break space at the end
        ("entities", 9, "text", lambda v: "\u3000" + v),         # ideographic space at the start
        ("quotes", 1, "id", lambda v: v + "x"),
    ]
    for key, j, field, edit in corruptions:
        records = copy.deepcopy(BIG)
        item = records[37][key][j]
        item[field] = edit(item[field])
        assert not COLUMNAR.columns.batch_ok(pa.RecordBatch.from_pylist(records, schema=ARROW)), (key, field)


def test_a_repeated_speaker_range_is_compared_for_every_quote(monkeypatch):
    records = copy.deepcopy(RECORDS)
    rec, first, second = next(
        (r, a, b) for r in records for a in r["quotes"] for b in r["quotes"]
        if a is not b and a["speaker"] and b["speaker"] and (a["speaker"]["start"], a["speaker"]["end"]) == (b["speaker"]["start"], b["speaker"]["end"])
    )
    assert COLUMNAR.accepts(pa.RecordBatch.from_pylist(records, schema=ARROW))
    second["speaker"]["text"] = second["speaker"]["text"].upper() + "x"
    assert not COLUMNAR.accepts(pa.RecordBatch.from_pylist(records, schema=ARROW))
    found = incidents(records, True, monkeypatch)
    assert found == incidents(records, False, monkeypatch) and any("span-text-mismatch" in line for line in found)


def test_an_item_id_with_another_records_prefix_is_refused_on_both_paths(monkeypatch):
    # Corpus-wide uniqueness rests on "<record id>-" prefixes, so a foreign one is an error of its own.
    records = copy.deepcopy(RECORDS)
    victim = records[2]["entities"][4]
    victim["id"] = records[1]["entities"][0]["id"]  # also a duplicate of a real id
    assert not COLUMNAR.accepts(pa.RecordBatch.from_pylist(records, schema=ARROW))
    found = incidents(records, True, monkeypatch)
    assert found == incidents(records, False, monkeypatch)
    assert [line for line in found if " item-id-foreign " in line] == [
        f"c.parquet:3: L4 item-id-foreign entities[4].id: {victim['id']!r} does not start with this document's id {records[2]['id'] + '-'!r} "
        "(fix: rebuild the record, or give the item an id under this document)"
    ]


# Dictionary reads ----------------------------------------------------------------


def _written(tmp_path, records: list[dict], name: str = "big.parquet", **options) -> Path:
    path = tmp_path / name
    pq.write_table(pa.Table.from_pylist(records, schema=ARROW), path, **options)
    return path


def _batches(path) -> list:
    return [b.batch for b in read_parquet(path, str(path), dictionary=dictionary_leaves(SCHEMAS))]


def test_lookup_columns_are_read_as_dictionaries_and_accepted(tmp_path):
    leaves = dictionary_leaves(SCHEMAS)
    assert "entities.list.element.label" in leaves and "entities.list.element.entity_id" in leaves
    assert not any(leaf.endswith((".text", ".id")) for leaf in leaves)  # spans and ids stay plain
    (batch,) = _batches(_written(tmp_path, BIG))
    entity = batch.schema.field("entities").type.value_type
    assert pa.types.is_dictionary(entity.field("label").type) and pa.types.is_string(entity.field("text").type)
    assert COLUMNAR.accepts(batch)


@pytest.mark.parametrize("field, value", [("label", "PERSONS"), ("entity_id", "nobody-we-know"), ("wikidata_id", "Q42"), ("origin", "guessed")])
def test_a_bad_value_in_a_dictionary_column_gives_the_same_incidents_on_both_paths(tmp_path, monkeypatch, field, value):
    records = copy.deepcopy(BIG)
    records[40]["entities"][3][field] = value
    path = _written(tmp_path, records)
    assert not COLUMNAR.accepts(_batches(path)[0])
    fast = [(i.line, i.check, i.path) for i in validate([path], registry=ROOT / "dataset/entities.yaml", level=4)]
    monkeypatch.setattr(validator_module, "_columnar", lambda schemas, registry: None)
    slow = [(i.line, i.check, i.path) for i in validate([path], registry=ROOT / "dataset/entities.yaml", level=4)]
    assert fast == slow and {line for line, _, _ in fast} == {41}


def test_every_row_is_read_once_when_a_dictionary_read_fails_partway(tmp_path, monkeypatch):
    # pyarrow cannot return some nested dictionary columns in pieces; the reader then
    # reads the rest of that row group plainly, skipping the rows it already gave.
    path = tmp_path / "groups.parquet"
    table = pa.Table.from_pylist(BIG, schema=ARROW)
    pq.write_table(table, path, row_group_size=20)

    class Failing(pq.ParquetFile):
        def __init__(self, source, read_dictionary=None, **kw):
            super().__init__(source, read_dictionary=read_dictionary, **kw)
            self.coded = bool(read_dictionary)

        def iter_batches(self, *args, row_groups=None, **kw):
            for k, batch in enumerate(super().iter_batches(*args, row_groups=row_groups, **kw)):
                if self.coded and row_groups == [1] and k == 1:
                    raise pa.ArrowNotImplementedError("Nested data conversions not implemented for chunked array outputs")
                yield batch

    monkeypatch.setattr(pq, "ParquetFile", Failing)
    monkeypatch.setattr(readers_module, "PARQUET_BATCH_ROWS", 8)
    batches = _batches(path)
    assert [r["id"] for b in batches for r in b.select(["id"]).to_pylist()] == [r["id"] for r in BIG]
    assert all(COLUMNAR.accepts(b) for b in batches)


def test_columns_stored_plainly_are_read_plainly(tmp_path):
    (batch,) = _batches(_written(tmp_path, BIG, use_dictionary=False))
    assert not any(pa.types.is_dictionary(f.type) for f in batch.schema.field("entities").type.value_type)
    assert COLUMNAR.accepts(batch)


def test_small_row_groups_are_read_across_in_full_batches(tmp_path):
    # Row groups of one record would make one batch each; they are read plainly, several per batch.
    batches = _batches(_written(tmp_path, BIG, row_group_size=1))
    assert len(batches) == 1 and batches[0].num_rows == len(BIG)
    assert not any(pa.types.is_dictionary(f.type) for f in batches[0].schema.field("entities").type.value_type)
    assert COLUMNAR.accepts(batches[0])


def test_the_columnar_path_supports_every_keyword_of_our_schema():
    """Were a keyword unknown to it, the columnar path would quietly stand down for every file."""
    from taq_news.validation.fast.columnar import ColumnarPath

    ColumnarPath(load_schemas(str(ROOT / "schema")), None)


def test_too_many_content_spans_are_refused_on_every_path(tmp_path):
    """maxItems (8 content spans, the positions Croissant names) holds on the columnar and the precise path."""
    rows = pq.read_table(ROOT / "dataset/data/documents/train-00000-of-00001.parquet").to_pylist()
    bad = copy.deepcopy(rows)
    quote = bad[0]["quotes"][0]
    quote["content"] = [quote["content"][0]] * 9
    path = tmp_path / "bad.parquet"
    pq.write_table(pa.Table.from_pylist(bad, schema=pq.read_schema(ROOT / "dataset/data/documents/train-00000-of-00001.parquet")), path)
    for fast in (True, False):
        found = {(i.check, i.path) for i in validate([str(path)], fast=fast) if i.severity == "error"}
        assert ("schema", "quotes[0].content") in found, (fast, found)
