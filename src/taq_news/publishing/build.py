"""``taq-news build``: the compiled corpus -> Parquet, card, Croissant, citation, loading script.

Everything is validated before anything is written. Outputs are written into a
temporary folder next to their destination and renamed into place, so an
interrupted or failed build leaves the previous dataset untouched. The same
inputs give byte-identical outputs.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from taq_news.analysis.agreement import PASSES, compute, render_table
from taq_news.analysis.stats import render_stats
from taq_news.core.checks import incident
from taq_news.core.incidents import Incident, IncidentError
from taq_news.core.paths import CONFIGS, Layout
from taq_news.core.schema import SchemaSet, published_schema
from taq_news.core.version import __version__
from taq_news.corpus.compile import Corpus, compile_corpus
from taq_news.publishing.card import (
    card_with_info,
    fill_markdown_blocks,
    loader_block,
    replace_block,
)
from taq_news.publishing.citation import (
    CitationInvalid,
    bibtex,
    cff_with_version,
    citation_block,
    load_cff,
    zenodo_json,
)
from taq_news.publishing.columns_doc import render_columns
from taq_news.publishing.croissant import croissant, croissant_bytes
from taq_news.publishing.output import commit_files, locked, recover
from taq_news.publishing.tables import entities_table, ner_rows, quote_rows

PARQUET_OPTIONS = dict(compression="zstd", compression_level=9, use_dictionary=True, write_statistics=True)


def parquet_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, **PARQUET_OPTIONS)
    return sink.getvalue().to_pybytes()


def agreement_table(layout: Layout, corpus: Corpus) -> str:
    return render_table(compute(layout, corpus))


def ner_tag_names(schemas: SchemaSet) -> tuple[str, ...]:
    """The class names of the ner config's tags, in their order."""
    tags = dict(schemas.type_tree("ner").fields)["ner_tags"].item
    assert tags is not None  # ner_tags is a list of class labels
    return tags.names


def render_outputs(corpus: Corpus, layout: Layout) -> dict[Path, bytes]:
    """Every file the build writes, as bytes (nothing is written here)."""
    rows = {
        "documents": corpus.records,
        "quotes": quote_rows(corpus.records, corpus.registry),
        "ner": ner_rows(corpus.records, ner_tag_names(corpus.schemas)),
    }
    out: dict[Path, bytes] = {}
    row_bytes = {}
    tables: dict[str, pa.Table] = {}
    for config in CONFIGS:
        schema = published_schema(corpus.schemas, config)
        if config == "entities":  # counted from the documents table, as a collection's are from its shards
            table = entities_table(tables["documents"], corpus.registry, schema)
        else:
            table = pa.Table.from_pylist(rows[config], schema=schema)
        tables[config] = table
        row_bytes[config] = table.nbytes  # the in-memory Arrow size, as datasets reports num_bytes
        out[layout.parquet(config)] = parquet_bytes(table)
    blocks = {"stats": render_stats(corpus.records), "columns": render_columns(corpus.schemas)}
    cff = ""
    if layout.citation.is_file():  # a copy of dataset/ alone (as in some tests) has none
        cff = _citation(layout)
        out[layout.citation] = cff.encode("utf-8")
        out[layout.zenodo] = zenodo_json(cff)
        blocks["citation"] = citation_block(cff)
    passes = layout.annotations / "passes"
    if all((passes / name / "entities.yaml").is_file() for name in PASSES):
        blocks["agreement"] = agreement_table(layout, corpus)
    card = layout.card.read_text("utf-8")
    out[layout.card] = card_with_info(card, corpus.schemas, {c: tables[c].num_rows for c in CONFIGS}, row_bytes).encode("utf-8")
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


def _citation(layout: Layout) -> str:
    """CITATION.cff with the package version; a file that cannot be read is an incident, not a traceback."""
    try:
        return cff_with_version(layout.citation.read_text("utf-8"), __version__)  # one version, set from the package
    except UnicodeDecodeError as exc:
        message, line = f"byte {exc.start} is not valid UTF-8", None
    except CitationInvalid as exc:
        message, line = exc.message, exc.line
    raise IncidentError([incident("citation-invalid", layout.rel(layout.citation), line, "", message)])


def output_paths(layout: Layout) -> set[Path]:
    """Every path the build may replace: the data folder as a whole, and the generated files."""
    return {layout.data, layout.card, layout.croissant, layout.loading_script, layout.citation, layout.zenodo, layout.root / "README.md"}


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


def stale_incidents(outputs: dict[Path, bytes], layout: Layout) -> list[Incident]:
    """One ``artifact-stale`` per committed file that differs from a fresh build (``build --check`` and ``validate dataset/``)."""
    return [incident("artifact-stale", layout.rel(p), None, "", "differs from a fresh build") for p in stale_outputs(outputs)]
