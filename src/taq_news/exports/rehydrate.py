"""Standoff + the user's own raw articles -> full records, each through the full validator.

What ``rehydrate`` writes must be a valid release: the records are checked
exactly as published records are, and one failing line fails the file.
"""

from __future__ import annotations

from pathlib import Path

from taq_news.annotations.registry import load_registry
from taq_news.core.checks import incident
from taq_news.core.incidents import Incident, IncidentError
from taq_news.core.paths import Layout, packaged_schema_dir
from taq_news.core.schema import load_schemas
from taq_news.exports.standoff import rehydrate_file
from taq_news.validation.readers import Item
from taq_news.validation.record_checks import CorpusIndex
from taq_news.validation.records import Selection, validate_records


def rehydrate_checked(standoff: Path, display: str, raw_dir: Path, layout: Layout | None) -> tuple[list[dict], list[Incident]]:
    """(the records, the problems): records only when there are no problems.

    Outside a checkout (``layout`` None) the installed package's schema is used and
    there is no registry to check entity ids against.
    """
    schemas = load_schemas(str(layout.schema_dir if layout else packaged_schema_dir()))
    try:
        data = standoff.read_bytes()
    except OSError as exc:
        raise IncidentError([incident("file-unreadable", display, None, "", str(exc.strerror or exc), "check the path")]) from None
    rebuilt, problems = rehydrate_file(data, display, raw_dir, schemas.document_id_pattern())
    if not rebuilt and not problems:
        problems.append(incident("file-empty", display, None, "", "the standoff file holds no records"))
    registry = load_registry(layout.registry, layout.rel(layout.registry)) if layout and layout.registry.is_file() else None
    # Cross-record checks (clusters, relations) only over a complete file: a line that
    # failed would only make its partners look alone.
    items = [Item(display, n, rec) for n, rec in rebuilt]
    problems += validate_records(items, schemas, registry, Selection(), engine="auto", index=CorpusIndex() if problems else None)
    if problems:
        return [], sorted(set(problems), key=lambda i: (i.line or 0, i.check, i.path))
    return [rec for _, rec in rebuilt], []
