"""Every span in a record, with its path, so checks can walk them uniformly."""

from __future__ import annotations

from collections.abc import Iterator

from taq_news.core.shapes import listed


def iter_spans(record: dict) -> Iterator[tuple[str, dict]]:
    """(path, span) for every span that indexes ``record['text']``."""
    for i, m in enumerate(listed(record.get("entities"))):
        yield f"entities[{i}]", m
    for i, q in enumerate(listed(record.get("quotes"))):
        if not isinstance(q, dict):
            continue
        for j, s in enumerate(listed(q.get("content"))):
            yield f"quotes[{i}].content[{j}]", s
        for key in ("cue", "speaker", "addressee"):
            if q.get(key):
                yield f"quotes[{i}].{key}", q[key]
    for i, s in enumerate(listed(record.get("non_quotes"))):
        yield f"non_quotes[{i}]", s
