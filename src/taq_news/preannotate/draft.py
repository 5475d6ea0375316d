"""Put the pre-annotation steps together and write a draft in the curated YAML format.

``preannotate`` is a pure function of (document id, raw text, registry, spaCy
pipeline). ``draft_yaml`` turns its result into an annotation file that the
build accepts as it is: every span becomes a quote anchor (checked to resolve
back to the same offsets), every item says ``origin: machine``, and the file
says ``method: machine``. Speakers not in the registry come back as proposed
registry entries.
"""

from __future__ import annotations

import json
import re
from collections import ChainMap
from dataclasses import dataclass, field
from json.encoder import encode_basestring

from spacy.language import Language
from spacy.tokens import Doc

from taq_news.annotations.registry import Entity, outlet_entity
from taq_news.core.anchors import Span, occurrences
from taq_news.core.quote_marks import Passage
from taq_news.preannotate.entities import Mention, candidates, mentions
from taq_news.preannotate.furniture import PageParts, find_parts
from taq_news.preannotate.linking import link_names
from taq_news.preannotate.metadata import MAX_OUTLET_NAME, Finding, page_findings
from taq_news.preannotate.quotes import QuoteDraft, find_quotes
from taq_news.preannotate.speakers import Resolved, SpeakerResolver, named_mentions, proposed_entity
from taq_news.sources.cleaning import clean

GUIDELINES = "1.0"


@dataclass
class Draft:
    doc_id: str
    raw: str
    text: str
    parts: PageParts
    outlet: Finding
    published: Finding
    entities: list[Mention]
    quotes: list[QuoteDraft]
    non_quotes: list[tuple[int, int]]
    proposed: list[Entity]
    candidates: list[str]
    skipped: list[str] = field(default_factory=list)
    markup: str | None = None  # the HTML, for a page read through an extractor


def annotate_text(doc_id: str, text: str, registry: dict[str, Entity], nlp: Language, page_outlet: Entity | None = None,
                  qualify: bool = False) -> tuple[list[Mention], list[QuoteDraft], list[Passage], list[Entity], Doc]:
    """Entities, quotes with resolved speakers, unclaimed quoted passages and proposed registry entries for a clean text
    (``page_outlet`` and ``qualify``: see SpeakerResolver)."""
    doc = nlp(text)
    doc.user_data["taq:text"] = text  # what doc.text would join again from every token (core.tokens.text_of)
    found = mentions(doc)
    quotes, leftovers = find_quotes(doc)
    resolver = SpeakerResolver(registry, doc_id, page_outlet, qualify)
    resolver.resolve_all(text, quotes, found)
    named = [*resolver.proposed.values(), *([Resolved(page_outlet.id, page_outlet.name, page_outlet.kind, page_outlet.label)] if page_outlet else [])]
    found = named_mentions(text, named, found)
    proposed = [proposed_entity(r, doc_id) for r in resolver.proposed.values()]
    # A view of the registry, not a copy of it per article (a batch's registry grows with its proposals).
    known = ChainMap({e.id: e for e in proposed}, {page_outlet.id: page_outlet} if page_outlet else {}, registry)
    found, linked = link_names(found, known, doc_id, qualify)
    return found, quotes, leftovers, proposed + linked, doc


def preannotate(doc_id: str, raw: str, registry: dict[str, Entity], nlp: Language, with_candidates: bool = True, markup: str | None = None,
                qualify: bool = False) -> Draft:
    """The draft of one article. ``raw`` is its page text; ``markup`` the HTML it was extracted
    from, for an HTML page, whose tags may state the outlet and the date. ``with_candidates=False``
    skips the capitalized-word list, which only the draft file's header comment shows
    (taq-news annotate writes no draft file). ``qualify``: proposed entries get ids unique to what
    they propose (``qualified_id``), for articles annotated apart whose proposals are merged."""
    parts = find_parts(raw)
    cleaned = clean(raw, title=parts.title, dateline=parts.dateline, byline=parts.byline, highlights=parts.highlights or [], furniture=parts.furniture or [])
    text = cleaned.text
    # The outlet the page names is proposed first, so that "told Northgate Radio" in the body
    # resolves to it rather than to a second proposal of the same id as a plain organization.
    outlet, published, new_outlet = page_findings(raw, markup, registry, doc_id, qualify, parts.byline.text if parts.byline else None)
    found, quotes, leftovers, proposed, doc = annotate_text(doc_id, text, registry, nlp, new_outlet, qualify)
    if new_outlet is not None:
        proposed.append(new_outlet)
    return Draft(doc_id, raw, text, parts, outlet, published, found, quotes,
                 [(p.start, p.end) for p in leftovers], proposed, sorted({c for _, _, c in candidates(doc)}) if with_candidates else [], markup=markup)


def anchor(text: str, start: int, end: int) -> str | dict | None:
    """The shortest anchor that resolves to exactly text[start:end], or None."""
    exact = text[start:end]
    if not exact or exact != exact.strip():
        return None
    where = occurrences(text, exact)
    n = where.get(start)
    if n is None:
        return None
    # What anchors.resolve gives for this node by construction (the same matches, the n-th start,
    # the exact text's length), so it is not resolved again here; assembly checks every span.
    return exact if len(where) == 1 else {"exact": exact, "occurrence": n}


def _evidence_anchor(raw: str, markup: str | None, f: Finding) -> str | dict | None:
    """A finding's evidence as an anchor: in the page text, or ``in: markup`` for an HTML page's tags."""
    if f.basis != "stated" or f.start is None or f.end is None:
        return None
    if f.layer != "markup":
        return anchor(raw, f.start, f.end)
    found = anchor(markup, f.start, f.end) if markup is not None else None
    if found is None:
        return None
    return {**({"exact": found} if isinstance(found, str) else found), "in": "markup"}


def metadata_values(raw: str, markup: str | None, outlet: Finding, published: Finding, known: dict[str, Entity]) -> dict:
    """The draft's outlet and published date, as the annotation file gives them: a finding is
    stated only with an anchor to its evidence and, for an outlet, an entry of ``known`` (the
    registry and this article's proposals) that bears its name. The evaluation scores these."""
    out = {}
    for key, f in (("outlet", outlet), ("published", published)):
        evidence = _evidence_anchor(raw, markup, f)
        stated = f.basis == "stated" and evidence is not None
        entity = outlet_entity(known, f.value) if key == "outlet" and stated else None
        note = f"machine: {f.note}" if f.note else None
        if key == "outlet" and stated and entity is None:
            name = f.value if len(f.value or "") <= MAX_OUTLET_NAME else f"{(f.value or '')[:MAX_OUTLET_NAME - 3]}..."
            stated, note = False, f"machine: {f.note} {name} is not an outlet in the registry; add it and set basis: stated."
        value = {"name": f.value if stated else None, "entity": entity} if key == "outlet" else {"date": f.value if stated else None}
        out[key] = {**value, "basis": "stated" if stated else "unknown", "evidence": evidence if stated else None, "note": note}
    return out


def draft_document(draft: Draft, registry: dict[str, Entity]) -> dict:
    raw = draft.raw
    source: dict = {}
    for part in ("title", "dateline", "byline"):
        span: Span | None = getattr(draft.parts, part)
        source[part] = anchor(raw, span.start, span.end) if span else None
    source["highlights"] = [a for a in (anchor(raw, s.start, s.end) for s in draft.parts.highlights or []) if a is not None]
    remove = []
    for span, reason in draft.parts.furniture or []:
        found = anchor(raw, span.start, span.end)
        if found is None:
            draft.skipped.append(f"furniture {span.text!r}: no unique anchor")
            continue
        remove.append(_flow({**({"exact": found} if isinstance(found, str) else found), "reason": reason}))
    source["remove"] = remove

    entities = []
    for m in draft.entities:
        found = anchor(draft.text, m.start, m.end)
        if found is None:
            draft.skipped.append(f"entity {m.text!r} at {m.start}: no unique anchor")
            continue
        item = {**({"exact": found} if isinstance(found, str) else found), "label": m.label}
        if m.entity:
            item["entity"] = m.entity
        item["origin"] = "machine"
        entities.append(_flow(item))

    quotes = []
    for n, q in enumerate(draft.quotes, 1):
        content = [anchor(draft.text, a, b) for a, b in q.content]
        cue = anchor(draft.text, *q.cue) if q.cue else None
        speaker = anchor(draft.text, *q.speaker) if q.speaker else None
        addressee = anchor(draft.text, *q.addressee) if q.addressee else None
        if any(c is None for c in content) or (q.cue and cue is None):
            draft.skipped.append(f"quote at {q.content[0][0]}: no unique anchor for its content or cue")
            continue
        spk = q.resolved.get("speaker")
        adr = q.resolved.get("addressee") if addressee is not None else None
        quotes.append(dict({
            "id": f"q{n:02d}", "type": q.type, "content": content, "cue": cue, "speaker": speaker,
            "speaker_entity": spk.entity if spk else None,
            "addressee": addressee if adr else None, "addressee_entity": adr.entity if adr else None,
            "via": [], "cluster": None, "note": f"machine: rule {q.rule}", "origin": "machine",
        }))
    non_quotes = []
    covered = [(a, b) for q in draft.quotes for a, b in q.content]
    for a, b in draft.non_quotes:
        if any(x < b and a < y for x, y in covered):
            continue
        an = anchor(draft.text, a, b)
        if an is None:
            draft.skipped.append(f"quoted passage at {a}: no unique anchor")
            continue
        non_quotes.append(_flow({**({"exact": an} if isinstance(an, str) else an), "reason": "scare-quote"}))
    return dict({
        "document": draft.doc_id,
        "guidelines": GUIDELINES,
        "annotation": {"method": "machine", "annotators": ["taq-news-preannotate"]},
        "source": source,
        "metadata": metadata_values(draft.raw, draft.markup, draft.outlet, draft.published, {**registry, **{e.id: e for e in draft.proposed}}),
        "entities": entities,
        "quotes": quotes,
        "non_quotes": non_quotes,
        "relations": [],
    })


class Flow(dict):
    """A mapping written on one line, as the curated files write anchors."""


_NOT_YAML_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _scalar(v) -> str:
    # JSON scalars are valid YAML (double-quoted strings, numbers, true/false, null), except
    # that YAML refuses some characters JSON leaves raw (C1 controls, U+FFFE): escape those.
    # Strings go straight to the encoder json.dumps(ensure_ascii=False) itself uses: a draft
    # writes hundreds of thousands of scalars, and json.dumps' set-up per call was most of the cost.
    if isinstance(v, str):
        encoded = encode_basestring(v)
        if encoded.isascii() and "\x7f" not in encoded:  # most are: nothing for the pattern to find (DEL is ASCII, and not YAML-printable)
            return encoded
        return _NOT_YAML_PRINTABLE.sub(lambda m: "\\u%04x" % ord(m.group(0)), encoded)
    if v is None:
        return "null"
    if type(v) is int:  # not bool, which json writes as true/false
        return str(v)
    return json.dumps(v, ensure_ascii=False)


def _flow(d: dict) -> Flow:
    return Flow(d)


def _emit(node, indent: int, out: list[str]) -> None:
    pad = " " * indent
    for key, value in node.items():
        if isinstance(value, dict) and value and not isinstance(value, Flow):
            out.append(f"{pad}{key}:")
            _emit(value, indent + 2, out)
        elif isinstance(value, list) and value:
            out.append(f"{pad}{key}:")
            _emit_list(value, indent + 2, out)
        else:
            out.append(f"{pad}{key}: {_value(value)}")


def _value(v) -> str:
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {_value(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    return _scalar(v)


def _emit_list(items: list, indent: int, out: list[str]) -> None:
    pad = " " * indent
    for item in items:
        if isinstance(item, dict) and not isinstance(item, Flow) and item:
            inner: list[str] = []
            _emit(item, indent + 2, inner)
            out.append(f"{pad}- {inner[0].lstrip()}")
            out.extend(inner[1:])
        else:
            out.append(f"{pad}- {_value(item)}")


def _dump(node, top_list: bool = False) -> str:
    """Block YAML with JSON scalars: fast, stable, and easy to read and edit."""
    out: list[str] = []
    if top_list:
        _emit_list(node, 0, out)
    else:
        _emit(node, 0, out)
    return "\n".join(out) + "\n"


def draft_yaml(draft: Draft, registry: dict[str, Entity]) -> str:
    body = _dump(draft_document(draft, registry))
    head = [
        "# Machine draft by taq-news preannotate: every item says origin: machine. Check each one,",
        "# then set annotation.method to manual and drop origin: machine from the items you checked.",
    ]
    if draft.candidates:
        head.append("# Capitalized words not in the registry (possible entities to add): " + "; ".join(draft.candidates[:60]))
    if draft.skipped:
        head += [f"# skipped: {s}" for s in draft.skipped]
    return "\n".join(head) + "\n" + body


def registry_yaml(entries: list[Entity]) -> str:
    items: list[dict] = []
    for e in entries:
        items.append({"id": e.id, "name": e.name, "label": e.label, "kind": e.kind, "aliases": [],
                                   "wikidata": None, "wikidata_check": None, "description": e.description})
    return _dump(items, top_list=True) if items else ""
