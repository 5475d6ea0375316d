"""spaCy DocBin: entities as ``doc.ents``, quotes as span groups.

- ``doc.ents``: label = OntoNotes type, ``kb_id_`` = registry id ("" for value types).
- ``doc.spans["quotes"]``: every content span, label = quote type, ``id_`` = quote id.
- ``doc.spans["quote_cues"]``, ``["quote_speakers"]``, ``["quote_addressees"]``:
  the cue, the speaker as written and the addressee, each with ``id_`` = quote id
  and, for speakers and addressees, ``kb_id_`` = the resolved registry id.
- ``doc.user_data["quotes"]``: what spans cannot hold (speaker name and kind,
  via, cluster, note), keyed by quote id; ``doc.user_data["id"]`` is the record id.
Tokens are those of ``taq_news.tokens`` (blank English, split at span edges).
"""

from __future__ import annotations

from spacy.tokens import DocBin, Span

from taq_news.core.tokens import blank_english, record_spans, tokenized

ROLES = {"cue": "quote_cues", "speaker": "quote_speakers", "addressee": "quote_addressees"}


def _span(doc, start: int, end: int, label: str, where: str, kb_id: str = "", span_id: str = "") -> Span:
    span = doc.char_span(start, end, label=label, kb_id=kb_id or "", span_id=span_id)
    if span is None:
        raise ValueError(f"{where}: {start}-{end} does not fall on token boundaries")
    return span


def to_doc(record: dict):
    doc = tokenized(record["text"], record_spans(record))
    rid = record["id"]
    doc.ents = [_span(doc, e["start"], e["end"], e["label"], e["id"], e["entity_id"] or "") for e in record["entities"]]
    groups: dict[str, list[Span]] = {"quotes": [], **{g: [] for g in ROLES.values()}}
    extra = {}
    for q in record["quotes"]:
        for s in q["content"]:
            groups["quotes"].append(_span(doc, s["start"], s["end"], q["type"], q["id"], span_id=q["id"]))
        for role, group in ROLES.items():
            s = q[role]
            if s is not None:
                kb = {"speaker": q["speaker_entity_id"], "addressee": q["addressee_entity_id"]}.get(role) or ""
                groups[group].append(_span(doc, s["start"], s["end"], role, q["id"], kb_id=kb, span_id=q["id"]))
        extra[q["id"]] = {k: q[k] for k in ("speaker_entity_id", "speaker_name", "speaker_kind", "addressee_entity_id", "via", "cluster_id", "note")}
    for name, spans in groups.items():
        doc.spans[name] = spans
    doc.user_data["id"] = rid
    doc.user_data["quotes"] = extra
    return doc


def write_docbin(records: list[dict]) -> bytes:
    db = DocBin(store_user_data=True)
    for r in records:
        db.add(to_doc(r))
    return db.to_bytes()


def read_docbin(data: bytes) -> list[dict]:
    """Per document: id, entities and quotes, as offsets, rebuilt from the DocBin."""
    out = []
    for doc in DocBin().from_bytes(data).get_docs(blank_english().vocab):
        quotes: dict[str, dict] = {}
        for s in doc.spans["quotes"]:
            q = quotes.setdefault(s.id_, {"id": s.id_, "type": s.label_, "content": [], "cue": None, "speaker": None, "addressee": None})
            q["content"].append({"start": s.start_char, "end": s.end_char, "text": s.text})
        for role, group in ROLES.items():
            for s in doc.spans[group]:
                quotes[s.id_][role] = {"start": s.start_char, "end": s.end_char, "text": s.text}
        for qid, extra in doc.user_data["quotes"].items():
            quotes[qid].update({**extra, "via": list(extra["via"])})  # msgpack gives tuples back
        out.append({
            "id": doc.user_data["id"],
            "entities": [{"start": e.start_char, "end": e.end_char, "text": e.text, "label": e.label_, "entity_id": e.kb_id_ or None} for e in doc.ents],
            "quotes": list(quotes.values()),
        })
    return out
