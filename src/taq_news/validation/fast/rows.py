"""A fast path for records that are valid: one JSON Schema call on an equivalent schema,
then tight span and reference loops. A record the fast path cannot accept goes to the
precise checks, which find and describe every problem; the fast path never reports.

The fast schema is the project schema with ``unevaluatedProperties: false``
replaced by ``additionalProperties: false`` wherever the object schema has no
applicator (``$ref``, ``allOf``, ``anyOf``, ...) beside it. There the two
keywords accept exactly the same instances, and the second is much cheaper to
evaluate. The tests check that both schemas give the same verdicts.
"""

from __future__ import annotations

import copy

from taq_news.annotations.registry import Entity
from taq_news.core.ecma import has_space_edge
from taq_news.core.schema import SchemaSet
from taq_news.validation.raw_checks import raw_problems
from taq_news.validation.strict import IntegerFields, is_nfc

MISSING = object()
APPLICATORS = {"$ref", "$dynamicRef", "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas", "prefixItems"}


def equivalent_fast_schema(schema: dict) -> dict:
    out = copy.deepcopy(schema)

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("unevaluatedProperties") is False and not (APPLICATORS & set(node)):
                del node["unevaluatedProperties"]
                node["additionalProperties"] = False
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(out)
    return out


class FastPath:
    def __init__(self, schemas: SchemaSet, registry: dict[str, Entity] | None, engine: str = "auto", raw_text=None):
        self.registry = registry
        self.raw_text = raw_text  # name -> raw text or None, when raw files are at hand
        self._wikidata = {eid: e.wikidata for eid, e in (registry or {}).items()}
        self.integers = IntegerFields.of(schemas)
        self.rs = None
        if engine in ("auto", "rs"):
            try:
                import jsonschema_rs  # here, not at the top: without it the fast path accepts nothing and every record takes the precise path

                self.rs = jsonschema_rs.Draft202012Validator(equivalent_fast_schema(schemas.by_file["document.schema.json"]), validate_formats=True)
            except ImportError:
                self.rs = None

    def accepts(self, rec: dict) -> bool:
        """True only if the precise checks (L2-L4, per record) would find nothing.

        After the schema call the record's shape is known, and the schema's span
        pattern already rules out empty spans and whitespace at the edges; a span
        then checks with one slice and one length (a slice past the end is short).
        """
        if self.rs is None or not self.rs.is_valid(rec):
            return False
        text = rec["text"]
        # What JSON Schema cannot say (strict.py): integers are JSON integers, texts are NFC.
        # Span texts are checked too: a slice of an NFC text need not be NFC.
        if not self.integers.ok(rec) or not is_nfc(text):
            return False
        reg = self.registry
        wikidata = self._wikidata
        prefix = rec["id"] + "-"
        if not all(m["id"].startswith(prefix) for m in rec["entities"]) or not all(q["id"].startswith(prefix) for q in rec["quotes"]):
            return False
        prev_end = prev_start = -1
        for m in rec["entities"]:
            s, e, t = m["start"], m["end"], m["text"]
            if s < prev_end or s < prev_start or e - s != len(t) or text[s:e] != t or not is_nfc(t):
                return False
            prev_start, prev_end = s, e
            if reg is not None and m["entity_id"] is not None and wikidata.get(m["entity_id"], MISSING) != m["wikidata_id"]:
                return False
        for q in rec["quotes"]:
            last = -1
            for sp in q["content"]:
                s, e, t = sp["start"], sp["end"], sp["text"]
                if s < last or e - s != len(t) or text[s:e] != t or not is_nfc(t):
                    return False
                last = e
            for key in ("cue", "speaker", "addressee"):
                sp = q[key]
                if sp is not None and (sp["end"] - sp["start"] != len(sp["text"]) or text[sp["start"] : sp["end"]] != sp["text"] or not is_nfc(sp["text"])):
                    return False
            if (q["addressee"] is None) != (q["addressee_entity_id"] is None):
                return False
            if reg is not None:
                spk = reg.get(q["speaker_entity_id"])
                if spk is None or spk.name != q["speaker_name"] or spk.kind != q["speaker_kind"]:
                    return False
                if q["addressee_entity_id"] is not None and q["addressee_entity_id"] not in reg:
                    return False
                for v in q["via"]:
                    if v not in reg:
                        return False
        for sp in rec["non_quotes"]:
            # the schema has no edge pattern for non-quotes: the span rule's whitespace (strict.py) is tested here
            t = sp["text"]
            if sp["end"] - sp["start"] != len(t) or text[sp["start"] : sp["end"]] != t or has_space_edge(t) or not is_nfc(t):
                return False
        outlet = rec["outlet"]
        if reg is not None:
            oid = outlet["entity_id"]
            if oid is not None and wikidata.get(oid, MISSING) != outlet["wikidata_id"]:
                return False
            for r in rec["relations"]:
                if r["entity_id"] is not None and r["entity_id"] not in reg:
                    return False
        if self.raw_text is not None:
            raw = self.raw_text(rec["source"]["file"])
            if raw is not None and next(raw_problems(rec, raw), None) is not None:  # any, warnings too: the precise path reports them
                return False
        return True
