"""One curated annotation file + its raw article + the registry -> one record.

Pure with respect to its inputs (no file access), so it can be tested on one
document and run in parallel. Every problem is collected with its file and
line; nothing is dropped silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from taq_news.annotations.registry import ONTONOTES_LABELS, Entity
from taq_news.annotations.yamlio import line_of, plain
from taq_news.core.anchors import AnchorError, Span, resolve
from taq_news.core.checks import incident
from taq_news.core.incidents import Incident, IncidentError
from taq_news.core.schema import document_enum
from taq_news.core.shapes import WORDS, kind
from taq_news.core.version import SCHEMA_VERSION
from taq_news.sources.cleaning import LIFTED_PARTS, CleanDocument, OverlapError, clean
from taq_news.sources.html import tag_rows
from taq_news.validation.record_checks import reference_incidents, span_incidents
from taq_news.validation.record_rules import RULES, precision_of, record_incidents

# Vocabularies from the JSON Schema, their one source.
QUOTE_TYPES = document_enum("quote", "type")
BASES = document_enum("basis")
REMOVE_REASONS = tuple(r for r in document_enum("removal", "reason") if r not in LIFTED_PARTS)  # page parts are lifted, not removed
NON_QUOTE_REASONS = document_enum("non_quote", "reason")
RELATION_TYPES = document_enum("relation", "type")
METHODS = document_enum("annotation", "method")
TOP_KEYS = {"document", "guidelines", "annotation", "source", "metadata", "entities", "quotes", "non_quotes", "relations"}
QUOTE_KEYS = {"id", "type", "content", "cue", "speaker", "speaker_entity", "addressee", "addressee_entity", "via", "cluster", "note", "origin"}
# Which parts are mappings and which lists (null stands for an empty one).
SHAPES: dict[str, type] = {
    "source": dict, "metadata": dict, "annotation": dict,
    "entities": list, "quotes": list, "non_quotes": list, "relations": list,
    "source.highlights": list, "source.remove": list, "annotation.annotators": list,
}


# Record fields named otherwise in the annotation file.
YAML_KEYS = {"entity_id": "entity", "wikidata_id": "entity", "addressee_entity_id": "addressee_entity", "speaker_entity_id": "speaker_entity",
             "evidence_span": "evidence", "precision": "date", "cluster_id": "cluster"}
RECORD_PATH = re.compile(r"^(\w+)(\[\d+\])?(\.\w+)?")


@dataclass
class Context:
    file: str
    problems: list[Incident] = field(default_factory=list)
    # Where the parts of the assembled record come from: record path -> (YAML line, YAML path).
    where: dict[str, tuple[int | None, str]] = field(default_factory=dict)
    # Record paths whose annotation already has an incident (an anchor that did not resolve, ...):
    # the record rules' findings there would only repeat it.
    failed: set[str] = field(default_factory=set)
    _rehomed: set[tuple] = field(default_factory=set)

    def add(self, line: int | None, check: str, path: str, message: str, fix: str | None = None) -> None:
        # Level (and fix, unless a more precise one is given) from the check registry: one id, one level.
        self.problems.append(incident(check, self.file, line, path, message, fix))

    def rehome(self, inc: Incident) -> None:
        """A record rule's incident, moved to the annotation line and path the record part came from."""
        if any(inc.path == f or inc.path.startswith((f + ".", f + "[")) for f in self.failed):
            return
        m = RECORD_PATH.match(inc.path)
        line, path = None, inc.path
        if m:
            head, idx, fld = m.group(1), m.group(2) or "", m.group(3) or ""
            for key in (head + idx + fld, head + idx, head):
                if key in self.where:
                    line, base = self.where[key]
                    rest = inc.path[len(key):]
                    if key == head + idx and fld:
                        rest = "." + YAML_KEYS.get(fld[1:], fld[1:]) + rest[len(fld):]
                    path = base + rest
                    break
        new = replace(inc, file=self.file, line=line, path=path)
        key = (new.line, new.check, new.path, new.message)
        if key not in self._rehomed:  # one annotation item can make several record items (occurrence: all)
            self._rehomed.add(key)
            self.problems.append(new)


def _span(s: Span) -> dict:
    return {"start": s.start, "end": s.end, "text": s.text}


def _anchor(ctx: Context, text: str, node: Any, parent: Any, key: Any, path: str, many: bool = False) -> list[Span]:
    line = line_of(parent, key)
    try:
        return resolve(text, plain(node), allow_many=many)
    except AnchorError as exc:
        ctx.add(line, exc.check, path, exc.message, exc.fix)
        return []


def _one(ctx: Context, text: str, parent: Any, key: Any, path: str) -> Span | None:
    node = parent.get(key) if isinstance(parent, dict) else parent[key]
    if node is None:
        return None
    spans = _anchor(ctx, text, node, parent, key, path)
    return spans[0] if spans else None


def _metadata_value(ctx: Context, raw: str, markup: str | None, node: Any, key: str, registry: dict[str, Entity], metadata_line: int | None = None) -> dict:
    meta = node.get(key) if isinstance(node, dict) else None
    path = f"metadata.{key}"
    if not isinstance(meta, dict):
        where = line_of(node, key) if isinstance(node, dict) and key in node else metadata_line
        ctx.add(where, "metadata-missing", path, f"{key} is missing", f"add metadata.{key} with basis: unknown if nothing is known")
        ctx.failed.add(key)
        return {}
    allowed = {"name", "entity", "basis", "evidence", "note"} if key == "outlet" else {"date", "basis", "evidence", "note"}
    for extra in sorted(set(meta) - allowed):
        ctx.add(line_of(meta, extra), "key-unknown", f"{path}.{extra}", f"unknown key {extra!r}", f"use only {sorted(allowed)}")
    basis = meta.get("basis")
    if basis not in BASES:
        ctx.add(line_of(meta, "basis"), "basis-invalid", f"{path}.basis", f"basis {basis!r} is not one of {list(BASES)}", "say where the value came from")
    evidence_span, layer = None, "page"
    if meta.get("evidence") is not None:
        evidence_span, layer = _evidence(ctx, raw, markup, meta, f"{path}.evidence")
    note = meta.get("note")
    value_key = "name" if key == "outlet" else "date"
    value = meta.get(value_key)
    if meta.get("evidence") is not None and evidence_span is None:
        ctx.failed.add(f"{key}.evidence")  # the anchor's incident says why
    # basis, evidence, note and value policy: record_rules, run on the assembled record
    fallback = line_of(meta, "basis") if "basis" in meta else metadata_line
    record_fields = {"name": "name", "entity_id": "entity", "wikidata_id": "entity", "basis": "basis", "evidence": "evidence",
                     "evidence_span": "evidence", "note": "note", "date": "date", "precision": "date"}
    for fld, yaml_key in record_fields.items():  # record field -> the annotation key it comes from
        ctx.where[f"{key}.{fld}"] = (line_of(meta, yaml_key) if yaml_key in meta else fallback, f"{path}.{yaml_key}")
    ctx.where[key] = (fallback, path)
    out: dict[str, Any] = {}
    if key == "outlet":
        eid = meta.get("entity")
        ent = _entity_ref(registry, meta, "entity")  # an unknown id stays in the record: entity-unknown
        out = {"name": value, "entity_id": eid, "wikidata_id": ent.wikidata if ent else None}
    else:
        date = None if value is None else str(value)  # date-invalid is a record rule
        out = {"date": date, "precision": precision_of(date)}
    out.update({
        "basis": basis,
        "evidence": evidence_span.text if evidence_span else None,
        "evidence_span": {"start": evidence_span.start, "end": evidence_span.end, "layer": layer} if evidence_span else None,
        "note": str(note) if note is not None else None,
    })
    return out


def _evidence(ctx: Context, raw: str, markup: str | None, meta: dict, path: str) -> tuple[Span | None, str]:
    """The evidence anchor, in the page text, or with ``in: markup`` in the HTML page's markup."""
    node = meta.get("evidence")
    if not (isinstance(node, dict) and "in" in node):
        return _one(ctx, raw, meta, "evidence", path), "page"
    layer = node.get("in")
    if layer not in ("page", "markup"):
        ctx.add(line_of(meta, "evidence"), "anchor-invalid", f"{path}.in", f"in: {layer!r} is neither page nor markup", "write in: markup for words in the HTML tags, or leave it out")
        return None, "page"
    if layer == "markup" and markup is None:
        ctx.add(line_of(meta, "evidence"), "anchor-invalid", f"{path}.in", "in: markup, but this raw file is not an HTML page", "leave in: out and quote the page text")
        return None, "page"
    target = markup if layer == "markup" and markup is not None else raw
    spans = _anchor(ctx, target, {k: v for k, v in node.items() if k != "in"}, meta, "evidence", path)
    return (spans[0] if spans else None), layer


def _check_shapes(ctx: Context, ann: dict) -> None:
    """Every part in SHAPES, and each quote's via, is the kind of node it must be (or absent or null)."""
    def check(parent: Any, key: Any, path: str, want: type) -> None:
        value = parent.get(key) if isinstance(parent, dict) else None
        if value is not None and not isinstance(value, want):
            expected = WORDS["yaml"][want.__name__]
            ctx.add(line_of(parent, key), "annotation-shape", path, f"{path} must be {expected}, not {kind(value, 'yaml')}", f"write {path} as {expected} (see docs/annotation-format.md)")

    for path, want in SHAPES.items():
        head, _, tail = path.partition(".")
        parent = ann if not tail else ann.get(head)
        check(parent, tail or head, path, want)
    quotes = ann.get("quotes")
    for i, q in enumerate(quotes if isinstance(quotes, list) else []):
        check(q, "via", f"quotes[{i}].via", list)


def _entity_ref(registry: dict[str, Entity], parent: Any, key: str) -> Entity | None:
    """The registry entry an id names, or None. An id the registry lacks stays in the record,
    where record_checks.reference_incidents reports it (entity-unknown): one place for the check."""
    eid = parent.get(key)
    return registry.get(str(eid)) if eid is not None else None


def assemble(
    doc_id: str,
    raw: str,
    sha256: str,
    raw_file: str,
    ann: Any,
    ann_file: str,
    registry: dict[str, Entity],
    complete: bool = True,
    given: dict | None = None,
    markup: str | None = None,
    extractor: dict | None = None,
) -> dict:
    """Build the record for one document, or raise IncidentError with every problem found.
    ``raw`` is the page text; for an HTML page, ``markup`` is the HTML and ``extractor`` what made
    the page text of it (metadata evidence may then point into the markup)."""
    ctx = Context(ann_file)
    _check_top_level(ctx, doc_id, ann)
    doc = _clean_page(ctx, raw, ann.get("source") or {})
    text = doc.text
    outlet, published = _metadata(ctx, raw, markup, ann, registry)
    body = resolve_body(ctx, doc_id, text, ann, registry)
    # Unaccounted quotation marks (quote-marks-unaccounted) are reported on the quotes: list.
    ctx.where["text"] = (line_of(ann, "quotes") if "quotes" in ann else 1, "text")
    ctx.where["source"] = (line_of(ann, "source") if "source" in ann else 1, "source")
    annotation = _annotation(ctx, ann)

    record = {
        "id": doc_id,
        "schema_version": SCHEMA_VERSION,
        "language": "en",
        "title": doc.title,
        "dateline": doc.dateline,
        "byline": doc.byline,
        "highlights": doc.highlights,
        "text": text,
        "outlet": outlet,
        "published": published,
        "source": {
            "file": raw_file,
            "sha256": sha256,
            "removed": [{"raw_start": r.raw_start, "raw_end": r.raw_end, "text": r.text, "reason": r.reason} for r in doc.removed],
            "segments": [{"raw_start": s.raw_start, "raw_end": s.raw_end, "start": s.start, "end": s.end} for s in doc.segments],
            "given": given,
            "extractor": extractor,
            "tags": tag_rows(markup),
        },
        **body,
        "annotation": annotation,
    }
    # The rules on the record's content are the validator's own (record_rules, and the span
    # checks of record_checks): one place for each.
    checks = [*span_incidents(record, ann_file), *reference_incidents(record, ann_file, None, registry)]
    for inc in [*checks, *record_incidents(record, ann_file, None, registry, raw=raw, skip=() if complete else ("quote-marks",))]:
        ctx.rehome(inc)
    if ctx.problems:
        raise IncidentError(ctx.problems)
    return record


def _check_top_level(ctx: Context, doc_id: str, ann: Any) -> None:
    """The file is a mapping of known parts of the right shapes, for this document; IncidentError where the rest cannot be read."""
    if not isinstance(ann, dict):
        raise IncidentError([incident("annotation-shape", ctx.file, 1, "", "an annotation file must be a YAML mapping", "start from docs/annotation-format.md")])
    _check_shapes(ctx, ann)
    if ctx.problems:
        raise IncidentError(ctx.problems)  # the checks below walk these parts
    for key in sorted(set(ann) - TOP_KEYS):
        ctx.add(line_of(ann, key), "key-unknown", key, f"unknown top-level key {key!r}", f"use only {sorted(TOP_KEYS)}")
    if ann.get("document") != doc_id:
        ctx.add(line_of(ann, "document"), "document-id-mismatch", "document", f"document is {ann.get('document')!r} but the file is for {doc_id!r}", f"set document: {doc_id}")


def _clean_page(ctx: Context, raw: str, src: dict) -> CleanDocument:
    """The body text: the page parts lifted and the furniture removed, each anchored in the raw text."""
    parts: dict[str, Span | None] = {part: _one(ctx, raw, src, part, f"source.{part}") for part in ("title", "dateline", "byline")}
    highlights: list[Span] = []
    for i, _ in enumerate(src.get("highlights") or []):
        s = _one(ctx, raw, src["highlights"], i, f"source.highlights[{i}]")
        if s:
            highlights.append(s)
    # the annotation line of each stretch taken out of the raw text, to place a removal-overlap
    removal_lines: dict[tuple[int, int], int | None] = {}
    for part, span in parts.items():
        if span is not None:
            removal_lines[(span.start, span.end)] = line_of(src, part)
    furniture: list[tuple[Span, str]] = []
    for i, item in enumerate(src.get("remove") or []):
        path = f"source.remove[{i}]"
        if not isinstance(item, dict) or item.get("reason") not in REMOVE_REASONS:
            ctx.add(line_of(src["remove"], i), "remove-reason-invalid", path, f"reason {item.get('reason') if isinstance(item, dict) else None!r} is not known", f"use one of {list(REMOVE_REASONS)}")
            continue
        selector = {k: v for k, v in plain(item).items() if k != "reason"}
        spans = _anchor(ctx, raw, selector, src["remove"], i, path)
        furniture += [(s, item["reason"]) for s in spans]
        for s in spans:
            removal_lines[(s.start, s.end)] = line_of(src["remove"], i)
    if ctx.problems:
        raise IncidentError(ctx.problems)  # the body text depends on these
    try:
        return clean(raw, title=parts["title"], dateline=parts["dateline"], byline=parts["byline"], highlights=highlights, furniture=furniture)
    except OverlapError as exc:
        line = removal_lines.get((exc.second.raw_start, exc.second.raw_end), line_of(src, "remove"))
        raise IncidentError([incident("removal-overlap", ctx.file, line, "source.remove", str(exc), "remove each stretch of the raw text once")]) from exc


def _metadata(ctx: Context, raw: str, markup: str | None, ann: dict, registry: dict[str, Entity]) -> tuple[dict, dict]:
    """The record's outlet and published date."""
    meta = ann.get("metadata") or {}
    meta_line = line_of(ann, "metadata") if "metadata" in ann else 1
    outlet = _metadata_value(ctx, raw, markup, meta, "outlet", registry, meta_line)
    published = _metadata_value(ctx, raw, markup, meta, "published", registry, meta_line)
    for extra in sorted(set(meta) - {"outlet", "published"}) if isinstance(meta, dict) else []:
        ctx.add(line_of(meta, extra), "key-unknown", f"metadata.{extra}", f"unknown key {extra!r}", "use only outlet and published")
    return outlet, published


def _annotation(ctx: Context, ann: dict) -> dict:
    """The record's annotation block: guidelines, method, annotators and the file."""
    annotation = ann.get("annotation") or {}
    method = annotation.get("method")
    if method not in METHODS:
        ctx.add(line_of(ann, "annotation"), "method-invalid", "annotation.method", f"method {method!r} is not known", f"use one of {list(METHODS)}")
    return {
        "guidelines": str(ann.get("guidelines")),
        "method": method,
        "annotators": [str(a) for a in annotation.get("annotators") or []],
        "file": ctx.file,
    }


BODY_RULES = ("entity-id", "quotes", "relations")


def check_body(ctx: Context, text: str, body: dict, registry: dict[str, Entity]) -> None:
    """The record rules on a body alone (entities, quotes, relations: an annotation pass), into ctx."""
    partial = {"text": text, **body}
    skip = [name for name in RULES if name not in BODY_RULES]
    for inc in [*span_incidents(partial, ctx.file), *reference_incidents(partial, ctx.file, None, registry), *record_incidents(partial, ctx.file, None, registry, skip=skip)]:
        ctx.rehome(inc)


def resolve_body(ctx: Context, doc_id: str, text: str, ann: Any, registry: dict[str, Entity]) -> dict:
    """Entities, quotes, non-quotes and relations of one annotation file, anchored in the clean text."""
    entities = _entities(ctx, doc_id, text, ann, registry)  # in the file's order, so its incidents are too
    quotes = _quotes(ctx, doc_id, text, ann, registry)
    non_quotes = _non_quotes(ctx, text, ann)
    relations = _relations(ctx, ann)
    return {"entities": entities, "quotes": quotes, "non_quotes": non_quotes, "relations": relations}


def _entities(ctx: Context, doc_id: str, text: str, ann: Any, registry: dict[str, Entity]) -> list[dict]:
    """Entity mentions, anchored in the clean text, in text order and numbered in it."""
    mentions: list[dict] = []
    for i, item in enumerate(ann.get("entities") or []):
        path = f"entities[{i}]"
        line = line_of(ann["entities"], i)
        if not isinstance(item, dict):
            ctx.add(line, "entity-shape", path, "an entity item must be a mapping", "write {exact: ..., label: ..., entity: ...}")
            continue
        label = item.get("label")
        if label not in ONTONOTES_LABELS:
            ctx.add(line, "label-invalid", f"{path}.label", f"label {label!r} is not an OntoNotes type", f"use one of {list(ONTONOTES_LABELS)}")
            continue
        # Which labels take a registry id is a record rule (entity-id-missing, value-entity-linked):
        # an id that does not resolve stays in the record, so that rule does not fire on it too.
        eid = item.get("entity")
        ent = _entity_ref(registry, item, "entity")
        selector = {k: v for k, v in plain(item).items() if k not in ("label", "entity", "origin")}
        for s in _anchor(ctx, text, selector, ann["entities"], i, path, many=True):
            mentions.append({
                "start": s.start, "end": s.end, "text": s.text, "label": label,
                "entity_id": ent.id if ent else eid,
                "wikidata_id": ent.wikidata if ent else None,
                "origin": item.get("origin", "curated"),
                "_line": line,
                "_path": path,
            })
    mentions.sort(key=lambda m: (m["start"], m["end"]))  # overlaps: entity-overlap, record_checks.span_incidents
    entities = []
    for n, m in enumerate(mentions, 1):
        ctx.where[f"entities[{n - 1}]"] = (m.pop("_line"), m.pop("_path"))
        entities.append({"id": f"{doc_id}-e{n:03d}", **m})
    return entities


def _quotes(ctx: Context, doc_id: str, text: str, ann: Any, registry: dict[str, Entity]) -> list[dict]:
    """The quotes in text order, each record path mapped back to the annotation line it came from."""
    quotes: list[dict] = []
    for i, q in enumerate(ann.get("quotes") or []):
        path = f"quotes[{i}]"
        line = line_of(ann["quotes"], i)
        if not isinstance(q, dict):
            ctx.add(line, "quote-shape", path, "a quote must be a mapping", "see docs/annotation-format.md")
            continue
        quotes.append(_quote(ctx, doc_id, text, q, i, line, registry))
    quotes.sort(key=lambda r: (r["content"][0]["start"] if r["content"] else -1, r["id"]))
    for k, r in enumerate(quotes):
        line, path, failed, fields = r.pop("_where")
        ctx.where[f"quotes[{k}]"] = (line, path)
        ctx.where.update({f"quotes[{k}].{f}": where for f, where in fields.items()})
        ctx.failed.update(f"quotes[{k}]{f}" for f in failed)
    return quotes


def _quote(ctx: Context, doc_id: str, text: str, q: dict, i: int, line: int | None, registry: dict[str, Entity]) -> dict:
    """One quote item as a record quote; under ``_where``, where its parts came from and which of them failed to anchor."""
    path = f"quotes[{i}]"
    for key in sorted(set(q) - QUOTE_KEYS):
        ctx.add(line_of(q, key), "key-unknown", f"{path}.{key}", f"unknown quote key {key!r}", f"use only {sorted(QUOTE_KEYS)}")
    qid = q.get("id")
    if not isinstance(qid, str) or not re.fullmatch(r"q[0-9]+", qid):
        ctx.add(line, "quote-id-invalid", f"{path}.id", f"quote id {qid!r} is not like q01", "number quotes q01, q02, ...")
        qid = f"q{i + 1:02d}"
    # two quotes with one id: quote-id-duplicate, a record rule
    qtype = q.get("type")
    if qtype not in QUOTE_TYPES:
        ctx.add(line_of(q, "type"), "quote-type-invalid", f"{path}.type", f"type {qtype!r} is not one of {list(QUOTE_TYPES)}", "use direct, mixed or indirect")
    content, failed = _quote_content(ctx, text, q, line, path)
    cue = _one(ctx, text, q, "cue", f"{path}.cue")
    speaker = _one(ctx, text, q, "speaker", f"{path}.speaker")
    addressee = _one(ctx, text, q, "addressee", f"{path}.addressee")
    if q.get("addressee") is not None and addressee is None:
        failed.append(".addressee")
    # speaker-unresolved, speaker-kind-invalid, addressee-incomplete are record rules, and
    # entity-unknown a record check: ids the registry lacks stay in the record for them.
    spk = _entity_ref(registry, q, "speaker_entity")
    addr = _entity_ref(registry, q, "addressee_entity")
    fields = {f: (line_of(q, key) if key in q else line, f"{path}.{key}")
              for f, key in (("speaker_entity_id", "speaker_entity"), ("speaker_name", "speaker_entity"), ("speaker_kind", "speaker_entity"),
                             ("addressee_entity_id", "addressee_entity"), ("via", "via"), ("cluster_id", "cluster"))}
    cluster = q.get("cluster")
    if cluster is not None and not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", str(cluster)):
        ctx.add(line_of(q, "cluster"), "cluster-id-invalid", f"{path}.cluster", f"cluster {cluster!r} is not a lower-case slug", "use e.g. stanikzai-very-active")
    return {
        "id": f"{doc_id}-{qid}",
        "type": qtype,
        "content": [_span(s) for s in content],
        "cue": _span(cue) if cue else None,
        "speaker": _span(speaker) if speaker else None,
        "speaker_entity_id": spk.id if spk else (None if q.get("speaker_entity") is None else str(q["speaker_entity"])),
        "speaker_name": spk.name if spk else None,
        "speaker_kind": spk.kind if spk else None,
        "addressee": _span(addressee) if addressee else None,
        "addressee_entity_id": addr.id if addr else q.get("addressee_entity"),
        "via": [str(v) for v in q.get("via") or []],
        "cluster_id": str(cluster) if cluster is not None else None,
        "note": str(q["note"]) if q.get("note") is not None else None,
        "origin": q.get("origin", "curated"),
        "_where": (line, path, failed, fields),
    }


def _quote_content(ctx: Context, text: str, q: dict, line: int | None, path: str) -> tuple[list[Span], list[str]]:
    """A quote's content spans, and ``[".content"]`` for each one that did not anchor."""
    content_nodes = q.get("content")
    if not isinstance(content_nodes, list) or not content_nodes:
        ctx.add(line, "quote-content-missing", f"{path}.content", "a quote needs at least one content span", "quote the reported words under content:")
        content_nodes = []
    content: list[Span] = []
    failed: list[str] = []
    for j, node in enumerate(content_nodes):
        s = _one(ctx, text, content_nodes, j, f"{path}.content[{j}]")
        if s:
            content.append(s)
        elif node is not None:
            failed.append(".content")
    return content, failed


def _non_quotes(ctx: Context, text: str, ann: Any) -> list[dict]:
    """Quoted passages that are not quotes, with their reason, in text order."""
    non_quotes = []
    for i, item in enumerate(ann.get("non_quotes") or []):
        path = f"non_quotes[{i}]"
        if not isinstance(item, dict) or item.get("reason") not in NON_QUOTE_REASONS:
            ctx.add(line_of(ann["non_quotes"], i), "non-quote-reason-invalid", path, "a non-quote needs a known reason", f"use one of {list(NON_QUOTE_REASONS)}")
            continue
        selector = {k: v for k, v in plain(item).items() if k != "reason"}
        for s in _anchor(ctx, text, selector, ann["non_quotes"], i, path):
            non_quotes.append({**_span(s), "reason": item["reason"]})
    non_quotes.sort(key=lambda r: (r["start"], r["end"]))
    return non_quotes


def _relations(ctx: Context, ann: Any) -> list[dict]:
    """The article's relations to other documents and entities."""
    relations: list[dict] = []
    for i, item in enumerate(ann.get("relations") or []):
        path = f"relations[{i}]"
        line = line_of(ann["relations"], i)
        if not isinstance(item, dict) or item.get("type") not in RELATION_TYPES:
            ctx.add(line, "relation-type-invalid", path, "a relation needs type rewrites or cites", f"use one of {list(RELATION_TYPES)}")
            continue
        target_doc, target_ent = item.get("document"), item.get("entity")  # exactly one of them: relation-target-invalid, a record rule
        ctx.where[f"relations[{len(relations)}]"] = (line, path)
        relations.append({"type": item["type"], "document": target_doc, "entity_id": target_ent})
    return relations
