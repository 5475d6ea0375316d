"""``taq_news.validate``: any path a user names, sent to the checks that fit it.

Record files (JSONL, JSON, Parquet) go to the record validator, annotation YAML
and the registry to the corpus stage, and the ``dataset/`` folder to the audit
of the whole release (L5 included). Returns incidents; never raises on bad input.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from taq_news.audit.collection import is_collection, validate_collection
from taq_news.audit.dataset import validate_dataset
from taq_news.core.checks import incident
from taq_news.core.cluster import EngineSpec
from taq_news.core.incidents import Incident
from taq_news.core.paths import checkout_of
from taq_news.corpus.annotation_file import validate_annotation_file
from taq_news.validation.readers import READERS
from taq_news.validation.records import Selection, validate_record_files


def validate(
    paths: Iterable[str | Path],
    *,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    level: int = 5,
    max_errors: int | None = None,
    engine: str = "auto",
    registry: str | Path | None = None,
    schema_dir: str | Path | None = None,
    fast: bool = True,
    cluster: EngineSpec | None = None,
) -> list[Incident]:
    """Validate files or folders; return the incidents (an empty list means valid).

    ``fast=False`` sends every record through the precise checks (for benchmarks
    and tests); the verdicts are the same either way. ``cluster`` validates the shards
    of an annotated collection in parallel on Dask.
    """
    selection = Selection(select, ignore, level)
    selection.fast = fast
    out: list[Incident] = []
    for inc in _run(list(paths), selection, engine, registry, schema_dir, cluster):
        if selection.keeps(inc):
            out.append(inc)
            if max_errors is not None and len(out) >= max_errors:
                break
    return out


def _run(paths: list, selection: Selection, engine: str, registry_path, schema_dir, cluster: EngineSpec | None = None) -> Iterator[Incident]:
    record_files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            yield incident("file-unreadable", str(raw), None, "", "no such file or folder", "check the path")
            continue
        if path.is_dir() and is_collection(path):
            yield from validate_collection(path, selection, engine, cluster)
        elif path.is_dir():
            layout = checkout_of(path)
            if layout is None or path.resolve() not in (layout.dataset.resolve(), layout.root.resolve()):
                yield incident("file-unreadable", str(raw), None, "", "a folder must be a TAQ-News dataset/ folder, its checkout, or a folder taq-news annotate wrote",
                               "pass record files, the dataset folder or an annotate output")
                continue
            yield from validate_dataset(layout, selection, engine)
        elif not path.is_file():  # a FIFO, a device or a socket: reading could block or never end
            yield incident("file-unreadable", str(raw), None, "", "is not a regular file (a pipe, device or socket)", "pass a file on disk")
        elif path.suffix in (".yaml", ".yml"):
            yield from validate_annotation_file(path, selection, engine)
        elif path.suffix in READERS:
            record_files.append(path)
        else:
            yield incident("file-unreadable", str(raw), None, "", f"unknown file type {path.suffix!r}", "pass .jsonl, .json, .parquet, .yaml or a dataset folder")
    if record_files:
        yield from validate_record_files(record_files, selection, engine, registry_path, schema_dir)
