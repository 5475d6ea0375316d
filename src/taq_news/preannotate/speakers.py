"""Resolve each quote's speaker (and addressee) mention to a registry id, or propose a new entry.

In order of the text, keeping a history of the speakers already resolved:
1. a registry name inside the mention (PERSON before ORG before GPE/NORP);
2. a surname or short form that ends a registry person's name;
3. a pronoun: he/she/I -> the last person, it -> the last organization or
   document, they/we -> the last group or organization (Q20, Q22);
4. a description ("the official", "the report") -> the last speaker whose
   mention ends in the same head word; otherwise a new anonymous or document
   entry for this article (Q24, Q25);
5. an unknown capitalized name -> a new entry proposed for the registry.
Bare quotes take the speaker of the attribution they depend on (Q31).
Proposed entries are marked as machine-made in their description.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..registry import SPEAKER_KINDS, Entity
from .entities import Mention
from .quotes import DETERMINERS, PRONOUNS, QuoteDraft

PRIORITY = {"PERSON": 0, "ORG": 1, "GPE": 2, "NORP": 3}
KIND_OF_LABEL = {"PERSON": "person", "ORG": "organization", "GPE": "organization", "NORP": "group"}
DOCUMENT_HEADS = {"report", "statement", "poster", "document", "letter", "study", "assessment", "memo", "agreement", "deal", "study", "survey"}


@dataclass
class Resolved:
    entity: str
    name: str
    kind: str
    label: str | None
    new: bool = False


def slug(text: str, limit: int = 6) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())[:limit]
    return "-".join(words) or "unnamed"


class SpeakerResolver:
    def __init__(self, registry: dict[str, Entity], doc_id: str):
        self.registry = registry
        self.doc_prefix = f"doc-{doc_id.split('_')[0]}"
        self.history: list[Resolved] = []
        self.proposed: dict[str, Resolved] = {}

    def _known(self, eid: str) -> Resolved:
        e = self.registry[eid]
        return Resolved(e.id, e.name, e.kind, e.label)

    def _propose(self, eid: str, name: str, kind: str, label: str | None) -> Resolved:
        if eid in self.registry:
            return self._known(eid)
        r = self.proposed.setdefault(eid, Resolved(eid, name, kind, label, new=True))
        return r

    def resolve(self, text: str, span: tuple[int, int] | None, mentions: list[Mention]) -> Resolved | None:
        if span is None:
            return None
        a, b = span
        mention_text = text[a:b]
        head_text = mention_text.split(",")[0].strip()
        inside = [m for m in mentions if a <= m.start and m.end <= b and m.entity and m.label in PRIORITY and m.entity in self.registry and self.registry[m.entity].kind in SPEAKER_KINDS]
        if inside:
            best = min(inside, key=lambda m: (PRIORITY[m.label], m.start))
            return self._known(best.entity)
        low = head_text.lower()
        if low in PRONOUNS:
            want = {"person": ("person",), "organization": ("organization", "document", "outlet"), "group": ("organization", "anonymous")}[PRONOUNS[low]]
            for r in reversed(self.history):
                if r.kind in want:
                    return r
            return self._propose(f"{self.doc_prefix}-unresolved-{low}", f"unresolved '{head_text}'", "anonymous", None)
        words = head_text.split()
        if words and words[-1][:1].isupper() and not words[0].lower() in DETERMINERS:
            last = words[-1].strip("’'s")
            for e in sorted(self.registry.values(), key=lambda e: e.id):
                if e.kind == "person" and e.name.split() and e.name.split()[-1] == last:
                    return self._known(e.id)
            caps = [w for w in words if w[:1].isupper()]
            kind, label = ("person", "PERSON") if 2 <= len(caps) <= 4 and len(caps) == len(words) else ("organization", "ORG")
            return self._propose(slug(head_text), head_text, kind, label)
        head = words[-1].lower() if words else ""
        for r in reversed(self.history):
            if head and (head in r.name.lower().split() or head in r.entity.split("-")):
                return r
        kind = "document" if head in DOCUMENT_HEADS else "anonymous"
        return self._propose(f"{self.doc_prefix}-{slug(head_text)}", head_text, kind, None)

    def resolve_all(self, text: str, quotes: list[QuoteDraft], mentions: list[Mention]) -> None:
        for q in quotes:
            if q.speaker is None and q.speaker_of is not None and q.speaker_of.resolved:
                q.resolved["speaker"] = q.speaker_of.resolved["speaker"]
            else:
                r = self.resolve(text, q.speaker, mentions)
                if r is None:
                    r = self.history[-1] if self.history else self._propose(f"{self.doc_prefix}-unknown-speaker", "unknown speaker", "anonymous", None)
                q.resolved["speaker"] = r
            self.history.append(q.resolved["speaker"])
            if q.addressee is not None:
                r = self.resolve(text, q.addressee, mentions)
                q.resolved["addressee"] = r
                if r is None:
                    q.addressee = None


def proposed_entity(r: Resolved, doc_id: str) -> Entity:
    return Entity(r.entity, r.name, r.label, r.kind, (), None, None, f"proposed by taq-news preannotate from {doc_id}; check and complete", None)
