"""A collection's entities table, merged at commit from files the shards leave sorted.

Each shard leaves two files sorted by entity id: the registry columns of the entities it
proposed (``entity_meta``) and its (entity, document) pairs (``entity_pairs``). The table
is written range by range of entity ids, each range one row group:

1. a survey reads one file's id column at a time, noting each row group's first and last
   id and keeping every k-th id as a sample;
2. the sorted samples cut the id space into ranges of about ``BATCH_ROWS`` rows (k is small
   enough that the estimate is off by at most half of that, whatever the shard count);
3. for each range, the row groups of every file that reach into it are read, the registry's
   and the shards' entries merged (the registry first, then the shards in order: the first
   entry of an id wins), and the range's rows built and written.

So the commit holds one range at a time, not the collection's entities: what still grows
with the collection is eight bytes per document id (the cross-shard id check), a sample
id per k rows, and the single row of an entity that most documents name.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from taq_news.publishing.build import PARQUET_OPTIONS
from taq_news.publishing.output import streaming_staged
from taq_news.publishing.tables import PAIRS_SCHEMA, entity_rows, first_entries, meta_schema

BATCH_ROWS = 100_000  # entries and pairs held at once while the table is written (about 60 MB at the peak of a range)
SORTED_ROW_GROUP = 2048  # of the shards' sorted files: a range reads only the groups that reach into it


def sorted_bytes(table: pa.Table) -> bytes:
    """A shard's sorted file (entries or pairs, sorted by their first column): small row
    groups, fast compression, as it lives only until the commit."""
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, row_group_size=SORTED_ROW_GROUP, compression="zstd", compression_level=1)
    return sink.getvalue().to_pybytes()


@dataclass(frozen=True)
class SortedFile:
    """A file sorted by its first column, with the first and last key of each row group."""

    path: Path
    schema: pa.Schema
    groups: tuple[tuple[str, str] | None, ...]

    def rows_in(self, low: str | None, high: str | None) -> pa.Table:
        """The rows whose key k has low <= k < high (None: unbounded)."""
        pick = [g for g, span in enumerate(self.groups) if span and (low is None or span[1] >= low) and (high is None or span[0] < high)]
        if not pick:
            return self.schema.empty_table()
        return in_range(pq.ParquetFile(self.path).read_row_groups(pick), low, high)


def in_range(table: pa.Table, low: str | None, high: str | None) -> pa.Table:
    """The rows whose first column's key k has low <= k < high (None: unbounded)."""
    key = table.column(0)
    keep = pc.is_valid(key)
    if low is not None:
        keep = pc.and_(keep, pc.greater_equal(key, low))
    if high is not None:
        keep = pc.and_(keep, pc.less(key, high))
    return table.filter(keep)


def survey(path: Path, schema: pa.Schema, every: int) -> tuple[SortedFile, pa.Array]:
    """The file's row-group key spans, and every ``every``-th key as a sample."""
    pf = pq.ParquetFile(path)
    keys = pf.read(columns=[schema.names[0]]).column(0).combine_chunks()
    spans: list[tuple[str, str] | None] = []
    at = 0
    for g in range(pf.metadata.num_row_groups):
        n = pf.metadata.row_group(g).num_rows
        spans.append((keys[at].as_py(), keys[at + n - 1].as_py()) if n else None)
        at += n
    return SortedFile(path, schema, tuple(spans)), keys.take(pa.array(range(0, len(keys), every), pa.int64()))


def cuts(samples: list[pa.Array], every: int, batch_rows: int) -> list[str]:
    """Range boundaries from the samples, sorted with their repeats (each stands for ``every``
    rows): a cut after about ``batch_rows`` rows, where the key changes, so a key is never split."""
    if not samples:
        return []
    merged = pa.concat_arrays(samples)
    ordered = pc.take(merged, pc.array_sort_indices(merged)).to_pylist()
    step = max(1, batch_rows // every)
    bounds: list[str] = []
    last = 0
    for i in range(1, len(ordered)):
        if i - last >= step and ordered[i] != ordered[i - 1]:
            bounds.append(ordered[i])
            last = i
    return bounds


def ranges(bounds: list[str]) -> Iterator[tuple[str | None, str | None]]:
    edges: list[str | None] = [None, *bounds, None]
    yield from zip(edges[:-1], edges[1:], strict=True)


def write_entities(staging: str, rel: str, command: str, registry_meta: pa.Table, meta_files: list[Path], pair_files: list[Path],
                   schema: pa.Schema, batch_rows: int | None = None) -> tuple[str, int, int]:
    """Write the entities table to piece ``rel`` of the staging folder: the registry's entries
    (``entity_meta``) and the shards' proposals (files in shard order), with their counts and
    documents from the shards' pair files. Returns its SHA-256, rows and in-memory bytes (the
    sum over row groups). The ranges depend only on the files, never on the engine."""
    batch = batch_rows or BATCH_ROWS
    every = max(1, batch // (4 * max(1, len(meta_files) + len(pair_files))))
    metas: list[SortedFile] = []
    pairs: list[SortedFile] = []
    samples: list[pa.Array] = []
    for files, kind, into in ((meta_files, meta_schema(), metas), (pair_files, PAIRS_SCHEMA, pairs)):
        for path in files:
            sf, sample = survey(path, kind, every)
            into.append(sf)
            samples.append(sample)
    samples.append(registry_meta.column(0).combine_chunks().take(pa.array(range(0, registry_meta.num_rows, every), pa.int64())))
    rows = nbytes = 0
    with streaming_staged(staging, rel, command) as piece, pq.ParquetWriter(piece.file, schema, **PARQUET_OPTIONS) as writer:
        for low, high in ranges(cuts(samples, every, batch)):
            meta = first_entries([in_range(registry_meta, low, high), *(f.rows_in(low, high) for f in metas)])
            if meta.num_rows == 0:
                continue
            found = [f.rows_in(low, high) for f in pairs]
            table = entity_rows(meta, pa.concat_tables(found) if found else PAIRS_SCHEMA.empty_table(), schema)
            writer.write_table(table)
            rows, nbytes = rows + table.num_rows, nbytes + table.nbytes
        if rows == 0:
            table = entity_rows(meta_schema().empty_table(), PAIRS_SCHEMA.empty_table(), schema)
            writer.write_table(table)
            nbytes = table.nbytes
    return piece.sha256, rows, nbytes
