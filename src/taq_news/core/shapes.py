"""Decoded JSON or YAML of unknown shape: walk it without crashing, and name what was found.

A wrong type is for the schema checks to report; loops over a record's lists must
neither raise on it nor iterate a string's characters as if they were items.
"""

from __future__ import annotations

import re

# What each kind of value is called, in the words of the format the user wrote.
WORDS = {
    "json": {"null": "null", "bool": "true/false", "list": "an array", "dict": "an object", "str": "a string", "number": "a number"},
    "yaml": {"null": "null", "bool": "true/false", "list": "a list", "dict": "a mapping", "str": "text", "number": "a number"},
}


def listed(value: object) -> list:
    """The value if it is a list, else no items."""
    return value if isinstance(value, list) else []


def mapping(value: object) -> dict:
    """The value if it is a mapping, else no keys."""
    return value if isinstance(value, dict) else {}


def kind(value: object, words: str = "json") -> str:
    """'null', 'an array', 'a mapping', ...: the value's kind, for a message."""
    if value is None:
        key = "null"
    elif isinstance(value, bool):  # before int: bool is an int in Python
        key = "bool"
    elif isinstance(value, (int, float)):
        key = "number"
    else:
        found = next((t.__name__ for t in (list, dict, str) if isinstance(value, t)), None)
        if found is None:
            return type(value).__name__
        key = found
    return WORDS[words][key]


# Half of a UTF-16 pair: a JSON or YAML escape ("\\ud800") can make one, and no text holds it
# (UTF-8 cannot encode it).
LONE_SURROGATE = re.compile("[\ud800-\udfff]")

# Unicode's control characters (category Cc, fixed by its stability policy) and the line and
# paragraph separators (Zl, Zp): what may not stand in one line of text we write ourselves.
# One character class, not a category lookup per character (that was most of validate's time).
LINE_BREAKING = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def line_breaking(text: str) -> str | None:
    """The first control character or line or paragraph separator in ``text``, or None."""
    m = LINE_BREAKING.search(text)
    return m.group() if m else None


def surrogate_path(node: object, path: str = "$") -> str | None:
    """The path of the first string (or key) holding a lone surrogate, else None."""
    stack = [(node, path)]
    while stack:
        value, where = stack.pop()
        if isinstance(value, str):
            if LONE_SURROGATE.search(value):
                return where
        elif isinstance(value, dict):
            for k, v in value.items():
                if LONE_SURROGATE.search(k):
                    return f"{where}.{k!r}"
                stack.append((v, f"{where}.{k}" if where != "$" else k))
        elif isinstance(value, list):
            stack.extend((v, f"{where}[{i}]") for i, v in enumerate(value))
    return None
