"""The entity registry: one entry per real-world referent, shared by all documents."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from taq_news.annotations.yamlio import line_of, load_yaml, plain
from taq_news.core.checks import incident
from taq_news.core.incidents import Incident, IncidentError
from taq_news.core.schema import document_enum, table_enum
from taq_news.core.shapes import kind as kind_of
from taq_news.core.shapes import line_breaking

ONTONOTES_LABELS = document_enum("entity_mention", "label")  # the schema is the vocabulary's one source
# Value types are not linked to the registry: "50 to 100" has no referent to link.
VALUE_LABELS = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})
NAME_LABELS = frozenset(ONTONOTES_LABELS) - VALUE_LABELS
KINDS = table_enum("entity_row", "kind")  # the entities config's schema lists them
SPEAKER_KINDS = document_enum("quote", "speaker_kind")
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
WIKIDATA_PATTERN = re.compile(r"^Q[1-9][0-9]*$")


@dataclass(frozen=True)
class Entity:
    id: str
    name: str
    label: str | None
    kind: str
    aliases: tuple[str, ...]
    wikidata: str | None
    wikidata_check: dict | None
    description: str | None
    line: int | None


def _one_line(text: str) -> bool:
    """No control characters and no line or paragraph separators (what ends a line anywhere)."""
    return line_breaking(text) is None


def load_registry(path: Path, display: str) -> dict[str, Entity]:
    """Load and check the registry; all problems are reported together."""
    node = load_yaml(path, display)
    problems: list[Incident] = []

    def bad(line: int | None, check: str, where: str, message: str, fix: str) -> None:
        problems.append(incident(check, display, line, where, message, fix))

    if not isinstance(node, list):
        raise IncidentError([incident("registry-shape", display, 1, "", "the registry must be a YAML list of entries", "write one '- id: ...' item per entity")])
    entities: dict[str, Entity] = {}
    allowed = {"id", "name", "label", "kind", "aliases", "wikidata", "wikidata_check", "description"}
    for i, item in enumerate(node):
        where = f"[{i}]"
        line = line_of(node, i)
        if not isinstance(item, dict):
            bad(line, "registry-shape", where, "an entry must be a mapping", "write id:, name:, label:, kind:")
            continue
        data = plain(item)
        for key in sorted(set(data) - allowed):
            bad(line_of(item, key), "registry-key-unknown", f"{where}.{key}", f"unknown key {key!r}", f"use only {sorted(allowed)}")
        eid = data.get("id")
        if not isinstance(eid, str) or not ID_PATTERN.fullmatch(eid):
            bad(line, "registry-id-invalid", f"{where}.id", f"id {eid!r} is not lower-case words joined by hyphens", "use an id like 'al-qaeda'")
            continue
        if eid in entities:
            bad(line, "registry-id-duplicate", f"{where}.id", f"id {eid!r} is already used on line {entities[eid].line}", "merge the two entries or rename one")
            continue
        name = data.get("name")
        if not isinstance(name, str) or not name.strip():
            bad(line, "registry-name-missing", f"{where}.name", f"entity {eid!r} has no canonical name", "add name: ...")
        label = data.get("label")
        if label is not None and not (isinstance(label, str) and label in NAME_LABELS):
            bad(line_of(item, "label"), "registry-label-invalid", f"{where}.label", f"label {label!r} is not an OntoNotes name type", f"use one of {sorted(NAME_LABELS)} or null")
        kind = data.get("kind")
        if kind not in KINDS:
            bad(line_of(item, "kind"), "registry-kind-invalid", f"{where}.kind", f"kind {kind!r} is not known", f"use one of {list(KINDS)}")
        qid = data.get("wikidata")
        check = data.get("wikidata_check")
        if qid is not None:
            if not isinstance(qid, str) or not WIKIDATA_PATTERN.fullmatch(qid):
                bad(line_of(item, "wikidata"), "wikidata-id-invalid", f"{where}.wikidata", f"{qid!r} is not a Wikidata id", "use Q followed by digits, e.g. Q42")
            if not isinstance(check, dict) or not check.get("method"):
                bad(
                    line_of(item, "wikidata"),
                    "wikidata-unchecked",
                    f"{where}.wikidata",
                    f"{eid!r} has a Wikidata id but no record of how it was checked",
                    "add wikidata_check: {method: ..., source: ...} or set wikidata: null",
                )
        elif check is not None:
            bad(line_of(item, "wikidata_check"), "wikidata-check-orphan", f"{where}.wikidata_check", "a check is recorded but no id", "remove wikidata_check or add the checked id")
        aliases = data.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            bad(line_of(item, "aliases"), "registry-aliases-invalid", f"{where}.aliases", "aliases must be a list of strings", "write aliases: [..., ...]")
            aliases = []
        description = data.get("description")
        if description is not None and not isinstance(description, str):
            bad(line_of(item, "description"), "value-not-text", f"{where}.description", f"the description is {kind_of(description, 'yaml')}, not text", "write the description as one line of text")
            description = None
        for key, value in (("name", name), ("description", description), *((f"aliases[{n}]", a) for n, a in enumerate(aliases))):
            if isinstance(value, str) and not unicodedata.is_normalized("NFC", value):
                # the published corpus is NFC, and a name not in NFC would match no mention of it
                bad(line_of(item, key.split("[")[0]), "text-not-nfc", f"{where}.{key}", f"{key} {value[:40]!r} is not in Unicode NFC",
                    f"write it in NFC: {unicodedata.normalize('NFC', value)[:40]!r}")
            if isinstance(value, str) and not _one_line(value):
                bad(
                    line_of(item, key.split("[")[0]),
                    "control-character",
                    f"{where}.{key}",
                    f"{key} {value[:40]!r} holds a line break or control character",
                    "a name, alias or description is one line of text",
                )
        entities[eid] = Entity(eid, str(name or ""), label, str(kind), tuple(aliases), qid, check, description, line)
    if problems:
        raise IncidentError(problems)
    return entities


def slug(text: str, limit: int = 6) -> str:
    """A registry id made from a name: its first ``limit`` words, lower case, joined by '-'
    ('The Kestrel Gazette' -> 'the-kestrel-gazette'); 'unnamed' when it has no letters or digits."""
    words = re.findall(r"[a-z0-9]+", text.lower())[:limit]
    return "-".join(words) or "unnamed"


def qualified_id(eid: str, name: str, kind: str, label: str | None) -> str:
    """A proposed entry's id made unique to what it proposes: the id, then 8 hex digits of the
    name, kind and label. Articles annotated apart (a collection's shards) cannot share their
    proposals; with this, one id never stands for two different entries."""
    digest = hashlib.sha256("\0".join((name, kind, label or "")).encode("utf-8")).hexdigest()[:8]
    return f"{eid}-{digest}"


def outlet_entity(registry: dict[str, Entity], name: str | None) -> str | None:
    """The id of the registry's outlet that has this name or alias (the first by id), or None."""
    if name is None:
        return None
    for e in sorted(registry.values(), key=lambda e: e.id):
        if e.kind == "outlet" and (e.name == name or name in e.aliases):
            return e.id
    return None


def registry_from_parquet(path: Path) -> dict[str, Entity]:
    """The registry as the ``entities`` config publishes it (for records validated beside it)."""
    import pyarrow.parquet as pq  # here, not at the top: the YAML registry needs no pyarrow.parquet (it loads slowly)

    try:
        rows = pq.read_table(path).to_pylist()
        out = {}
        for r in rows:
            check = r.get("wikidata_check")
            out[r["entity_id"]] = Entity(
                r["entity_id"], r["name"], r.get("label"), r["kind"], tuple(r.get("aliases") or ()), r.get("wikidata_id"),
                {"published": check} if check else None, r.get("description"), None,
            )
        return out
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise IncidentError(
            [
                incident(
                    "parquet-unreadable",
                    str(path),
                    None,
                    "",
                    f"not a registry as the entities config publishes it ({type(exc).__name__}: {exc})",
                    "pass the entities Parquet of the same release, or dataset/entities.yaml",
                )
            ]
        ) from None
