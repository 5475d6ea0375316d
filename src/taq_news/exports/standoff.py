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
import json
import re
from pathlib import Path

from taq_news.core.anchors import Span
from taq_news.core.checks import incident
from taq_news.core.incidents import Incident
from taq_news.core.shapes import kind, surrogate_path
from taq_news.sources.cleaning import LIFTED_PARTS, OverlapError, clean
from taq_news.sources.html import ExtractorMissing, extractor, page_text, tag_rows
from taq_news.sources.page import is_raw_name, raw_stem
from taq_news.validation.strict import MAX_DEPTH, too_deep

STANDOFF_VERSION = "1"
SPAN_KEYS = ("cue", "speaker", "addressee")
ARTICLE_FIELDS = ("text", "title", "dateline", "byline", "highlights")


class RehydrateError(ValueError):
    """A raw file that does not give back the published record; the message says which and why."""

    def __init__(self, message: str, check: str = "rehydrate-mismatch", path: str = "", fix: str = "use the article exactly as it was scraped, with the taq-news release the standoff file came with"):
        super().__init__(message)
        self.check, self.path, self.fix = check, path, fix


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
    for tag in out["source"].get("tags", []):
        del tag["value"], tag["evidence"]
    for key in ("outlet", "published"):
        del out[key]["evidence"]
    return out


def rehydrate(standoff: dict, raw_bytes: bytes) -> dict:
    """The full record, from its standoff form and the raw article's bytes."""
    doc_id = standoff.get("id", "?")
    digest = hashlib.sha256(raw_bytes).hexdigest()
    if digest != standoff["source"]["sha256"]:
        raise RehydrateError(
            f"{doc_id}: the raw file's SHA-256 is {digest}, the release expects {standoff['source']['sha256']}; "
            "this is not the article the annotations were made on (another version, or re-encoded)",
            "raw-hash-mismatch", "source.sha256", "use the article exactly as it was scraped (not another version, not re-encoded)")
    try:
        raw = markup = raw_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RehydrateError(f"{doc_id}: byte {exc.start} of the raw file is not valid UTF-8", "utf8-invalid", "source.file", "raw files are UTF-8") from None
    made_by = standoff["source"].get("extractor")
    if made_by is not None:  # an HTML page: its page text is what the recorded extractor makes of it
        raw = _page_text(doc_id, markup, made_by)
    tags = tag_rows(markup) if made_by is not None else []
    if [{k: t[k] for k in ("field", "start", "end")} for t in tags] != [{k: t.get(k) for k in ("field", "start", "end")} for t in standoff["source"].get("tags", [])]:
        raise RehydrateError(f"{doc_id}: the page's tags are not the ones the release records", "rehydrate-mismatch", "source.tags")
    for i, r in enumerate(standoff["source"]["removed"]):
        if not r["raw_start"] < r["raw_end"] <= len(raw):
            raise RehydrateError(f"{doc_id}: removal {r['raw_start']}-{r['raw_end']} is not a stretch of the raw file (0-{len(raw)})", "span-out-of-range", f"source.removed[{i}]",
                                 "use the file 'taq-news export --format standoff' wrote, unedited")
    record = copy.deepcopy(standoff)
    del record["standoff_version"], record["text_sha256"]
    if "tags" in record["source"]:
        record["source"]["tags"] = tags
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
    try:
        doc = clean(raw, title=parts["title"], dateline=parts["dateline"], byline=parts["byline"], highlights=highlights, furniture=furniture)
    except OverlapError as exc:
        raise RehydrateError(f"{doc_id}: {exc}", "removal-overlap", "source.removed", "use the file 'taq-news export --format standoff' wrote, unedited") from None
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
        layer = markup if ev is not None and ev.get("layer") == "markup" else raw
        if ev is not None and not ev["start"] < ev["end"] <= len(layer):
            raise RehydrateError(f"{doc_id}: {key}.evidence_span {ev['start']}-{ev['end']} is not a stretch of the raw file (0-{len(layer)})", "span-out-of-range", f"{key}.evidence_span",
                                 "use the file 'taq-news export --format standoff' wrote, unedited")
        record[key]["evidence"] = layer[ev["start"] : ev["end"]] if ev is not None else None
    return {key: record[key] for key in _field_order(standoff, record)}


def _page_text(doc_id: str, markup: str, made_by: object) -> str:
    try:
        have = extractor()
        if made_by != have:
            raise RehydrateError(f"{doc_id}: the page text was made by {made_by}, and {have['name']} {have['version']} is installed, which may extract another text",
                                 "extractor-differs", "source.extractor", "pip install the extractor version the release names (source.extractor)")
        return page_text(markup)
    except ExtractorMissing as exc:
        raise RehydrateError(f"{doc_id}: {exc}", "extractor-missing", "source.extractor", "pip install trafilatura lxml_html_clean") from None


def _field_order(standoff: dict, record: dict) -> list[str]:
    """The published record's key order: the article fields stand where the schema puts them."""
    order = ["id", "schema_version", "language", "title", "dateline", "byline", "highlights", "text"]
    return order + [k for k in record if k not in order]


_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def _is_offset(value: object) -> bool:
    return type(value) is int and value >= 0


def _span_problem(span: object, keys: tuple[str, str] = ("start", "end")) -> str | None:
    if not isinstance(span, dict):
        return f"is {kind(span)}, not an object with {keys[0]} and {keys[1]}"
    for key in keys:
        if not _is_offset(span.get(key)):
            return f"{key} is {span.get(key)!r}, not an offset (a whole number >= 0)" if key in span else f"has no {key}"
    return None


def shape_problems(standoff: object) -> list[tuple[str, str]]:
    """(path, problem) for every field ``rehydrate`` reads that is missing or of the wrong kind."""
    if not isinstance(standoff, dict):
        return [("$", f"a standoff record is a JSON object, not {kind(standoff)}")]
    out: list[tuple[str, str]] = []

    def need(obj: dict, key: str, path: str, ok, what: str) -> bool:
        if key not in obj:
            out.append((path, f"{key} is missing"))
            return False
        if not ok(obj[key]):
            out.append((path, f"{key} is {kind(obj[key])}, not {what}"))
            return False
        return True

    if standoff.get("standoff_version") != STANDOFF_VERSION:
        out.append(("standoff_version", f"standoff_version is {standoff.get('standoff_version')!r}, this taq-news reads {STANDOFF_VERSION!r}"))
    need(standoff, "id", "id", lambda v: isinstance(v, str), "a string")
    need(standoff, "text_sha256", "text_sha256", lambda v: isinstance(v, str) and bool(_HEX64.match(v)), "a SHA-256 in hex")
    for key in ARTICLE_FIELDS:
        if key in standoff:
            out.append((key, f"{key} is article text, which a standoff record does not carry"))
    if need(standoff, "source", "source", lambda v: isinstance(v, dict), "an object"):
        src = standoff["source"]
        need(src, "file", "source.file", lambda v: isinstance(v, str), "a string")
        need(src, "sha256", "source.sha256", lambda v: isinstance(v, str) and bool(_HEX64.match(v)), "a SHA-256 in hex")
        need(src, "segments", "source.segments", lambda v: isinstance(v, list), "a list")
        if need(src, "removed", "source.removed", lambda v: isinstance(v, list), "a list"):
            for i, r in enumerate(src["removed"]):
                why = _span_problem(r, ("raw_start", "raw_end"))
                if why is None and not isinstance(r.get("reason"), str):
                    why = f"reason is {r.get('reason')!r}, not a string"
                if why:
                    out.append((f"source.removed[{i}]", why))
    for key in ("entities", "non_quotes"):
        if need(standoff, key, key, lambda v: isinstance(v, list), "a list"):
            out += [(f"{key}[{i}]", why) for i, s in enumerate(standoff[key]) if (why := _span_problem(s))]
    if need(standoff, "quotes", "quotes", lambda v: isinstance(v, list), "a list"):
        for i, q in enumerate(standoff["quotes"]):
            if not isinstance(q, dict):
                out.append((f"quotes[{i}]", f"is {kind(q)}, not an object"))
                continue
            if need(q, "content", f"quotes[{i}].content", lambda v: isinstance(v, list), "a list"):
                out += [(f"quotes[{i}].content[{j}]", why) for j, s in enumerate(q["content"]) if (why := _span_problem(s))]
            for key in SPAN_KEYS:
                if key not in q:
                    out.append((f"quotes[{i}].{key}", f"{key} is missing (null when there is none)"))
                elif q[key] is not None and (why := _span_problem(q[key])):
                    out.append((f"quotes[{i}].{key}", why))
    for key in ("outlet", "published"):
        if need(standoff, key, key, lambda v: isinstance(v, dict), "an object"):
            if "evidence_span" not in standoff[key]:
                out.append((f"{key}.evidence_span", "evidence_span is missing (null when there is none)"))
            elif standoff[key]["evidence_span"] is not None and (why := _span_problem(standoff[key]["evidence_span"])):
                out.append((f"{key}.evidence_span", why))
    return out


def raw_name(standoff: dict, id_pattern: str | None) -> str | None:
    """The raw file name ``source.file`` names, if it is a plain '<document id>.txt' or '.html' (no folders, no '..')."""
    file = standoff["source"]["file"]
    name = file.replace("\\", "/").rsplit("/", 1)[-1]
    if file not in (name, f"dataset/raw/{name}") or not is_raw_name(name):
        return None
    stem = raw_stem(name)
    if id_pattern and not re.fullmatch(id_pattern, stem):
        return None
    return name


def rehydrate_file(data: bytes, display: str, raw_dir: Path, id_pattern: str | None) -> tuple[list[tuple[int, dict]], list[Incident]]:
    """Rebuild every record of a standoff JSONL file: (line, record) pairs, and the incidents of the lines that failed."""
    records: list[tuple[int, dict]] = []
    problems: list[Incident] = []

    def bad(line: int, check: str, path: str, message: str, fix: str) -> None:
        problems.append(incident(check, display, line, path, message, fix))

    for n, line in enumerate(data.split(b"\n"), 1):
        if not line.strip():
            continue
        if too_deep(line):  # before the decoder, which recurses
            bad(n, "nesting-too-deep", "", f"arrays and objects nest more than {MAX_DEPTH} deep", "use the file 'taq-news export --format standoff' wrote")
            continue
        try:
            standoff = json.loads(line.decode("utf-8"))
        except UnicodeDecodeError as exc:
            bad(n, "utf8-invalid", "", f"byte {exc.start} of the line is not valid UTF-8", "use the file 'taq-news export --format standoff' wrote")
            continue
        except ValueError as exc:
            bad(n, "json-syntax", "", f"not JSON: {exc}", "use the file 'taq-news export --format standoff' wrote")
            continue
        where = surrogate_path(standoff)
        if where is not None:
            bad(n, "unicode-invalid", where, "a string holds a lone surrogate (an unpaired \\ud800-\\udfff escape), which is no text",
                "use the file 'taq-news export --format standoff' wrote")
            continue
        shape = shape_problems(standoff)
        for path, why in shape:
            bad(n, "standoff-shape", path, why, "use a file written by 'taq-news export --format standoff', unedited")
        if shape:
            continue
        name = raw_name(standoff, id_pattern)
        if name is None:
            bad(n, "raw-name-invalid", "source.file", f"{standoff['source']['file']!r} does not name a raw file 'dataset/raw/<document id>.txt'",
                "use the file 'taq-news export --format standoff' wrote; raw files are named by document id")
            continue
        raw = raw_dir / name
        if not raw.is_file():
            bad(n, "raw-missing", "source.file", f"no {name} in {raw_dir} for {standoff['id']}", "put your copy of the article there under that name")
            continue
        try:
            records.append((n, rehydrate(standoff, raw.read_bytes())))
        except RehydrateError as exc:
            bad(n, exc.check, exc.path, str(exc), exc.fix)
        except OSError as exc:
            bad(n, "file-unreadable", "source.file", f"{raw}: {exc.strerror or exc}", "check the file")
    return records, problems
