"""Strict input: the rules every validation path shares, written down once.

A record file is checked on several paths (the precise row checks with either
JSON Schema engine, the per-record fast path, the columnar Arrow path); each
must give the same verdict. Where a rule could be read two ways, this module is
the one reading:

- whitespace is ECMA-262 ``WhiteSpace`` + ``LineTerminator`` (what ``\\s`` means in
  the schema's span pattern, and to jsonschema-rs). U+0085 is not whitespace
  here, U+FEFF is; Python's ``str.isspace`` and ``re``'s ``\\s`` disagree on both;
- a schema ``pattern`` is an ECMA-262 regex: ``$`` is the end of the string (in
  Python ``re``, ``$`` also matches before a final "\\n", so patterns are
  rewritten for the python engine by ``python_pattern``);
- an integer is a JSON integer (``25``, never ``25.0``) within signed 64 bits (the
  Parquet type); a number beyond that (``1e400``, ``10**30``) is refused at L1;
- strings are Unicode: a lone surrogate escape (``"\\ud800"``) is refused at L1;
- ``text`` and every span text are in Unicode NFC;
- nesting is bounded (``MAX_DEPTH``), checked on the bytes before any decoder runs.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

import numpy as np

from taq_news.core.checks import incident
from taq_news.core.spans import iter_spans

# ---- numbers ----------------------------------------------------------------------

INT_MIN, INT_MAX = -(1 << 63), (1 << 63) - 1


class NumberOutOfRange(ValueError):
    """A JSON number the format cannot hold (raised from the decoder's hooks)."""


def parse_int(literal: str) -> int:
    # Python refuses int() of more than 4300 digits (a ValueError json would leak); decide by length first.
    digits = literal.lstrip("-")
    if len(digits) > 19 or not INT_MIN <= int(literal) <= INT_MAX:
        raise NumberOutOfRange(literal)
    return int(literal)


def parse_float(literal: str) -> float:
    value = float(literal)
    if value in (float("inf"), float("-inf")):
        raise NumberOutOfRange(literal)
    return value


def parse_constant(name: str):
    """NaN, Infinity and -Infinity are not JSON (Python's json accepts them)."""
    raise ValueError(f"{name} is not JSON")


_LONG_DIGITS = re.compile(rb"[0-9]{19}")


def may_hold_big_number(raw: bytes) -> bool:
    """A cheap necessary condition for a JSON text to hold an integer beyond 64 bits (a run of 19 digits)."""
    return _LONG_DIGITS.search(raw) is not None


def may_hold_surrogate(raw: bytes | str) -> bool:
    """A lone surrogate can only come from a \\uD8xx-\\uDFxx escape: a cheap necessary condition."""
    if isinstance(raw, str):
        return "\\ud" in raw or "\\uD" in raw
    return b"\\ud" in raw or b"\\uD" in raw


class IntegerFields:
    """Where the schema types a value as integer; finds values there that are not JSON integers in 64 bits.

    JSON Schema (both engines) counts 25.0 as an integer; the format does not. The
    walk follows the schema's type tree and only descends where integers live.
    """

    def __init__(self, tree) -> None:
        self.tree = _int_tree(tree) if tree is not None else None

    @classmethod
    def of(cls, schemas) -> "IntegerFields":
        """For the documents schema; a schema the type tree cannot map has no known integer places."""
        try:
            return cls(schemas.type_tree("documents"))
        except (ValueError, KeyError, TypeError):
            return cls(None)

    def problems(self, record: object) -> list[tuple[str, object]]:
        out: list[tuple[str, object]] = []
        if self.tree is not None:
            _walk_ints(self.tree, record, "", out, first=False)
        return out

    def ok(self, record: object) -> bool:
        out: list[tuple[str, object]] = []
        if self.tree is not None:
            _walk_ints(self.tree, record, "", out, first=True)
        return not out


def _int_tree(node):
    """The type tree cut to the parts holding integers: ("int",), ("struct", {name: sub}), ("list", sub), or None."""
    if node.kind == "int64":
        return ("int",)
    if node.kind == "struct":
        fields = {name: t for name, sub in node.fields if (t := _int_tree(sub)) is not None}
        return ("struct", fields) if fields else None
    if node.kind == "list" and node.item is not None:
        sub = _int_tree(node.item)
        return ("list", sub) if sub is not None else None
    return None


def _walk_ints(tree, value, path: str, out: list, first: bool) -> None:
    kind = tree[0]
    if kind == "int":
        # bool is the schema's to refuse; a float (25.0) or a 64-bit overflow is ours
        if isinstance(value, float) or (type(value) is int and not INT_MIN <= value <= INT_MAX):
            out.append((path or "$", value))
        return
    if kind == "struct":
        if isinstance(value, dict):
            for name, sub in tree[1].items():
                if name in value:
                    _walk_ints(sub, value[name], f"{path}.{name}" if path else name, out, first)
                    if first and out:
                        return
        return
    if isinstance(value, list):
        for i, item in enumerate(value):
            _walk_ints(tree[1], item, f"{path}[{i}]", out, first)
            if first and out:
                return


# ---- Unicode NFC --------------------------------------------------------------------

def is_nfc(s: str) -> bool:
    return unicodedata.is_normalized("NFC", s)


@lru_cache(maxsize=1)
def nfc_unsafe_points() -> np.ndarray:
    """Sorted code points whose presence can make a string not NFC (a superset of NFC_Quick_Check != Yes).

    A string none of whose characters is in this set is NFC: the quick-check
    algorithm returns YES for it (every character has NFC_QC=Yes and combining
    class 0). The set: characters with a nonzero combining class, characters NFC
    changes, and characters that compose with a preceding one (the second half of
    a two-character canonical decomposition, and Hangul vowels and trailing consonants).
    """
    points = set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))
    for cp in range(0x80, 0x110000):
        if 0xD800 <= cp < 0xE000:
            continue
        ch = chr(cp)
        if unicodedata.combining(ch) or unicodedata.normalize("NFC", ch) != ch:
            points.add(cp)
        nfd = unicodedata.normalize("NFD", ch)
        if len(nfd) >= 2:
            points.update(ord(c) for c in nfd[1:])
    return np.array(sorted(points), dtype=np.uint32)


# ---- nesting --------------------------------------------------------------------------

MAX_DEPTH = 64
_STRUCTURAL = np.zeros(256, dtype=bool)
_STRUCTURAL[list(b'"[]{}\n')] = True
_DELTA = np.zeros(256, dtype=np.int64)
_DELTA[list(b"[{")] = 1
_DELTA[list(b"]}")] = -1


_KEEP_STRUCTURE = bytes(c for c in range(256) if c not in b'"[]{}')


def too_deep(data: bytes, limit: int = MAX_DEPTH) -> bool:
    """Do arrays and objects nest deeper than ``limit`` anywhere in this JSON text (one value, or one JSONL line)?

    On the bytes, so it runs before any (recursive) decoder, in a few C-speed passes:
    escape pairs go first (a doubled backslash, then an escaped quote, left to right
    as a decoder reads them), then everything but quotes and brackets; brackets
    between quotes do not count. Wherever the JSON is malformed a decoder stops at
    the first error, so past it the count need not be exact; up to it, it is.
    ``too_deep_at`` finds the place.
    """
    if data.count(b"[") + data.count(b"{") <= limit:
        return False
    if b"\\" in data:
        data = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    ch = np.frombuffer(data.translate(None, _KEEP_STRUCTURE), dtype=np.uint8)
    quote = ch == 0x22
    outside = (np.cumsum(quote) & 1) == 0  # a quote itself counts as inside; it has no delta
    return int(np.cumsum(np.where(outside, _DELTA[ch], 0)).max(initial=0)) > limit


def too_deep_at(data: bytes, per_line: bool = False, limit: int = MAX_DEPTH) -> int | None:
    """The byte offset where arrays and objects first nest deeper than ``limit``, else None.

    Works on the bytes, so it runs before any (recursive) decoder. Brackets inside
    strings do not count: a quote preceded by an odd run of backslashes is escaped.
    With ``per_line`` (JSONL) the count starts again on every line. Wherever the
    JSON is malformed a decoder stops at the first error, so past it the count
    need not be exact; up to it, it is.
    """
    if data.count(b"[") + data.count(b"{") <= limit:
        return None
    a = np.frombuffer(data, dtype=np.uint8)
    pos = np.flatnonzero(_STRUCTURAL[a])
    ch = a[pos]
    quote = ch == 0x22
    qpos = pos[quote]
    after_backslash = np.flatnonzero((qpos > 0) & (a[np.maximum(qpos - 1, 0)] == 0x5C))
    if len(after_backslash):
        # Length of the backslash run before each such quote: runs of consecutive backslash positions.
        bpos = np.flatnonzero(a == 0x5C)
        breaks = np.flatnonzero(np.diff(bpos) != 1)
        run_start = bpos[np.concatenate(([0], breaks + 1))]
        run_end = bpos[np.concatenate((breaks, [len(bpos) - 1]))]
        ends_at = qpos[after_backslash] - 1
        k = np.searchsorted(run_end, ends_at)
        odd = ((ends_at - run_start[k] + 1) % 2).astype(bool)
        quote_idx = np.flatnonzero(quote)
        quote[quote_idx[after_backslash[odd]]] = False
    quotes_before = np.cumsum(quote) - quote
    delta = _DELTA[ch]
    if per_line:
        newline = ch == 0x0A
        last_nl = np.maximum.accumulate(np.where(newline, np.arange(len(ch)), -1))
        base_q = np.where(last_nl >= 0, quotes_before[np.maximum(last_nl, 0)], 0)
        outside = ((quotes_before - base_q) % 2) == 0
        depth = np.cumsum(np.where(outside, delta, 0))
        depth = depth - np.where(last_nl >= 0, depth[np.maximum(last_nl, 0)], 0)
    else:
        outside = (quotes_before % 2) == 0
        depth = np.cumsum(np.where(outside, delta, 0))
    over = np.flatnonzero(depth > limit)
    return int(pos[over[0]]) if len(over) else None


def iter_text_fields(record: dict) -> Iterator[tuple[str, object]]:
    """``text`` and every span text, with their paths (for the NFC rule)."""
    yield "text", record.get("text")
    for path, span in iter_spans(record):
        if isinstance(span, dict):
            yield f"{path}.text", span.get("text")


def strict_incidents(record: dict, file: str, line: int | None, integers: IntegerFields) -> list:
    """L2 rules JSON Schema cannot state: JSON integers (``integer-invalid``), NFC text (``text-not-nfc``)."""

    out = []
    for path, value in integers.problems(record):
        what = "a number with a fraction or exponent" if isinstance(value, float) else "beyond signed 64 bits"
        out.append(incident("integer-invalid", file, line, path, f"{value!r} is {what}; the format's integers are plain JSON integers", "write a plain JSON integer (25, not 25.0)"))
    for path, value in iter_text_fields(record):
        if isinstance(value, str) and not is_nfc(value):
            out.append(incident("text-not-nfc", file, line, path, "the text is not in Unicode NFC", "normalise it to NFC (unicodedata.normalize('NFC', ...)) and rebuild the offsets"))
    return out
