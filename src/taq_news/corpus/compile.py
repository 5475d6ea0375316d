"""The compiled corpus: every raw article with its curated annotation, assembled and checked.

Nothing is written here. ``compile_corpus`` reads the raw files, the manifest, the
registry and the annotation YAML, assembles one record per article and runs the
validator's own checks on each record and across them, so the build and
``taq-news validate`` give one verdict.
"""

from __future__ import annotations

from dataclasses import dataclass

from taq_news.annotations.registry import Entity, load_registry
from taq_news.annotations.yamlio import load_yaml
from taq_news.core.checks import CHECKS, incident
from taq_news.core.incidents import Incident, IncidentError
from taq_news.core.paths import Layout
from taq_news.core.schema import SchemaSet, load_schemas
from taq_news.corpus.assemble import assemble
from taq_news.sources.raw import load_sources
from taq_news.validation.record_checks import CorpusIndex, SchemaValidator


@dataclass
class Corpus:
    records: list[dict]
    registry: dict[str, Entity]
    schemas: SchemaSet


def compile_corpus(layout: Layout, complete: bool = True) -> Corpus:
    """Read and check all inputs; return validated records or raise IncidentError with every problem.

    ``complete=False`` skips the completeness check (every quoted passage accounted
    for), for tools that work on an annotation in progress.
    """
    schemas = load_schemas(str(layout.schema_dir))
    problems: list[Incident] = []
    lost: list[str] = []  # annotation files that gave no record
    sources = []
    registry: dict[str, Entity] = {}
    for step in (lambda: load_sources(layout.raw, layout.manifest, layout.rel), lambda: load_registry(layout.registry, layout.rel(layout.registry))):
        try:
            result = step()
        except IncidentError as exc:
            problems += exc.incidents
            continue
        if isinstance(result, dict):
            registry = result
        else:
            sources = result
    if problems:
        raise IncidentError(problems)

    ann_files = {p.stem: p for p in sorted(layout.annotations.glob("*.yaml"))}
    for stem in sorted(set(ann_files) - {s.doc_id for s in sources}):
        problems.append(annotation_orphan(layout.rel(ann_files[stem]), stem))
    records = []
    validator = SchemaValidator(schemas)
    for src in sources:
        ann_path = ann_files.get(src.doc_id)
        if ann_path is None:
            fix = f"create {layout.rel(layout.annotations / (src.doc_id + '.yaml'))} (taq-news preannotate can draft it)"
            problems.append(incident("annotation-missing", layout.rel(src.path), None, "", f"no annotation file for {src.doc_id}", fix))
            continue
        display = layout.rel(ann_path)
        try:
            record = assemble(src.doc_id, src.text, src.sha256, layout.rel(src.path), load_yaml(ann_path, display), display, registry, complete,
                              markup=src.markup, extractor=src.extractor)
        except IncidentError as exc:
            problems += exc.incidents
            lost.append(display)
            continue
        for path, message in validator.errors(record):
            problems.append(incident("schema", display, None, path, message, "fix the annotation so the record matches schema/document.schema.json"))
        records.append(record)  # (assemble ran the span checks and the record rules on it)
    problems += corpus_incidents(records, registry, layout, lost)
    if problems:
        raise IncidentError(problems)
    return Corpus(records, registry, schemas)


def annotation_orphan(display: str, stem: str) -> Incident:
    """An annotation file without its raw file (build and ``validate FILE.yaml`` report it alike)."""
    c = CHECKS["annotation-orphan"]
    return incident(c.id, display, None, "", f"no raw file {stem}.txt or {stem}.html for this annotation file")


def corpus_incidents(records: list[dict], registry: dict[str, Entity], layout: Layout, lost: list[str] | None = None) -> list[Incident]:
    """Cross-document checks: unique ids, resolvable relations, clusters of two or more; the
    validator's own (CorpusIndex), so the build and ``validate`` give one verdict. ``lost``: the
    annotation files that gave no record, whose quotes and ids these checks cannot see."""
    index = CorpusIndex()
    for display in lost or ():
        index.lost(display, None)
    for r in records:
        index.add(r, r["annotation"]["file"], None)
    return index.incidents()
