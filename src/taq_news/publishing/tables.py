"""Document records -> rows of the flat configs (quotes, entities)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from taq_news.annotations.registry import Entity
from taq_news.core.tokens import iob_sentences


def quote_rows(records: list[dict], registry: dict[str, Entity]) -> list[dict]:
    rows = []
    for rec in records:
        for q in rec["quotes"]:
            speaker = registry.get(q["speaker_entity_id"])
            rows.append({
                "doc_id": rec["id"],
                "quote_id": q["id"],
                "type": q["type"],
                "content_text": "\n\n".join(s["text"] for s in q["content"]),
                "content_spans": q["content"],
                "cue_text": q["cue"]["text"] if q["cue"] else None,
                "speaker_text": q["speaker"]["text"] if q["speaker"] else None,
                "speaker_name": q["speaker_name"],
                "speaker_entity_id": q["speaker_entity_id"],
                "speaker_kind": q["speaker_kind"],
                "speaker_wikidata_id": speaker.wikidata if speaker else None,
                "addressee_text": q["addressee"]["text"] if q["addressee"] else None,
                "addressee_entity_id": q["addressee_entity_id"],
                "via": q["via"],
                "cluster_id": q["cluster_id"],
                "outlet_name": rec["outlet"]["name"],
                "outlet_basis": rec["outlet"]["basis"],
                "published_date": rec["published"]["date"],
                "published_basis": rec["published"]["basis"],
                "note": q["note"],
            })
    return rows


@dataclass
class EntityStats:
    """How often each registry entity is mentioned and quoted, and in which documents: mergeable,
    so that shards of a collection are counted apart and added up."""

    mentions: Counter[str] = field(default_factory=Counter)
    quotes: Counter[str] = field(default_factory=Counter)
    docs: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def add(self, rec: dict) -> None:
        for m in rec["entities"]:
            if m["entity_id"]:
                self.mentions[m["entity_id"]] += 1
                self.docs[m["entity_id"]].add(rec["id"])
        for q in rec["quotes"]:
            self.quotes[q["speaker_entity_id"]] += 1
            self.docs[q["speaker_entity_id"]].add(rec["id"])

    def merge(self, other: EntityStats) -> None:
        self.mentions.update(other.mentions)
        self.quotes.update(other.quotes)
        for eid, docs in other.docs.items():
            self.docs[eid] |= docs


def entity_rows(records: list[dict], registry: dict[str, Entity]) -> list[dict]:
    stats = EntityStats()
    for rec in records:
        stats.add(rec)
    return entity_rows_from(stats, registry)


def entity_rows_from(stats: EntityStats, registry: dict[str, Entity]) -> list[dict]:
    rows = []
    for eid in sorted(registry):
        e = registry[eid]
        check = e.wikidata_check
        rows.append({
            "entity_id": e.id,
            "name": e.name,
            "label": e.label,
            "kind": e.kind,
            "aliases": list(e.aliases),
            "description": e.description,
            "wikidata_id": e.wikidata,
            "wikidata_check": "; ".join(f"{k}: {check[k]}" for k in sorted(check)) if check else None,
            "mention_count": stats.mentions[eid],
            "document_count": len(stats.docs.get(eid, ())),
            "quote_count": stats.quotes[eid],
            "doc_ids": sorted(stats.docs.get(eid, ())),
        })
    return rows


def ner_rows(records: list[dict], class_names: tuple[str, ...]) -> list[dict]:
    """One row per sentence: spaCy tokens and IOB2 tags as class indices (the CoNLL export's sentences)."""
    index = {name: i for i, name in enumerate(class_names)}
    rows = []
    for rec in records:
        for n, sent in enumerate(iob_sentences(rec), 1):
            rows.append({
                "id": f"{rec['id']}-s{n:03d}",
                "doc_id": rec["id"],
                "tokens": [w for w, _ in sent],
                "ner_tags": [index[t] for _, t in sent],
            })
    return rows
