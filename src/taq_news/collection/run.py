"""``taq-news annotate``: plan, run and commit. A raw collection in, a Hub-ready folder out.

1. The output's staging folder is opened (and locked) before any input is read, so a
   target that must not be written is refused at once.
2. The input is read once to count its items (articles and rejects alike), which fixes
   the shard count ``n``: item ``i`` belongs to shard ``i // shard_size``.
3. It is read again, shard by shard; each shard is run (or, with ``resume``, reused
   when its done-record and files check) on the chosen engine.
4. When every shard is in, counts match and ids are unique across shards, the entities
   table, the rejects, the card and ``_manifest.json`` are added and the folder is
   switched into place. Anything short of that commits nothing.
"""

from __future__ import annotations

import json
import platform
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from taq_news.annotations.registry import Entity
from taq_news.collection.card import collection_card
from taq_news.collection.engines import run_dask, run_local
from taq_news.collection.entities import write_entities
from taq_news.collection.inputs import Article, Reject, check_apart, fingerprint, iter_articles, scan_keys
from taq_news.collection.shards import COMMAND, SHARD_CONFIGS, Setup, Shard, ShardResult, finished, pairs_file, proposed_file, run_shard, shard_file
from taq_news.core.cluster import EngineSpec, dask_client
from taq_news.core.paths import COLLECTION_MANIFEST as MANIFEST
from taq_news.core.paths import packaged_schema_dir
from taq_news.core.repeats import Repeats, digest64
from taq_news.core.schema import load_schemas, published_schema
from taq_news.core.version import __version__
from taq_news.publishing.croissant import About, Written, croissant, croissant_bytes
from taq_news.publishing.output import StagedFolder, write_staged
from taq_news.publishing.tables import entity_meta
from taq_news.sources.html import extractor

REJECTS = "rejects.jsonl"


class RunFailed(Exception):
    """The run cannot be committed (too many rejects, a shard that failed): nothing was written to --out."""

    def __init__(self, check: str, message: str, fix: str, rejects: list[dict] | None = None):
        super().__init__(message)
        self.check, self.message, self.fix = check, message, fix
        self.rejects = rejects or []  # the first rejects, when they are why the run failed


@dataclass
class Summary:
    out: Path
    items: int = 0
    documents: int = 0
    shards: int = 0
    reused: int = 0
    rejects: Counter[str] = field(default_factory=Counter)
    rows: dict[str, int] = field(default_factory=dict)
    pids: set[int] = field(default_factory=set)
    builds: dict[int, set[int]] = field(default_factory=dict)  # worker pid -> how many pipelines it had built, as each shard saw it


def _shards(paths: list[str], shard_size: int, repeated: frozenset[int], input_rejects: list[dict]) -> Iterator[Shard]:
    """Articles grouped by item index into shards; rejected items collected on the way."""
    current: list[Article] = []
    shard = 0
    for item in iter_articles(paths, repeated=repeated):
        while item.index // shard_size > shard:
            yield Shard(shard, tuple(current))
            current, shard = [], shard + 1
        if isinstance(item, Reject):
            input_rejects.append({"index": item.index, "location": item.location, "check": item.check, "reason": item.reason})
        else:
            current.append(item)
    yield Shard(shard, tuple(current))


def annotate(
    paths: list[str],
    out: str,
    registry: dict[str, Entity],
    *,
    shard_size: int = 1000,
    engine: EngineSpec | None = None,
    resume: bool = False,
    max_rejects: int | None = None,
    model: str | None = None,
    name: str = "TAQ-News machine-annotated collection",
    progress: Callable[[ShardResult, int, bool], None] | None = None,
    work: Callable[[Shard, Setup], ShardResult] = run_shard,
) -> Summary:
    """Annotate the collection into ``out``. Raises InputError, OutputRefused, EngineUnavailable or RunFailed."""
    engine = engine or EngineSpec()
    check_apart(paths, out)
    staged = StagedFolder(out, COMMAND, resume=resume)
    try:
        summary = _annotate(paths, staged, registry, shard_size, engine, max_rejects, model, name, progress, work)
    except BaseException:
        if not any((staged.path / "_shards").glob("*.json")):
            staged.discard()  # nothing a --resume could reuse: leave nothing behind
        raise
    finally:
        staged.close()
    return summary


def _annotate(paths, staged: StagedFolder, registry, shard_size, engine: EngineSpec, max_rejects, model, name, progress, work) -> Summary:
    inputs_at_start = fingerprint(paths)
    items, repeated = scan_keys(paths)
    if items == 0:
        raise RunFailed("input-invalid", "the inputs hold no articles", "give files with at least one article")
    n = (items + shard_size - 1) // shard_size
    setup = Setup(str(staged.path), n, registry, model)
    summary = Summary(staged.target, items=items, shards=n)
    input_rejects: list[dict] = []
    results: dict[int, ShardResult] = {}

    def todo() -> Iterator[Shard]:
        for shard in _shards(paths, shard_size, repeated, input_rejects):
            done = finished(shard, setup) if staged_resume else None
            if done is not None:
                summary.reused += 1
                accept(done, True)
            else:
                yield shard

    staged_resume = any(staged.path.iterdir())

    def accept(result: ShardResult, reused: bool) -> None:
        results[result.index] = result
        if not reused:
            summary.pids.add(result.pid)
            summary.builds.setdefault(result.pid, set()).add(result.builds)
        if progress:
            progress(result, n, reused)

    def collect(stream: Iterator[ShardResult]) -> None:
        for result in stream:
            accept(result, False)

    if engine.name == "dask":
        with dask_client(engine) as client:
            collect(run_dask(todo(), setup, client, work=work))
    else:
        collect(run_local(todo(), setup, work=work))
    if fingerprint(paths) != inputs_at_start:
        raise RunFailed("input-changed", "an input file was added, removed or rewritten while the run read the inputs",
                        "run again on inputs nothing is writing to; --resume reuses the shards that still match")
    _commit(paths, staged, setup, results, input_rejects, summary, max_rejects, name)
    return summary


def _commit(paths, staged: StagedFolder, setup: Setup, results: dict[int, ShardResult], input_rejects: list[dict], summary: Summary, max_rejects, name: str) -> None:
    n = setup.n_shards
    missing = sorted(set(range(n)) - set(results))
    if missing:
        raise RunFailed("out-incomplete", f"shards {missing[:5]} did not finish", "run again with --resume")
    rejects = sorted([*input_rejects, *(r for i in range(n) for r in results[i].rejects)], key=lambda r: r["index"])
    summary.rejects = Counter(r["check"] for r in rejects)
    if max_rejects is not None and len(rejects) > max_rejects:
        shown = "; ".join(f"{r['location']}: {r['check']}" for r in rejects[:3])
        raise RunFailed("rejects-exceeded", f"{len(rejects):,} articles were rejected, over --max-rejects {max_rejects:,} (first: {shown})",
                        "fix the input or raise --max-rejects; --resume reuses the finished shards", rejects[:20])
    documents = sum(results[i].rows["documents"] for i in range(n))
    if documents + len(rejects) != summary.items:
        raise RunFailed("out-incomplete", f"{documents:,} records and {len(rejects):,} rejects do not add up to the {summary.items:,} input items", "run again; report it if it repeats")
    summary.documents = documents

    schemas = load_schemas(str(packaged_schema_dir()))
    _check_ids(staged, setup)
    listing: dict[str, str] = {}
    rows = {c: sum(results[i].rows[c] for i in range(n)) for c in SHARD_CONFIGS}
    nbytes = {c: sum(results[i].nbytes[c] for i in range(n)) for c in SHARD_CONFIGS}
    entities_file = shard_file("entities", 0, 1)
    registry_meta = entity_meta(setup.registry[k] for k in sorted(setup.registry))
    meta_files, pair_files = ([staged.path.joinpath(*name(i).split("/")) for i in range(n)] for name in (proposed_file, pairs_file))
    lost = next((p for p in [*meta_files, *pair_files] if not p.is_file() or p.is_symlink()), None)
    if lost is not None:
        raise RunFailed("out-incomplete", f"a shard's staged file {lost.name} is gone", "run again with --resume")
    entities_sha, rows["entities"], nbytes["entities"] = write_entities(str(staged.path), entities_file, COMMAND, registry_meta, meta_files, pair_files,
                                                                        published_schema(schemas, "entities"))
    listing[entities_file] = entities_sha
    summary.rows = rows
    for i in range(n):
        listing.update(results[i].files)
    rejects_bytes = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rejects).encode("utf-8")
    listing[REJECTS] = write_staged(staged.path, REJECTS, rejects_bytes, COMMAND)
    inputs = [Path(p).name for p in paths]
    card = collection_card(schemas, name, inputs, rows, nbytes, summary.rejects, summary.items)
    listing["README.md"] = write_staged(staged.path, "README.md", card.encode("utf-8"), COMMAND)
    files: dict[str, bytes | str | Written] = {c: f"data/{c}/*.parquet" for c in SHARD_CONFIGS if rows[c]}
    if rows["entities"]:
        files["entities"] = Written(entities_sha)
    about = About(name, f"Machine-annotated news records made by taq-news annotate {__version__} in the TAQ-News schema; no record was checked by a person.",
                  "Annotations: CC BY 4.0. The article texts are not covered: they remain the copyright of their publishers and of whoever collected them.")
    listing["croissant.json"] = write_staged(staged.path, "croissant.json", croissant_bytes(croissant(schemas, files, __version__, "", None, about)), COMMAND)
    manifest = _manifest(setup, results, rows, listing, summary, len(rejects))
    listing[MANIFEST] = write_staged(staged.path, MANIFEST, manifest, COMMAND)
    _prune(staged, listing)
    staged.commit(listing)


def _check_ids(staged: StagedFolder, setup: Setup) -> None:
    """No document id may be in two shards. Read one shard's id column at a time and keep eight
    bytes per id (``core.repeats``); only ids whose digests repeat are compared as strings."""
    import pyarrow.parquet as pq  # deferred with the commit: only the driver reads shards back

    def ids(i: int) -> pa.ChunkedArray:
        path = staged.path / shard_file("documents", i, setup.n_shards)
        if not path.is_file():  # a shard without records writes no documents file
            return pa.chunked_array([], pa.string())
        return pq.read_table(path, columns=["id"]).column("id")

    seen = Repeats()
    for i in range(setup.n_shards):
        seen.add_all(ids(i))
    suspects = seen.repeated()
    if not suspects:
        return
    where: dict[str, int] = {}
    for i in range(setup.n_shards):
        for doc_id in ids(i).to_pylist():
            if digest64(doc_id) in suspects:
                if doc_id in where:
                    raise RunFailed("id-duplicate", f"document id {doc_id} is in shards {where[doc_id]} and {i}", "report it: ids are derived from distinct input locations")
                where[doc_id] = i


def _manifest(setup: Setup, results: dict[int, ShardResult], rows: dict[str, int], listing: dict[str, str], summary: Summary, rejects: int) -> bytes:
    import spacy  # deferred: only its version is read, and the workers have loaded it already

    from taq_news.preannotate import places

    doc = {
        "tool": "taq-news",
        "command": COMMAND,
        # Nothing here depends on the engine, the worker count or the time: the same input gives the same bytes.
        "versions": {"taq-news": __version__, "pyarrow": pa.__version__, "spacy": spacy.__version__, "trafilatura": extractor()["version"],
                     "pycountry": places.version(), "python": platform.python_version()},
        "model": setup.model,
        "items": summary.items,
        "documents": summary.documents,
        "rejects": rejects,
        "rows": rows,
        "shards": [{"index": i, "rows": results[i].rows, "files": results[i].files} for i in range(setup.n_shards)],
        "files": {rel: digest for rel, digest in sorted(listing.items())},
    }
    return (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _prune(staged: StagedFolder, listing: dict[str, str]) -> None:
    """Drop staged pieces this commit does not list: done-records, shards of an older plan."""
    for p in sorted(staged.path.rglob("*"), key=lambda p: -len(p.parts)):
        rel = p.relative_to(staged.path).as_posix()
        if p.is_dir() and not p.is_symlink():
            if not any(p.iterdir()):
                p.rmdir()
        elif rel not in listing:
            p.unlink()
