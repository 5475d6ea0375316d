"""Checks of a record against the raw article it names, when that file is at hand (L3).

One pure function, used by the precise path and the per-record fast path alike:
- every removal's text is the raw text at its raw offsets, and so is each
  metadata evidence (raw-offset-mismatch);
- the raw file is the one the record was made from (source-hash-mismatch);
- nothing of the raw page is dropped unlogged: every non-whitespace raw
  character lies in a kept paragraph or a logged removal (raw-coverage-gap).

For an HTML file the "raw text" is its page text, re-made with the installed extractor;
evidence whose layer is ``markup`` is checked against the HTML itself. When the record's
extractor version is not the installed one, the page text cannot be re-made, and only the
hash and the markup evidence are checked (extractor-differs, a warning).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from taq_news.core.shapes import listed, mapping
from taq_news.sources.html import ExtractorMissing, is_html
from taq_news.sources.page import page_of

WARNINGS = frozenset({"extractor-differs"})  # what raw_problems reports that does not fail a run (but does under --strict)


@dataclass(frozen=True)
class RawFile:
    text: str | None  # the page text; None for HTML whose page text cannot be re-made here
    sha256: str
    markup: str | None = None  # the HTML file, for an HTML page
    extractor: dict | None = None  # the installed extractor that made ``text`` from it


def read_raw(path: Path) -> RawFile:
    data = path.read_bytes()
    decoded = data.decode("utf-8", errors="replace")
    digest = hashlib.sha256(data).hexdigest()
    if not is_html(path.name):
        return RawFile(decoded, digest)
    try:
        page = page_of(path.name, decoded)
    except ExtractorMissing:
        return RawFile(None, digest, decoded)
    return RawFile(page.text, digest, decoded, page.extractor)


def _int_span(d: object, a: str, b: str) -> tuple[int, int] | None:
    if isinstance(d, dict) and type(d.get(a)) is int and type(d.get(b)) is int:
        return d[a], d[b]
    return None


def raw_problems(rec: dict, raw: RawFile) -> Iterator[tuple[str, str, str]]:
    """(check id, path, message) for each way the record disagrees with its raw file."""
    source = mapping(rec.get("source"))
    if isinstance(source.get("sha256"), str) and source["sha256"] != raw.sha256:
        yield "source-hash-mismatch", "source.sha256", f"the raw file's SHA-256 is {raw.sha256[:12]}..., the record says {source['sha256'][:12]}...: the record was not made from this file"
    for i, tag in enumerate(listed(source.get("tags"))):
        span = _int_span(tag, "start", "end")
        if span is not None and (raw.markup is None or raw.markup[span[0] : span[1]] != mapping(tag).get("evidence")):
            why = "the tag is not at its offsets in the HTML file" if raw.markup is not None else "the record has markup tags, but the raw file is not an HTML page"
            yield "raw-offset-mismatch", f"source.tags[{i}]", why
    said = source.get("extractor")
    text = raw.text
    if raw.markup is not None and said != raw.extractor:
        made = f"{said.get('name')} {said.get('version')}" if isinstance(said, dict) else "no extractor"
        have = f"{raw.extractor['name']} {raw.extractor['version']}" if raw.extractor else "no extractor (trafilatura is not installed)"
        yield "extractor-differs", "source.extractor", f"the page text was made by {made}, and {have} is installed: only the markup was checked"
        text = None
    for key in ("outlet", "published"):
        meta = mapping(rec.get(key))
        span = _int_span(meta.get("evidence_span"), "start", "end")
        layer = mapping(meta.get("evidence_span")).get("layer")
        target = raw.markup if layer == "markup" else text
        if span is not None and layer == "markup" and raw.markup is None:
            yield "raw-offset-mismatch", f"{key}.evidence_span", "the evidence is said to be in the HTML markup, but the raw file is not an HTML page"
        elif span is not None and target is not None and target[span[0] : span[1]] != meta.get("evidence"):
            yield "raw-offset-mismatch", f"{key}.evidence_span", f"{'markup' if layer == 'markup' else 'raw'}[{span[0]}:{span[1]}] is not the evidence {meta.get('evidence')!r}"
    if text is None:
        return
    covered = bytearray(len(text) + 1)
    for key in ("removed", "segments"):
        for i, r in enumerate(listed(source.get(key))):
            span = _int_span(r, "raw_start", "raw_end")
            if span is None:
                continue
            s, e = span
            if key == "removed" and text[s:e] != r.get("text"):
                yield "raw-offset-mismatch", f"source.removed[{i}]", f"raw[{s}:{e}] is {text[s:e]!r}, not {r.get('text')!r}"
            if 0 <= s <= e <= len(text):
                covered[s:e] = b"\x01" * (e - s)
    gap = next((i for i, ch in enumerate(text) if not covered[i] and not ch.isspace()), None)
    if gap is not None:
        end = gap
        while end < len(text) and not covered[end] and text[end] != "\n":
            end += 1
        yield "raw-coverage-gap", "source", f"raw[{gap}:{end}] {text[gap:end][:60]!r} is neither in a kept paragraph nor a logged removal: page text was dropped without a record of it"
