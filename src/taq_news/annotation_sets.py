"""Load a folder of body annotations (an annotation pass) against the corpus's clean texts.

A pass folder holds ``<doc-id>.yaml`` files with entities, quotes, non-quotes
and relations, and its own ``entities.yaml`` registry. The clean texts come
from the gold build, so both passes and the gold index the same text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .assemble import Context, resolve_body
from .incidents import IncidentError
from .registry import Entity, load_registry
from .yamlio import load_yaml


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
        except IncidentError as exc:
            problems += exc.incidents
            continue
        problems += ctx.problems
        bodies[doc_id] = body
    if problems:
        raise IncidentError(problems)
    return AnnotationSet(folder.name, bodies, registry)


def same_referent(reg_a: dict[str, Entity], reg_b: dict[str, Entity]):
    """Do two quotes, each resolved in its own registry, name the same speaker?"""

    def names(reg: dict[str, Entity], eid: str | None) -> set[str]:
        if eid is None or eid not in reg:
            return {str(eid)}
        e = reg[eid]
        return {n.casefold() for n in (e.id, e.name, *e.aliases)}

    def same(a: dict, b: dict) -> bool:
        return bool(names(reg_a, a["speaker_entity_id"]) & names(reg_b, b["speaker_entity_id"]))

    return same
