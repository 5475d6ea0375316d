"""ECMA-262 whitespace and regular expressions, as the JSON Schema means them.

Every path that reads a schema ``pattern`` or trims whitespace uses this one
reading: whitespace is ECMA-262 ``WhiteSpace`` + ``LineTerminator`` (U+0085 is not
whitespace here, U+FEFF is; Python's ``str.isspace`` disagrees on both), and a
pattern is an ECMA-262 regex, rewritten for Python ``re`` by ``python_pattern``.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

# ECMA-262 WhiteSpace (TAB VT FF SP NBSP ZWNBSP and Zs) + LineTerminator (LF CR LS PS).
ECMA_WHITESPACE = frozenset(
    "\t\n\x0b\x0c\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000\ufeff"
)
WHITESPACE_POINTS = np.array(sorted(ord(c) for c in ECMA_WHITESPACE), dtype=np.uint32)


def _class_body(points) -> str:
    """The points as the body of a regex character class (``\\x{...}`` escapes: RE2 and, via ``_py``, Python)."""
    return "".join(f"\\x{{{p:X}}}" for p in points)


# For RE2 (columnar): [\t\n...] in \x{..} form.
WHITESPACE_RE2 = _class_body(sorted(ord(c) for c in ECMA_WHITESPACE))
# For Python re: the same class with \uXXXX escapes.
WHITESPACE_PY = "".join(f"\\u{ord(c):04x}" for c in sorted(ECMA_WHITESPACE))


def is_space(ch: str) -> bool:
    return ch in ECMA_WHITESPACE


def has_space_edge(s: str) -> bool:
    """Does a non-empty string start or end with (ECMA) whitespace?"""
    return s[0] in ECMA_WHITESPACE or s[-1] in ECMA_WHITESPACE


# ---- patterns -------------------------------------------------------------------

_ECMA_LINE_TERMINATORS = "\\n\\r\\u2028\\u2029"


@lru_cache(maxsize=None)
def python_pattern(pattern: str) -> str:
    """The Python ``re`` pattern that matches exactly what the ECMA-262 ``pattern`` matches (with ``re.search``).

    Rewrites the constructs whose meaning differs: ``$`` (Python's matches before a
    final newline) becomes ``\\Z``; ``\\s``/``\\S`` become the ECMA whitespace class;
    ``\\d``/``\\w`` (Unicode in Python) become ASCII; ``.`` excludes ECMA line
    terminators. Raises ValueError for a construct it does not know, so a new
    schema pattern cannot silently change meaning.
    """
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            e = pattern[i + 1 : i + 2]
            out.append({"s": f"[{WHITESPACE_PY}]", "S": f"[^{WHITESPACE_PY}]", "d": "[0-9]", "D": "[^0-9]", "w": "[A-Za-z0-9_]", "W": "[^A-Za-z0-9_]"}.get(e, "\\" + e))
            if e.isalpha() and e not in "sSdDwWtnrfvbB" or e in "bB" or e == "":
                raise ValueError(f"pattern {pattern!r}: escape \\{e} is not translated")
            i += 2
        elif c == "[":
            end = i + 1
            if pattern[end : end + 1] == "^":
                end += 1
            if pattern[end : end + 1] == "]":
                end += 1
            while end < n and pattern[end] != "]":
                end += 2 if pattern[end] == "\\" else 1
            body = pattern[i + 1 : end]
            if body in ("\\s\\S", "\\S\\s", "\\d\\D", "\\w\\W"):
                out.append("(?s:.)")
            else:
                if re.search(r"\\[SDWbB]", body):
                    raise ValueError(f"pattern {pattern!r}: class [{body}] is not translated")
                body = body.replace("\\s", WHITESPACE_PY).replace("\\d", "0-9").replace("\\w", "A-Za-z0-9_")
                out.append(f"[{body}]")
            i = end + 1
        elif c == "$":
            out.append("\\Z")
            i += 1
        elif c == ".":
            out.append(f"[^{_ECMA_LINE_TERMINATORS}]")
            i += 1
        else:
            if c == "(" and pattern[i + 1 : i + 3] in ("?<", "?P") and pattern[i + 1 : i + 4] not in ("?<=", "?<!"):
                raise ValueError(f"pattern {pattern!r}: named groups are not translated")
            out.append(c)
            i += 1
    return "".join(out)


@lru_cache(maxsize=None)
def compiled_pattern(pattern: str) -> re.Pattern:
    return re.compile(python_pattern(pattern))


def pattern_matches(pattern: str, value: str) -> bool:
    """JSON Schema ``pattern`` semantics (ECMA-262, search) in Python."""
    return compiled_pattern(pattern).search(value) is not None


# RFC 3986 URI-reference, as jsonschema-rs asserts format "uri-reference"
# (python-jsonschema checks it only with an optional package installed).
_UNRESERVED = r"A-Za-z0-9\-._~"
_SUB_DELIMS = r"!$&'()*+,;="
_PCT = r"%[0-9A-Fa-f]{2}"
_PCHAR = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}:@]|{_PCT})"
_SEGMENT = rf"{_PCHAR}*"
_SEGMENT_NZ = rf"{_PCHAR}+"
_SEGMENT_NZ_NC = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}@]|{_PCT})+"
_QUERY = rf"(?:{_PCHAR}|[/?])*"
_DEC_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9][0-9]|[0-9])"
_IPV4 = rf"{_DEC_OCTET}\.{_DEC_OCTET}\.{_DEC_OCTET}\.{_DEC_OCTET}"
_H16 = r"[0-9A-Fa-f]{1,4}"
_LS32 = rf"(?:{_H16}:{_H16}|{_IPV4})"
_IPV6 = "(?:" + "|".join([
    rf"(?:{_H16}:){{6}}{_LS32}",
    rf"::(?:{_H16}:){{5}}{_LS32}",
    rf"(?:{_H16})?::(?:{_H16}:){{4}}{_LS32}",
    rf"(?:(?:{_H16}:){{0,1}}{_H16})?::(?:{_H16}:){{3}}{_LS32}",
    rf"(?:(?:{_H16}:){{0,2}}{_H16})?::(?:{_H16}:){{2}}{_LS32}",
    rf"(?:(?:{_H16}:){{0,3}}{_H16})?::{_H16}:{_LS32}",
    rf"(?:(?:{_H16}:){{0,4}}{_H16})?::{_LS32}",
    rf"(?:(?:{_H16}:){{0,5}}{_H16})?::{_H16}",
    rf"(?:(?:{_H16}:){{0,6}}{_H16})?::",
]) + ")"
_IP_LITERAL = rf"\[(?:{_IPV6}|v[0-9A-Fa-f]+\.[{_UNRESERVED}{_SUB_DELIMS}:]+)\]"
_HOST = rf"(?:{_IP_LITERAL}|{_IPV4}|(?:[{_UNRESERVED}{_SUB_DELIMS}]|{_PCT})*)"
_AUTHORITY = rf"(?:(?:[{_UNRESERVED}{_SUB_DELIMS}:]|{_PCT})*@)?{_HOST}(?::[0-9]*)?"
_PATH_ABEMPTY = rf"(?:/{_SEGMENT})*"
_PATH_ABSOLUTE = rf"/(?:{_SEGMENT_NZ}(?:/{_SEGMENT})*)?"
_TAIL = rf"(?:\?{_QUERY})?(?:#{_QUERY})?"
_URI = rf"[A-Za-z][A-Za-z0-9+\-.]*:(?://{_AUTHORITY}{_PATH_ABEMPTY}|{_PATH_ABSOLUTE}|{_SEGMENT_NZ}(?:/{_SEGMENT})*|){_TAIL}"
_RELATIVE = rf"(?://{_AUTHORITY}{_PATH_ABEMPTY}|{_PATH_ABSOLUTE}|{_SEGMENT_NZ_NC}(?:/{_SEGMENT})*|){_TAIL}"
URI_REFERENCE = re.compile(rf"(?:{_URI}|{_RELATIVE})")


def is_uri_reference(value: object) -> bool:
    return not isinstance(value, str) or URI_REFERENCE.fullmatch(value) is not None
