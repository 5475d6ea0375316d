"""Load a folder of body annotations (an annotation pass) against the corpus's clean texts.

A pass folder holds ``<doc-id>.yaml`` files with entities, quotes, non-quotes
and relations, and its own ``entities.yaml`` registry. The clean texts come
from the gold build, so both passes and the gold index the same text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from taq_news.annotations.registry import Entity, load_registry
from taq_news.annotations.yamlio import load_yaml
from taq_news.core.incidents import IncidentError
from taq_news.corpus.assemble import Context, check_body, resolve_body


@dataclass
class AnnotationSet:
    name: str
    bodies: dict[str, dict]  # doc id -> {"entities", "quotes", "non_quotes", "relations"}
    registry: dict[str, Entity]


def load_annotation_set(folder: Path, texts: dict[str, str], rel) -> AnnotationSet:
    registry = load_registry(folder / "entities.yaml", rel(folder / "entities.yaml"))
    bodies, problems = {}, []
    for path in sorted(folder.glob("*.yaml")):
        if path.name == "entities.yaml":
            continue
        doc_id = path.stem
        if doc_id not in texts:
            continue
        ctx = Context(rel(path))
        try:
            body = resolve_body(ctx, doc_id, texts[doc_id], load_yaml(path, rel(path)), registry)
            check_body(ctx, texts[doc_id], body, registry)  # the record rules on the body: one place for each
        except IncidentError as exc:
            problems += exc.incidents
            continue
        problems += ctx.problems
        bodies[doc_id] = body
    if problems:
        raise IncidentError(problems)
    return AnnotationSet(folder.name, bodies, registry)


class SpeakerMatcher:
    """Do two quotes, each resolved in its own registry, name the same speaker?

    Named referents match by id, canonical name or alias (case-insensitive).
    Unnamed referents (anonymous sources, unnamed documents: label null) have
    free-text names that annotators word differently, so they are aligned
    through the text instead: two unnamed ids are the same referent when some
    matched pair of quotes gives them overlapping speaker mentions.
    """

    def __init__(self, reg_a: dict[str, Entity], reg_b: dict[str, Entity]):
        self.reg_a, self.reg_b = reg_a, reg_b
        self.aligned: set[tuple[str, str]] = set()

    @staticmethod
    def _names(reg: dict[str, Entity], eid: str | None) -> set[str]:
        if eid is None or eid not in reg:
            return {str(eid)}
        e = reg[eid]
        return {n.casefold() for n in (e.id, e.name, *e.aliases)}

    def _unnamed(self, reg: dict[str, Entity], eid: str | None) -> bool:
        return eid in reg and reg[eid].label is None

    def fit(self, pairs: list[tuple[dict, dict]]) -> "SpeakerMatcher":
        for a, b in pairs:
            sa, sb = a.get("speaker"), b.get("speaker")
            ea, eb = a["speaker_entity_id"], b["speaker_entity_id"]
            if sa and sb and sa["start"] < sb["end"] and sb["start"] < sa["end"] and self._unnamed(self.reg_a, ea) and self._unnamed(self.reg_b, eb):
                self.aligned.add((ea, eb))
        return self

    def __call__(self, a: dict, b: dict) -> bool:
        ea, eb = a["speaker_entity_id"], b["speaker_entity_id"]
        return (ea, eb) in self.aligned or bool(self._names(self.reg_a, ea) & self._names(self.reg_b, eb))


def same_referent(reg_a: dict[str, Entity], reg_b: dict[str, Entity]) -> SpeakerMatcher:
    return SpeakerMatcher(reg_a, reg_b)
