"""Property tests: any corruption of a valid record is caught; no input crashes the validator."""

from __future__ import annotations

import copy

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from taq_news.annotations.registry import load_registry
from taq_news.core.schema import load_schemas
from taq_news.core.spans import iter_spans
from taq_news.validation import record_rules
from taq_news.validation.fast.rows import FastPath, equivalent_fast_schema
from taq_news.validation.readers import Item, _loads, fast_loads
from taq_news.validation.record_checks import CorpusIndex
from taq_news.validation.records import Selection, validate_records
from tests.conftest import ROOT

RECORDS = pq.read_table(ROOT / "dataset/data/documents/train-00000-of-00001.parquet").to_pylist()
SCHEMAS = load_schemas(str(ROOT / "schema"))
REGISTRY = load_registry(ROOT / "dataset/entities.yaml", "entities.yaml")
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check(record: object, engine: str = "auto") -> list:
    # Per-record checks only: a lone record has clusters and relations pointing outside it.
    return list(validate_records([Item("r.jsonl", 1, record)], SCHEMAS, REGISTRY, Selection(level=4), engine, index=CorpusIndex()))


def containers(node, path=()):
    """Every dict and list in a record, with its path."""
    yield path, node
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for k, v in children:
        if isinstance(v, (dict, list)):
            yield from containers(v, (*path, k))


def leaves(node, path=()):
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for k, v in children:
        if isinstance(v, (dict, list)) and v:
            yield from leaves(v, (*path, k))
        else:
            yield (*path, k), v


def at(record, path):
    for k in path:
        record = record[k]
    return record


@pytest.mark.parametrize("record", RECORDS, ids=[r["id"] for r in RECORDS])
def test_the_published_records_are_valid(record):
    assert check(record) == []


@SETTINGS
@given(st.sampled_from(range(len(RECORDS))), st.data())
def test_deleting_any_key_is_caught(i, data):
    rec = copy.deepcopy(RECORDS[i])
    dicts = [(p, n) for p, n in containers(rec) if isinstance(n, dict) and n]
    path, node = data.draw(st.sampled_from(dicts))
    del node[data.draw(st.sampled_from(sorted(node)))]
    assert check(rec)


@SETTINGS
@given(st.sampled_from(range(len(RECORDS))), st.data(), st.text(min_size=1, max_size=8))
def test_adding_any_key_is_caught(i, data, key):
    rec = copy.deepcopy(RECORDS[i])
    dicts = [n for _, n in containers(rec) if isinstance(n, dict)]
    node = data.draw(st.sampled_from(dicts))
    assume(key not in node)
    node[key] = 1
    assert check(rec)


@SETTINGS
@given(st.sampled_from(range(len(RECORDS))), st.data())
def test_giving_any_leaf_a_wrong_json_type_is_caught(i, data):
    rec = copy.deepcopy(RECORDS[i])
    path, value = data.draw(st.sampled_from(list(leaves(rec))))
    # A list is never valid where a scalar or an empty list stands, and vice versa.
    wrong = {"x": 1} if isinstance(value, list) else [value]
    at(rec, path[:-1])[path[-1]] = wrong
    assert check(rec)


@SETTINGS
@given(st.sampled_from(range(len(RECORDS))), st.data(), st.sampled_from([7, 2.5, "abc", "", True, None, {"x": 1}]))
def test_putting_a_scalar_or_object_where_any_list_or_object_stands_is_caught(i, data, wrong):
    # e.g. "quotes": 7 or "via": "abc": loops over lists must not crash on them (or iterate a string)
    rec = copy.deepcopy(RECORDS[i])
    path, node = data.draw(st.sampled_from([(p, n) for p, n in containers(rec) if p]))
    assume(node != wrong and not (wrong is None and isinstance(node, dict)))  # null is a valid cue, speaker, ...
    at(rec, path[:-1])[path[-1]] = wrong
    found = check(rec)
    assert found
    # the two engines word messages differently; the verdicts are the same
    assert [(x.check, x.path) for x in check(rec, "python")] == [(x.check, x.path) for x in found]


@SETTINGS
@given(st.sampled_from(range(len(RECORDS))), st.data(), st.integers(-3, 3).filter(bool))
def test_shifting_any_span_is_caught(i, data, k):
    rec = copy.deepcopy(RECORDS[i])
    _, span = data.draw(st.sampled_from(list(iter_spans(rec))))
    new_start, new_end = span["start"] + k, span["end"] + k
    assume(rec["text"][max(new_start, 0) : max(new_end, 0)] != span["text"] or new_start < 0)
    span["start"], span["end"] = new_start, new_end
    assert check(rec)


@SETTINGS
@given(st.sampled_from(range(len(RECORDS))), st.data(), st.text(min_size=1, max_size=5))
def test_changing_any_span_text_is_caught(i, data, extra):
    rec = copy.deepcopy(RECORDS[i])
    _, span = data.draw(st.sampled_from(list(iter_spans(rec))))
    span["text"] = span["text"] + extra
    assert check(rec)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@SETTINGS
@given(st.sampled_from(range(len(RECORDS))), st.data(), JSON)
def test_arbitrary_values_anywhere_never_crash(i, data, junk):
    rec = copy.deepcopy(RECORDS[i])
    path, _ = data.draw(st.sampled_from(list(leaves(rec))))
    at(rec, path[:-1])[path[-1]] = junk
    for engine in ("rs", "python"):
        incidents = check(rec, engine)
        assert all(inc.check and inc.level for inc in incidents)


@SETTINGS
@given(JSON)
def test_arbitrary_documents_never_crash(junk):
    incidents = check(junk)
    assert incidents  # nothing but a record is valid


# ---- the fast path stands in for the precise checks only where they agree

FAST = FastPath(SCHEMAS, REGISTRY, "rs")


def test_fast_path_accepts_every_published_record():
    assert all(FAST.accepts(r) for r in RECORDS)


@SETTINGS
@given(st.sampled_from(range(len(RECORDS))), st.data(), JSON)
def test_fast_path_never_accepts_what_the_precise_checks_reject(i, data, junk):
    rec = copy.deepcopy(RECORDS[i])
    path, _ = data.draw(st.sampled_from(list(leaves(rec))))
    at(rec, path[:-1])[path[-1]] = junk
    precise = check(rec, "python")  # the pure-Python engine never uses the fast path
    # The record rules run on every record, accepted or not: the fast path need not refuse what only they report.
    precise = [inc for inc in precise if inc.check not in record_rules.CHECK_IDS - {"raw-offset-mismatch"}]
    try:
        accepted = FAST.accepts(rec)
    except (KeyError, TypeError, IndexError, AttributeError):
        accepted = False  # validate_records treats a fast-path error as "not accepted"
    assert not (accepted and precise), precise


@SETTINGS
@given(JSON)
def test_fast_schema_and_project_schema_agree(instance):
    import jsonschema_rs

    original = jsonschema_rs.Draft202012Validator(SCHEMAS.by_file["document.schema.json"], validate_formats=True)
    fast = jsonschema_rs.Draft202012Validator(equivalent_fast_schema(SCHEMAS.by_file["document.schema.json"]), validate_formats=True)
    assert original.is_valid(instance) == fast.is_valid(instance)


@pytest.mark.parametrize("raw", [
    b'{"a": 1, "a": 2}\n', b'{"a": {"b": 1, "b": 1}}\n', b'{"k\\u003a": 1, "k\\u003a": 2}\n',
    b'{"x": "a:b", "y": "c"}\n', b'{"x": "\\u003a", "x": 1}\n',
])
def test_fast_decoder_never_hides_a_duplicate_key(raw):
    obj = fast_loads(raw)
    try:
        exact = _loads(raw.decode())
    except ValueError:
        exact = None  # a duplicate key: the fast decoder must have declined
    assert obj is None or obj == exact
