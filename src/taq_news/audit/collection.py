"""``taq-news validate OUT/`` for a folder ``taq-news annotate`` wrote: its records, then its manifest.

The ``documents`` shards are validated as records (the columnar path, one shard at a
time, or one task per shard on a Dask cluster with ``--engine dask``); the cross-shard
checks (unique ids, relations, clusters) run once on the gathered index. Then every file
is compared with ``_manifest.json``: present, unchanged, no file it does not list, and
row counts as recorded (L5).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq

from taq_news.core.checks import incident
from taq_news.core.cluster import EngineSpec, dask_client, map_bounded
from taq_news.core.incidents import Incident
from taq_news.core.paths import COLLECTION_MANIFEST
from taq_news.publishing.output import MARKER, safe_relpath, sha_file  # MARKER: the writer's own record of the folder, not part of the data
from taq_news.validation.record_checks import CorpusIndex
from taq_news.validation.records import Selection, validate_file_part, validate_record_files

_CANNOT_RUN = ("raw-unavailable", "registry-unavailable")


def is_collection(folder: Path) -> bool:
    return (folder / COLLECTION_MANIFEST).is_file()


def _read_manifest(folder: Path) -> tuple[dict | None, Incident | None]:
    path = folder / COLLECTION_MANIFEST
    display = str(path)
    try:
        doc = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError) as exc:
        return None, incident("manifest-syntax", display, None, "", f"not readable as JSON: {str(exc)[:200]}", "run taq-news annotate again to rewrite it")
    if not (isinstance(doc, dict) and doc.get("tool") == "taq-news" and doc.get("command") == "annotate"
            and isinstance(doc.get("files"), dict) and isinstance(doc.get("shards"), list)):
        return None, incident("manifest-syntax", display, None, "", "is not a taq-news annotate manifest (tool, command, files, shards)", "run taq-news annotate again to rewrite it")
    return doc, None


def validate_collection(folder: Path, selection: Selection, engine: str = "auto", cluster: EngineSpec | None = None) -> Iterator[Incident]:
    doc, problem = _read_manifest(folder)
    if problem is not None:
        yield problem
        return
    assert doc is not None
    documents = sorted(p for p in (folder / "data" / "documents").glob("*.parquet"))
    if not documents:
        yield incident("file-empty", str(folder / "data" / "documents"), None, "", "the collection holds no documents shard", "run taq-news annotate again")
        return
    # A shard may be empty (every one of its articles rejected); a collection without a single record may not.
    if doc.get("documents") == 0:
        yield incident("file-empty", str(folder / "data" / "documents"), None, "", "the collection holds no records: every article was rejected (see rejects.jsonl)",
                       "fix the input, or look at rejects.jsonl for why")
    if cluster is not None:
        yield from _records_on_cluster(documents, selection, cluster)
    else:
        yield from validate_record_files(documents, selection, engine, None, None, empty_ok=True)
    if selection.runs(5):
        yield from manifest_incidents(folder, doc)


def _records_on_cluster(documents: list[Path], selection: Selection, cluster: EngineSpec) -> Iterator[Incident]:
    entities = sorted((documents[0].parent.parent / "entities").glob("*.parquet"))
    registry = str(entities[0]) if len(entities) == 1 else None
    parts: dict[str, tuple[list[Incident], CorpusIndex]] = {}
    with dask_client(cluster) as client:
        for path, result in map_bounded(client, _part, [str(p) for p in documents], selection, registry, key=lambda p: f"taq-validate-{Path(p).name}"):
            parts[path] = result
    index = CorpusIndex()
    said: set[str] = set()
    for path in sorted(parts):  # file order, whatever order the tasks finished in
        incidents, part_index = parts[path]
        for inc in incidents:
            if inc.check in _CANNOT_RUN:  # said once for the collection, not once per shard
                if inc.check in said:
                    continue
                said.add(inc.check)
            yield inc
        index.merge(part_index)
    if selection.runs(4):
        yield from index.incidents()


def _part(path: str, selection: Selection, registry: str | None) -> tuple[str, tuple[list[Incident], CorpusIndex]]:
    return path, validate_file_part(path, selection, "auto", registry, None, empty_ok=True)


def manifest_incidents(folder: Path, doc: dict) -> Iterator[Incident]:
    listed: dict = {}
    for rel, digest in doc["files"].items():
        if safe_relpath(rel) and isinstance(digest, str):
            listed[rel] = digest
        else:  # never read a path the manifest names outside the folder
            yield incident("manifest-syntax", str(folder / COLLECTION_MANIFEST), None, "files", f"{str(rel)[:80]!r} is not a file inside the collection with a SHA-256",
                           "run taq-news annotate again to rewrite it")
    present = set()
    for p in folder.rglob("*"):
        rel = p.relative_to(folder).as_posix()
        if p.is_symlink() or (not p.is_dir() and not p.is_file()):
            yield incident("collection-mismatch", str(p), None, "", "is a link or a special file inside the collection", "remove it")
        elif p.is_file() and rel not in (COLLECTION_MANIFEST, MARKER):
            present.add(rel)
    for rel in sorted(present - set(listed)):
        yield incident("collection-mismatch", str(folder / rel), None, "", f"{COLLECTION_MANIFEST} does not list this file: a reader of the folder would take it for data",
                       "remove it, or run taq-news annotate again")
    for rel in sorted(set(listed) - present):
        yield incident("collection-mismatch", str(folder / rel), None, "", f"{COLLECTION_MANIFEST} lists this file but it is missing")
    changed = set()
    for rel in sorted(set(listed) & present):
        if sha_file(folder / rel) != listed[rel]:
            changed.add(rel)
            yield incident("collection-mismatch", str(folder / rel), None, "", f"its SHA-256 is not the one {COLLECTION_MANIFEST} records: it changed after it was written")
    for shard in doc["shards"]:
        if not (isinstance(shard, dict) and isinstance(shard.get("files"), dict) and isinstance(shard.get("rows"), dict)):
            yield incident("manifest-syntax", str(folder / COLLECTION_MANIFEST), None, "shards", "a shard entry is not {index, rows, files}", "run taq-news annotate again")
            continue
        for rel in shard["files"]:
            if rel not in listed or rel in changed:  # a changed file is said once, above
                continue
            config = rel.split("/")[1] if rel.count("/") == 2 else None
            path = folder / rel
            if config in shard["rows"] and path.is_file():
                try:
                    rows = pq.read_metadata(path).num_rows
                except (OSError, ValueError) as exc:
                    changed.add(rel)
                    if config != "documents":  # a documents file the record pass could not read, it has said so
                        yield incident("parquet-unreadable", str(path), None, "", str(exc))
                    continue
                if rows != shard["rows"][config]:
                    yield incident("collection-mismatch", str(path), None, "", f"holds {rows:,} rows; {COLLECTION_MANIFEST} records {shard['rows'][config]:,}")
    yield from _totals(folder, doc)
    yield from _derived_rows(folder, doc, changed)


def _count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _totals(folder: Path, doc: dict) -> Iterator[Incident]:
    """The manifest's totals add up: items are records plus rejects, each config's rows are its shards',
    and rejects.jsonl holds as many lines as the manifest counts rejects."""
    where = str(folder / COLLECTION_MANIFEST)
    rows = doc.get("rows")
    if not (all(_count(doc.get(k)) for k in ("items", "documents", "rejects")) and isinstance(rows, dict) and all(_count(v) for v in rows.values())):
        yield incident("manifest-syntax", where, None, "", "items, documents, rejects and rows must be counts", "run taq-news annotate again to rewrite it")
        return
    items: int = doc["items"]
    documents: int = doc["documents"]
    rejects: int = doc["rejects"]
    if items != documents + rejects:
        yield incident("collection-mismatch", where, None, "items", f"{items:,} input items are not the {documents:,} records plus the {rejects:,} rejects: an article is unaccounted for",
                       "run taq-news annotate again")
    if rows.get("documents") != documents:
        yield incident("collection-mismatch", where, None, "documents", f"{documents:,} records, but rows.documents is {rows.get('documents')}", "run taq-news annotate again")
    shards = [s for s in doc["shards"] if isinstance(s, dict) and isinstance(s.get("rows"), dict)]
    for config, total in sorted(rows.items()):
        if config == "entities":
            continue  # merged across shards, not a sum of them
        summed = sum(s["rows"].get(config, 0) for s in shards if _count(s["rows"].get(config, 0)))
        if summed != total:
            yield incident("collection-mismatch", where, None, f"rows.{config}", f"the shards hold {summed:,} {config} rows; the total says {total:,}", "run taq-news annotate again")
    path = folder / "rejects.jsonl"
    try:
        lines = 0
        if path.is_file():
            with open(path, "rb") as fh:  # streamed: a collection may hold millions of rejects
                lines = sum(1 for line in fh if line.strip())
    except OSError as exc:
        yield incident("file-unreadable", str(path), None, "", str(exc.strerror or exc))
        return
    if lines != rejects:
        yield incident("collection-mismatch", str(path), None, "", f"lists {lines:,} rejected articles; {COLLECTION_MANIFEST} counts {rejects:,}", "run taq-news annotate again")


def _derived_rows(folder: Path, doc: dict, changed: set[str]) -> Iterator[Incident]:
    """Shard by shard, the quotes and ner rows belong to that shard's records, and each record has
    exactly as many quote rows as quotes (rows of a record that is gone would otherwise pass)."""
    import pyarrow.compute as pc  # deferred: only a collection's derived rows need it

    for shard in doc["shards"]:
        if not (isinstance(shard, dict) and isinstance(shard.get("files"), dict)):
            continue
        rels = [rel for rel in shard["files"] if isinstance(rel, str) and rel.count("/") == 2 and safe_relpath(rel)]
        if any(rel in changed for rel in rels):
            continue  # its files are not the ones written, or not readable: said above
        by_config = {rel.split("/")[1]: folder / rel for rel in rels}
        if "documents" not in by_config or not by_config["documents"].is_file():
            continue
        try:
            records = pq.read_table(by_config["documents"], columns=["id", "quotes"])
            quotes = {str(i): int(n) for i, n in zip(records["id"].to_pylist(), pc.list_value_length(records["quotes"]).to_pylist(), strict=True)}
            for config in ("quotes", "ner"):
                path = by_config.get(config)
                ids = pq.read_table(path, columns=["doc_id"])["doc_id"].to_pylist() if path is not None and path.is_file() else []
                stray = sorted({str(i) for i in ids} - quotes.keys())
                shown = str(path or folder / "data" / config)
                if stray:
                    yield incident("collection-mismatch", shown, None, "doc_id", f"{len(stray):,} document id(s) here are in no record of the shard's documents file (first: {stray[0]})",
                                   "run taq-news annotate again: derived rows must come from the records")
                if config == "quotes":
                    have: dict[str, int] = {}
                    for i in ids:
                        have[str(i)] = have.get(str(i), 0) + 1
                    wrong = sorted(d for d, n in quotes.items() if have.get(d, 0) != n)
                    if wrong:
                        yield incident("collection-mismatch", shown, None, "doc_id", f"{len(wrong):,} record(s) of the shard have another number of quote rows than quotes (first: {wrong[0]})",
                                       "run taq-news annotate again: derived rows must come from the records")
        except (OSError, ValueError, KeyError) as exc:
            yield incident("parquet-unreadable", str(by_config["documents"]), None, "", str(exc)[:200])
