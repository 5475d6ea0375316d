"""Checks on records: schema (L2), spans (L3), references (L4).

The span and ordering policy, written down:
- offsets are Unicode code points into ``text``, 0-based, end-exclusive;
- every span is non-empty, inside the text, equal to ``text[start:end]``, and
  has no whitespace at either edge;
- entity mentions are flat: sorted by (start, end) and never overlapping;
- a quote's content spans are in text order and do not overlap; different
  quotes may overlap (nested attribution), and cues, speakers and addressees
  may lie inside content.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from taq_news.annotations.registry import WIKIDATA_PATTERN, Entity
from taq_news.core.checks import incident
from taq_news.core.ecma import has_space_edge, is_uri_reference, pattern_matches
from taq_news.core.incidents import Incident
from taq_news.core.schema import SchemaSet
from taq_news.core.shapes import listed, mapping


class SchemaValidator:
    """JSON Schema 2020-12 with formats asserted; jsonschema-rs, else the pure-Python jsonschema."""

    def __init__(self, schemas: SchemaSet, engine: str = "auto"):
        schema = schemas.by_file["document.schema.json"]
        self.engine = engine
        if engine in ("auto", "rs"):
            try:
                import jsonschema_rs  # here, not at the top: only the rs engine needs it, and without it the python engine runs

                self._rs = jsonschema_rs.Draft202012Validator(schema, validate_formats=True)
                self.engine = "rs"
                return
            except ImportError:
                if engine == "rs":
                    raise
        self._py = strict_python_validator(schema)
        self.engine = "python"

    def is_valid(self, record: object) -> bool:
        return self._rs.is_valid(record) if self.engine == "rs" else self._py.is_valid(record)

    def errors(self, record: object) -> list[tuple[str, str]]:
        """(JSON path, message) for every schema violation, in a stable order."""
        if self.engine == "rs":
            found = [(_path(e.instance_path), e.message) for e in self._rs.iter_errors(record)]
        else:
            found = [(_path(e.absolute_path), e.message) for e in self._py.iter_errors(record)]
        return sorted(set(found))


def strict_python_validator(schema: dict):
    """python-jsonschema read as jsonschema-rs reads the schema (``strict``): ``pattern`` as an
    ECMA-262 regex (``$`` is the end, ``\\s`` ECMA whitespace; python-jsonschema would use
    Python's ``re``), and format ``uri-reference`` asserted (RFC 3986) as jsonschema-rs does."""
    from jsonschema import Draft202012Validator, ValidationError, validators  # deferred: 45 ms, and only the python engine needs it

    def pattern(validator, patrn, instance, schema):
        if validator.is_type(instance, "string") and not pattern_matches(patrn, instance):
            yield ValidationError(f"{instance!r} does not match {patrn!r}")

    checker = Draft202012Validator.FORMAT_CHECKER
    checker = type(checker)(formats=dict(checker.checkers))
    checker.checks("uri-reference")(is_uri_reference)
    cls = validators.extend(Draft202012Validator, {"pattern": pattern})
    return cls(schema, format_checker=checker)


def _path(parts: Iterable) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "$"


def _span_problem(text: str, s: object) -> tuple[str, str] | None:
    if not isinstance(s, dict):
        return None
    start, end, stext = s.get("start"), s.get("end"), s.get("text")
    if type(start) is not int or type(end) is not int or not isinstance(stext, str):
        return None  # the schema reports it
    if not stext or start == end:
        return "span-empty", f"span {start}-{end} is empty"
    if not (0 <= start < end <= len(text)):
        return "span-out-of-range", f"offsets {start}-{end} are outside the text (length {len(text)})"
    if text[start:end] != stext:
        return "span-text-mismatch", f"text[{start}:{end}] is {text[start:end]!r}, the span says {stext!r}"
    if has_space_edge(stext):  # ECMA-262 whitespace, as the schema's span pattern has it (strict.py)
        return "span-whitespace-edge", f"span {stext!r} starts or ends with whitespace"
    return None


def span_incidents(record: dict, file: str, line: int | None = None) -> list[Incident]:
    """L3: every span checks against the text; entities flat and sorted; content spans ordered."""
    text = record.get("text")
    if not isinstance(text, str):
        return []
    out: list[Incident] = []

    def report(path: str, s: object) -> None:
        problem = _span_problem(text, s)
        if problem:
            out.append(incident(problem[0], file, line, path, problem[1]))

    entities = listed(record.get("entities"))
    prev = None
    for i, m in enumerate(entities):
        report(f"entities[{i}]", m)
        if isinstance(m, dict) and type(m.get("start")) is int and type(m.get("end")) is int:
            if prev is not None:
                if (m["start"], m["end"]) < (prev[0], prev[1]):
                    out.append(incident("entity-order", file, line, f"entities[{i}]", f"mention at {m['start']}-{m['end']} comes after one at {prev[0]}-{prev[1]}", "sort mentions by (start, end)"))
                elif m["start"] < prev[1]:
                    out.append(
                        incident(
                            "entity-overlap",
                            file,
                            line,
                            f"entities[{i}]",
                            f"mention at {m['start']}-{m['end']} overlaps entities[{prev[2]}] at {prev[0]}-{prev[1]}",
                            "mentions are flat: keep the longest",
                        )
                    )
            prev = (m["start"], m["end"], i)
    quotes = listed(record.get("quotes"))
    for i, q in enumerate(quotes):
        if not isinstance(q, dict):
            continue
        content = listed(q.get("content"))
        last_end = None
        for j, s in enumerate(content):
            report(f"quotes[{i}].content[{j}]", s)
            if isinstance(s, dict) and type(s.get("start")) is int and type(s.get("end")) is int:
                if last_end is not None and s["start"] < last_end:
                    out.append(incident("content-overlap", file, line, f"quotes[{i}].content[{j}]", "content spans overlap or are out of text order", "list each stretch once, in text order"))
                last_end = s["end"]
        for key in ("cue", "speaker", "addressee"):
            if q.get(key) is not None:
                report(f"quotes[{i}].{key}", q[key])
    non_quotes = listed(record.get("non_quotes"))
    for i, s in enumerate(non_quotes):
        report(f"non_quotes[{i}]", s)
    return out


def reference_incidents(record: dict, file: str, line: int | None, registry: dict[str, Entity] | None) -> list[Incident]:
    """L4 within one record: Wikidata ids well-formed; with a registry, every id resolves and agrees."""
    out: list[Incident] = []

    def bad(check: str, path: str, message: str, fix: str | None = None) -> None:
        out.append(incident(check, file, line, path, message, fix))

    def known(eid: object, path: str) -> Entity | None:
        if eid is None or registry is None:
            return None
        ent = registry.get(eid) if isinstance(eid, str) else None
        if ent is None:
            bad("entity-unknown", path, f"{eid!r} is not in the entity registry", "add it to the registry or fix the id")
        return ent

    def wikidata(value: object, ent: Entity | None, path: str) -> None:
        if value is not None and not (isinstance(value, str) and WIKIDATA_PATTERN.fullmatch(value)):
            bad("wikidata-id-invalid", path, f"{value!r} is not a Wikidata id", "use Q followed by digits, or null")
        elif ent is not None and value != ent.wikidata:
            bad("wikidata-mismatch", path, f"{value!r} but the registry has {ent.wikidata!r} for {ent.id!r}", "rebuild the record from the registry")

    # Item ids carry their document's id: corpus-wide uniqueness then follows from
    # unique document ids, and the corpus index relies on it to stay small.
    rid = record.get("id")
    if isinstance(rid, str):
        for key in ("entities", "quotes"):
            for i, item in enumerate(listed(record.get(key))):
                iid = item.get("id") if isinstance(item, dict) else None
                if isinstance(iid, str) and not iid.startswith(rid + "-"):
                    bad("item-id-foreign", f"{key}[{i}].id", f"{iid!r} does not start with this document's id {rid + '-'!r}", "rebuild the record, or give the item an id under this document")
    outlet = mapping(record.get("outlet"))
    ent = known(outlet.get("entity_id"), "outlet.entity_id")
    wikidata(outlet.get("wikidata_id"), ent, "outlet.wikidata_id")
    for i, m in enumerate(listed(record.get("entities"))):
        if isinstance(m, dict):
            ent = known(m.get("entity_id"), f"entities[{i}].entity_id")
            wikidata(m.get("wikidata_id"), ent, f"entities[{i}].wikidata_id")
    for i, q in enumerate(listed(record.get("quotes"))):
        if not isinstance(q, dict):
            continue
        ent = known(q.get("speaker_entity_id"), f"quotes[{i}].speaker_entity_id")
        if ent is not None and (q.get("speaker_name") != ent.name or q.get("speaker_kind") != ent.kind):
            bad(
                "speaker-name-mismatch",
                f"quotes[{i}]",
                f"speaker {q.get('speaker_name')!r} ({q.get('speaker_kind')}) but the registry says {ent.name!r} ({ent.kind})",
                "rebuild the record from the registry",
            )
        known(q.get("addressee_entity_id"), f"quotes[{i}].addressee_entity_id")  # addressee-incomplete: record_rules
        for j, v in enumerate(listed(q.get("via"))):
            known(v, f"quotes[{i}].via[{j}]")
    for i, r in enumerate(listed(record.get("relations"))):
        if isinstance(r, dict):
            known(r.get("entity_id"), f"relations[{i}].entity_id")
    return out


class CorpusIndex:
    """Cross-record L4 checks: unique ids, relations and quote clusters that resolve."""

    def __init__(self) -> None:
        self.ids: dict[str, list[tuple[str, int | None, str]]] = defaultdict(list)
        self.relations: list[tuple[str, int | None, str, str]] = []
        self.clusters: Counter[str] = Counter()
        self.cluster_first: dict[str, tuple[str, int | None, str]] = {}
        # Records that could not be read (or assembled): the checks that need every record would
        # blame the readable ones for what the lost ones hold, so they do not run.
        self.unread: list[tuple[str, int | None]] = []

    def lost(self, file: str, line: int | None) -> None:
        """A record at ``file``:``line`` could not be read; absence-based checks are off."""
        self.unread.append((file, line))

    def add_valid(self, record: dict, file: str, line: int | None) -> None:
        """add() for a record the fast path accepted: its shape is known, and its item
        ids carry its own id as prefix (FastPath.accepts refuses others), so only
        uniqueness within the record is left to check."""
        rid = record["id"]
        ids = [m["id"] for m in record["entities"]] + [q["id"] for q in record["quotes"]]
        if len(set(ids)) != len(ids):
            self.add(record, file, line)
            return
        self.ids[rid].append((file, line, "id"))
        for i, q in enumerate(record["quotes"]):
            cid = q["cluster_id"]
            if cid is not None:
                self.clusters[cid] += 1
                if cid not in self.cluster_first:
                    self.cluster_first[cid] = (file, line, f"quotes[{i}].cluster_id")
        for i, r in enumerate(record["relations"]):
            if r["document"] is not None:
                self.relations.append((file, line, f"relations[{i}].document", r["document"]))

    def add(self, record: dict, file: str, line: int | None) -> None:
        rid = record.get("id")
        if isinstance(rid, str):
            self.ids[rid].append((file, line, "id"))
        # Ids that carry their own document's id as prefix are unique across the corpus
        # when they are unique within the record and document ids are unique; only the
        # others need the corpus-wide table (which keeps memory flat on large corpora).
        prefix = f"{rid}-" if isinstance(rid, str) else None
        local: dict[str, str] = {}
        for key in ("entities", "quotes"):
            for i, item in enumerate(listed(record.get(key))):
                if not (isinstance(item, dict) and isinstance(item.get("id"), str)):
                    continue
                iid, path = item["id"], f"{key}[{i}].id"
                if prefix is not None and iid.startswith(prefix):
                    if iid in local:
                        self.ids[iid] += [(file, line, local[iid]), (file, line, path)]
                    else:
                        local[iid] = path
                else:
                    self.ids[iid].append((file, line, path))
        for i, q in enumerate(listed(record.get("quotes"))):
            if isinstance(q, dict) and isinstance(q.get("cluster_id"), str):
                self.clusters[q["cluster_id"]] += 1
                self.cluster_first.setdefault(q["cluster_id"], (file, line, f"quotes[{i}].cluster_id"))
        for i, r in enumerate(listed(record.get("relations"))):
            if isinstance(r, dict) and isinstance(r.get("document"), str):
                self.relations.append((file, line, f"relations[{i}].document", r["document"]))

    def merge(self, other: CorpusIndex) -> None:
        """Add another index (of another shard): the cross-record checks then see both."""
        for key, places in other.ids.items():
            self.ids[key].extend(places)
        self.relations.extend(other.relations)
        self.unread.extend(other.unread)
        self.clusters.update(other.clusters)
        for cid, where in other.cluster_first.items():
            self.cluster_first.setdefault(cid, where)

    def incidents(self) -> list[Incident]:
        out = []
        docs = {i for i, places in self.ids.items() if any(p == "id" for _, _, p in places)}
        for rid, places in self.ids.items():
            for file, line, path in places[1:]:
                if (file, line, path) == places[0]:
                    continue
                out.append(incident("id-duplicate", file, line, path, f"id {rid!r} is already used at {places[0][0]}:{places[0][1]}", "ids must be unique across the corpus"))
        if self.unread:
            (file, line), n = self.unread[0], len(self.unread)
            at = f"{file}:{line}" if line is not None else file
            out.append(incident("corpus-incomplete", file, None, "-",
                                f"{n} record(s) could not be read, the first at {at}: relation targets and clusters of two or more were not checked",
                                severity="warning"))
            return out
        for file, line, path, target in self.relations:
            if target not in docs:
                out.append(incident("relation-unresolved", file, line, path, f"document {target!r} is not in the validated corpus", "point to a document that is in the corpus"))
        for cid, n in self.clusters.items():
            if n == 1:
                file, line, path = self.cluster_first[cid]
                out.append(incident("cluster-singleton", file, line, path, f"cluster {cid!r} has one quote only", "give the same quote in the other article this cluster id, or drop it"))
        return out
