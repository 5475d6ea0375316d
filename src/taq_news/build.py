"""``taq-news build``: raw + curated annotations -> validated records -> Parquet, card, loading script.

Everything is validated before anything is written. Outputs are written into a
temporary folder next to their destination and renamed into place, so an
interrupted or failed build leaves the previous dataset untouched. The same
inputs give byte-identical outputs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from . import __version__
from .assemble import assemble
from .checks import CHECKS
from .citation import bibtex, cff_with_version, citation_block, load_cff
from .columns_doc import render_columns
from .croissant import croissant, croissant_bytes
from .generated import card_with_info, fill_markdown_blocks, loader_block, replace_block
from .incidents import Incident, IncidentError
from .output import commit_files, locked, recover
from .paths import CONFIGS, Layout
from .record_checks import CorpusIndex, SchemaValidator
from .registry import Entity, load_registry
from .schema import SchemaSet, arrow_schema, load_schemas
from .sources import load_sources
from .stats import render_stats
from .tables import entity_rows, ner_rows, quote_rows
from .yamlio import load_yaml

PASSES = ("pass-a", "pass-b")
PARQUET_OPTIONS = dict(compression="zstd", compression_level=9, use_dictionary=True, write_statistics=True)


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
            problems.append(Incident(layout.rel(src.path), None, "L4", "annotation-missing", "", f"no annotation file for {src.doc_id}", f"create {layout.rel(layout.annotations / (src.doc_id + '.yaml'))} (taq-news preannotate can draft it)"))
            continue
        display = layout.rel(ann_path)
        try:
            record = assemble(src.doc_id, src.text, src.sha256, layout.rel(src.path), load_yaml(ann_path, display), display, registry, complete)
        except IncidentError as exc:
            problems += exc.incidents
            continue
        for path, message in validator.errors(record):
            problems.append(Incident(display, None, "L2", "schema", path, message, "fix the annotation so the record matches schema/document.schema.json"))
        records.append(record)  # (assemble ran the span checks and the record rules on it)
    problems += corpus_incidents(records, registry, layout)
    if problems:
        raise IncidentError(problems)
    return Corpus(records, registry, schemas)


def annotation_orphan(display: str, stem: str) -> Incident:
    """An annotation file without its raw file (build and ``validate FILE.yaml`` report it alike)."""
    c = CHECKS["annotation-orphan"]
    return Incident(display, None, c.level, c.id, "", f"no raw file {stem}.txt for this annotation file", c.fix)


def corpus_incidents(records: list[dict], registry: dict[str, Entity], layout: Layout) -> list[Incident]:
    """Cross-document checks: unique ids, resolvable relations, clusters of two or more; the
    validator's own (CorpusIndex), so the build and ``validate`` give one verdict."""
    index = CorpusIndex()
    for r in records:
        index.add(r, r["annotation"]["file"], None)
    return index.incidents()


def _parquet_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, **PARQUET_OPTIONS)
    return sink.getvalue().to_pybytes()


def agreement_table(layout: Layout, corpus: Corpus) -> str:
    from .agreement import compute, render_table

    return render_table(compute(layout, corpus))


def render_outputs(corpus: Corpus, layout: Layout) -> dict[Path, bytes]:
    """Every file the build writes, as bytes (nothing is written here)."""
    rows = {
        "documents": corpus.records,
        "quotes": quote_rows(corpus.records, corpus.registry),
        "entities": entity_rows(corpus.records, corpus.registry),
        "ner": ner_rows(corpus.records, dict(corpus.schemas.type_tree("ner").fields)["ner_tags"].item.names),
    }
    out: dict[Path, bytes] = {}
    row_bytes = {}
    for config in CONFIGS:
        table = pa.Table.from_pylist(rows[config], schema=arrow_schema(corpus.schemas, config))
        row_bytes[config] = table.nbytes  # the in-memory Arrow size, as datasets reports num_bytes
        out[layout.parquet(config)] = _parquet_bytes(table)
    blocks = {"stats": render_stats(corpus.records), "columns": render_columns(corpus.schemas)}
    cff = ""
    if layout.citation.is_file():  # a copy of dataset/ alone (as in some tests) has none
        cff = cff_with_version(layout.citation.read_text("utf-8"), __version__)  # one version, set from the package
        out[layout.citation] = cff.encode("utf-8")
        blocks["citation"] = citation_block(cff)
    passes = layout.annotations / "passes"
    if all((passes / name / "entities.yaml").is_file() for name in PASSES):
        blocks["agreement"] = agreement_table(layout, corpus)
    card = layout.card.read_text("utf-8")
    out[layout.card] = card_with_info(card, corpus.schemas, {c: len(rows[c]) for c in CONFIGS}, row_bytes).encode("utf-8")
    out[layout.card] = fill_markdown_blocks(out[layout.card].decode("utf-8"), blocks).encode("utf-8")
    readme = layout.root / "README.md"
    if readme.is_file():
        out[readme] = fill_markdown_blocks(readme.read_text("utf-8"), blocks).encode("utf-8")
    out[layout.croissant] = croissant_bytes(croissant(
        corpus.schemas, {c: out[layout.parquet(c)] for c in CONFIGS}, __version__,
        bibtex(cff) if cff else "", str(load_cff(cff).get("date-released")) if cff else None,
    ))
    script = layout.loading_script.read_text("utf-8")
    out[layout.loading_script] = replace_block(script, "version and features", loader_block(corpus.schemas, __version__, bibtex(cff) if cff else "")).encode("utf-8")
    return out


def output_paths(layout: Layout) -> set[Path]:
    """Every path the build may replace: the data folder as a whole, and the generated files."""
    return {layout.data, layout.card, layout.croissant, layout.loading_script, layout.citation, layout.root / "README.md"}


def write_atomically(outputs: dict[Path, bytes], layout: Layout) -> None:
    """Commit every output together (taq_news.output.commit_files): the data folder is
    swapped whole, the card, script, Croissant and citation renamed into place, and a
    killed build is completed or cleaned up by the next one."""
    data = {p.relative_to(layout.data).as_posix(): b for p, b in outputs.items() if p.is_relative_to(layout.data)}
    singles = {p: b for p, b in outputs.items() if not p.is_relative_to(layout.data)}
    commit_files(layout.root, singles, {layout.data: data})


def build(layout: Layout, check_only: bool = False) -> tuple[Corpus, dict[Path, bytes]]:
    if not check_only:  # finish what a killed build left before reading anything, and only for its own outputs
        with locked(layout.root):
            recover(layout.root, [layout.root, layout.dataset], output_paths(layout))
    corpus = compile_corpus(layout)
    outputs = render_outputs(corpus, layout)
    if not check_only:
        write_atomically(outputs, layout)
    return corpus, outputs


def stale_outputs(outputs: dict[Path, bytes]) -> list[Path]:
    """Committed files that differ from a fresh build."""
    return sorted(p for p, data in outputs.items() if not p.is_file() or p.read_bytes() != data)
