"""Reading the curated YAML files with line numbers (ruamel.yaml keeps them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError

from .incidents import Incident, IncidentError


def load_yaml(path: Path, display: str | None = None) -> Any:
    """Parse one YAML file; syntax errors, duplicate keys and bad encoding become incidents."""
    name = display or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise IncidentError([Incident(name, None, "L1", "file-unreadable", "", str(exc.strerror or exc), "check the path")])
    try:
        source = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise IncidentError([Incident(name, line, "L1", "utf8-invalid", "", f"byte {exc.start} is not valid UTF-8", "save the file as UTF-8")])
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        return yaml.load(source)
    except DuplicateKeyError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise IncidentError([Incident(name, line, "L1", "duplicate-key", "", _first_line(exc.problem or str(exc)), "remove or rename the repeated key")])
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise IncidentError([Incident(name, line, "L1", "yaml-syntax", "", _first_line(f"{exc.problem or ''} {exc.context or ''}".strip()), "fix the YAML syntax at this line")])


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
    """Drop ruamel's comment wrappers: plain dicts, lists and scalars."""
    if isinstance(node, dict):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, str):
        return str(node)
    return node
