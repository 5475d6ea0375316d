"""Read record files (JSONL, JSON, Parquet) into (line, record) items, reporting L1 problems.

Line numbers are real: the JSONL line, the line where a JSON array element
starts, or the 1-based row number of a Parquet file.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .incidents import Incident

if TYPE_CHECKING:  # pyarrow is imported where a Parquet file or an Arrow read needs it
    import pyarrow as pa


@dataclass(frozen=True)
class Item:
    file: str
    line: int
    record: object


@dataclass(frozen=True)
class Batch:
    """Consecutive rows, kept columnar so that valid ones never become Python objects."""

    file: str
    first_line: int
    batch: object  # pyarrow.RecordBatch
    lines: Sequence[bytes] | None = None  # the JSONL lines the rows came from

    def items(self) -> Iterator[Item | Incident]:
        """The rows one by one, for the precise checks. JSONL rows are decoded
        again from their lines: the batch cannot tell a null from a missing key."""
        if self.lines is not None:
            yield from _jsonl_items(self.lines, self.file, self.first_line)
            return
        for k, row in enumerate(self.batch.to_pylist()):
            yield Item(self.file, self.first_line + k, row)


class DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict:
    d = dict(pairs)
    if len(d) != len(pairs):
        seen = set()
        for k, _ in pairs:
            if k in seen:
                raise DuplicateKey(k)
            seen.add(k)
    return d


def _loads(text: str):
    return json.loads(text, object_pairs_hook=_no_duplicates)


try:  # msgspec decodes in C; without it every line takes the precise path
    import msgspec

    _DECODER = msgspec.json.Decoder()
    _ENCODER = msgspec.json.Encoder()
except ImportError:  # pragma: no cover
    _DECODER = None


def fast_loads(raw: bytes):
    """Decode one JSON line quickly, or return None to send it to the precise path.

    Duplicate keys are proved absent by counting colons: outside strings a colon
    only follows a key, and inside strings it is never escaped except as \u003a
    (then we do not decide here). If a key were repeated, the decoder would keep
    one, and the re-encoded object would have fewer colons than the input.
    """
    if _DECODER is None or b"\\u003" in raw:
        return None
    try:
        obj = _DECODER.decode(raw)
    except (msgspec.DecodeError, UnicodeDecodeError, ValueError):
        return None  # the precise path says what is wrong
    if raw.count(b":") != _ENCODER.encode(obj).count(b":"):
        return None
    return obj


# Lines per JSONL batch, and bytes: a batch ends at whichever comes first.
JSONL_BATCH_ROWS = 4096
JSONL_BATCH_BYTES = 64 << 20


def read_jsonl(path: Path, display: str, arrow: pa.Schema | None = None) -> Iterator[Item | Batch | Incident]:
    """Records line by line; with ``arrow`` (``columnar.loose_schema`` of the
    documents schema), runs of lines become batches wherever that is exact
    (``jsonl_arrow.read_batch``)."""
    with path.open("rb") as fh:
        if arrow is None:
            yield from _jsonl_items(fh, display, 1)
            return
        from .jsonl_arrow import read_batch

        first = 1
        for lines in _line_runs(fh):
            batch = read_batch(lines, arrow)
            if batch is not None:
                yield Batch(display, first, batch, lines)
            else:
                yield from _jsonl_items(lines, display, first)
            first += len(lines)


def _line_runs(fh) -> Iterator[list[bytes]]:
    run: list[bytes] = []
    size = 0
    for raw in fh:
        run.append(raw)
        size += len(raw)
        if len(run) >= JSONL_BATCH_ROWS or size >= JSONL_BATCH_BYTES:
            yield run
            run, size = [], 0
    if run:
        yield run


def _jsonl_items(lines: Iterable[bytes], display: str, first: int) -> Iterator[Item | Incident]:
    for n, raw in enumerate(lines, first):
        obj = fast_loads(raw)
        if obj is not None:
            yield Item(display, n, obj)
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield Incident(display, n, "L1", "utf8-invalid", "", f"byte {exc.start} of the line is not valid UTF-8", "save the file as UTF-8")
            continue
        if not line.strip():
            continue
        try:
            yield Item(display, n, _loads(line))
        except DuplicateKey as exc:
            yield Incident(display, n, "L1", "duplicate-key", "", f"key {exc.args[0]!r} appears twice in one object", "remove or rename the repeated key")
        except json.JSONDecodeError as exc:
            yield Incident(display, n, "L1", "json-syntax", "", f"{exc.msg} at column {exc.colno}", "each line must be one complete JSON object")


def read_json(path: Path, display: str) -> Iterator[Item | Incident]:
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        yield Incident(display, None, "L1", "utf8-invalid", "", f"byte {exc.start} is not valid UTF-8", "save the file as UTF-8")
        return
    decoder = json.JSONDecoder(object_pairs_hook=_no_duplicates)

    def at(pos: int) -> int:
        return text.count("\n", 0, pos) + 1

    pos = len(text) - len(text.lstrip())
    try:
        if text[pos : pos + 1] != "[":
            yield Item(display, at(pos), decoder.decode(text))
            return
        pos += 1
        while True:
            while pos < len(text) and text[pos].isspace():
                pos += 1
            if text[pos : pos + 1] == "]":
                return
            start = pos
            obj, pos = decoder.raw_decode(text, pos)
            yield Item(display, at(start), obj)
            while pos < len(text) and text[pos].isspace():
                pos += 1
            if text[pos : pos + 1] == ",":
                pos += 1
            elif text[pos : pos + 1] != "]":
                raise json.JSONDecodeError("expected ',' or ']'", text, pos)
    except DuplicateKey as exc:
        yield Incident(display, at(pos), "L1", "duplicate-key", "", f"key {exc.args[0]!r} appears twice in one object", "remove or rename the repeated key")
    except json.JSONDecodeError as exc:
        yield Incident(display, exc.lineno, "L1", "json-syntax", "", f"{exc.msg} at column {exc.colno}", "fix the JSON syntax at this line")


# Rows per Parquet batch (at most; a batch ends with its row group): the columnar
# checks cost a fixed amount of Python per batch, while memory grows with it
# (about 26 kB of record per row, some 100 MB per batch).
PARQUET_BATCH_ROWS = 4096


def read_parquet(path: Path, display: str, dictionary: Collection[str] = ()) -> Iterator[Batch | Incident]:
    """Batches of rows, one row group at a time; ``dictionary`` names nested string
    columns to read as dictionaries where the file stores them so."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        plain = pq.ParquetFile(path)
        wanted = _stored_as_dictionary(plain, dictionary)
        n = 0
        small_groups = plain.num_row_groups > 1 and plain.metadata.num_rows < plain.num_row_groups * PARQUET_BATCH_ROWS // 4
        if not wanted or small_groups:
            # No dictionaries, or row groups too small to batch one by one: read plainly
            # across row groups (streamed: a large file never sits in memory whole).
            for batch in plain.iter_batches(batch_size=PARQUET_BATCH_ROWS):
                yield Batch(display, n + 1, batch)
                n += batch.num_rows
            return
        coded = pq.ParquetFile(path, read_dictionary=wanted)
        for group in range(plain.num_row_groups):
            done = 0
            try:
                # a batch never spans row groups: each has its own dictionaries
                for batch in coded.iter_batches(batch_size=PARQUET_BATCH_ROWS, row_groups=[group]):
                    yield Batch(display, n + 1, batch)
                    n += batch.num_rows
                    done += batch.num_rows
            except pa.ArrowNotImplementedError:
                # pyarrow could not give a dictionary column of this row group in one
                # piece (it cannot split nested ones): read the rest of the group plainly
                for batch in plain.iter_batches(batch_size=PARQUET_BATCH_ROWS, row_groups=[group]):
                    skip = min(done, batch.num_rows)
                    done -= skip
                    if skip < batch.num_rows:
                        yield Batch(display, n + 1, batch.slice(skip))
                        n += batch.num_rows - skip
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several types for corrupt files
        yield Incident(display, None, "L1", "parquet-unreadable", "", str(exc).splitlines()[0], "rebuild the file")


def _stored_as_dictionary(f, wanted: Collection[str]) -> list[str]:
    """The wanted columns that the first row group stores dictionary-encoded with few values."""
    if not wanted or f.num_row_groups == 0:
        return []
    group = f.metadata.row_group(0)
    out = []
    for j in range(group.num_columns):
        col = group.column(j)
        if col.path_in_schema in wanted and col.has_dictionary_page and col.total_uncompressed_size < 4 * max(col.num_values, 1):
            out.append(col.path_in_schema)
    return out


READERS = {".jsonl": read_jsonl, ".ndjson": read_jsonl, ".json": read_json, ".parquet": read_parquet}
