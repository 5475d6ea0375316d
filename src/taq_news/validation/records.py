"""``taq_news.validate``: check record files, annotation YAML, the registry, or a whole dataset folder.

Returns incidents; never raises on bad input. Levels run in order, L1 to the
requested level. The whole ``dataset/`` folder gets every level, L5 included:
raw hashes, committed files against a rebuild, schema agreement across
artifacts. Every record, whichever path accepts it, also gets the build's rules
on record content (``record_rules``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pyarrow as pa

from taq_news.annotations.registry import Entity, load_registry, registry_from_parquet
from taq_news.core.checks import CHECKS, incident
from taq_news.core.incidents import Incident, IncidentError
from taq_news.core.paths import Layout, checkout_of, packaged_schema_dir
from taq_news.core.schema import SchemaSet, load_schemas
from taq_news.core.shapes import kind, mapping
from taq_news.validation.fast.rows import FastPath
from taq_news.validation.raw_checks import WARNINGS as RAW_WARNINGS
from taq_news.validation.raw_checks import RawFile, raw_problems, read_raw
from taq_news.validation.readers import READERS, Batch, Item, read_jsonl, read_parquet
from taq_news.validation.record_checks import (
    CorpusIndex,
    SchemaValidator,
    reference_incidents,
    span_incidents,
)
from taq_news.validation.record_rules import batch_incidents, record_incidents
from taq_news.validation.strict import IntegerFields, strict_incidents

LEVEL_NUMBER = {f"L{i}": i for i in range(1, 6)}


class UnknownCheckIds(ValueError):
    """--select or --ignore names a check id the registry does not have (a usage error)."""


class Selection:
    def __init__(self, select: Iterable[str] | None = None, ignore: Iterable[str] | None = None, level: int = 5):
        self.select = set(select or [])
        self.ignore = set(ignore or [])
        self.level = level
        self.fast = True  # False sends every record through the precise checks (benchmarks, tests)
        unknown = (self.select | self.ignore) - set(CHECKS)
        if unknown:
            raise UnknownCheckIds(f"unknown check id(s): {', '.join(sorted(unknown))} (see docs/checks.md)")

    def keeps(self, inc: Incident) -> bool:
        if LEVEL_NUMBER.get(inc.level, 1) > self.level:
            return False
        if self.select and inc.check not in self.select:
            return False
        return inc.check not in self.ignore

    def runs(self, level: int) -> bool:
        return level <= self.level


_DECIDE = object()  # validate_records makes the columnar path itself


def _fast_wanted(selection: Selection, engine: str) -> bool:
    """The fast paths run only when they can stand in for every per-record check that was asked for."""
    return selection.runs(4) and engine != "python" and selection.fast


def _default_schema_dir() -> Path:
    """Outside a checkout, the schema the installed package ships."""
    return packaged_schema_dir()


def validate_records(
    items: Iterable[Item | Batch | Incident],
    schemas: SchemaSet,
    registry: dict[str, Entity] | None,
    selection: Selection,
    engine: str = "auto",
    index: CorpusIndex | None = None,
    layout: Layout | None = None,
    columnar: object = _DECIDE,
) -> Iterator[Incident]:
    """L1-L4 over a stream of records; cross-record checks when the stream ends.

    ``columnar`` is the path for whole batches (``_columnar_for``), when the caller
    has already made it; by default it is made here.
    """
    validator = SchemaValidator(schemas, engine)
    integers = IntegerFields.of(schemas)
    raw_text = _raw_cache(layout) if layout else None
    fast = FastPath(schemas, registry, engine, raw_text) if _fast_wanted(selection, engine) else None
    if columnar is _DECIDE:
        columnar = _columnar_for(schemas, registry, selection, engine, layout)
    own_index = index is None
    index = index or CorpusIndex()
    missing_raw: list[tuple[str, int | None]] = []  # records whose raw file this checkout lacks

    def rules(rec: object, file: str, line: int | None) -> Iterator[Incident]:
        """The build's rules on record content (record_rules), for every record whichever path accepted it."""
        if not selection.runs(2) or not isinstance(rec, dict):
            return
        source = rec.get("source")
        raw = raw_text(source.get("file")) if raw_text is not None and isinstance(source, dict) else None
        if raw_text is not None and raw is None:
            missing_raw.append((file, line))
        for inc in record_incidents(rec, file, line, registry, raw=raw.text if raw else None):
            if selection.runs(LEVEL_NUMBER[inc.level]):
                yield inc

    def batch_rules(batch, file: str, first_line: int) -> Iterator[Incident]:
        """The same rules on the rows of a batch the columnar path accepted (no raw files there)."""
        if selection.runs(2):
            yield from (inc for inc in batch_incidents(batch, file, first_line, registry) if selection.runs(LEVEL_NUMBER[inc.level]))

    for item in _rows(items, columnar, index, batch_rules):
        if isinstance(item, Incident):
            if item.severity == "error" and item.level in ("L0", "L1") and item.check != "file-empty":
                index.lost(item.file, item.line)  # a line or file that gave no record
            yield item
            continue
        rec, file, line = item.record, item.file, item.line
        if fast is not None and isinstance(rec, dict) and _accepts(fast, rec):
            index.add_valid(rec, file, line)
            yield from rules(rec, file, line)
            continue
        if not isinstance(rec, dict):
            index.lost(file, line)
            yield incident("schema", file, line, "$", f"a record must be a JSON object, not {kind(rec)}", "write one object per record")
            continue
        if selection.runs(2) and not validator.is_valid(rec):
            for path, message in validator.errors(rec):
                yield incident("schema", file, line, path, message, "make the record match schema/document.schema.json")
        if selection.runs(2):
            yield from strict_incidents(rec, file, line, integers)
        if selection.runs(3):
            yield from span_incidents(rec, file, line)
            if raw_text is not None:
                yield from raw_offset_incidents(rec, file, line, raw_text)
        if selection.runs(4):
            yield from reference_incidents(rec, file, line, registry)
            index.add(rec, file, line)
        yield from rules(rec, file, line)
    if own_index and selection.runs(4):
        yield from index.incidents()
    if missing_raw and selection.runs(3):
        (first_file, first_line), n = missing_raw[0], len(missing_raw)
        yield _cannot_run(
            "raw-unavailable",
            first_file,
            f"{n} record(s), the first at line {first_line}, name raw files that are not in this checkout: their removals and evidence were not checked against the raw text",
        )


def validate_record_files(files: list[Path], selection: Selection, engine: str, registry_path, schema_dir, index: CorpusIndex | None = None,
                          empty_ok: bool = False) -> Iterator[Incident]:
    """Records in files. With ``index``, the cross-record checks are left to the caller, who
    gathers the indexes of several calls (one per shard) and runs them once. ``empty_ok``: a
    file without records is no error (a collection's shard whose every article was rejected)."""
    layout = checkout_of(files[0].resolve())
    schemas = load_schemas(str(Path(schema_dir).resolve() if schema_dir else (layout.schema_dir if layout else _default_schema_dir())))
    registry = None
    reg_path = Path(registry_path) if registry_path else (layout.registry if layout else _registry_beside(files))
    if reg_path is not None:
        try:
            registry = registry_from_parquet(reg_path) if reg_path.suffix == ".parquet" else load_registry(reg_path, str(reg_path))
        except IncidentError as exc:
            yield from exc.incidents
            return
    # Said after the records' own incidents, so that real errors come first.
    cannot_run = []
    if reg_path is None and selection.runs(4):
        cannot_run.append(
            _cannot_run("registry-unavailable", str(files[0]), "no entity registry was given or found beside the records: entity ids, speakers and Wikidata links were not checked against one")
        )
    if layout is None and selection.runs(3):
        cannot_run.append(_cannot_run("raw-unavailable", str(files[0]), "the raw articles are not at hand (not in a checkout): removals and metadata evidence were not checked against the raw text"))

    dictionary = _dictionary_leaves(schemas) if any(f.suffix == ".parquet" for f in files) else []
    columnar = _columnar_for(schemas, registry, selection, engine, layout)
    jsonl_arrow = _jsonl_arrow(schemas, columnar) if any(f.suffix in (".jsonl", ".ndjson") for f in files) else None

    def read(f: Path) -> Iterator[Item | Batch | Incident]:
        if f.suffix == ".parquet":
            return read_parquet(f, str(f), dictionary=dictionary)
        if f.suffix in (".jsonl", ".ndjson"):
            return read_jsonl(f, str(f), arrow=jsonl_arrow)
        return READERS[f.suffix](f, str(f))

    def items() -> Iterator[Item | Batch | Incident]:
        for f in files:
            found = False
            for item in read(f):
                found = found or not isinstance(item, Batch) or item.batch.num_rows > 0
                yield item
            if not found and not empty_ok:
                # An empty export usually means the step that wrote it failed: passing it would hide that.
                yield incident("file-empty", str(f), None, "", "the file holds no records", "pass a file with records (an empty export usually means the step that wrote it failed)")

    yield from validate_records(items(), schemas, registry, selection, engine, index=index, layout=layout, columnar=columnar)
    yield from cannot_run


def validate_file_part(path: str, selection: Selection, engine: str, registry_path: str | None, schema_dir: str | None,
                       empty_ok: bool = False) -> tuple[list[Incident], CorpusIndex]:
    """One file's incidents and its index, for a worker: the caller merges the indexes."""
    index = CorpusIndex()
    return list(validate_record_files([Path(path)], selection, engine, registry_path, schema_dir, index=index, empty_ok=empty_ok)), index


def _cannot_run(check: str, file: str, message: str) -> Incident:
    """A check that could not run: reported, and failing only under --strict."""
    return incident(check, file, None, "-", message, severity="warning")


def _registry_beside(files: list[Path]) -> Path | None:
    """The published ``entities`` config next to ``documents`` (data/<config>/train-*.parquet), if there."""
    for f in files:
        found = sorted(f.resolve().parent.parent.glob("entities/*.parquet"))
        if f.resolve().parent.name == "documents" and len(found) == 1:
            return found[0]
    return None


def _dictionary_leaves(schemas: SchemaSet) -> list[str]:
    from taq_news.validation.fast.columnar import dictionary_leaves  # deferred: the columnar path loads pyarrow.compute, and only validation of batches needs it

    try:
        return dictionary_leaves(schemas)
    except (KeyError, TypeError, AttributeError):
        return []  # a schema shape the walk does not know: read every column plainly


def _jsonl_arrow(schemas: SchemaSet, columnar):
    """The schema to read JSONL into Arrow batches with, when the columnar path will check them (else None)."""
    # With an optional property, an absent key and a null one are both valid and
    # jsonl_arrow's key count cannot tell them apart: read line by line.
    if columnar is None or not schemas.type_tree("documents").all_required():
        return None
    return columnar.loose


def _columnar_for(schemas: SchemaSet, registry: dict[str, Entity] | None, selection: Selection, engine: str, layout: Layout | None):
    """The columnar path, where it stands in for the row checks: not in a checkout
    (the raw-offset checks there need records as objects), nor for a schema it cannot check."""
    if layout is not None or not _fast_wanted(selection, engine):
        return None
    return _columnar(schemas, registry)


def _columnar(schemas: SchemaSet, registry: dict[str, Entity] | None):
    from taq_news.validation.fast.columnar import ColumnarPath, Unsupported  # deferred: the columnar path loads pyarrow.compute, and only validation of batches needs it

    try:
        return ColumnarPath(schemas, registry)
    except Unsupported:
        return None  # a schema keyword the columnar path cannot check: every row takes the row path


def _rows(items: Iterable[Item | Batch | Incident], columnar, index: CorpusIndex, rules=None) -> Iterator[Item | Incident]:
    """Rows to check one by one; whole batches the columnar path accepts are indexed and
    skip the row checks, but not ``rules`` (record_rules.batch_incidents), which run on them."""
    for item in items:
        if isinstance(item, Batch):
            if columnar is not None and _batch_accepted(columnar, item):
                columnar.index_batch(item.batch, item.file, item.first_line, index)
                if rules is not None:
                    yield from rules(item.batch, item.file, item.first_line)
                continue
            yield from item.items()
        else:
            yield item


def _batch_accepted(columnar, item: Batch) -> bool:
    from taq_news.validation.fast.columnar import Unsupported  # deferred: the columnar path loads pyarrow.compute, and only validation of batches needs it

    try:
        return columnar.accepts(item.batch)
    except (pa.ArrowException, Unsupported, KeyError, TypeError, IndexError, ValueError):
        return False  # anything unexpected: the rows go through the precise checks


def _accepts(fast: FastPath, rec: dict) -> bool:
    try:
        return fast.accepts(rec)
    except (KeyError, TypeError, IndexError, AttributeError):
        return False  # the fast path assumes a well-formed record; anything else takes the precise path


def _raw_path(layout: Layout, name: object) -> Path | None:
    """The raw file a record names, if it is a plain path inside the checkout and there."""
    if not isinstance(name, str) or name.startswith("/") or ".." in name.split("/"):
        return None
    path = layout.root / name
    return path if path.is_file() else None


def _raw_cache(layout: Layout):
    cache: dict[str, RawFile | None] = {}

    def raw_file(name: object) -> RawFile | None:
        if not isinstance(name, str):
            return None
        if name not in cache:
            path = _raw_path(layout, name)
            cache[name] = read_raw(path) if path else None
        return cache[name]

    return raw_file


def raw_offset_incidents(rec: dict, file: str, line: int | None, raw_file) -> Iterator[Incident]:
    """The record against the raw file it names, when that file is at hand (raw_checks);
    ``raw_file`` is the run's cache (``_raw_cache``), so each raw file is read once."""
    source = mapping(rec.get("source"))
    raw = raw_file(source.get("file"))
    if raw is None:
        return
    for check, where, message in raw_problems(rec, raw):
        yield incident(check, file, line, where, message, severity="warning" if check in RAW_WARNINGS else "error")
