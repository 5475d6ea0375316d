"""Live Wikidata check (optional, needs the network): do the registry's ids name what we think?

Offline, ids are only set where public source files pair them with the entity
(see docs/wikidata.md). With a network, ``taq-news wikidata-check`` fetches
each item's labels and aliases and compares them with the registry entry.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable

from taq_news.annotations.registry import Entity

ENTITY_URL = "https://www.wikidata.org/wiki/Special:EntityData/{qid}.json"


def fetch_item(qid: str, timeout: float = 20.0) -> dict:
    req = urllib.request.Request(ENTITY_URL.format(qid=qid), headers={"User-Agent": "taq-news wikidata-check"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - fixed https host
        return json.load(resp)["entities"][qid]


def item_names(item: dict, languages: tuple[str, ...] = ("en",)) -> set[str]:
    names = {v["value"] for lang, v in item.get("labels", {}).items() if lang in languages}
    for lang, values in item.get("aliases", {}).items():
        if lang in languages:
            names |= {v["value"] for v in values}
    return {n.casefold() for n in names}


def check_entity(entity: Entity, item: dict) -> bool:
    """True when the item's English label or an alias equals the entry's name or one of its aliases."""
    ours = {n.casefold() for n in (entity.name, *entity.aliases)}
    return bool(ours & item_names(item))


def check_registry(registry: dict[str, Entity], fetch: Callable[[str], dict] = fetch_item) -> list[tuple[str, str, str]]:
    """(entity id, qid, verdict) for every linked entry; verdict is ok, mismatch or error: ..."""
    out = []
    for e in sorted(registry.values(), key=lambda e: e.id):
        if not e.wikidata:
            continue
        try:
            verdict = "ok" if check_entity(e, fetch(e.wikidata)) else "mismatch"
        except Exception as exc:  # noqa: BLE001 - network errors are reported, not raised
            verdict = f"error: {exc}"
        out.append((e.id, e.wikidata, verdict))
    return out
