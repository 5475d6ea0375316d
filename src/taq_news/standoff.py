"""A copyright-safe release: the annotations without the publishers' text, and their rehydration.

``to_standoff`` drops every string that comes from an article (the body, the
page parts, span and evidence excerpts, removed furniture) and keeps offsets,
labels, links, our notes, the SHA-256 of the raw file and of the clean text.
``rehydrate`` rebuilds the full record from a user's own copy of the raw file:
it checks the raw hash, re-runs the project's cleaning on the recorded
removals, checks the clean-text hash, and refills every string from offsets.
Both are pure functions on one record.
"""

from __future__ import annotations

import copy
import hashlib

from .anchors import Span
from .cleaning import LIFTED_PARTS, clean

STANDOFF_VERSION = "1"
SPAN_KEYS = ("cue", "speaker", "addressee")
ARTICLE_FIELDS = ("text", "title", "dateline", "byline", "highlights")


class RehydrateError(ValueError):
    """A raw file that does not give back the published record; the message says which and why."""


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _spans(record: dict):
    """Every span dict in a record that carries article text."""
    yield from record["entities"]
    for q in record["quotes"]:
        yield from q["content"]
        yield from (q[k] for k in SPAN_KEYS if q[k] is not None)
    yield from record["non_quotes"]


def to_standoff(record: dict) -> dict:
    """The record less every article string, plus the hashes that let a holder of the text rebuild it."""
    out = copy.deepcopy(record)
    out["standoff_version"] = STANDOFF_VERSION
    out["text_sha256"] = sha256_text(record["text"])
    for key in ARTICLE_FIELDS:
        del out[key]
    for span in _spans(out):
        del span["text"]
    for removal in out["source"]["removed"]:
        del removal["text"]
    for key in ("outlet", "published"):
        del out[key]["evidence"]
    return out


def rehydrate(standoff: dict, raw_bytes: bytes) -> dict:
    """The full record, from its standoff form and the raw article's bytes."""
    doc_id = standoff.get("id", "?")
    digest = hashlib.sha256(raw_bytes).hexdigest()
    if digest != standoff["source"]["sha256"]:
        raise RehydrateError(f"{doc_id}: the raw file's SHA-256 is {digest}, the release expects {standoff['source']['sha256']}; this is not the article the annotations were made on (another version, or re-encoded)")
    raw = raw_bytes.decode("utf-8")
    record = copy.deepcopy(standoff)
    del record["standoff_version"], record["text_sha256"]
    parts: dict[str, Span | None] = {p: None for p in LIFTED_PARTS if p != "highlight"}
    highlights, furniture = [], []
    for r in record["source"]["removed"]:
        r["text"] = raw[r["raw_start"] : r["raw_end"]]
        span = Span(r["raw_start"], r["raw_end"], r["text"])
        if r["reason"] == "highlight":
            highlights.append(span)
        elif r["reason"] in parts:
            parts[r["reason"]] = span
        else:
            furniture.append((span, r["reason"]))
    doc = clean(raw, title=parts["title"], dateline=parts["dateline"], byline=parts["byline"], highlights=highlights, furniture=furniture)
    if sha256_text(doc.text) != standoff["text_sha256"]:
        raise RehydrateError(f"{doc_id}: cleaning the raw file gives a text whose SHA-256 differs from the release's; the cleaning code or the removals have changed since the release")
    segments = [{"raw_start": s.raw_start, "raw_end": s.raw_end, "start": s.start, "end": s.end} for s in doc.segments]
    if segments != record["source"]["segments"]:
        raise RehydrateError(f"{doc_id}: the kept paragraphs do not map to the text as the release records")
    record.update(text=doc.text, title=doc.title, dateline=doc.dateline, byline=doc.byline, highlights=doc.highlights)
    for span in _spans(record):
        span["text"] = doc.text[span["start"] : span["end"]]
    for key in ("outlet", "published"):
        ev = record[key]["evidence_span"]
        record[key]["evidence"] = raw[ev["start"] : ev["end"]] if ev is not None else None
    return {key: record[key] for key in _field_order(standoff, record)}


def _field_order(standoff: dict, record: dict) -> list[str]:
    """The published record's key order: the article fields stand where the schema puts them."""
    order = ["id", "schema_version", "language", "title", "dateline", "byline", "highlights", "text"]
    return order + [k for k in record if k not in order]
