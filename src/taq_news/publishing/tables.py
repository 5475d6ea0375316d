"""Document records -> rows of the flat configs (quotes, entities)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import pyarrow as pa
import pyarrow.compute as pc

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


_META = ("entity_id", "name", "label", "kind", "aliases", "description", "wikidata_id", "wikidata_check")


def entity_meta(entities: Iterable[Entity]) -> pa.Table:
    """The registry columns of the entities table for these entities (in the given order)."""
    rows = [{
        "entity_id": e.id,
        "name": e.name,
        "label": e.label,
        "kind": e.kind,
        "aliases": list(e.aliases),
        "description": e.description,
        "wikidata_id": e.wikidata,
        "wikidata_check": "; ".join(f"{k}: {e.wikidata_check[k]}" for k in sorted(e.wikidata_check)) if e.wikidata_check else None,
    } for e in entities]
    return pa.Table.from_pylist(rows, schema=_meta_schema())


def _meta_schema() -> pa.Schema:
    return pa.schema([("entity_id", pa.string()), ("name", pa.string()), ("label", pa.string()), ("kind", pa.string()), ("aliases", pa.list_(pa.string())),
                      ("description", pa.string()), ("wikidata_id", pa.string()), ("wikidata_check", pa.string())])


class EntityGather:
    """The entities table, gathered from documents tables one at a time (the whole corpus, or one
    shard of a collection after another) and from registry entries given in batches.

    Everything kept is Arrow: per documents table, the (entity, document) pairs and the
    counts; per batch, the registry columns. So a collection's driver holds compact buffers
    (tens of bytes per pair or entity) rather than Python objects for each."""

    def __init__(self) -> None:
        self._pairs: list[pa.Table] = []  # entity, doc: distinct within one documents table
        self._counts: list[pa.Table] = []  # entity, mentions, quotes
        self._meta: list[pa.Table] = []

    def add(self, documents: pa.Table) -> None:
        """Count one documents table (it needs the columns id, entities and quotes)."""
        ids = documents.column("id").combine_chunks()
        mention_ids, mention_docs = _flat(documents, "entities", "entity_id")
        quote_ids, quote_docs = _flat(documents, "quotes", "speaker_entity_id")
        named = pc.is_valid(mention_ids)
        mention_ids, mention_docs = mention_ids.filter(named), mention_docs.filter(named)
        ones = pa.concat_arrays([pa.array([1] * len(mention_ids), pa.int64()), pa.array([0] * len(quote_ids), pa.int64())])
        both = pa.table({"entity": pa.concat_arrays([mention_ids, quote_ids]), "doc": pa.concat_arrays([mention_docs, quote_docs]), "mention": ones})
        both = both.filter(pc.is_valid(both["entity"]))
        counts = both.group_by("entity", use_threads=False).aggregate([("mention", "sum"), ("mention", "count")])
        self._counts.append(pa.table({"entity": counts["entity"], "mentions": counts["mention_sum"],
                                      "quotes": pc.subtract(counts["mention_count"], counts["mention_sum"])}))
        pairs = both.group_by(["entity", "doc"], use_threads=False).aggregate([])
        # The document's id, not its row: tables from different shards are independent.
        self._pairs.append(pa.table({"entity": pairs["entity"], "doc": pc.take(ids, pairs["doc"])}))

    def register(self, meta: pa.Table) -> None:
        """Registry entries (``entity_meta``); where an id comes twice, the first given wins."""
        self._meta.append(meta)

    def table(self, schema: pa.Schema) -> pa.Table:
        """One row per registry entry, in id order; ``doc_ids`` sorted, each document once."""
        meta = pa.concat_tables(self._meta) if self._meta else _meta_schema().empty_table()
        meta = meta.append_column("order", pa.array(range(len(meta)), pa.int64())).sort_by([("entity_id", "ascending"), ("order", "ascending")])
        ids = meta["entity_id"].combine_chunks()
        first = pc.invert(pc.equal(ids, pa.concat_arrays([pa.array([None], pa.string()), ids[:-1]])).fill_null(False)) if len(ids) else pa.array([], pa.bool_())
        meta = meta.filter(first).drop_columns(["order"])
        known = meta["entity_id"].combine_chunks()

        empty = {"entity": pa.array([], pa.string()), "doc": pa.array([], pa.string())}
        pairs = pa.concat_tables(self._pairs) if self._pairs else pa.table(empty)
        self._pairs = []  # each table's pairs are distinct and document ids unique: no second grouping, one copy less
        pairs = pairs.filter(pc.is_in(pairs["entity"], value_set=known)).sort_by([("entity", "ascending"), ("doc", "ascending")])
        counts = pa.concat_tables(self._counts) if self._counts else pa.table({**empty, "mentions": pa.array([], pa.int64()), "quotes": pa.array([], pa.int64())}).drop_columns(["doc"])
        totals = counts.group_by("entity", use_threads=False).aggregate([("mentions", "sum"), ("quotes", "sum")])
        per_doc = pairs.group_by("entity", use_threads=False).aggregate([("doc", "count")])

        def aligned(table: pa.Table, column: str) -> pa.Array:
            """``column`` of ``table`` (keyed by entity) in the order of ``known``, 0 where absent."""
            at = pc.index_in(known, value_set=table["entity"].combine_chunks())
            return pc.take(table[column].combine_chunks(), at).fill_null(0).cast(pa.int64())

        documents = aligned(per_doc, "doc_count")
        offsets = pa.array([0, *itertools.accumulate(documents.to_pylist())], pa.int32())
        columns = {name: meta[name] for name in _META}
        columns |= {"mention_count": aligned(totals, "mentions_sum"), "document_count": documents, "quote_count": aligned(totals, "quotes_sum"),
                    "doc_ids": pa.ListArray.from_arrays(offsets, pairs["doc"].combine_chunks())}
        return pa.table([_lean(pa.chunked_array([columns[f.name]]).combine_chunks()) for f in schema], schema=schema)


def _lean(arr: pa.Array) -> pa.Array:
    """The array without an all-valid validity bitmap (what compute kernels add, and from_pylist
    does not), so that ``nbytes``, which the card reports, does not depend on how it was built."""
    bufs = arr.buffers()
    if arr.null_count == 0:
        bufs[0] = None
    if isinstance(arr.type, pa.ListType):
        child = _lean(arr.values)
        return pa.Array.from_buffers(arr.type, len(arr), bufs[:2], null_count=arr.null_count, offset=arr.offset, children=[child])
    return pa.Array.from_buffers(arr.type, len(arr), bufs, null_count=arr.null_count, offset=arr.offset)


def _flat(documents: pa.Table, column: str, field: str) -> tuple[pa.Array, pa.Array]:
    """A list-of-structs column's one field, flattened, with each value's row index."""
    values = documents.column(column).combine_chunks()
    return pc.struct_field(values.flatten(), field), pc.list_parent_indices(values)


def entities_table(documents: pa.Table, registry: dict[str, Entity], schema: pa.Schema) -> pa.Table:
    gather = EntityGather()
    gather.add(documents)
    gather.register(entity_meta(registry.values()))
    return gather.table(schema)


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
