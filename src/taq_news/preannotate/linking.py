"""Every name mention gets a registry entry: the ones the registry lacks are proposed.

A record's PERSON, ORG, GPE ... mentions carry a registry id (check
``entity-id-missing``). The registry ruler's mentions have one; a place from the
place list and a statistical model's find have none, so each gets a proposed
entry (kind by label, guideline E24), named as the place list or the text names
it and described by where it came from. A name whose id the registry or an
earlier proposal holds with another label is not linked to it: that mention is
left out, for a curator, rather than tied to the wrong entry.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from taq_news.annotations.registry import NAME_LABELS, Entity, qualified_id, slug
from taq_news.core.shapes import line_breaking
from taq_news.preannotate.entities import Mention
from taq_news.preannotate.metadata import MAX_OUTLET_NAME as MAX_NAME  # longer than an outlet's name is a misread, not a name
from taq_news.preannotate.places import canonical_place

KIND_OF_LABEL = {"PERSON": "person", "ORG": "organization", "GPE": "place", "LOC": "place", "FAC": "place", "NORP": "group",
                 "EVENT": "event", "LAW": "document", "PRODUCT": "other", "WORK_OF_ART": "other", "LANGUAGE": "other"}


def link_names(found: Sequence[Mention], known: Mapping[str, Entity], doc_id: str, qualify: bool = False) -> tuple[list[Mention], list[Entity]]:
    """(the mentions, each name mention with a registry id; the entries proposed for them, in first-mention order).
    ``known``: the registry and this article's proposals so far. ``qualify``: see ``qualified_id``."""
    out: list[Mention] = []
    proposed: dict[str, Entity] = {}
    for m in found:
        if m.entity is not None or m.label not in NAME_LABELS:
            out.append(m)
            continue
        if line_breaking(m.text) is not None or len(m.text) > MAX_NAME:
            continue  # a span across lines, or a run-on, names no entry (a registry name is one line)
        place = canonical_place(m.text) if m.origin == "place" else None
        name = place[0] if place else m.text
        kind = KIND_OF_LABEL.get(m.label, "other")
        eid = slug(name)
        if qualify:
            eid = qualified_id(eid, name, kind, m.label)
        have = proposed.get(eid) or known.get(eid)
        if have is None and eid != "unnamed":
            source = f"ISO 3166 {place[1]} in pycountry's list" if place else "the statistical model's NER"
            have = proposed[eid] = Entity(eid, name, m.label, kind, (), None, None,
                                          f"proposed by taq-news preannotate from {doc_id}: a {m.label} that {source} found; check and complete", None)
        if have is not None and have.label == m.label:
            out.append(replace(m, entity=have.id))
    return out, list(proposed.values())
