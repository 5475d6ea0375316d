"""Checks on built records: schema (L2), spans (L3), references (L4).

Each check has a stable id. The build runs them all before writing anything.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from .incidents import Incident
from .schema import SchemaSet
from .spans import iter_spans


class SchemaValidator:
    """JSON Schema 2020-12 with formats asserted; jsonschema-rs, else the pure-Python jsonschema."""

    def __init__(self, schemas: SchemaSet, engine: str = "auto"):
        schema = schemas.by_file["document.schema.json"]
        self.engine = engine
        if engine in ("auto", "rs"):
            try:
                import jsonschema_rs

                self._rs = jsonschema_rs.Draft202012Validator(schema, validate_formats=True)
                self.engine = "rs"
                return
            except ImportError:
                if engine == "rs":
                    raise
        from jsonschema import Draft202012Validator

        self._py = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        self.engine = "python"

    def errors(self, record: dict) -> list[tuple[str, str]]:
        """(JSON path, message) for every schema violation, in a stable order."""
        out = []
        if self.engine == "rs":
            for err in self._rs.iter_errors(record):
                out.append((_path(err.instance_path), err.message))
        else:
            for err in self._py.iter_errors(record):
                out.append((_path(err.absolute_path), err.message))
        return sorted(set(out))


def _path(parts: Iterable) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "$"


def span_incidents(record: dict, file: str) -> list[Incident]:
    text = record.get("text") or ""
    out = []
    for path, s in iter_spans(record):
        start, end, stext = s.get("start"), s.get("end"), s.get("text")
        if not all(isinstance(v, int) for v in (start, end)):
            continue  # the schema check reports it
        if not (0 <= start < end <= len(text)):
            out.append(Incident(file, None, "L3", "span-out-of-range", path, f"offsets {start}-{end} are outside the text (length {len(text)})", "rebuild the record from its annotation file"))
        elif text[start:end] != stext:
            out.append(Incident(file, None, "L3", "span-text-mismatch", path, f"text[{start}:{end}] is {text[start:end]!r}, the span says {stext!r}", "fix the offsets or the span text"))
        elif stext != stext.strip():
            out.append(Incident(file, None, "L3", "span-whitespace-edge", path, f"span {stext!r} starts or ends with whitespace", "trim the span"))
    return out
