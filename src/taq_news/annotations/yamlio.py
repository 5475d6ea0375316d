"""Reading the curated YAML files with line numbers (ruamel.yaml keeps them).

Our formats (docs/annotation-format.md) are plain YAML: mappings, lists, text,
``null`` and whole numbers under ``occurrence``. Everything else YAML can say is
refused with an incident at its line before anything uses it: anchors, aliases
and merge keys (an alias bomb would otherwise expand without bound), explicit
tags (``!!python/...``, ``!!binary``, ``!custom``), keys that are not one-line
text, dates, numbers and booleans where text stands, and raw control characters.
The loader hands on only ``dict``/``list`` subclasses that keep line numbers
(CommentedMap, CommentedSeq) holding exact ``str``, ``int`` and ``None``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar
from ruamel.yaml.constructor import DuplicateKeyError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    ScalarEvent,
)

from taq_news.core.checks import incident
from taq_news.core.incidents import Incident, IncidentError
from taq_news.core.shapes import LONE_SURROGATE

# C0 controls other than tab, line feed and carriage return; DEL; C1 controls (NEL too: YAML would
# count it as a line break); the noncharacters U+FFFE/U+FFFF. Written as escapes ("\x83") in
# double-quoted text they are fine: scraped articles hold C1 controls that anchors must quote.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
# The only keys whose values are numbers; everything else that is not null is text. start and end
# are not in the formats, but a curator who types offsets gets the clearer anchor-key-unknown.
INTEGER_KEYS = frozenset({"occurrence", "start", "end"})
MAX_DEPTH = 32  # the formats nest four or five levels; ruamel's composer recurses
MAX_INCIDENTS = 20  # per kind and file: a binary file must not print a line per byte
# Tags that change nothing: "!" (non-specific, text) and !!str.
HARMLESS_TAGS = frozenset({"!", "tag:yaml.org,2002:str"})
_INT = re.compile(r"^[0-9]{1,9}$")


def _incident(name: str, line: int | None, check: str, path: str, message: str, fix: str) -> Incident:
    return incident(check, name, line, path, message, fix)


def control_incidents(name: str, text: str, fix: str) -> list[Incident]:
    """One ``control-character`` incident per line holding a control character (at most MAX_INCIDENTS)."""
    out: list[Incident] = []
    for m in CONTROL.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        if out and out[-1].line == line:
            continue
        if len(out) == MAX_INCIDENTS:
            break
        col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
        out.append(_incident(name, line, "control-character", "", f"control character U+{ord(m.group()):04X} at column {col}", fix))
    return out


class _Implicit(str):
    """A plain scalar that YAML would read as a date, number or boolean: kept as its text until checked."""

    kind = "a value"


class _Date(_Implicit):
    kind = "a date"


class _Number(_Implicit):
    kind = "a number"


class _Boolean(_Implicit):
    kind = "a boolean"


class _Constructor(RoundTripConstructor):
    """Never builds ruamel's ScalarInt/ScalarFloat/ScalarBoolean/TimeStamp (nor raises on 2021-02-30 or a
    5,000-digit number): such scalars stay text, marked, and the loader decides."""


for _tag, _cls in (("timestamp", _Date), ("int", _Number), ("float", _Number), ("bool", _Boolean)):
    _Constructor.add_constructor(f"tag:yaml.org,2002:{_tag}", lambda self, node, cls=_cls: cls(node.value))


def load_yaml(path: Path, display: str | None = None) -> Any:
    """Parse one YAML file of our formats; every problem becomes an incident, never a traceback."""
    name = display or str(path)
    if path.exists() and not path.is_file() and not path.is_dir():  # a pipe or device could block forever
        raise IncidentError([incident("file-unreadable", name, None, "", "is not a regular file (a pipe, device or socket)", "pass a file on disk")])
    try:
        raw = path.read_bytes()
    except OSError as exc:
        what = "is a folder, not a file" if path.is_dir() else str(exc.strerror or exc)
        raise IncidentError([_incident(name, None, "file-unreadable", "", what, "check the path")]) from None
    try:
        source = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line: int | None = raw[: exc.start].count(b"\n") + 1
        raise IncidentError([_incident(name, line, "utf8-invalid", "", f"byte {exc.start} is not valid UTF-8", "save the file as UTF-8")]) from None
    problems = control_incidents(name, source, "remove it; if the quoted text really holds it, write it as an escape in double quotes (\"\\x83\")")
    if problems:
        raise IncidentError(problems)
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    yaml.allow_duplicate_keys = False
    try:
        problems = _event_problems(yaml, source, name)
        if problems:
            raise IncidentError(problems)
        node = yaml.load(source)
    except DuplicateKeyError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise IncidentError([_incident(name, line, "duplicate-key", "", _first_line(exc.problem or str(exc)), "remove or rename the repeated key")]) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise IncidentError([_incident(name, line, "yaml-syntax", "", _first_line(f"{exc.problem or ''} {exc.context or ''}".strip()), "fix the YAML syntax at this line")]) from None
    except YAMLError as exc:  # e.g. a reader error without a mark
        raise IncidentError([_incident(name, None, "yaml-syntax", "", _first_line(str(exc)), "fix the YAML syntax")]) from None
    problems = []
    node = _normalize(node, None, None, None, name, problems)
    if problems:
        raise IncidentError(problems[:MAX_INCIDENTS])
    return node


def _event_problems(yaml: YAML, source: str, name: str) -> list[Incident]:
    """Anchors, aliases, merge keys, explicit tags and runaway nesting, found in the event stream
    (linear in the file's size: nothing is composed or expanded yet)."""
    problems: list[Incident] = []
    depth = 0
    for event in yaml.parse(source):
        line = event.start_mark.line + 1 if event.start_mark else None
        if isinstance(event, AliasEvent):
            problems.append(_incident(name, line, "yaml-alias", "", f"alias *{event.anchor} repeats another node", "write the value out in full: the formats use no anchors or aliases"))
        elif isinstance(event, (ScalarEvent, CollectionStartEvent)):  # every NodeEvent but an alias
            if event.anchor is not None:
                problems.append(_incident(name, line, "yaml-alias", "", f"anchor &{event.anchor}", "remove the anchor: the formats use no anchors or aliases"))
            tag = getattr(event.tag, "value", event.tag)
            if tag is not None and str(tag) not in HARMLESS_TAGS:
                problems.append(_incident(name, line, "yaml-tag", "", f"explicit tag {str(tag)!r}", "remove the tag: the formats use plain YAML (quote text)"))
            if isinstance(event, ScalarEvent) and event.value == "<<" and not event.style and event.tag is None:
                problems.append(_incident(name, line, "yaml-alias", "", "merge key '<<'", "write the keys out in full: the formats use no merge keys"))
            if isinstance(event, ScalarEvent) and LONE_SURROGATE.search(event.value):
                # "\ud800" in double quotes: YAML reads each \u escape as one code point, so a lone
                # surrogate (or a pair, which JSON would join) is no text and cannot be written as UTF-8
                problems.append(_incident(name, line, "unicode-invalid", "", "a \\ud800-\\udfff escape, which is no character",
                                          "write the character itself, or \\U0001F600 (eight hex digits) for one beyond U+FFFF"))
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                problems.append(_incident(name, line, "yaml-syntax", "", f"the YAML nests deeper than {MAX_DEPTH} levels", "the formats nest a few levels: fix the structure"))
                break
        elif isinstance(event, CollectionEndEvent):
            depth -= 1
        if len(problems) >= MAX_INCIDENTS:
            break
    return list(dict.fromkeys(problems))  # an alias bomb repeats one alias many times on a line


def _key_problem(key: Any) -> str | None:
    if isinstance(key, _Implicit):
        return f"key {str(key)!r} is read as {key.kind}, not text"
    if not isinstance(key, str):
        return "a null key" if key is None else f"a key that is {'a list' if isinstance(key, (tuple, list)) else 'a mapping' if isinstance(key, dict) else type(key).__name__}, not text"
    if "\n" in key or "\r" in key or CONTROL.search(key):
        return f"key {key!r} holds a line break or control character"
    return None


def _normalize(node: Any, parent: Any, key: Any, field: Any, name: str, problems: list[Incident]) -> Any:
    """Check one node and return it with exact built-in scalars; ``field`` is the mapping key it stands under."""
    line = line_of(parent, key) if parent is not None else 1
    if isinstance(node, CommentedMap):
        for k in list(node):
            why = _key_problem(k)
            if why:
                problems.append(_incident(name, line_of(node, k), "yaml-key-invalid", _path(field, k), why, "keys are the format's one-line names (docs/annotation-format.md)"))
                continue
            node[k] = _normalize(node[k], node, k, str(k), name, problems)
        return node
    if isinstance(node, CommentedSeq):
        for i in range(len(node)):
            node[i] = _normalize(node[i], node, i, field, name, problems)
        return node
    if node is None:
        return None
    if isinstance(node, _Implicit):
        text = str(node)
        if field in INTEGER_KEYS:
            return int(text) if isinstance(node, _Number) and _INT.match(text) else text
        problems.append(_incident(name, line, "value-not-text", field or "", f"{text!r} is read as {node.kind}, not text", f'put it in double quotes: "{text}"'))
        return text
    if isinstance(node, TaggedScalar) and isinstance(node.value, str):  # !!str text: only harmless tags get this far
        node = node.value
    if isinstance(node, str):  # escapes such as "\x83" stay: scraped text holds C1 controls that anchors quote
        return str(node)
    # Anything else (a set, bytes, an ordered map) can only come from an explicit tag, refused above.
    problems.append(_incident(name, line, "yaml-tag", field or "", f"a {type(node).__name__} is not part of the format", "write a mapping, a list or text"))
    return None


def _path(field: Any, key: Any) -> str:
    return f"{field}.{key}" if field else str(key)


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "invalid YAML"


def line_of(node: Any, key: Any = None) -> int | None:
    """1-based line of a mapping key / sequence item, or of the node itself."""
    lc = getattr(node, "lc", None)
    if lc is None:
        return None
    try:
        if key is None:
            return lc.line + 1
        if isinstance(node, CommentedMap):
            return lc.key(key)[0] + 1
        if isinstance(node, CommentedSeq):
            return lc.item(key)[0] + 1
    except (KeyError, IndexError, TypeError):
        return lc.line + 1
    return None


def plain(node: Any) -> Any:
    """Drop ruamel's wrappers: plain dicts, lists and exact built-in scalars, whatever came in."""
    if isinstance(node, dict):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, (list, tuple)):
        return [plain(v) for v in node]
    if node is None or type(node) in (str, int, float, bool):
        return node
    if isinstance(node, str):
        return str(node)
    if isinstance(node, bool):
        return bool(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    return str(node)
