"""The published records, read for the commands that turn them into something else (render, export).

They are validated (L1-L4) before use: a record file that was edited or
replaced by hand must not become pages or exports, and file names derived from
document ids must be plain names (the schema's id pattern, unique).
"""

from __future__ import annotations

import pyarrow.parquet as pq

from taq_news.audit.dispatch import validate
from taq_news.core.incidents import IncidentError
from taq_news.core.paths import Layout


def published_documents(layout: Layout) -> list[dict]:
    """Rows of the ``documents`` config; IncidentError if any record fails L1-L4."""
    path = layout.parquet("documents")
    incidents = validate([path], level=4)
    if incidents:
        raise IncidentError(incidents)
    return pq.read_table(path).to_pylist()
