"""``taq-news validate dataset/``: the whole release, every level, ending with the artifacts (L5).

The published Parquet rows are checked as records; then the committed files are
compared with a fresh build, and the schemas every artifact states with the one
JSON Schema.
"""

from __future__ import annotations

from collections.abc import Iterator

from taq_news.audit.artifacts import schema_agreement_incidents
from taq_news.core.checks import incident
from taq_news.core.incidents import Incident, IncidentError
from taq_news.core.paths import Layout
from taq_news.corpus.compile import compile_corpus
from taq_news.publishing.build import render_outputs, stale_incidents
from taq_news.publishing.output import JOURNAL
from taq_news.validation.readers import read_parquet
from taq_news.validation.records import Selection, validate_records


def validate_dataset(layout: Layout, selection: Selection, engine: str = "auto") -> Iterator[Incident]:
    """Every level on the dataset folder, ending with the artifacts (L5)."""
    if (layout.root / JOURNAL).exists():
        yield incident("build-interrupted", layout.rel(layout.root / JOURNAL), None, "", "a build was stopped while switching its outputs in: the dataset may mix two builds")
    try:
        corpus = compile_corpus(layout)
    except IncidentError as exc:
        yield from exc.incidents
        return
    # The published Parquet is what users read: check its rows as records too.
    yield from validate_records(read_parquet(layout.parquet("documents"), layout.rel(layout.parquet("documents"))), corpus.schemas, corpus.registry, selection, engine, layout=layout)
    if not selection.runs(5):
        return
    outputs = render_outputs(corpus, layout)
    yield from stale_incidents(outputs, layout)
    yield from schema_agreement_incidents(layout, corpus.schemas)
