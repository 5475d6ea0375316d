"""Every span in a record, with its path, so checks can walk them uniformly."""

from __future__ import annotations

from collections.abc import Iterator


def iter_spans(record: dict) -> Iterator[tuple[str, dict]]:
    """(path, span) for every span that indexes ``record['text']``."""
    for i, m in enumerate(record.get("entities") or []):
        yield f"entities[{i}]", m
    for i, q in enumerate(record.get("quotes") or []):
        for j, s in enumerate(q.get("content") or []):
            yield f"quotes[{i}].content[{j}]", s
        for key in ("cue", "speaker", "addressee"):
            if q.get(key):
                yield f"quotes[{i}].{key}", q[key]
    for i, s in enumerate(record.get("non_quotes") or []):
        yield f"non_quotes[{i}]", s
