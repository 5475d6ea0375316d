"""The rules the build enforces on a record's content, written once, on the record.

``taq-news build`` assembles a record from an annotation file and then runs these
rules on it (mapping each incident back to the YAML line it came from);
``taq-news validate`` runs the same rules on every record it reads, JSONL, JSON or
Parquet, whichever path (fast or precise, row or columnar) accepted the record.
So a hand-edited record passes ``validate`` exactly when ``build`` would have
written the same content.

Each rule is a pure function ``(record, file, line, registry) -> Iterator[Incident]``
that never raises on a malformed record (the schema reports wrong types); level
and fix come from the check registry. Rules that need the raw file take it as
``raw`` (``raw_rules``), and run only where it is at hand.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from typing import overload

import numpy as np
import pyarrow as pa

from taq_news.annotations.registry import (
    NAME_LABELS,
    SPEAKER_KINDS,
    VALUE_LABELS,
    Entity,
)
from taq_news.core.checks import incident
from taq_news.core.dates import dates_stated
from taq_news.core.incidents import Incident
from taq_news.core.quote_marks import find_passages
from taq_news.core.shapes import line_breaking, listed, mapping
from taq_news.sources.page import is_raw_name, raw_stem

DATE_PATTERN = re.compile(r"^(\d{4})(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?)?$")
PRECISION = {4: "year", 7: "month", 10: "day"}
METADATA = (("outlet", "name"), ("published", "date"))


def _int(v: object) -> bool:
    return type(v) is int


# --- metadata: basis, evidence, note, value ------------------------------------------------


def basis_rules(record: dict, file: str, line: int | None, registry=None) -> Iterator[Incident]:
    """stated needs evidence; inferred/external/unknown need a note; unknown has no value; the rest have one."""
    for key, value_key in METADATA:
        meta = record.get(key)
        if not isinstance(meta, dict):
            continue
        basis, value = meta.get("basis"), meta.get(value_key)
        if basis == "stated" and meta.get("evidence") is None:
            yield incident("stated-without-evidence", file, line, f"{key}.evidence", f"{key} is 'stated' but quotes no evidence from the raw text")
        note = meta.get("note")
        if basis in ("inferred", "external", "unknown") and not (note.strip() if isinstance(note, str) else note):
            yield incident("basis-without-note", file, line, f"{key}.note", f"{key} is '{basis}' but gives no reason")
        if basis == "unknown" and value is not None:
            yield incident("unknown-with-value", file, line, f"{key}.{value_key}", f"{key} is 'unknown' but has a value")
        if basis != "unknown" and value is None:
            yield incident("value-missing", file, line, f"{key}.{value_key}", f"{key} has basis {basis!r} but no value")


def valid_date(date: object) -> bool:
    """YYYY, YYYY-MM or YYYY-MM-DD, and a real calendar day."""
    if not isinstance(date, str) or not DATE_PATTERN.match(date):
        return False
    try:
        return len(date) != 10 or bool(datetime.date.fromisoformat(date))
    except ValueError:
        return False


def precision_of(date: object) -> str | None:
    """The precision a valid date has (year, month, day); None for no date or an invalid one."""
    return PRECISION[len(date)] if valid_date(date) else None  # type: ignore[arg-type]


def date_rules(record: dict, file: str, line: int | None, registry=None) -> Iterator[Incident]:
    """The published date is a real YYYY[-MM[-DD]] date, and its precision says which of the three."""
    meta = record.get("published")
    if not isinstance(meta, dict):
        return
    date, precision = meta.get("date"), meta.get("precision")
    if date is not None and not valid_date(date):
        yield incident("date-invalid", file, line, "published.date", f"date {date!r} is not a real YYYY, YYYY-MM or YYYY-MM-DD date")
        return
    if precision != precision_of(date):
        yield incident("date-precision-mismatch", file, line, "published.precision", f"precision is {precision!r} but the date {date!r} has precision {precision_of(date)!r}")


def evidence_span_rules(record: dict, file: str, line: int | None, registry=None) -> Iterator[Incident]:
    """Evidence and its raw span come together, and the span is as long as the evidence."""
    for key, _ in METADATA:
        meta = record.get(key)
        if not isinstance(meta, dict):
            continue
        ev, span = meta.get("evidence"), meta.get("evidence_span")
        if (ev is None) != (span is None):
            yield incident(
                "evidence-span-mismatch", file, line, f"{key}.evidence_span", f"{key} has {'evidence' if ev is not None else 'an evidence span'} without {'a span' if ev is not None else 'evidence'}"
            )
        elif isinstance(span, dict) and isinstance(ev, str) and _int(span.get("start")) and _int(span.get("end")):
            if span["end"] - span["start"] != len(ev) or not ev:
                yield incident(
                    "evidence-span-mismatch", file, line, f"{key}.evidence_span", f"raw span {span['start']}-{span['end']} is {span['end'] - span['start']} characters, the evidence {len(ev)}"
                )


TOKEN = re.compile(r"\w+")


def name_in_evidence(name: str, evidence: str) -> bool:
    """The name's tokens occur in the evidence as consecutive whole tokens (case-insensitive)."""
    want = TOKEN.findall(name.casefold())
    have = TOKEN.findall(evidence.casefold())
    return bool(want) and any(have[i : i + len(want)] == want for i in range(len(have) - len(want) + 1))


def date_in_evidence(date: str, evidence: str) -> bool:
    """Does a date expression in the evidence state this date, to its precision?"""
    parts = [int(p) for p in date.split("-")]
    want = tuple(parts + [None] * (3 - len(parts)))
    return any(all(w is None or w == h for w, h in zip(want, have, strict=False)) for have in dates_stated(evidence))  # a date of more than three parts (never valid) compares its first three


def stated_evidence_rules(record: dict, file: str, line: int | None, registry=None) -> Iterator[Incident]:
    """A 'stated' value is stated by its evidence: the outlet's name as whole tokens, the date by a date expression."""
    for key, value_key in METADATA:
        meta = record.get(key)
        if not isinstance(meta, dict) or meta.get("basis") != "stated":
            continue
        value, ev = meta.get(value_key), meta.get("evidence")
        if not isinstance(value, str) or not isinstance(ev, str):
            continue  # value-missing or stated-without-evidence (or the schema) report it
        if key == "published" and not valid_date(value):
            continue  # date-invalid reports it
        ok = name_in_evidence(value, ev) if key == "outlet" else date_in_evidence(value, ev)
        if not ok:
            yield incident("stated-evidence-mismatch", file, line, f"{key}.{value_key}", f"{value!r} is 'stated' but its evidence {ev!r} does not state it")


# --- entities, quotes, relations --------------------------------------------------------


def entity_id_rules(record: dict, file: str, line: int | None, registry=None) -> Iterator[Incident]:
    """Name-type mentions carry a registry id; value types (DATE ... CARDINAL) carry none, nor a Wikidata id."""
    for i, m in enumerate(listed(record.get("entities"))):
        if not isinstance(m, dict):
            continue
        label = m.get("label")
        if not isinstance(label, str):
            continue  # the schema reports it
        if label in NAME_LABELS and m.get("entity_id") is None:
            yield incident("entity-id-missing", file, line, f"entities[{i}].entity_id", f"a {label} mention needs a registry id")
        elif label in VALUE_LABELS:
            for key in ("entity_id", "wikidata_id"):
                if m.get(key) is not None:
                    yield incident("value-entity-linked", file, line, f"entities[{i}].{key}", f"{label} is a value type and takes no registry or Wikidata id")


def quote_rules(record: dict, file: str, line: int | None, registry=None) -> Iterator[Incident]:
    """Quote ids are unique in the record, no quote is listed twice, addressee and its entity come
    together, and the speaker is resolved to an entity that can speak."""
    ids: dict[str, int] = {}
    contents: dict[tuple, int] = {}
    for i, q in enumerate(listed(record.get("quotes"))):
        if not isinstance(q, dict):
            continue
        qid = q.get("id")
        if isinstance(qid, str):
            if qid in ids:
                yield incident("quote-id-duplicate", file, line, f"quotes[{i}].id", f"quote id {qid!r} is already used by quotes[{ids[qid]}]")
            else:
                ids[qid] = i
        content = listed(q.get("content"))
        spans = tuple(_spans(content))
        if spans and len(spans) == len(content):  # (a span without integer offsets: the schema reports it)
            if spans in contents:
                yield incident("quote-duplicate", file, line, f"quotes[{i}].content", f"the same content as quotes[{contents[spans]}]: one quote is listed twice")
            else:
                contents[spans] = i
        if (q.get("addressee") is None) != (q.get("addressee_entity_id") is None):
            yield incident("addressee-incomplete", file, line, f"quotes[{i}].addressee", "addressee and its entity id go together")
        if q.get("speaker_entity_id") is None:
            yield incident("speaker-unresolved", file, line, f"quotes[{i}].speaker_entity_id", "the quote has no resolved speaker")
        elif q.get("speaker_kind") is not None and q.get("speaker_kind") not in SPEAKER_KINDS:
            yield incident("speaker-kind-invalid", file, line, f"quotes[{i}].speaker_kind", f"{q['speaker_entity_id']!r} has kind {q['speaker_kind']!r}, which cannot speak")


def relation_rules(record: dict, file: str, line: int | None, registry=None) -> Iterator[Incident]:
    """A relation points to exactly one document or one entity."""
    for i, r in enumerate(listed(record.get("relations"))):
        if isinstance(r, dict) and (r.get("document") is None) == (r.get("entity_id") is None):
            yield incident("relation-target-invalid", file, line, f"relations[{i}]", "a relation points to exactly one document or one entity")


def outlet_name_rules(record: dict, file: str, line: int | None, registry=None) -> Iterator[Incident]:
    """A linked outlet is named as the registry names it: its canonical name or an alias."""
    outlet = record.get("outlet")
    if registry is None or not isinstance(outlet, dict):
        return
    entity = registry.get(outlet.get("entity_id")) if isinstance(outlet.get("entity_id"), str) else None
    name = outlet.get("name")
    if entity is not None and isinstance(name, str) and name not in (entity.name, *entity.aliases):
        yield incident("outlet-name-mismatch", file, line, "outlet.name", f"{name[:40]!r} is neither the name nor an alias of {entity.id!r} ({entity.name!r})")


def self_relation_rules(record: dict, file: str, line: int | None, registry=None) -> Iterator[Incident]:
    """A document does not rewrite, follow or cite itself."""
    for i, r in enumerate(listed(record.get("relations"))):
        if isinstance(r, dict) and r.get("document") is not None and r.get("document") == record.get("id"):
            yield incident("relation-target-invalid", file, line, f"relations[{i}].document", "a relation points to its own document")


# --- page parts and file names -------------------------------------------------------------

PAGE_PARTS = (("title", "title"), ("dateline", "dateline"), ("byline", "byline"))


def page_part_rules(record: dict, file: str, line: int | None, registry=None) -> Iterator[Incident]:
    """title, dateline, byline and highlights are the texts of the removals logged for them."""
    removed = [r for r in listed((record.get("source") or {}).get("removed") if isinstance(record.get("source"), dict) else None) if isinstance(r, dict)]
    for key, reason in PAGE_PARTS:
        texts = [r.get("text") for r in removed if r.get("reason") == reason]
        expected = texts[0] if len(texts) == 1 else None
        value = record.get(key)
        if len(texts) > 1 or value != expected:
            yield incident("page-part-mismatch", file, line, key, f"{key} is {str(value)[:40]!r} but the removals logged for it give {expected if len(texts) < 2 else texts!r}"[:300])
    highlights = [r.get("text") for r in removed if r.get("reason") == "highlight"]
    if isinstance(record.get("highlights"), list) and record["highlights"] != highlights:
        yield incident("page-part-mismatch", file, line, "highlights", f"the highlights are not the {len(highlights)} removal(s) logged as highlight, in raw order")


def file_name_rules(record: dict, file: str, line: int | None, registry=None) -> Iterator[Incident]:
    """source.file is the document's raw file and annotation.file its annotation file, by name.
    A record of an annotated collection (source.given is set) names its input location in both."""
    doc = record.get("id")
    source = mapping(record.get("source"))
    if not isinstance(doc, str) or isinstance(source.get("given"), dict):
        return
    name = source.get("file")
    base = name.rsplit("/", 1)[-1] if isinstance(name, str) else ""
    if isinstance(name, str) and (".." in name.split("/") or name.startswith("/") or not is_raw_name(base) or raw_stem(base) != doc):
        yield incident("raw-name-invalid", file, line, "source.file", f"{name[:60]!r} is not the raw file of {doc} ('dataset/raw/{doc}.txt' or '.html')")
    ann = mapping(record.get("annotation"))
    name = ann.get("file")
    if isinstance(name, str) and (".." in name.split("/") or name.rsplit("/", 1)[-1] != f"{doc}.yaml"):
        yield incident("document-id-mismatch", file, line, "annotation.file", f"{name[:60]!r} is not the annotation file of {doc} ('dataset/annotations/{doc}.yaml')")


# Text we write ourselves (names, notes, sources of relayed quotes): one line, no control characters.
AUTHORED = (("outlet", "name"), ("outlet", "note"), ("published", "note"), ("annotation", "guidelines"))
AUTHORED_LISTS = (("quotes", ("speaker_name", "note", "via")), ("annotation", ("annotators",)))


def authored_text_rules(record: dict, file: str, line: int | None, registry=None) -> Iterator[Incident]:
    """Annotator-written strings hold no line breaks or control characters (article text may)."""
    found: list[tuple[str, str]] = []
    for key, sub in AUTHORED:
        node = record.get(key)
        if isinstance(node, dict) and isinstance(node.get(sub), str):
            found.append((f"{key}.{sub}", node[sub]))
    for i, q in enumerate(listed(record.get("quotes"))):
        if isinstance(q, dict):
            for sub in ("speaker_name", "note"):
                if isinstance(q.get(sub), str):
                    found.append((f"quotes[{i}].{sub}", q[sub]))
            found += [(f"quotes[{i}].via[{j}]", v) for j, v in enumerate(listed(q.get("via"))) if isinstance(v, str)]
    ann = record.get("annotation")
    if isinstance(ann, dict):
        found += [(f"annotation.annotators[{j}]", v) for j, v in enumerate(listed(ann.get("annotators"))) if isinstance(v, str)]
    for path, text in found:
        ch = line_breaking(text)
        if ch is not None:
            yield incident("control-character", file, line, path, f"holds U+{ord(ch):04X}, a line break or control character")


def _spans(items: Iterable) -> list[tuple[int, int]]:
    return [(s["start"], s["end"]) for s in items if isinstance(s, dict) and _int(s.get("start")) and _int(s.get("end"))]


def quote_marks_rules(record: dict, file: str, line: int | None, registry=None) -> Iterator[Incident]:
    """Every passage in quotation marks is part of a quote's content or a listed non-quote."""
    text = record.get("text")
    if not isinstance(text, str):
        return
    covered = [sp for q in listed(record.get("quotes")) if isinstance(q, dict) for sp in _spans(listed(q.get("content")))]
    covered += _spans(listed(record.get("non_quotes")))
    covered.sort()
    starts = [a for a, _ in covered]
    reach = list(itertools.accumulate((b for _, b in covered), max))  # the furthest end among spans starting here or before
    for p in find_passages(text):
        k = bisect.bisect_left(starts, p.end)  # spans starting before the passage ends
        if not (k and reach[k - 1] > p.start):  # ... and one of them ends after it starts: overlap
            snippet = text[p.start : p.end]
            snippet = snippet if len(snippet) <= 60 else snippet[:57] + "..."
            yield incident("quote-marks-unaccounted", file, line, f"text[{p.start}:{p.end}]", f"{snippet!r} is in quotation marks but is neither part of a quote nor a listed non-quote")


# --- source.segments ----------------------------------------------------------------------


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph of a clean text (paragraphs are joined by one blank line)."""
    out, pos = [], 0
    for para in text.split("\n\n"):
        out.append((pos, pos + len(para)))
        pos += len(para) + 2
    return out


def segment_rules(record: dict, file: str, line: int | None, registry=None) -> Iterator[Incident]:
    """source.segments map the text's paragraphs one to one, in order, from ordered, disjoint raw ranges."""
    text, source = record.get("text"), record.get("source")
    if not isinstance(text, str) or not isinstance(source, dict) or not isinstance(source.get("segments"), list):
        return
    segs = source["segments"]
    if not all(isinstance(s, dict) and all(_int(s.get(k)) for k in ("raw_start", "raw_end", "start", "end")) for s in segs):
        return  # the schema reports it
    want = paragraphs(text)
    for i, (s, p) in enumerate(zip(segs, want, strict=False)):  # the counts are compared below
        if (s["start"], s["end"]) != p:
            yield incident("segment-invalid", file, line, f"source.segments[{i}]", f"segment {i} is text[{s['start']}:{s['end']}] but paragraph {i} of the text is text[{p[0]}:{p[1]}]")
            return
    if len(segs) != len(want):
        yield incident("segment-invalid", file, line, "source.segments", f"{len(segs)} segments for the text's {len(want)} paragraphs")
        return
    prev_end = 0
    for i, s in enumerate(segs):
        if not prev_end <= s["raw_start"] < s["raw_end"]:
            yield incident("segment-invalid", file, line, f"source.segments[{i}]", f"raw range {s['raw_start']}-{s['raw_end']} is empty, or overlaps or precedes the one before (ending at {prev_end})")
            return
        prev_end = s["raw_end"]


def removal_rules(record: dict, file: str, line: int | None, registry=None) -> Iterator[Incident]:
    """Removals take each stretch of the raw text once: no two overlap (the build refuses it in an
    annotation file, rehydrate in a standoff file; a record file must not carry it either)."""
    source = record.get("source")
    if not isinstance(source, dict):
        return
    spans = sorted((r["raw_start"], r["raw_end"], i) for i, r in enumerate(listed(source.get("removed")))
                   if isinstance(r, dict) and _int(r.get("raw_start")) and _int(r.get("raw_end")))
    reach: tuple[int, int, int] | None = None  # the removal that reaches furthest so far
    for c, d, j in spans:
        if reach is not None and c < reach[1]:
            a, b, i = reach
            yield incident("removal-overlap", file, line, f"source.removed[{j}]", f"raw {c}-{d} overlaps source.removed[{i}] (raw {a}-{b})", "remove each stretch of the raw text once")
        if reach is None or d > reach[1]:
            reach = (c, d, j)
    # A segment starts and ends on kept text: a boundary inside a removal would give the same
    # paragraph for many raw ranges, so the record would not say where its paragraph came from.
    starts = [c for c, _, _ in spans]
    for i, s in enumerate(listed(source.get("segments"))):
        if not (isinstance(s, dict) and _int(s.get("raw_start")) and _int(s.get("raw_end"))):
            continue  # the schema reports it
        for side in ("raw_start", "raw_end"):
            k = bisect.bisect_left(starts, s[side]) - 1  # the last removal starting before this boundary
            if k >= 0 and s[side] < spans[k][1]:
                c, d, j = spans[k]
                yield incident("segment-invalid", file, line, f"source.segments[{i}].{side}",
                               f"{side} {s[side]} lies inside source.removed[{j}] (raw {c}-{d})",
                               "start and end each segment on kept text, outside every removal")
                break


def segment_raw_rules(record: dict, file: str, line: int | None, raw: str) -> Iterator[Incident]:
    """Each segment's raw range, less the removals in it, stripped and NFC, is its paragraph of the text."""
    text, source = record.get("text"), record.get("source")
    if not isinstance(text, str) or not isinstance(source, dict):
        return
    removed = [(r["raw_start"], r["raw_end"]) for r in listed(source.get("removed")) if isinstance(r, dict) and _int(r.get("raw_start")) and _int(r.get("raw_end"))]
    for i, s in enumerate(listed(source.get("segments"))):
        if not (isinstance(s, dict) and all(_int(s.get(k)) for k in ("raw_start", "raw_end", "start", "end"))):
            continue
        a, b = s["raw_start"], s["raw_end"]
        kept, cursor = [], a
        for rs, re_ in sorted(removed):
            if re_ <= a or rs >= b:
                continue
            kept.append(raw[cursor:max(cursor, rs)])
            cursor = max(cursor, re_)
        kept.append(raw[cursor:b])
        para = unicodedata.normalize("NFC", "".join(kept).strip())
        if para != text[s["start"] : s["end"]]:
            yield incident("raw-offset-mismatch", file, line, f"source.segments[{i}]", f"raw[{a}:{b}] less its removals is {para[:40]!r}..., not text[{s['start']}:{s['end']}]")


Rule = Callable[..., Iterator[Incident]]
RULES: dict[str, Rule] = {
    "basis": basis_rules,
    "date": date_rules,
    "evidence-span": evidence_span_rules,
    "stated-evidence": stated_evidence_rules,
    "entity-id": entity_id_rules,
    "quotes": quote_rules,
    "relations": relation_rules,
    "quote-marks": quote_marks_rules,
    "segments": segment_rules,
    "removals": removal_rules,
    "self-relation": self_relation_rules,
    "outlet-name": outlet_name_rules,
    "page-parts": page_part_rules,
    "file-names": file_name_rules,
    "authored-text": authored_text_rules,
}
RAW_RULES: dict[str, Rule] = {"segments-raw": segment_raw_rules}


def record_incidents(record: object, file: str, line: int | None, registry: dict[str, Entity] | None = None,
                     raw: str | None = None, skip: Iterable[str] = ()) -> list[Incident]:
    """Every rule on one record (the raw rules too when ``raw`` is given), except those named in ``skip``."""
    if not isinstance(record, dict):
        return []
    out: list[Incident] = []
    for name, rule in RULES.items():
        if name not in skip:
            out += rule(record, file, line, registry)
    if raw is not None:
        for name, rule in RAW_RULES.items():
            if name not in skip:
                out += rule(record, file, line, raw)
    return out


# Every check id a rule here can report.
CHECK_IDS = frozenset({
    "stated-without-evidence", "basis-without-note", "unknown-with-value", "value-missing", "date-invalid",
    "date-precision-mismatch", "evidence-span-mismatch", "stated-evidence-mismatch", "entity-id-missing",
    "value-entity-linked", "quote-id-duplicate", "quote-duplicate", "addressee-incomplete", "speaker-unresolved",
    "speaker-kind-invalid", "relation-target-invalid",
    "quote-marks-unaccounted", "segment-invalid", "raw-offset-mismatch",
    "page-part-mismatch", "raw-name-invalid", "document-id-mismatch", "control-character", "outlet-name-mismatch",
    "removal-overlap",
})


# What each rule reads of a record. For the rows of a batch the columnar path accepted, only
# these parts become Python objects (a whole row costs several times what the rules do), and
# rules that a vectorised test clears for the whole batch (_cleared) do not run on its rows.
_SPAN = {"start": None, "end": None}
RULE_FIELDS: dict[str, dict] = {
    "basis": {"outlet": None, "published": None},
    "date": {"published": None},
    "evidence-span": {"outlet": None, "published": None},
    "stated-evidence": {"outlet": None, "published": None},
    "entity-id": {"entities": {"label": None, "entity_id": None, "wikidata_id": None}},
    "quotes": {"quotes": {"id": None, "content": _SPAN, "addressee": _SPAN, "addressee_entity_id": None, "speaker_entity_id": None, "speaker_kind": None}},
    "relations": {"relations": None},
    "quote-marks": {"text": None, "quotes": {"content": _SPAN}, "non_quotes": _SPAN},
    "segments": {"text": None, "source": {"segments": None}},
    "removals": {"source": {"removed": {"raw_start": None, "raw_end": None}, "segments": {"raw_start": None, "raw_end": None}}},
    "self-relation": {"id": None, "relations": None},
    "outlet-name": {"outlet": {"name": None, "entity_id": None}},
    "page-parts": {"title": None, "dateline": None, "byline": None, "highlights": None, "source": {"removed": {"reason": None, "text": None}}},
    "file-names": {"id": None, "source": {"file": None, "given": None}, "annotation": {"file": None}},
    "authored-text": {"outlet": {"name": None, "note": None}, "published": {"note": None}, "annotation": {"guidelines": None, "annotators": None},
                      "quotes": {"speaker_name": None, "note": None, "via": None}},
}


@overload
def _merge(a: dict, b: dict) -> dict: ...
@overload
def _merge(a: dict | None, b: dict | None) -> dict | None: ...
def _merge(a: dict | None, b: dict | None) -> dict | None:
    """The union of two field specs (None: the whole value)."""
    if a is None or b is None:
        return None
    out = dict(a)
    for key, sub in b.items():
        out[key] = _merge(out[key], sub) if key in out else sub
    return out


def _narrow(arr, spec):
    if spec is None:
        return arr
    mask = arr.is_null() if arr.null_count else None
    if pa.types.is_list(arr.type) or pa.types.is_large_list(arr.type):
        return type(arr).from_arrays(arr.offsets, _narrow(arr.values, spec), mask=mask)
    if pa.types.is_struct(arr.type):
        return pa.StructArray.from_arrays([_narrow(arr.field(name), sub) for name, sub in spec.items()], names=list(spec), mask=mask)
    return arr


def _rows(batch, spec: dict, rows=None) -> list[dict]:
    """The batch's rows (or those at ``rows``) with only the fields in ``spec``, as objects."""
    narrow = pa.StructArray.from_arrays([_narrow(batch.column(name), sub) for name, sub in spec.items()], names=list(spec))
    return (narrow if rows is None else narrow.take(pa.array(rows))).to_pylist()


def decoded(arr):
    """A dictionary-encoded column as plain values (others as they are)."""
    return arr.dictionary_decode() if pa.types.is_dictionary(arr.type) else arr


def _offsets(lst) -> "np.ndarray":
    off = lst.offsets.to_numpy(zero_copy_only=False).astype("int64")
    return off - off[0]


def _cleared(batch) -> set[str]:
    """Rules that provably find nothing in this batch, by vectorised tests (each one sufficient,
    not necessary: when it fails, the rule runs on the rows and decides)."""
    import pyarrow.compute as pc  # deferred: 30 ms, and only batches of the columnar path need it

    def none(mask) -> bool:
        return not pc.any(mask).as_py()

    out = set()
    ents = batch.column("entities").flatten()
    if len(ents) == 0:
        out.add("entity-id")
    else:
        name = pc.is_in(decoded(ents.field("label")), value_set=pa.array(sorted(NAME_LABELS)))
        linked = pc.is_valid(ents.field("entity_id"))
        if none(pc.if_else(name, pc.invert(linked), pc.or_(linked, pc.is_valid(ents.field("wikidata_id"))))):
            out.add("entity-id")
    rels = batch.column("relations").flatten()
    if len(rels) == 0 or none(pc.equal(pc.is_null(rels.field("document")), pc.is_null(rels.field("entity_id")))):
        out.add("relations")
    quotes_col = batch.column("quotes")
    quotes = quotes_col.flatten()
    if len(quotes) == 0:
        out.add("quotes")
    else:
        content = quotes.field("content")
        c_off = _offsets(content)
        if (np.diff(c_off) > 0).all() and none(pc.not_equal(pc.is_null(quotes.field("addressee")), pc.is_null(quotes.field("addressee_entity_id")))) \
                and pc.count_distinct(quotes.field("id")).as_py() == len(quotes) and quotes.field("speaker_entity_id").null_count == 0 \
                and pc.all(pc.is_in(decoded(quotes.field("speaker_kind")), value_set=pa.array(list(SPEAKER_KINDS)))).as_py():
            spans = content.flatten()
            first = pa.array(c_off[:-1])
            start = spans.field("start").take(first).to_numpy(zero_copy_only=False)
            end = spans.field("end").take(first).to_numpy(zero_copy_only=False)
            row = np.repeat(np.arange(len(batch)), np.diff(_offsets(quotes_col)))
            order = np.lexsort((end, start, row))
            key = np.stack([row[order], start[order], end[order]])
            if not (key[:, 1:] == key[:, :-1]).all(axis=0).any():  # no two quotes of a record share a first span
                out.add("quotes")
    if _opening_marks_covered(batch):
        out.add("quote-marks")
    if not any(pc.any(pc.match_substring_regex(decoded(values), _LINE_BREAKING_RE2)).as_py() for values in _authored_values(batch) if len(values)):
        out.add("authored-text")
    segs_col = pc.struct_field(batch.column("source"), "segments")
    paras = pc.split_pattern(batch.column("text"), "\n\n")
    s_off, p_off = _offsets(segs_col), _offsets(paras)
    if np.array_equal(s_off, p_off):
        lens = pc.utf8_length(paras.flatten()).to_numpy(zero_copy_only=False).astype("int64")
        row = np.repeat(np.arange(len(batch)), np.diff(p_off))
        before = np.cumsum(lens + 2) - (lens + 2)  # where each paragraph starts, counted over the batch
        start = before - before[p_off[:-1]][row] if len(lens) else before
        segs = segs_col.flatten()
        get = {k: segs.field(k).to_numpy(zero_copy_only=False) for k in ("start", "end", "raw_start", "raw_end")}
        same = row[1:] == row[:-1]
        if (np.array_equal(get["start"], start) and np.array_equal(get["end"], start + lens) and (get["raw_start"] < get["raw_end"]).all()
                and (get["raw_start"][1:][same] >= get["raw_end"][:-1][same]).all()):
            out.add("segments")
    if _removals_clear(batch, segs_col):
        out.add("removals")
    if _page_parts_clear(batch):
        out.add("page-parts")
    if _file_names_clear(batch):
        out.add("file-names")
    return out


def _file_names_clear(batch) -> bool:
    """Every row (of the corpus: collection rows, with source.given, are exempt) names its raw
    file '<id>.txt' or '<id>.html' and its annotation file '<id>.yaml', in a relative path
    with no '..' part (a null name is the schema's to report)."""
    import pyarrow.compute as pc  # deferred: as in _cleared

    ids = batch.column("id")
    ids = decoded(ids)
    source, ann = batch.column("source"), batch.column("annotation")
    exempt = pc.is_valid(pc.struct_field(source, "given"))

    def fine(name, suffixes: tuple[str, ...], absolute_ok: bool) -> bool:
        name = decoded(name)
        base = pc.replace_substring_regex(name, "^.*/", "")
        ok = pc.is_null(name)
        for suffix in suffixes:
            ok = pc.or_(ok, pc.equal(base, pc.binary_join_element_wise(ids, pa.scalar(suffix), "")))
        ok = pc.and_(ok, pc.invert(pc.match_substring_regex(name, "(^|/)\\.\\.(/|$)")).fill_null(True))
        if not absolute_ok:
            ok = pc.and_(ok, pc.invert(pc.starts_with(name, "/")).fill_null(True))
        return bool(pc.all(pc.or_(exempt, ok.fill_null(False))).as_py() is not False)

    return fine(pc.struct_field(source, "file"), (".txt", ".html"), False) and fine(pc.struct_field(ann, "file"), (".yaml",), True)


def _page_parts_clear(batch) -> bool:
    """Every row's title, dateline and byline is the text of its one removal of that reason (or
    null with none), and its highlights are its highlight removals' texts in order."""
    import pyarrow.compute as pc  # deferred: as in _cleared

    n = len(batch)
    removed = pc.struct_field(batch.column("source"), "removed")
    rem = removed.flatten()
    reason = rem.field("reason")
    reason = decoded(reason)
    text = rem.field("text")
    parent = pc.list_parent_indices(removed).to_numpy(zero_copy_only=False)
    for key, why in PAGE_PARTS:
        at = np.flatnonzero(pc.equal(reason, why).fill_null(False).to_numpy(zero_copy_only=False))
        rows = parent[at]
        if len(np.unique(rows)) != len(rows):
            return False  # a row with two removals of this reason: the rule says which
        pick = np.full(n, -1, dtype="int64")
        pick[rows] = at
        if not _same(batch.column(key), pc.take(text, pa.array(pick, mask=pick < 0))):
            return False
    highlights = batch.column("highlights")
    if highlights.null_count:
        return False
    at = np.flatnonzero(pc.equal(reason, "highlight").fill_null(False).to_numpy(zero_copy_only=False))
    got_rows = pc.list_parent_indices(highlights).to_numpy(zero_copy_only=False)
    if not np.array_equal(parent[at], got_rows):  # the same number per row, in row order
        return False
    return _same(highlights.flatten(), pc.take(text, pa.array(at)))


def _same(a, b) -> bool:
    """a[i] == b[i] for every i as Python compares them: two nulls are equal, a null and a value not."""
    import pyarrow.compute as pc  # deferred: as in _cleared

    a, b = decoded(a), decoded(b)
    return bool(pc.all(pc.or_kleene(pc.and_(pc.is_null(a), pc.is_null(b)), pc.equal(a, b).fill_null(False))).as_py() is not False)


def _removals_clear(batch, segs_col) -> bool:
    """Each row's removals are in raw order and disjoint, and no segment boundary lies inside one
    (removal_rules finds nothing). Offsets of all rows are made one sorted sequence by adding
    row * 2**32 (raw offsets are int32), so one searchsorted serves every row."""
    import pyarrow.compute as pc  # deferred: as in _cleared

    removed = pc.struct_field(batch.column("source"), "removed")
    rem = removed.flatten()
    starts = rem.field("raw_start").to_numpy(zero_copy_only=False).astype("int64")
    ends = rem.field("raw_end").to_numpy(zero_copy_only=False).astype("int64")
    row = np.repeat(np.arange(len(batch), dtype="int64"), np.diff(_offsets(removed)))
    same = row[1:] == row[:-1]
    if not (starts[1:][same] >= ends[:-1][same]).all():
        return False
    shift = row << 32
    first, last = starts + shift, ends + shift
    segs = segs_col.flatten()
    seg_shift = np.repeat(np.arange(len(batch), dtype="int64"), np.diff(_offsets(segs_col))) << 32
    for side in ("raw_start", "raw_end"):
        b = segs.field(side).to_numpy(zero_copy_only=False).astype("int64") + seg_shift
        k = np.searchsorted(first, b, side="left") - 1  # the last removal starting before b
        if len(first) and ((k >= 0) & (b < last[np.clip(k, 0, None)])).any():
            return False
    return True


# core.shapes.LINE_BREAKING in RE2's syntax, for pyarrow (tests/core/test_shapes.py holds them equal).
_LINE_BREAKING_RE2 = "[\\x00-\\x1f\\x7f-\\x9f\\x{2028}\\x{2029}]"


def _authored_values(batch) -> Iterator:
    """Every string array the authored-text rule reads (AUTHORED, AUTHORED_LISTS), flattened."""
    import pyarrow.compute as pc  # deferred: as in _cleared

    for key, sub in AUTHORED:
        yield pc.struct_field(batch.column(key), sub)
    quotes = batch.column("quotes").flatten()
    yield quotes.field("speaker_name")
    yield quotes.field("note")
    yield quotes.field("via").flatten()
    yield pc.struct_field(batch.column("annotation"), "annotators").flatten()


def _opening_marks_covered(batch) -> bool:
    """Every mark that can open a passage (“ " ‘ '' ``) lies inside a quote's content or a non-quote.

    Sufficient for quote_marks_rules to find nothing: a passage starts at its opening
    mark, so a span holding that mark overlaps the passage. Mark offsets come from
    splitting each text at the mark (code points, left to right without overlap, as
    quote_marks finds them); spans are looked up by (row, offset) in one sorted key.
    """
    import pyarrow.compute as pc  # deferred: 30 ms, and only batches of the columnar path need it

    n = len(batch)
    text = batch.column("text")
    if n == 0:
        return True
    width = int(pc.max(pc.binary_length(text)).as_py() or 0) + 1  # bytes: at least the code points
    quotes = batch.column("quotes")
    q_row = np.repeat(np.arange(n), np.diff(_offsets(quotes)))
    content = quotes.flatten().field("content")
    spans = content.flatten()
    nq = batch.column("non_quotes")
    nqs = nq.flatten()
    rows = np.concatenate([q_row[np.repeat(np.arange(len(content)), np.diff(_offsets(content)))], np.repeat(np.arange(n), np.diff(_offsets(nq)))])
    starts = np.concatenate([spans.field("start").to_numpy(zero_copy_only=False), nqs.field("start").to_numpy(zero_copy_only=False)]).astype("int64")
    ends = np.concatenate([spans.field("end").to_numpy(zero_copy_only=False), nqs.field("end").to_numpy(zero_copy_only=False)]).astype("int64")
    key = rows * width + starts
    order = np.argsort(key, kind="stable")
    key = key[order]
    # The furthest end among spans that start at or before each key; ends of earlier rows stay
    # below the next row's keys, so a running maximum over the whole batch is safe.
    reach = np.maximum.accumulate(rows[order] * width + ends[order]) if len(key) else key
    for mark in ("\u201c", '"', "\u2018", "''", "``"):
        pieces = pc.split_pattern(text, mark)  # (splitting is cheaper than testing for the mark first)
        p_off = _offsets(pieces)
        if len(p_off) - 1 == p_off[-1]:
            continue  # one piece per text: no such mark anywhere
        lens = pc.utf8_length(pieces.flatten()).to_numpy(zero_copy_only=False).astype("int64")
        step = lens + len(mark)
        p_row = np.repeat(np.arange(n), np.diff(p_off))
        begin = np.cumsum(step) - step
        pos = begin - begin[p_off[:-1]][p_row] + lens  # the mark right after each piece ...
        last = np.zeros(len(lens), bool)
        last[p_off[1:] - 1] = True  # ... but the last piece of a text has none after it
        at = (p_row * width + pos)[~last]
        if len(at) == 0:
            continue
        if not len(key):
            return False
        idx = np.searchsorted(key, at, side="right") - 1
        if not ((idx >= 0) & (reach[np.maximum(idx, 0)] > at)).all():
            return False
    return True


# str.isspace(), spelled out for RE2
_BLANK = (
    "^[\\x{9}\\x{a}\\x{b}\\x{c}\\x{d}\\x{1c}\\x{1d}\\x{1e}\\x{1f}\\x{20}\\x{85}\\x{a0}\\x{1680}"
    "\\x{2000}\\x{2001}\\x{2002}\\x{2003}\\x{2004}\\x{2005}\\x{2006}\\x{2007}\\x{2008}\\x{2009}\\x{200a}"
    "\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}]*$"
)


def _metadata_rows(batch) -> dict[str, "np.ndarray"]:
    """For each metadata rule, the rows it must run on; vectorised tests leave out rows it
    provably finds nothing in (no evidence, no date, no 'stated' basis, a consistent basis)."""
    import pyarrow.compute as pc  # deferred: 30 ms, and only batches of the columnar path need it

    def np_(mask) -> "np.ndarray":
        return pc.fill_null(mask, True).to_numpy(zero_copy_only=False).astype(bool)

    n = len(batch)
    run = {name: np.zeros(n, bool) for name in ("basis", "evidence-span", "stated-evidence", "date")}
    for key, value_key in METADATA:
        meta = batch.column(key)
        if meta.null_count:
            raise ValueError("a null metadata struct: every rule runs on every row")
        get = {f: pc.struct_field(meta, f) for f in (value_key, "basis", "evidence", "evidence_span", "note")}
        basis = decoded(get["basis"])
        stated, unknown = np_(pc.equal(basis, "stated")), np_(pc.equal(basis, "unknown"))
        reasoned = np_(pc.is_in(basis, value_set=pa.array(["inferred", "external", "unknown"])))
        no_evidence, no_value = np_(pc.is_null(get["evidence"])), np_(pc.is_null(get[value_key]))
        # blank as str.strip() sees it: every character that str.isspace() calls whitespace
        no_note = np_(pc.or_(pc.is_null(get["note"]), pc.match_substring_regex(decoded(get["note"]), _BLANK)))
        run["basis"] |= (stated & no_evidence) | (reasoned & no_note) | (unknown & ~no_value) | (~unknown & no_value)
        run["evidence-span"] |= ~no_evidence | ~np_(pc.is_null(get["evidence_span"]))
        run["stated-evidence"] |= stated
        if key == "published":
            run["date"] |= ~no_value | ~np_(pc.is_null(pc.struct_field(meta, "precision")))
    return {name: np.flatnonzero(mask) for name, mask in run.items()}


def batch_incidents(batch, file: str, first_line: int, registry: dict[str, Entity] | None = None) -> list[Incident]:
    """record_incidents for every row of an Arrow batch (one the columnar path accepted), with the
    same verdicts, in the same order: rules the batch is cleared of are skipped, rules cleared for
    some rows run on the others only, and every rule reads only its fields."""
    try:
        cleared = _cleared(batch)
    except (KeyError, ValueError, TypeError, IndexError, pa.ArrowException):
        cleared = set()
    try:
        only = {name: rows for name, rows in _metadata_rows(batch).items() if name not in cleared}
    except (KeyError, ValueError, TypeError, IndexError, pa.ArrowException):
        only = {}
    position = {name: k for k, name in enumerate(RULES)}
    found: list[tuple[int, int, list[Incident]]] = []

    def run(names: list[str], lines=None) -> None:
        spec: dict = {}
        for name in names:
            spec = _merge(spec, RULE_FIELDS[name])
        try:
            rows = _rows(batch, spec, lines)
        except (KeyError, ValueError, TypeError, pa.ArrowException):
            rows = batch.to_pylist() if lines is None else batch.take(pa.array(lines)).to_pylist()
        for k, row in zip(range(len(batch)) if lines is None else lines, rows, strict=True):
            for name in names:
                incs = list(RULES[name](row, file, first_line + k, registry))
                if incs:
                    found.append((k, position[name], incs))

    everywhere = [name for name in RULES if name not in cleared and name not in only]
    if everywhere:
        run(everywhere)
    for name, rows in only.items():
        if len(rows):
            run([name], rows.tolist())
    found.sort(key=lambda f: (f[0], f[1]))
    return [inc for _, _, incs in found for inc in incs]
