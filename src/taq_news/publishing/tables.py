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
    return pa.Table.from_pylist(rows, schema=meta_schema())


def meta_schema() -> pa.Schema:
    return pa.schema([("entity_id", pa.string()), ("name", pa.string()), ("label", pa.string()), ("kind", pa.string()), ("aliases", pa.list_(pa.string())),
                      ("description", pa.string()), ("wikidata_id", pa.string()), ("wikidata_check", pa.string())])


def first_entries(metas: Iterable[pa.Table]) -> pa.Table:
    """Registry entries (``entity_meta`` tables, in the order given) as one table in id order,
    each id once: where an id comes twice, the first given wins."""
    metas = list(metas)
    meta = pa.concat_tables(metas) if metas else meta_schema().empty_table()
    meta = meta.append_column("order", pa.array(range(len(meta)), pa.int64())).sort_by([("entity_id", "ascending"), ("order", "ascending")])
    ids = meta["entity_id"].combine_chunks()
    first = pc.invert(pc.equal(ids, pa.concat_arrays([pa.array([None], pa.string()), ids[:-1]])).fill_null(False)) if len(ids) else pa.array([], pa.bool_())
    return meta.filter(first).drop_columns(["order"])


PAIRS_SCHEMA = pa.schema([("entity", pa.string()), ("doc", pa.string()), ("mentions", pa.int64()), ("quotes", pa.int64())])


def entity_pairs(documents: pa.Table) -> pa.Table:
    """Each (entity, document) that a documents table links, once, with the entity's mentions in
    that document and the quotes it speaks there; sorted by entity, then document id. The table
    needs the columns id, entities and quotes. Pairs name documents by id, not row, so pairs of
    different tables (a collection's shards) can be put together."""
    ids = documents.column("id").combine_chunks()
    mention_ids, mention_rows = _flat(documents, "entities", "entity_id")
    quote_ids, quote_rows_ = _flat(documents, "quotes", "speaker_entity_id")
    ones = pa.concat_arrays([pa.array([1] * len(mention_ids), pa.int64()), pa.array([0] * len(quote_ids), pa.int64())])
    both = pa.table({"entity": pa.concat_arrays([mention_ids, quote_ids]), "row": pa.concat_arrays([mention_rows, quote_rows_]), "mention": ones})
    both = both.filter(pc.is_valid(both["entity"]))
    grouped = both.group_by(["entity", "row"], use_threads=False).aggregate([("mention", "sum"), ("mention", "count")])
    pairs = pa.table({"entity": grouped["entity"], "doc": pc.take(ids, grouped["row"]), "mentions": grouped["mention_sum"],
                      "quotes": pc.subtract(grouped["mention_count"], grouped["mention_sum"])}, schema=PAIRS_SCHEMA)
    return pairs.sort_by([("entity", "ascending"), ("doc", "ascending")])


def entity_rows(meta: pa.Table, pairs: pa.Table, schema: pa.Schema) -> pa.Table:
    """Rows of the entities table: one per entry of ``meta`` (``first_entries``), with its counts
    and sorted ``doc_ids`` from ``pairs`` (``entity_pairs`` rows, each pair once). Pairs of
    entities that ``meta`` does not hold are left out."""
    known = meta["entity_id"].combine_chunks()
    pairs = pairs.filter(pc.is_in(pairs["entity"], value_set=known)).sort_by([("entity", "ascending"), ("doc", "ascending")])
    totals = pairs.group_by("entity", use_threads=False).aggregate([("mentions", "sum"), ("quotes", "sum"), ("doc", "count")])

    def aligned(column: str) -> pa.Array:
        """``column`` of the totals in the order of ``known``, 0 for an entity without pairs."""
        at = pc.index_in(known, value_set=totals["entity"].combine_chunks())
        return pc.take(totals[column].combine_chunks(), at).fill_null(0).cast(pa.int64())

    documents = aligned("doc_count")
    offsets = pa.array([0, *itertools.accumulate(documents.to_pylist())], pa.int32())
    columns = {name: meta[name] for name in _META}
    columns |= {"mention_count": aligned("mentions_sum"), "document_count": documents, "quote_count": aligned("quotes_sum"),
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
    return entity_rows(first_entries([entity_meta(registry.values())]), entity_pairs(documents), schema)


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
