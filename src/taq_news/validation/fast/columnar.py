"""A columnar fast path for Parquet and JSONL: accept whole batches of valid records without
turning them into Python objects.

Like ``fastpath.FastPath`` it never reports: a batch it cannot accept goes, row by
row, through the record fast path and the precise checks, which find and describe
every problem. It accepts a batch only when every check the row path would run
(L2 schema, L3 spans, L4 references and the per-record part of the corpus index)
passes, so verdicts do not depend on the path taken; the tests compare both.

L2 is not hand-written: the JSON Schema is walked against the Arrow columns, and
each keyword becomes a vectorised pyarrow.compute test. A keyword this walker does
not know makes the whole path refuse (``Unsupported``) rather than skip it. Regular
expressions run in RE2, whose ``\\s`` is ASCII-only while JSON Schema's (ECMA-262, and
jsonschema-rs) is Unicode; ``re2_pattern`` rewrites the few constructs that differ
and refuses the rest, and those patterns are checked value by value with
jsonschema-rs instead. A few exact shortcuts replace RE2 where it would be the
bottleneck: the span rule's edges are read from bytes (``edge_mask``), and id
patterns split into a fixed head and a tail (``fixed_head``). Span texts (L3) are
compared with the record text as Arrow strings laid over the text buffer
(``Texts``), since Arrow has no kernel that slices each string at its own offsets.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from taq_news.annotations.registry import Entity
from taq_news.core.ecma import WHITESPACE_POINTS, WHITESPACE_RE2
from taq_news.core.schema import SchemaSet, arrow_schema
from taq_news.validation.strict import nfc_unsafe_points

KNOWN = {
    "type", "$ref", "pattern", "minimum", "properties", "required", "unevaluatedProperties",
    "additionalProperties", "enum", "items", "anyOf", "minLength", "format", "const", "minItems", "maxItems",
    "description", "title", "$schema", "$id", "version", "$defs", "$comment", "examples",
}
# ECMA-262 WhiteSpace + LineTerminator: what \s means to JSON Schema and to jsonschema-rs
# (defined once, in strict.py, for every path).
ECMA_SPACE = WHITESPACE_RE2
# The span rule: no whitespace at either edge (the schema's pattern for span texts).
SPAN_RULE = r"^\S(?:[\s\S]*\S)?$"
SAFE_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-^$()|?*+{},:")


class Unsupported(Exception):
    """The schema uses something this path cannot check exactly: use the row path."""


@lru_cache(maxsize=None)
def re2_pattern(pattern: str) -> str | None:
    """The RE2 pattern that matches exactly what the ECMA-262 ``pattern`` matches, or None.

    Only a small safe subset is translated: ASCII literals and quantifiers, bracket
    classes of ASCII literals and ranges, ``\\.``, ``\\s``/``\\S`` and ``[\\s\\S]``.
    """
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("[\\s\\S]", i):
            out.append("(?s:.)")
            i += 6
        elif pattern.startswith("\\s", i):
            out.append(f"[{ECMA_SPACE}]")
            i += 2
        elif pattern.startswith("\\S", i):
            out.append(f"[^{ECMA_SPACE}]")
            i += 2
        elif pattern.startswith("\\.", i):
            out.append("\\.")
            i += 2
        elif pattern.startswith("(?:", i):
            out.append("(?:")
            i += 3
        elif pattern[i] == "[":
            end = pattern.find("]", i + 1)
            body = pattern[i + 1 : end] if end > 0 else ""
            if not body or not all(c.isascii() and (c.isalnum() or c in "-_") for c in body):
                return None
            out.append(pattern[i : end + 1])
            i = end + 1
        elif pattern[i] in SAFE_CHARS:
            out.append(pattern[i])
            i += 1
        else:
            return None
    return "".join(out)


# One fixed-width atom: an ASCII letter, digit, "_" or "-", an escaped dot, or a
# bracket class of those, optionally repeated an exact number of times.
_FIXED_ATOM = re.compile(r"(\[[A-Za-z0-9_-]+\]|[A-Za-z0-9_-]|\\\.)(\{([0-9]+)\})?(?![?*+{])")


@lru_cache(maxsize=None)
def fixed_head(pattern: str) -> tuple[int, str, str] | None:
    """Split ``^HEAD TAIL`` where HEAD is a run of single-character atoms, or None.

    Each atom of HEAD matches exactly one character, so a string matches the
    pattern exactly when its first ``k`` characters match ``^HEAD$`` and the rest
    matches ``^TAIL``. Ids such as ``042_00000000000000a3-e017`` share their head
    with their neighbours and their tail with other records, so both halves have
    few distinct values while the whole never repeats.
    """
    if not pattern.startswith("^") or "|" in pattern or re2_pattern(pattern) is None:
        return None
    i, k = 1, 0
    while m := _FIXED_ATOM.match(pattern, i):
        k += int(m.group(3) or 1)
        i = m.end()
    if k < 8 or pattern[i:] in ("", "$"):  # a short head, or nothing after it, saves nothing
        return None
    head, tail = re2_pattern(pattern[:i] + "$"), re2_pattern("^" + pattern[i:])
    if head is None or tail is None:  # never: both halves are whole tokens of a pattern that translated
        return None
    return k, head, tail


def has_cheap_test(pattern: str) -> bool:
    """Does the pattern have an exact test cheaper than RE2 on every value (edges or a fixed head)?"""
    return _EDGES.match(pattern) is not None or fixed_head(pattern) is not None


def dictionary_leaves(schemas: SchemaSet) -> list[str]:
    """Parquet paths of the nested string columns worth reading as dictionaries.

    These are the columns whose checks look values up (enums, registry ids,
    patterns RE2 has to run): read as dictionaries they cost less to decode, and
    their checks run once per distinct value. Span texts and ids stay plain.
    """
    found: list[str] = []

    def walk(s: dict, doc: dict, path: tuple[str, ...], nested: bool) -> None:
        while "$ref" in s:
            rest = {k: v for k, v in s.items() if k != "$ref"}
            s, doc = schemas.deref(s["$ref"], doc)
            s = {**s, **rest}
        for branch in s.get("anyOf", []):
            if branch.get("type") != "null":
                walk({**{k: v for k, v in s.items() if k != "anyOf"}, **branch}, doc, path, nested)
        if "properties" in s:
            for name, sub in s["properties"].items():
                walk(sub, doc, (*path, name), nested)
        elif "items" in s:
            walk(s["items"], doc, (*path, "list", "element"), True)
        elif nested:
            types = [s["type"]] if isinstance(s.get("type"), str) else s.get("type", [])
            pattern = s.get("pattern")
            costly = "string" in types and pattern is not None and not has_cheap_test(pattern)
            enum = "enum" in s and all(v is None or isinstance(v, str) for v in s["enum"])
            if enum or (costly and path[-1] != "id"):  # ids are unique: a dictionary of them never pays
                found.append(".".join(path))

    walk(schemas.by_file["document.schema.json"], schemas.by_file["document.schema.json"], (), False)
    return sorted(set(found))


def loose_type(t: pa.DataType) -> pa.DataType:
    """The type as the JSON Schema walk sees it: dictionaries stand for their values,
    and every field may hold nulls (the walk judges nulls by the JSON Schema)."""
    if pa.types.is_dictionary(t):
        return t.value_type
    if pa.types.is_struct(t):
        return pa.struct([pa.field(f.name, loose_type(f.type), True) for f in t])
    if pa.types.is_list(t):
        return pa.list_(pa.field(t.value_field.name, loose_type(t.value_type), True))
    if pa.types.is_large_list(t):
        return pa.large_list(pa.field(t.value_field.name, loose_type(t.value_type), True))
    return t


def loose_schema(schema: pa.Schema) -> pa.Schema:
    return pa.schema([pa.field(f.name, loose_type(f.type), True) for f in schema])


_ONE_CHAR = r"(\\S|\\s|\[[^\]]+\]|[A-Za-z0-9])"
_EDGES = re.compile(rf"^\^{_ONE_CHAR}\(\?:\[\\s\\S\]\*{_ONE_CHAR}\)\?\$$")


# The same set as code points, for checks that run on decoded arrays.
ECMA_SPACE_POINTS = WHITESPACE_POINTS


def _point_test(group: str):
    """A vectorised test over code points for one ``_ONE_CHAR`` group, or None."""
    if group == "\\S":
        return lambda points: ~np.isin(points, ECMA_SPACE_POINTS)
    if group == "\\s":
        return lambda points: np.isin(points, ECMA_SPACE_POINTS)
    return None


def edge_mask(pattern: str, arr: pa.Array) -> pa.Array | None:
    r"""``^A(?:[\s\S]*B)?$`` (A, B one character each) says only: first char A, last char B.

    Checking the two edge characters instead of scanning whole quotes is exact and
    several times faster; any other pattern returns None. For ``\s``/``\S`` edges
    (the span rule) the edge characters are read from the UTF-8 bytes.
    """
    m = _EDGES.match(pattern)
    if not m:
        return None
    tests = [_point_test(g) for g in m.groups()]
    if all(tests) and pa.types.is_string(arr.type):
        ok = _edge_points_ok(arr, tests)
        # A null slot still has in-bounds offsets (Arrow requires them monotonic);
        # whatever bytes it spans, its verdict is masked out here.
        return pa.array(ok, pa.bool_(), mask=~arr.is_valid().to_numpy(zero_copy_only=False) if arr.null_count else None)
    first, last = (re2_pattern(f"^{g}$") for g in m.groups())
    if first is None or last is None:
        return None
    length = pc.utf8_length(arr)
    first_ok = pc.match_substring_regex(pc.utf8_slice_codeunits(arr, 0, 1), first)
    last_ok = pc.match_substring_regex(pc.utf8_slice_codeunits(arr, -1), last)
    return pc.and_(pc.and_(pc.greater_equal(length, 1), first_ok), pc.or_(pc.equal(length, 1), last_ok))


def _edge_points_ok(arr: pa.Array, tests) -> np.ndarray:
    """First and last code point tests for a null-free string array.

    In UTF-8 a byte below 0x80 is always a whole character, so a string whose first
    and last bytes are ASCII is decided from those two bytes alone; only the rest
    (a multi-byte character at an edge, such as a curly quote) is decoded there.
    """
    offsets = _offsets(arr)
    size = np.diff(offsets)
    if not size.any():
        return size >= 1
    data = np.frombuffer(arr.buffers()[2], dtype=np.uint8)
    first = np.take(data, offsets[:-1], mode="clip")  # clip: an empty last string points past the buffer
    last = np.take(data, offsets[1:] - 1, mode="clip")
    ascii = np.arange(256, dtype=np.uint32)
    ok = np.take(tests[0](ascii) & (ascii < 0x80), first) & ((size == 1) | np.take(tests[1](ascii) & (ascii < 0x80), last))
    ok &= size != 0
    rest = np.flatnonzero(((first | last) & 0x80).astype(bool) & (size != 0))
    if len(rest):
        start, end = offsets[:-1][rest], offsets[1:][rest]
        last_start = _char_start(data, end - 1)
        ok[rest] = tests[0](_decode_at(data, start)) & ((last_start == start) | tests[1](_decode_at(data, last_start)))
    return ok


def _char_start(data: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """Step back from each byte position over continuation bytes to its character's lead byte."""
    for _ in range(3):
        pos = np.where((data[pos] & 0xC0) == 0x80, np.maximum(pos - 1, 0), pos)
    return pos


def _decode_at(data: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """The code points of the UTF-8 characters starting at each byte position."""
    lead = data[pos].astype(np.uint32)
    width = 1 + (lead >= 0xC0) + (lead >= 0xE0) + (lead >= 0xF0)
    point = lead & np.array([0, 0x7F, 0x1F, 0x0F, 0x07], np.uint32)[width]
    for j in (1, 2, 3):
        more = data[np.minimum(pos + j, len(data) - 1)].astype(np.uint32) & 0x3F
        point = np.where(width > j, (point << 6) | more, point)
    return point


def _offsets(strings: pa.Array) -> np.ndarray:
    """The value offsets of a string array (respecting its slice offset), without a copy."""
    width = np.int64 if pa.types.is_large_string(strings.type) else np.int32
    return np.frombuffer(strings.buffers()[1], dtype=width, count=len(strings) + 1, offset=strings.offset * np.dtype(width).itemsize)


def _all(mask: pa.Array) -> bool:
    """True when no element is False (nulls are skipped: nullability is checked apart)."""
    return len(mask) == 0 or pc.all(mask, skip_nulls=True).as_py() in (True, None)


_ARROW_KIND = {
    "string": (pa.types.is_string, pa.types.is_large_string, lambda t: pa.types.is_dictionary(t) and pa.types.is_string(t.value_type)),
    "integer": (pa.types.is_integer,),
    "number": (pa.types.is_floating, pa.types.is_integer),
    "boolean": (pa.types.is_boolean,),
    "object": (pa.types.is_struct,),
    "array": (pa.types.is_list, pa.types.is_large_list),
}


class SchemaColumns:
    """Vectorised JSON Schema (the subset the project uses) over Arrow arrays."""

    def __init__(self, schemas: SchemaSet, document: dict):
        self.schemas = schemas
        self.document = document
        self._per_value: dict[tuple, Any] = {}  # jsonschema_rs validators (untyped)
        self._repetitive: dict[tuple, bool] = {}

    def batch_ok(self, batch: pa.RecordBatch) -> bool:
        root = pa.StructArray.from_arrays(batch.columns, fields=list(batch.schema))
        return self.ok(self.document, self.document, root, 0)

    def ok(self, s: dict, doc: dict, arr: pa.Array, inherited_nulls: int, nulls_ok: bool = False) -> bool:
        unknown = set(s) - KNOWN
        if unknown:
            raise Unsupported(f"keyword(s) {sorted(unknown)}")
        if "$ref" in s:
            target, tdoc = self.schemas.deref(s["$ref"], doc)
            rest = {k: v for k, v in s.items() if k != "$ref"}
            return self.ok(target, tdoc, arr, inherited_nulls, nulls_ok) and self.ok(rest, doc, arr, inherited_nulls, nulls_ok)
        if "anyOf" in s:
            return self._any_of(s, doc, arr, inherited_nulls, nulls_ok)
        types = s.get("type")
        types = [types] if isinstance(types, str) else list(types or [])
        # null passes every keyword but type, enum and const (JSON Schema applies the rest by type)
        nullable = nulls_ok or not (
            (types and "null" not in types) or ("enum" in s and None not in s["enum"]) or ("const" in s and s["const"] is not None)
        )
        if arr.null_count > inherited_nulls and not nullable:
            return False
        real = [t for t in types if t != "null"]
        if real and not any(f(arr.type) for t in real for f in _ARROW_KIND.get(t, ())):
            return False
        return self._scalar_ok(s, arr) and self._nested_ok(s, doc, arr)

    def _any_of(self, s: dict, doc: dict, arr: pa.Array, inherited_nulls: int, nulls_ok: bool) -> bool:
        rest = {k: v for k, v in s.items() if k != "anyOf"}
        branches = [self._resolve(b, doc) for b in s["anyOf"]]
        has_null = any(b.get("type") == "null" for b, _ in branches)
        real = [(b, d) for b, d in branches if b.get("type") != "null"]
        if not self.ok(rest, doc, arr, inherited_nulls, nulls_ok=True):
            return False
        if arr.null_count > inherited_nulls and not (has_null or nulls_ok):
            return False
        if len(real) == 1:
            b, d = real[0]
            return self.ok(b, d, arr, inherited_nulls, nulls_ok=True)
        # Several value branches: only scalar ones, combined element-wise.
        combined = None
        for b, d in real:
            if set(b) & {"properties", "items", "anyOf"}:
                raise Unsupported("anyOf of structured branches")
            mask = self._scalar_mask(b, d, arr)
            combined = mask if combined is None else pc.or_(combined, mask)
        return combined is None or _all(combined)

    def _resolve(self, s: dict, doc: dict) -> tuple[dict, dict]:
        while set(s) - {"description"} == {"$ref"}:
            s, doc = self.schemas.deref(s["$ref"], doc)
        if "$ref" in s:
            raise Unsupported("$ref with siblings inside anyOf")
        return s, doc

    def _scalar_mask(self, s: dict, doc: dict, arr: pa.Array) -> pa.Array:
        unknown = set(s) - KNOWN
        if unknown:
            raise Unsupported(f"keyword(s) {sorted(unknown)}")
        types = s.get("type")
        types = [types] if isinstance(types, str) else list(types or [])
        if types and not any(f(arr.type) for t in types for f in _ARROW_KIND.get(t, ())):
            return pa.array([False] * len(arr), pa.bool_())
        if pa.types.is_dictionary(arr.type):
            arr = arr.cast(arr.type.value_type)  # element-wise masks need the values in place
        mask = pa.array([True] * len(arr), pa.bool_())
        for m in self._masks(s, arr):
            mask = pc.and_(mask, pc.fill_null(m, True))
        return mask

    def _scalar_ok(self, s: dict, arr: pa.Array) -> bool:
        # Only a verdict is needed here, so the costly value tests (enum, formats, RE2
        # patterns) may run on the distinct values of a column that repeats itself.
        # Patterns with an exact cheaper test (edges, a fixed head) run on every value.
        key = id(s)
        if pa.types.is_dictionary(arr.type):
            # The distinct values are at hand (a dictionary may hold unused ones too:
            # a bad one only sends the batch to the row path). Nulls are in the indices.
            return all(_all(m) for m in self._masks(s, arr.dictionary))
        if "pattern" in s and pa.types.is_string(arr.type) and len(arr) >= 4096 and has_cheap_test(s["pattern"]):
            split = fixed_head(s["pattern"])
            if not (self._split_ok(split, arr) if split else _all(edge_mask(s["pattern"], arr))):
                return False
            s = {k: v for k, v in s.items() if k != "pattern"}
        if any(k in s for k in ("enum", "pattern", "format")) and pa.types.is_string(arr.type) and len(arr) >= 4096:
            if self._is_repetitive(("column", key), arr):
                arr = pc.unique(arr)
        return all(_all(m) for m in self._masks(s, arr))

    def _is_repetitive(self, key: tuple, arr: pa.Array) -> bool:
        # whether a column repeats itself is decided once, on the first large batch
        if key not in self._repetitive:
            self._repetitive[key] = _repetitive(arr)
        return self._repetitive[key]

    def _split_ok(self, split: tuple[int, str, str], arr: pa.Array) -> bool:
        """The pattern as head and tail, each on few values (see ``fixed_head``)."""
        k, head_re, tail_re = split
        # Byte slices (character slicing is several times slower): the head pattern is
        # ASCII-only, so once every head matches, byte k is a character boundary.
        raw = arr.view(pa.large_binary() if pa.types.is_large_string(arr.type) else pa.binary())
        head = pc.binary_slice(raw, 0, k)
        if len(head) > 1:  # neighbours share heads: test one value per run
            starts = pc.not_equal(head[1:], head[:-1])
            head = head.filter(pa.concat_arrays([pa.array([True]), pc.fill_null(starts, True)]))
        if not _all(pc.match_substring_regex(head.view(arr.type), head_re)):
            return False
        # an explicit stop: without one, binary_slice sizes its output from INT64_MAX and overflows
        longest = pc.max(pc.binary_length(raw)).as_py() or 0
        tail = pc.binary_slice(raw, k, max(longest, k)).view(arr.type)
        if self._is_repetitive(("tail", id(split)), tail):
            tail = pc.unique(tail)
        return _all(pc.match_substring_regex(tail, tail_re))

    def _masks(self, s: dict, arr: pa.Array):
        if "enum" in s:
            values = [v for v in s["enum"] if v is not None]
            # is_in answers False, not null, for a null element: nulls are judged by the null check
            yield pc.or_(pc.is_null(arr), pc.is_in(arr, value_set=pa.array(values, type=arr.type))) if values else pc.is_null(arr)
        if "const" in s and s["const"] is not None:
            yield pc.equal(arr, pa.scalar(s["const"], type=arr.type))
        if "minimum" in s:
            yield pc.greater_equal(arr, s["minimum"])
        if "minLength" in s:
            # Bytes >= code points, and one byte is one code point only when both are 0 or 1.
            length = pc.binary_length(arr) if s["minLength"] <= 1 and pa.types.is_string(arr.type) else pc.utf8_length(arr)
            yield pc.greater_equal(length, s["minLength"])
        if "pattern" in s:
            edges = edge_mask(s["pattern"], arr)
            re2 = re2_pattern(s["pattern"])
            if edges is not None:
                yield edges
            elif re2 is not None:
                yield pc.match_substring_regex(arr, re2)
            else:
                yield self._per_value_mask({"pattern": s["pattern"]}, arr)
        if "format" in s:
            yield self._per_value_mask({"format": s["format"]}, arr)

    def _per_value_mask(self, subschema: dict, arr: pa.Array) -> pa.Array:
        """Check distinct values with jsonschema-rs itself (formats, untranslatable patterns)."""
        import jsonschema_rs  # here, not at the top: the columnar path loads without it; only formats and untranslatable patterns need it

        key = tuple(sorted(subschema.items()))
        if key not in self._per_value:
            self._per_value[key] = jsonschema_rs.Draft202012Validator(subschema, validate_formats=True)
        validator = self._per_value[key]
        distinct = pc.unique(arr).drop_null()
        bad = [v for v in distinct.to_pylist() if not validator.is_valid(v)]
        return pc.invert(pc.is_in(arr, value_set=pa.array(bad, type=arr.type))) if bad else pa.array([True] * len(arr), pa.bool_())

    def _nested_ok(self, s: dict, doc: dict, arr: pa.Array) -> bool:
        if "properties" in s:
            if not pa.types.is_struct(arr.type):
                return False
            names = [arr.type.field(i).name for i in range(arr.type.num_fields)]
            if set(names) - set(s["properties"]):
                return False  # a key the schema does not allow (unevaluated/additional: false)
            if set(s.get("required", [])) - set(names):
                return False
            children = dict(zip(names, arr.flatten(), strict=True))  # flatten() carries the struct's nulls down
            for name, sub in s["properties"].items():
                if name in children and not self.ok(sub, doc, children[name], arr.null_count):
                    return False
        if "items" in s or "minItems" in s or "maxItems" in s:
            if not (pa.types.is_list(arr.type) or pa.types.is_large_list(arr.type)):
                return False
            if "minItems" in s and not _all(pc.greater_equal(pc.list_value_length(arr), s["minItems"])):
                return False
            if "maxItems" in s and not _all(pc.less_equal(pc.list_value_length(arr), s["maxItems"])):
                return False
            if "items" in s and not self.ok(s["items"], doc, arr.flatten(), 0):
                return False
        return True


def _repetitive(arr: pa.Array) -> bool:
    """Does a sample repeat a lot? Then hashing to distinct values is cheaper than a regex on each."""
    sample = arr.slice(0, 1024)
    return len(pc.unique(sample)) * 4 <= len(sample)


def _parents(list_array: pa.Array) -> np.ndarray:
    return pc.list_parent_indices(list_array).to_numpy(zero_copy_only=False)


class ColumnarPath:
    """Accept whole batches of records (Parquet, or JSONL read by ``jsonl_arrow``) that pass every L2-L4 per-record check."""

    def __init__(self, schemas: SchemaSet, registry: dict[str, Entity] | None):
        self.arrow = arrow_schema(schemas, "documents")
        self.loose = loose_schema(self.arrow)
        self.columns = SchemaColumns(schemas, schemas.by_file["document.schema.json"])
        self.registry = registry
        if registry is not None:
            ids = sorted(registry)
            self.reg_ids = pa.array(ids, pa.string())
            # Wikidata ids as codes: "" (no id) is one of the values, so null compares as a value.
            values = sorted({""} | {registry[i].wikidata or "" for i in ids})
            code = {v: n for n, v in enumerate(values)}
            self.wikidata_values = pa.array(values, pa.string())
            self.no_wikidata = code[""]
            self.reg_wikidata_code = np.array([code[registry[i].wikidata or ""] for i in ids], np.int64)
            self.reg_name = pa.array([registry[i].name for i in ids], pa.string())
            self.reg_kind = pa.array([registry[i].kind for i in ids], pa.string())
        # Refuse now, not halfway through a file, when the schema has something we cannot check.
        self.columns.batch_ok(pa.RecordBatch.from_pylist([], schema=self.arrow))

    def accepts(self, batch: pa.RecordBatch) -> bool:
        # Dictionary columns (readers.read_parquet) and JSONL batches, read with every
        # field nullable (jsonl_arrow), have the schema's shape if not its exact type.
        if not loose_schema(batch.schema).equals(self.loose):
            return False
        return self.columns.batch_ok(batch) and self._spans_ok(batch) and self._references_ok(batch) and self._ids_ok(batch)

    # L3 ---------------------------------------------------------------
    def _spans_ok(self, batch: pa.RecordBatch) -> bool:
        texts = Texts(batch.column("text"))
        if not texts.nfc_safe():
            return False  # a character that may break NFC: the row path decides (strict.py)
        ents = batch.column("entities")
        ev = ents.flatten()
        erec = _parents(ents)
        if not texts.spans_ok(erec, ev.field("start"), ev.field("end"), ev.field("text"), groups=erec, overlap=True):
            return False
        quotes = batch.column("quotes")
        qv = quotes.flatten()
        qrec = _parents(quotes)
        content = qv.field("content")
        cv = content.flatten()
        cquote = _parents(content)
        if not texts.spans_ok(qrec[cquote], cv.field("start"), cv.field("end"), cv.field("text"), groups=cquote, overlap=False):
            return False
        for key in ("cue", "speaker", "addressee"):
            sp = qv.field(key)
            present = sp.is_valid()
            fields = dict(zip([sp.type.field(i).name for i in range(sp.type.num_fields)], sp.flatten(), strict=True))
            mask = present.to_numpy(zero_copy_only=False)
            if not texts.spans_ok(qrec[mask], fields["start"].filter(present), fields["end"].filter(present), fields["text"].filter(present)):
                return False
        nq = batch.column("non_quotes")
        nv = nq.flatten()
        if len(nv) and (nv.field("text").null_count or not _all(edge_mask(SPAN_RULE, _decoded(nv.field("text"))))):
            return False  # the span rule's edges, which the schema does not state for non-quotes
        return texts.spans_ok(_parents(nq), nv.field("start"), nv.field("end"), nv.field("text"))

    # L4 ---------------------------------------------------------------
    def _references_ok(self, batch: pa.RecordBatch) -> bool:
        qv = batch.column("quotes").flatten()
        addressee_null = pc.is_null(qv.field("addressee"))
        if not _all(pc.equal(addressee_null, pc.is_null(qv.field("addressee_entity_id")))):
            return False
        if self.registry is None:
            return True
        ev = batch.column("entities").flatten()
        if not self._linked_wikidata_ok(ev.field("entity_id"), ev.field("wikidata_id")):
            return False
        outlet = batch.column("outlet")
        if not self._linked_wikidata_ok(outlet.field("entity_id"), outlet.field("wikidata_id")):
            return False
        spk = _index_in(qv.field("speaker_entity_id"), self.reg_ids)
        if spk.null_count:
            return False
        if not (_all(pc.equal(pc.take(self.reg_name, spk), _decoded(qv.field("speaker_name")))) and _all(pc.equal(pc.take(self.reg_kind, spk), _decoded(qv.field("speaker_kind"))))):
            return False
        for arr in (qv.field("addressee_entity_id"), qv.field("via").flatten(), batch.column("relations").flatten().field("entity_id")):
            present = arr.drop_null()
            if len(present) and not _all(pc.is_in(present, value_set=self.reg_ids)):
                return False
        return True

    def _linked_wikidata_ok(self, entity_id: pa.Array, wikidata_id: pa.Array) -> bool:
        """A linked mention's Wikidata id is its registry entry's (both may be null).

        Compared as codes into the registry's Wikidata ids ("" for none), so a
        dictionary column is looked up once per distinct value.
        """
        idx = _index_in(entity_id, self.reg_ids)
        if idx.null_count != entity_id.null_count:
            return False  # an entity id the registry does not have
        linked = np.flatnonzero(entity_id.is_valid().to_numpy(zero_copy_only=False))
        if not len(linked):
            return True
        expected = self.reg_wikidata_code[idx.to_numpy(zero_copy_only=False)[linked].astype(np.int64)]
        actual = pc.fill_null(_index_in(wikidata_id, self.wikidata_values), -1).to_numpy(zero_copy_only=False)
        actual = np.where(wikidata_id.is_null().to_numpy(zero_copy_only=False), self.no_wikidata, actual)
        return bool((expected == actual[linked]).all())

    def _ids_ok(self, batch: pa.RecordBatch) -> bool:
        """Item ids carry their record's id as prefix and are unique in the batch, as CorpusIndex.add_valid needs.

        Items are stored record by record, so the prefix "<record id>-" is read once
        per record: it must not change inside a record, and the first item's must be
        its record's id followed by "-".
        """
        rid = batch.column("id")
        rid_len = pc.binary_length(rid).to_numpy(zero_copy_only=False)
        items = {col: (batch.column(col).flatten().field("id"), _parents(batch.column(col))) for col in ("entities", "quotes")}
        for ids, rows in items.values():
            if len(ids) == 0:
                continue
            lengths = rid_len[rows]
            if lengths.min() != lengths.max():
                return False
            n = int(lengths[0])
            # Byte prefixes: UTF-8 is prefix-free, so "owner-" as bytes is a prefix exactly when it is one as text.
            head = pc.binary_slice(ids.view(pa.binary()), 0, n + 1)
            same_record = rows[1:] == rows[:-1]
            if len(head) > 1 and (pc.not_equal(head[1:], head[:-1]).to_numpy(zero_copy_only=False) & same_record).any():
                return False
            first = np.flatnonzero(np.concatenate(([True], ~same_record)))
            head = head.take(pa.array(first))
            owner = pc.cast(rid.take(pa.array(rows[first])), pa.binary())
            if not (_all(pc.equal(pc.binary_slice(head, 0, n), owner)) and _all(pc.equal(pc.binary_slice(head, n, n + 1), pa.scalar(b"-")))):
                return False
        if self._unique_per_record(batch, items):
            return True
        ids = pa.concat_arrays([ids for ids, _ in items.values()])
        return pc.count_distinct(ids).as_py() == len(ids)

    @staticmethod
    def _unique_per_record(batch: pa.RecordBatch, items: dict[str, tuple[pa.Array, np.ndarray]]) -> bool:
        """A cheap sufficient test that no record repeats an item id (hashing ~100k strings is slow).

        Each list's ids rise strictly within each record, and per record the entity
        ids and the quote ids lie in disjoint ranges. When it says no, the caller
        hashes.
        """
        bounds = []
        for col in ("entities", "quotes"):
            lst = batch.column(col)
            ids, rows = items[col]
            if len(ids) > 1:
                rising = pc.greater(ids[1:], ids[:-1]).to_numpy(zero_copy_only=False)
                if not (rising | (rows[1:] != rows[:-1])).all():
                    return False
            offsets = lst.offsets.to_numpy(zero_copy_only=False) - lst.offsets[0].as_py()
            nonempty = offsets[1:] > offsets[:-1]
            first = np.where(nonempty, offsets[:-1], 0)
            last = np.where(nonempty, offsets[1:] - 1, 0)
            bounds.append((nonempty, ids, first, last))
        (e_has, e_ids, e_first, e_last), (q_has, q_ids, q_first, q_last) = bounds
        both = np.nonzero(e_has & q_has)[0]
        if len(both) == 0:
            return True
        def at(arr, idx):
            return pc.take(arr, pa.array(idx[both], pa.int64()))
        below = pc.less(at(e_ids, e_last), at(q_ids, q_first)).to_numpy(zero_copy_only=False)
        above = pc.greater(at(e_ids, e_first), at(q_ids, q_last)).to_numpy(zero_copy_only=False)
        return bool((below | above).all())

    def index_batch(self, batch: pa.RecordBatch, file: str, first_line: int, index) -> None:
        """What CorpusIndex.add_valid records, for a whole accepted batch."""
        ids = index.ids
        for line, rid in enumerate(batch.column("id").to_pylist(), first_line):
            ids[rid].append((file, line, "id"))
        rows, pos, values = _present(batch.column("quotes"), "cluster_id")
        if len(values):
            # count and find each cluster's first quote per distinct id, not per quote
            encoded = pc.dictionary_encode(values)
            codes = encoded.indices.to_numpy(zero_copy_only=False)
            firsts = np.unique(codes, return_index=True)[1]
            counts = np.bincount(codes)
            for code, cid in enumerate(encoded.dictionary.to_pylist()):
                index.clusters[cid] += int(counts[code])
                k = firsts[code]
                index.cluster_first.setdefault(cid, (file, first_line + int(rows[k]), f"quotes[{int(pos[k])}].cluster_id"))
        rows, pos, values = _present(batch.column("relations"), "document")
        index.relations.extend((file, first_line + r, f"relations[{j}].document", target)
                               for r, j, target in zip(rows.tolist(), pos.tolist(), values.to_pylist(), strict=True))


def _index_in(arr: pa.Array, value_set: pa.Array) -> pa.Array:
    """pc.index_in, looking a dictionary column up once per distinct value."""
    if pa.types.is_dictionary(arr.type):
        return pc.take(pc.index_in(arr.dictionary, value_set=value_set), arr.indices)
    return pc.index_in(arr, value_set=value_set)


def _decoded(arr: pa.Array) -> pa.Array:
    return arr.cast(arr.type.value_type) if pa.types.is_dictionary(arr.type) else arr


def _present(lst: pa.Array, field: str) -> tuple[np.ndarray, np.ndarray, pa.Array]:
    """Row, position in the row's list, and value of every non-null ``field`` of a list-of-struct column."""
    values = _decoded(lst.flatten().field(field))
    if values.null_count == len(values):
        return np.zeros(0, np.int64), np.zeros(0, np.int64), values.slice(0, 0)
    rows = _parents(lst)
    starts = np.asarray(lst.offsets.to_numpy(zero_copy_only=False)) - lst.offsets[0].as_py()
    present = np.flatnonzero(values.is_valid().to_numpy(zero_copy_only=False))
    r = rows[present]
    return r, present - starts[r], values.take(pa.array(present, pa.int64()))


class Texts:
    """The batch's texts as UTF-8 bytes, with a sparse map from code points to bytes.

    Only the lead bytes of multi-byte characters are located (news text is mostly
    ASCII), which is enough to turn any code-point offset into a byte offset. The
    spans' expected texts are then zero-copy Arrow strings over the batch's text
    buffer, compared with the spans' own texts by Arrow: no per-character gather
    and no copy of either side.
    """

    def __init__(self, text: pa.Array):
        offsets = _offsets(text).astype(np.int64)
        self.data = text.buffers()[2] if len(text) and text.buffers()[2] is not None else pa.py_buffer(b"")
        self.base = int(offsets[0])
        self.byte_end = offsets[1:]  # where each record's text ends in the buffer
        raw = np.frombuffer(self.data, dtype=np.uint8)[self.base : int(offsets[-1])]
        leads = np.flatnonzero(raw >= 0xC0)
        self.leads = leads  # byte positions (from base) of multi-byte characters
        lead_bytes = raw[leads]
        extra = 1 + (lead_bytes >= 0xE0).astype(np.int64) + (lead_bytes >= 0xF0)  # continuation bytes
        self.cum_extra = np.cumsum(extra)
        self.lead_points = leads - (self.cum_extra - extra)  # code-point index of each multi-byte character
        # code points per text: its bytes less its continuation bytes (texts end on character boundaries)
        continuation = np.concatenate(([0], self.cum_extra))[np.searchsorted(leads, offsets - self.base)]
        self.length = np.diff(offsets) - np.diff(continuation)
        self.offset = np.concatenate(([0], np.cumsum(self.length)[:-1])).astype(np.int64) if len(self.length) else self.length

    def nfc_safe(self) -> bool:
        """No text holds a character that could make it, or a slice of it, not NFC.

        Exact where it says yes (``strict.nfc_unsafe_points`` is a superset of the
        characters whose NFC quick check is not Yes); the span texts equal slices of
        the texts (``spans_ok``), so they are NFC too. ASCII is never looked at.
        """
        if not len(self.leads):
            return True
        points = _decode_at(np.frombuffer(self.data, dtype=np.uint8), self.leads + self.base)
        unsafe = nfc_unsafe_points()
        at = np.minimum(np.searchsorted(unsafe, points), len(unsafe) - 1)
        return not bool((unsafe[at] == points).any())

    def _bytes(self, points: np.ndarray) -> np.ndarray:
        """Batch-global code-point offsets -> byte offsets into the text buffer."""
        m = np.searchsorted(self.lead_points, points, side="left")
        before = np.where(m > 0, self.cum_extra[np.maximum(m - 1, 0)], 0) if len(self.cum_extra) else 0
        return points + before + self.base

    def _same(self, b_start: np.ndarray, b_end: np.ndarray, text: pa.Array) -> bool:
        """Do the text's bytes at [b_start, b_end) equal the span texts?

        Spans that do not overlap (once sorted) become one string array over the text
        buffer with interleaved offsets (span, gap, span, ...), so Arrow slices nothing
        and compares in C++; overlapping spans fall back to string views.
        """
        order = None
        if len(b_start) > 1 and not (b_start[1:] >= b_end[:-1]).all():
            order = np.lexsort((b_end, b_start))
            b_start, b_end = b_start[order], b_end[order]
            if not (b_start[1:] >= b_end[:-1]).all():
                # Several quotes naming one speaker mention repeat a range: compare each
                # distinct range once and every repeat with its first.
                first = np.concatenate(([True], (b_start[1:] != b_start[:-1]) | (b_end[1:] != b_end[:-1])))
                u_start, u_end = b_start[first], b_end[first]
                if not (u_start[1:] >= u_end[:-1]).all():
                    return _all(pc.equal(self._views(b_start, b_end - b_start), text.take(pa.array(order)).cast(pa.string_view())))
                run_first = order[first][np.cumsum(first) - 1]
                repeats = ~first
                if repeats.any() and not _all(pc.equal(text.take(pa.array(order[repeats])), text.take(pa.array(run_first[repeats])))):
                    return False
                b_start, b_end, order = u_start, u_end, order[first]
        actual = text if order is None else text.take(pa.array(order))
        return _all_even(pc.equal(_interleaved(b_start, b_end, self.data), _interleaved_empty(actual)))

    def _views(self, start: np.ndarray, length: np.ndarray) -> pa.Array:
        """A string_view array of text[start:start+length] (byte offsets) without copying the text."""
        n = len(start)
        views = np.zeros((n, 4), dtype=np.int32)
        views[:, 0] = length
        as_bytes = views.view(np.uint8)
        data = np.frombuffer(self.data, dtype=np.uint8)
        short = length <= 12
        idx = start[short, None] + np.arange(12)
        inline = data[np.minimum(idx, len(data) - 1)] * (np.arange(12) < length[short, None])
        as_bytes[short, 4:16] = inline
        long = ~short
        prefix_idx = start[long, None] + np.arange(4)
        as_bytes[long, 4:8] = data[prefix_idx]
        views[long, 3] = start[long]
        return pa.Array.from_buffers(pa.string_view(), n, [None, pa.py_buffer(views), self.data])

    def spans_ok(self, rec: np.ndarray, start: pa.Array, end: pa.Array, text: pa.Array, groups: np.ndarray | None = None, overlap: bool = False) -> bool:
        """text[start:end] == span text for every span; order inside each group when asked.

        ``overlap=True`` is the entity rule (sorted by start, no overlap); ``overlap=False``
        with groups is the quote-content rule (each part starts at or after the last end).
        """
        if len(start) == 0:
            return True
        s = start.to_numpy(zero_copy_only=False).astype(np.int64)
        e = end.to_numpy(zero_copy_only=False).astype(np.int64)
        # Offsets in range of their own record's text (code points, as Python counts them)
        # before any byte is looked at: the views below must stay inside the buffer.
        if (s < 0).any() or (e < s).any() or (e > self.length[rec]).any():
            return False
        if text.null_count:
            return False
        b_start = self._bytes(self.offset[rec] + s)
        b_len = pc.binary_length(text).to_numpy(zero_copy_only=False)
        if b_len.mean() <= 32:
            # Short spans: the end is the start plus the span text's byte length, and the
            # text must then be end - start code points long (cheaper than mapping the end).
            b_end = b_start + b_len
            if (b_end > self.byte_end[rec]).any() or not (pc.utf8_length(text).to_numpy(zero_copy_only=False) == e - s).all():
                return False
        else:  # long spans (quotes): counting their code points costs more than a lookup
            b_end = self._bytes(self.offset[rec] + e)
            if not (b_end - b_start == b_len).all():
                return False
        if not self._same(b_start, b_end, text):
            return False
        if groups is not None and len(s) > 1:
            same = groups[1:] == groups[:-1]
            bad = (s[1:] < e[:-1]) | ((s[1:] < s[:-1]) if overlap else False)
            if (same & bad).any():
                return False
        return True


def _interleaved(start: np.ndarray, end: np.ndarray, data: pa.Buffer) -> pa.Array:
    """Sorted, non-overlapping byte ranges of ``data`` as one zero-copy string array:
    range 0, the gap after it, range 1, ... (element 2i is range i)."""
    n = len(start)
    offsets = np.empty(2 * n, dtype=np.int32)
    offsets[0::2] = start
    offsets[1::2] = end
    return pa.StringArray.from_buffers(2 * n - 1, pa.py_buffer(offsets), data)


def _interleaved_empty(strings: pa.Array) -> pa.Array:
    """The strings with an empty string after each (element 2i is string i), zero-copy."""
    a = _offsets(strings)
    offsets = np.empty(2 * len(strings), dtype=a.dtype)
    offsets[0::2] = a[:-1]
    offsets[1::2] = a[1:]
    kind = pa.LargeStringArray if pa.types.is_large_string(strings.type) else pa.StringArray
    return kind.from_buffers(2 * len(strings) - 1, pa.py_buffer(offsets), strings.buffers()[2])


def _all_even(mask: pa.Array) -> bool:
    """Every element at an even index is True (the odd ones compare gaps and are ignored)."""
    return bool(mask.to_numpy(zero_copy_only=False)[0::2].all())
