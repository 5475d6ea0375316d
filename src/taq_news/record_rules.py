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

import datetime
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator

from .checks import CHECKS
from .incidents import Incident
from .quote_marks import find_passages
from .registry import NAME_LABELS, VALUE_LABELS, Entity
from .shapes import listed

DATE_PATTERN = re.compile(r"^(\d{4})(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?)?$")
PRECISION = {4: "year", 7: "month", 10: "day"}
METADATA = (("outlet", "name"), ("published", "date"))
MONTHS = "january february march april may june july august september october november december".split()


def incident(file: str, line: int | None, check: str, path: str, message: str) -> Incident:
    c = CHECKS[check]
    return Incident(file, line, c.level, check, path, message, c.fix)


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
            yield incident(file, line, "stated-without-evidence", f"{key}.evidence", f"{key} is 'stated' but quotes no evidence from the raw text")
        if basis in ("inferred", "external", "unknown") and not meta.get("note"):
            yield incident(file, line, "basis-without-note", f"{key}.note", f"{key} is '{basis}' but gives no reason")
        if basis == "unknown" and value is not None:
            yield incident(file, line, "unknown-with-value", f"{key}.{value_key}", f"{key} is 'unknown' but has a value")
        if basis != "unknown" and value is None:
            yield incident(file, line, "value-missing", f"{key}.{value_key}", f"{key} has basis {basis!r} but no value")


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
        yield incident(file, line, "date-invalid", "published.date", f"date {date!r} is not a real YYYY, YYYY-MM or YYYY-MM-DD date")
        return
    if precision != precision_of(date):
        yield incident(file, line, "date-precision-mismatch", "published.precision", f"precision is {precision!r} but the date {date!r} has precision {precision_of(date)!r}")


def evidence_span_rules(record: dict, file: str, line: int | None, registry=None) -> Iterator[Incident]:
    """Evidence and its raw span come together, and the span is as long as the evidence."""
    for key, _ in METADATA:
        meta = record.get(key)
        if not isinstance(meta, dict):
            continue
        ev, span = meta.get("evidence"), meta.get("evidence_span")
        if (ev is None) != (span is None):
            yield incident(file, line, "evidence-span-mismatch", f"{key}.evidence_span", f"{key} has {'evidence' if ev is not None else 'an evidence span'} without {'a span' if ev is not None else 'evidence'}")
        elif isinstance(span, dict) and isinstance(ev, str) and _int(span.get("start")) and _int(span.get("end")):
            if span["end"] - span["start"] != len(ev) or not ev:
                yield incident(file, line, "evidence-span-mismatch", f"{key}.evidence_span", f"raw span {span['start']}-{span['end']} is {span['end'] - span['start']} characters, the evidence {len(ev)}")


TOKEN = re.compile(r"\w+")


def name_in_evidence(name: str, evidence: str) -> bool:
    """The name's tokens occur in the evidence as consecutive whole tokens (case-insensitive)."""
    want = TOKEN.findall(name.casefold())
    have = TOKEN.findall(evidence.casefold())
    return bool(want) and any(have[i : i + len(want)] == want for i in range(len(have) - len(want) + 1))


_MONTH = r"(?P<{0}>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_DAY = r"(?P<{0}>0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?"
_YEAR = r"(?P<{0}>\d{{4}})"
# A date expression: ISO, 'May 06, 2021', '6 May 2021', 'May 2021', or a year on its own.
# A day is a day of the month inside one of these, never a part of a time (07:43) or a year.
_EDGE_L, _EDGE_R = r"(?<![\w:.\-/])", r"(?![\w:\-/]|[.,]\d)"
DATE_EXPRESSIONS = [re.compile(p, re.IGNORECASE) for p in (
    _EDGE_L + _YEAR.format("y") + r"-(?P<m>0[1-9]|1[0-2])(?:-(?P<d>0[1-9]|[12]\d|3[01]))?" + _EDGE_R,
    _EDGE_L + _MONTH.format("mn") + r"\s+" + _DAY.format("d") + r",?\s+" + _YEAR.format("y") + _EDGE_R,
    _EDGE_L + _DAY.format("d") + r"\s+(?:of\s+)?" + _MONTH.format("mn") + r",?\s+" + _YEAR.format("y") + _EDGE_R,
    _EDGE_L + _MONTH.format("mn") + r",?\s+" + _YEAR.format("y") + _EDGE_R,
    _EDGE_L + _YEAR.format("y") + _EDGE_R,
)]


def _dates_stated(evidence: str) -> set[tuple[int, int | None, int | None]]:
    """(year, month, day) of every date expression in the evidence, month and day None where not given."""
    found = set()
    for pattern in DATE_EXPRESSIONS:
        for m in pattern.finditer(evidence):
            g = m.groupdict()
            month = int(g["m"]) if g.get("m") else (next(i for i, name in enumerate(MONTHS, 1) if name.startswith(g["mn"].lower()[:3])) if g.get("mn") else None)
            found.add((int(g["y"]), month, int(g["d"]) if g.get("d") else None))
    return found


def date_in_evidence(date: str, evidence: str) -> bool:
    """Does a date expression in the evidence state this date, to its precision?"""
    parts = [int(p) for p in date.split("-")]
    want = tuple(parts + [None] * (3 - len(parts)))
    return any(all(w is None or w == h for w, h in zip(want, have)) for have in _dates_stated(evidence))


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
            yield incident(file, line, "stated-evidence-mismatch", f"{key}.{value_key}", f"{value!r} is 'stated' but its evidence {ev!r} does not state it")


# --- entities, quotes, relations --------------------------------------------------------


def entity_id_rules(record: dict, file: str, line: int | None, registry=None) -> Iterator[Incident]:
    """Name-type mentions carry a registry id; value types (DATE ... CARDINAL) carry none, nor a Wikidata id."""
    for i, m in enumerate(listed(record.get("entities"))):
        if not isinstance(m, dict):
            continue
        label = m.get("label")
        if label in NAME_LABELS and m.get("entity_id") is None:
            yield incident(file, line, "entity-id-missing", f"entities[{i}].entity_id", f"a {label} mention needs a registry id")
        elif label in VALUE_LABELS:
            for key in ("entity_id", "wikidata_id"):
                if m.get(key) is not None:
                    yield incident(file, line, "value-entity-linked", f"entities[{i}].{key}", f"{label} is a value type and takes no registry or Wikidata id")


def quote_rules(record: dict, file: str, line: int | None, registry=None) -> Iterator[Incident]:
    """Quote ids are unique in the record, no quote is listed twice, addressee and its entity come together."""
    ids: dict[str, int] = {}
    contents: dict[tuple, int] = {}
    for i, q in enumerate(listed(record.get("quotes"))):
        if not isinstance(q, dict):
            continue
        qid = q.get("id")
        if isinstance(qid, str):
            if qid in ids:
                yield incident(file, line, "quote-id-duplicate", f"quotes[{i}].id", f"quote id {qid!r} is already used by quotes[{ids[qid]}]")
            else:
                ids[qid] = i
        spans = tuple((s.get("start"), s.get("end")) for s in listed(q.get("content")) if isinstance(s, dict))
        if spans:
            if spans in contents:
                yield incident(file, line, "quote-duplicate", f"quotes[{i}].content", f"the same content as quotes[{contents[spans]}]: one quote is listed twice")
            else:
                contents[spans] = i
        if (q.get("addressee") is None) != (q.get("addressee_entity_id") is None):
            yield incident(file, line, "addressee-incomplete", f"quotes[{i}].addressee", "addressee and its entity id go together")


def relation_rules(record: dict, file: str, line: int | None, registry=None) -> Iterator[Incident]:
    """A relation points to exactly one document or one entity."""
    for i, r in enumerate(listed(record.get("relations"))):
        if isinstance(r, dict) and (r.get("document") is None) == (r.get("entity_id") is None):
            yield incident(file, line, "relation-target-invalid", f"relations[{i}]", "a relation points to exactly one document or one entity")


def _spans(items: Iterable) -> list[tuple[int, int]]:
    return [(s["start"], s["end"]) for s in items if isinstance(s, dict) and _int(s.get("start")) and _int(s.get("end"))]


def quote_marks_rules(record: dict, file: str, line: int | None, registry=None) -> Iterator[Incident]:
    """Every passage in quotation marks is part of a quote's content or a listed non-quote."""
    text = record.get("text")
    if not isinstance(text, str):
        return
    covered = [sp for q in listed(record.get("quotes")) if isinstance(q, dict) for sp in _spans(listed(q.get("content")))]
    covered += _spans(listed(record.get("non_quotes")))
    for p in find_passages(text):
        if not any(a < p.end and p.start < b for a, b in covered):
            snippet = text[p.start : p.end]
            snippet = snippet if len(snippet) <= 60 else snippet[:57] + "..."
            yield incident(file, line, "quote-marks-unaccounted", f"text[{p.start}:{p.end}]", f"{snippet!r} is in quotation marks but is neither part of a quote nor a listed non-quote")


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
    for i, (s, p) in enumerate(zip(segs, want)):
        if (s["start"], s["end"]) != p:
            yield incident(file, line, "segment-invalid", f"source.segments[{i}]", f"segment {i} is text[{s['start']}:{s['end']}] but paragraph {i} of the text is text[{p[0]}:{p[1]}]")
            return
    if len(segs) != len(want):
        yield incident(file, line, "segment-invalid", "source.segments", f"{len(segs)} segments for the text's {len(want)} paragraphs")
        return
    prev_end = 0
    for i, s in enumerate(segs):
        if not prev_end <= s["raw_start"] < s["raw_end"]:
            yield incident(file, line, "segment-invalid", f"source.segments[{i}]", f"raw range {s['raw_start']}-{s['raw_end']} is empty, or overlaps or precedes the one before (ending at {prev_end})")
            return
        prev_end = s["raw_end"]


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
            yield incident(file, line, "raw-offset-mismatch", f"source.segments[{i}]", f"raw[{a}:{b}] less its removals is {para[:40]!r}..., not text[{s['start']}:{s['end']}]")


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
    "value-entity-linked", "quote-id-duplicate", "quote-duplicate", "addressee-incomplete", "relation-target-invalid",
    "quote-marks-unaccounted", "segment-invalid", "raw-offset-mismatch",
})
