"""Shards: the unit of work of ``taq-news annotate``, and the one function that processes one.

``run_shard`` is pure and idempotent: the same shard and setup give the same files,
byte for byte, in whatever process it runs and however often. It writes
``data/<config>/train-{i:05d}-of-{n:05d}.parquet`` for the per-document configs into
the staging folder (each through a temporary file), then a done-record
``_shards/{i:05d}.json`` naming what it wrote; only a shard with its done-record
counts as finished, so a task killed half-way, or run twice after a worker died,
leaves no file that is counted. The spaCy pipeline is built once per worker process
(never shipped per task) and only rows and small summaries travel back.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from taq_news.annotations.registry import Entity
from taq_news.collection.article import annotate_article, document_id
from taq_news.collection.entities import sorted_bytes
from taq_news.collection.inputs import Article
from taq_news.core.incidents import IncidentError
from taq_news.core.paths import SPLIT, packaged_schema_dir
from taq_news.core.schema import load_schemas, published_schema
from taq_news.core.version import __version__
from taq_news.publishing.build import ner_tag_names, parquet_bytes
from taq_news.publishing.output import read_staged, sha_file, write_staged
from taq_news.publishing.tables import entity_meta, entity_pairs, ner_rows, quote_rows
from taq_news.validation.record_checks import SchemaValidator

COMMAND = "annotate"
SHARD_CONFIGS = ("documents", "quotes", "ner")  # one file per shard; entities are gathered over all shards at commit


@dataclass(frozen=True)
class Setup:
    """What every shard is processed with: sent once to each task, small and picklable."""

    staging: str
    n_shards: int
    registry: dict[str, Entity]
    model: str | None = None

    @cached_property
    def fingerprint(self) -> str:
        """Changes whenever a shard's output could: versions (trafilatura's and the place list's too), registry, model, shard count (computed once per Setup)."""
        import pyarrow  # deferred, with spacy: only their versions are read here
        import spacy

        from taq_news.preannotate import places
        from taq_news.sources.html import extractor  # deferred: trafilatura's version, for HTML pages

        reg = json.dumps([asdict(e) for _, e in sorted(self.registry.items())], sort_keys=True, default=str)
        parts = [__version__, pyarrow.__version__, spacy.__version__, extractor()["version"], places.version(), str(self.model), str(self.n_shards), reg]
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class Shard:
    index: int
    articles: tuple[Article, ...]

    def digest(self, setup_fingerprint: str) -> str:
        h = hashlib.sha256(setup_fingerprint.encode())
        for a in self.articles:
            h.update(f"\0{a.index}\0{a.location}\0{a.key}\0{a.sha256}\0{json.dumps(a.given, sort_keys=True)}{chr(0) + 'html' if a.html else ''}".encode())
        return h.hexdigest()


@dataclass
class ShardResult:
    index: int
    digest: str
    files: dict[str, str]  # relative path -> SHA-256
    rows: dict[str, int]  # config -> rows in this shard
    nbytes: dict[str, int]  # config -> in-memory Arrow bytes (dataset_info's num_bytes)
    rejects: list[dict]  # {"index", "location", "check", "reason"}
    merge: dict[str, str]  # files staged for the commit's entities merge only (pairs, proposals) -> SHA-256
    pid: int = 0
    builds: int = 0  # pipelines this worker process had built when it ran the shard
    seconds: float = 0.0  # how long the shard took (for progress and benchmarks; not in the done-record)

    def _body(self) -> dict:
        return {"index": self.index, "digest": self.digest, "files": self.files, "rows": self.rows, "nbytes": self.nbytes,
                "rejects": self.rejects, "merge": self.merge}

    def to_json(self) -> bytes:
        # Sealed with the hash of its own content: a done-record damaged or edited after the worker wrote
        # it is not reused by --resume (its counts and rejects go into the manifest unread otherwise).
        body = self._body()
        return (json.dumps({**body, "seal": _seal(body)}, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes) -> ShardResult:
        doc = json.loads(data)
        result = cls(doc["index"], doc["digest"], doc["files"], doc["rows"], doc["nbytes"], doc["rejects"], doc["merge"])
        if doc.get("seal") != _seal(result._body()):
            raise ValueError("the done-record does not match its seal")
        return result


def _seal(body: dict) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def shard_file(config: str, index: int, n: int) -> str:
    return f"data/{config}/{SPLIT}-{index:05d}-of-{n:05d}.parquet"


def done_file(index: int) -> str:
    return f"_shards/{index:05d}.json"


def pairs_file(index: int) -> str:
    return f"_shards/{index:05d}.pairs.parquet"


def proposed_file(index: int) -> str:
    return f"_shards/{index:05d}.proposed.parquet"


# One pipeline per worker process and setup: building it costs far more than a shard's
# bookkeeping, and a spaCy Language does not travel well between processes.
_STATE: dict[str, tuple] = {}
BUILDS = {"count": 0}


def _state(setup: Setup) -> tuple:
    key = setup.fingerprint
    if key not in _STATE:
        from taq_news.preannotate.pipeline import make_nlp  # deferred: building the pipeline is the worker's first task, not the driver's

        schemas = load_schemas(str(packaged_schema_dir()))
        _STATE.clear()
        _STATE[key] = (make_nlp(setup.registry, setup.model), schemas, SchemaValidator(schemas), ner_tag_names(schemas))
        BUILDS["count"] += 1
    return _STATE[key]


def finished(shard: Shard, setup: Setup) -> ShardResult | None:
    """The shard's result if a previous run finished it with this very input and setup, and its files check."""
    data = read_staged(setup.staging, done_file(shard.index))
    if data is None:
        return None
    try:
        result = ShardResult.from_json(data)
    except (ValueError, KeyError, TypeError):
        return None
    if result.index != shard.index or result.digest != shard.digest(setup.fingerprint):
        return None
    for rel, digest in {**result.files, **result.merge}.items():
        path = Path(setup.staging).joinpath(*rel.split("/"))
        if not path.is_file() or path.is_symlink() or sha_file(path) != digest:
            return None
    # The counts the manifest will carry, against the files themselves: every article is a record or a
    # reject, and each config's rows are its file's (no file for no rows).
    if set(result.rows) != set(SHARD_CONFIGS) or result.rows["documents"] + len(result.rejects) != len(shard.articles):
        return None
    for config in SHARD_CONFIGS:
        rel = shard_file(config, shard.index, setup.n_shards)
        path = Path(setup.staging).joinpath(*rel.split("/"))
        if (rel in result.files) != (result.rows[config] > 0):
            return None
        try:
            if rel in result.files and pq.read_metadata(path).num_rows != result.rows[config]:
                return None
        except (OSError, pa.ArrowException):
            return None
    return result


def run_shard(shard: Shard, setup: Setup) -> ShardResult:
    """Process one shard: annotate each article, write its Parquet files and its done-record."""
    began = time.perf_counter()
    nlp, schemas, validator, class_names = _state(setup)
    records: list[dict] = []
    rejects: list[dict] = []
    proposed: dict[str, Entity] = {}
    for a in shard.articles:
        doc_id = document_id(a.key, a.sha256)
        try:
            record, new = annotate_article(doc_id, a.raw, a.sha256, a.location, a.given, setup.registry, nlp, validator, a.html)
        except IncidentError as exc:
            first = exc.incidents[0]
            more = f" (and {len(exc.incidents) - 1} more)" if len(exc.incidents) > 1 else ""
            rejects.append({"index": a.index, "location": a.location, "check": first.check, "reason": f"{first.path}: {first.message}{more}".lstrip(": ")})
            continue
        except Exception as exc:  # a rule that raised: the article is rejected, never the run
            rejects.append({"index": a.index, "location": a.location, "check": "rule-failed", "reason": f"{type(exc).__name__}: {exc}"[:500]})
            continue
        records.append(record)
        for e in new:
            proposed.setdefault(e.id, e)
    rows = {"documents": records, "quotes": quote_rows(records, {**setup.registry, **proposed}), "ner": ner_rows(records, class_names)}
    files: dict[str, str] = {}
    counts: dict[str, int] = {}
    nbytes: dict[str, int] = {}
    tables = {config: pa.Table.from_pylist(rows[config], schema=published_schema(schemas, config)) for config in SHARD_CONFIGS}
    for config, table in tables.items():
        counts[config], nbytes[config] = table.num_rows, table.nbytes
        if not table.num_rows:
            # No file for no rows (a shard whose articles were all rejected, or that holds no quote): datasets
            # cannot read an empty Parquet file (0 rows in a row group fails 5.x, no row group fails 4.x).
            nbytes[config] = 0
            continue
        rel = shard_file(config, shard.index, setup.n_shards)
        files[rel] = write_staged(setup.staging, rel, parquet_bytes(table), COMMAND)
    # The entities table needs every shard's pairs and proposals, sorted: made here, on the worker, and only merged at commit.
    own = entity_meta(proposed[k] for k in sorted(proposed) if k not in setup.registry)
    merge = {pairs_file(shard.index): write_staged(setup.staging, pairs_file(shard.index), sorted_bytes(entity_pairs(tables["documents"])), COMMAND),
             proposed_file(shard.index): write_staged(setup.staging, proposed_file(shard.index), sorted_bytes(own), COMMAND)}
    result = ShardResult(shard.index, shard.digest(setup.fingerprint), files, counts, nbytes, rejects, merge,
                         os.getpid(), BUILDS["count"], time.perf_counter() - began)
    write_staged(setup.staging, done_file(shard.index), result.to_json(), COMMAND)
    return result

