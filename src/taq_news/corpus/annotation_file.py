"""``taq-news validate FILE.yaml``: one annotation file, assembled and checked as the build would."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from taq_news.annotations.registry import load_registry
from taq_news.annotations.yamlio import load_yaml
from taq_news.core.incidents import Incident, IncidentError
from taq_news.core.paths import checkout_of
from taq_news.core.schema import load_schemas
from taq_news.corpus.assemble import assemble
from taq_news.corpus.compile import annotation_orphan
from taq_news.sources.raw import load_sources
from taq_news.validation.readers import Item
from taq_news.validation.record_checks import CorpusIndex
from taq_news.validation.records import Selection, validate_records


def validate_annotation_file(path: Path, selection: Selection, engine: str = "auto") -> Iterator[Incident]:
    """One annotation file (or the registry) checked as the build would: assembled against its raw article and validated to L3."""
    layout = checkout_of(path.resolve())
    display = str(path)
    if path.name == "entities.yaml" or layout is None:
        try:
            load_registry(path, display)
        except IncidentError as exc:
            yield from exc.incidents
        return
    try:
        registry = load_registry(layout.registry, layout.rel(layout.registry))
        node = load_yaml(path, display)
        sources = {s.doc_id: s for s in load_sources(layout.raw, layout.manifest, layout.rel)}
    except IncidentError as exc:
        yield from exc.incidents
        return
    src = sources.get(path.stem)
    if src is None:
        yield annotation_orphan(display, path.stem)
        return
    try:
        record = assemble(src.doc_id, src.text, src.sha256, layout.rel(src.path), node, display, registry, markup=src.markup, extractor=src.extractor)
    except IncidentError as exc:
        yield from exc.incidents
        return
    schemas = load_schemas(str(layout.schema_dir))
    yield from validate_records([Item(display, 1, record)], schemas, registry, Selection(level=3), engine, index=CorpusIndex())
