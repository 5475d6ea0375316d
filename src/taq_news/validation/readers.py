"""Read record files (JSONL, JSON, Parquet) into (line, record) items, reporting L1 problems.

Line numbers are real: the JSONL line, the line where a JSON array element
starts, or the 1-based row number of a Parquet file.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from taq_news.core.checks import incident
from taq_news.core.incidents import Incident
from taq_news.core.shapes import surrogate_path
from taq_news.validation.strict import (
    MAX_DEPTH,
    NumberOutOfRange,
    may_hold_big_number,
    may_hold_surrogate,
    parse_constant,
    parse_float,
    parse_int,
    too_deep,
    too_deep_at,
)

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
    batch: pa.RecordBatch
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
    return json.loads(text, object_pairs_hook=_no_duplicates, parse_int=parse_int, parse_float=parse_float, parse_constant=parse_constant)


def _strict_decoder() -> json.JSONDecoder:
    return json.JSONDecoder(object_pairs_hook=_no_duplicates, parse_int=parse_int, parse_float=parse_float, parse_constant=parse_constant)


TOO_DEEP_FIX = f"nest arrays and objects at most {MAX_DEPTH} deep (records need far fewer)"
NUMBER_FIX = "write integers within signed 64 bits; the format has no larger numbers"
UNICODE_FIX = "write the character itself or a valid surrogate pair; a lone \\ud800-\\udfff escape is not Unicode"


def _surrogate_incident(obj: object, display: str, line: int | None) -> Incident | None:
    where = surrogate_path(obj)
    if where is None:
        return None
    return incident("unicode-invalid", display, line, where, "a string holds a lone surrogate (an unpaired \\ud800-\\udfff escape), which is not Unicode and cannot be written as UTF-8", UNICODE_FIX)


try:  # msgspec decodes in C; without it every line takes the precise path
    import msgspec

    _DECODER: msgspec.json.Decoder | None = msgspec.json.Decoder()
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
    if _DECODER is None or b"\\u003" in raw or may_hold_big_number(raw) or may_hold_surrogate(raw):
        return None  # an escaped colon, a possible >64-bit integer or lone surrogate: the precise reader decides
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
# One record is about 26 kB; a line (or a JSON file) far beyond that is refused unread, so a
# huge or endless file cannot exhaust memory.
MAX_RECORD_BYTES = 16 << 20
MAX_JSON_FILE_BYTES = 1 << 30
TOO_LARGE_FIX = "one record per line; a record is text and annotations, far below this size"


class TooLong(bytes):
    """Stands in for a line longer than MAX_RECORD_BYTES (skipped, not kept); ``size`` is its length."""

    size = 0


def _bounded_lines(fh) -> Iterator[bytes]:
    """The file's lines, each read with a bound: an overlong one is skipped and stands as TooLong."""
    while True:
        raw = fh.readline(MAX_RECORD_BYTES + 1)
        if not raw:
            return
        if len(raw) > MAX_RECORD_BYTES and not raw.endswith(b"\n"):
            size = len(raw)
            while True:
                chunk = fh.readline(1 << 24)
                size += len(chunk)
                if not chunk or chunk.endswith(b"\n"):
                    break
            raw = TooLong()
            raw.size = size
        yield raw


def read_jsonl(path: Path, display: str, arrow: pa.Schema | None = None) -> Iterator[Item | Batch | Incident]:
    """Records line by line; with ``arrow`` (``columnar.loose_schema`` of the
    documents schema), runs of lines become batches wherever that is exact
    (``jsonl_arrow.read_batch``)."""
    try:
        fh = path.open("rb")
    except OSError as exc:
        yield incident("file-unreadable", display, None, "", f"cannot be read: {exc.strerror or exc}", "check the path and its permissions")
        return
    with fh:
        if arrow is None:
            yield from _jsonl_items(_bounded_lines(fh), display, 1)
            return
        from taq_news.validation.fast.jsonl_arrow import read_batch  # deferred: it loads pyarrow, which JSONL read line by line never needs

        first = 1
        for lines in _line_runs(fh):
            batch = None if any(isinstance(line, TooLong) for line in lines) else read_batch(lines, arrow)
            if batch is not None:
                yield Batch(display, first, batch, lines)
            else:
                yield from _jsonl_items(lines, display, first)
            first += len(lines)


def _line_runs(fh) -> Iterator[list[bytes]]:
    run: list[bytes] = []
    size = 0
    for raw in _bounded_lines(fh):
        run.append(raw)
        size += len(raw)
        if len(run) >= JSONL_BATCH_ROWS or size >= JSONL_BATCH_BYTES:
            yield run
            run, size = [], 0
    if run:
        yield run


BOM_FIX = "save the file as UTF-8 without a byte-order mark"


def _jsonl_items(lines: Iterable[bytes], display: str, first: int) -> Iterator[Item | Incident]:
    for n, raw in enumerate(lines, first):
        if isinstance(raw, TooLong):
            yield incident("record-too-large", display, n, "", f"the line is {raw.size:,} bytes, over the limit of {MAX_RECORD_BYTES:,} for one record", TOO_LARGE_FIX)
            continue
        if too_deep(raw):
            # before any decoder: they recurse, and a deep enough line would exhaust the stack
            yield incident("nesting-too-deep", display, n, "", f"arrays and objects nest more than {MAX_DEPTH} deep", TOO_DEEP_FIX)
            continue
        obj = fast_loads(raw)
        if obj is not None:
            yield Item(display, n, obj)
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield incident("utf8-invalid", display, n, "", f"byte {exc.start} of the line is not valid UTF-8", "save the file as UTF-8")
            continue
        if not line.strip():
            continue
        try:
            obj = _loads(line)
        except DuplicateKey as exc:
            yield incident("duplicate-key", display, n, "", f"key {exc.args[0]!r} appears twice in one object", "remove or rename the repeated key")
            continue
        except NumberOutOfRange as exc:
            yield incident("number-out-of-range", display, n, "", f"the number {_short(exc.args[0])} is beyond what the format holds", NUMBER_FIX)
            continue
        except json.JSONDecodeError as exc:
            if line.startswith("\ufeff"):  # what some editors and Windows tools put first
                yield incident("json-syntax", display, n, "", "the line starts with a byte-order mark (U+FEFF), which JSON does not allow", BOM_FIX)
            else:
                yield incident("json-syntax", display, n, "", f"{exc.msg.removesuffix(' at')} at column {exc.colno}", "each line must be one complete JSON object")
            continue
        except ValueError as exc:  # NaN / Infinity (parse_constant)
            yield incident("json-syntax", display, n, "", str(exc), "each line must be one complete JSON object")
            continue
        bad = _surrogate_incident(obj, display, n) if may_hold_surrogate(line) else None
        yield bad if bad is not None else Item(display, n, obj)


_JSON_SPACE = " \t\n\r"  # JSON's whitespace; str.isspace would also skip U+00A0, U+2028, ...


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _JSON_SPACE:
        pos += 1
    return pos


def _short(literal: str) -> str:
    return literal if len(literal) <= 24 else f"{literal[:12]}...{literal[-6:]} ({len(literal)} characters)"


def read_json(path: Path, display: str) -> Iterator[Item | Incident]:
    """One JSON value, or an array of records; nothing may follow it."""
    try:
        if path.stat().st_size > MAX_JSON_FILE_BYTES:
            yield incident(
                "record-too-large",
                display,
                None,
                "",
                f"the file is {path.stat().st_size:,} bytes, over the limit of {MAX_JSON_FILE_BYTES:,} for a JSON file",
                "split it, or write JSONL (one record per line)",
            )
            return
        data = path.read_bytes()
    except OSError as exc:
        yield incident("file-unreadable", display, None, "", f"cannot be read: {exc.strerror or exc}", "check the path and its permissions")
        return
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        yield incident("utf8-invalid", display, data.count(b"\n", 0, exc.start) + 1, "", f"byte {exc.start} is not valid UTF-8", "save the file as UTF-8")
        return
    if too_deep(data):
        deep = too_deep_at(data)
        yield incident("nesting-too-deep", display, data.count(b"\n", 0, deep or 0) + 1, "", f"arrays and objects nest more than {MAX_DEPTH} deep", TOO_DEEP_FIX)
        return
    decoder = _strict_decoder()
    surrogates = may_hold_surrogate(text)

    def at(pos: int) -> int:
        return text.count("\n", 0, pos) + 1

    def item(start: int, obj: object) -> Item | Incident:
        bad = _surrogate_incident(obj, display, at(start)) if surrogates else None
        return bad if bad is not None else Item(display, at(start), obj)

    pos = _skip_space(text, 0)
    try:
        if text[pos : pos + 1] != "[":
            yield item(pos, decoder.decode(text))
            return
        pos += 1
        while True:
            pos = _skip_space(text, pos)
            if text[pos : pos + 1] == "]":
                break
            start = pos
            obj, pos = decoder.raw_decode(text, pos)
            yield item(start, obj)
            pos = _skip_space(text, pos)
            if text[pos : pos + 1] == ",":
                pos += 1
            elif text[pos : pos + 1] != "]":
                raise json.JSONDecodeError("expected ',' or ']'", text, pos)
        end = _skip_space(text, pos + 1)
        if end < len(text):
            raise json.JSONDecodeError("data after the JSON value (nothing may follow the closing ']')", text, end)
    except DuplicateKey as exc:
        yield incident("duplicate-key", display, at(pos), "", f"key {exc.args[0]!r} appears twice in one object", "remove or rename the repeated key")
    except NumberOutOfRange as exc:
        yield incident("number-out-of-range", display, at(pos), "", f"the number {_short(exc.args[0])} is beyond what the format holds", NUMBER_FIX)
    except json.JSONDecodeError as exc:
        if exc.doc.startswith("\ufeff"):
            yield incident("json-syntax", display, 1, "", "the file starts with a byte-order mark (U+FEFF), which JSON does not allow", BOM_FIX)
        else:
            yield incident("json-syntax", display, exc.lineno, "", f"{exc.msg.removesuffix(' at')} at column {exc.colno}", "fix the JSON syntax at this line")
    except ValueError as exc:  # NaN / Infinity (parse_constant)
        yield incident("json-syntax", display, at(pos), "", str(exc), "fix the JSON syntax at this line")


# Rows per Parquet batch (at most; a batch ends with its row group): the columnar
# checks cost a fixed amount of Python per batch, while memory grows with it
# (about 26 kB of record per row, some 100 MB per batch).
PARQUET_BATCH_ROWS = 4096


def read_parquet(path: Path, display: str, dictionary: Collection[str] = ()) -> Iterator[Batch | Item | Incident]:
    """Batches of rows, one row group at a time; ``dictionary`` names nested string
    columns to read as dictionaries where the file stores them so."""
    # deferred: reading JSON and JSONL needs no pyarrow, and pyarrow.parquet loads slowly
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
                yield from _checked(display, n + 1, batch)
                n += batch.num_rows
            return
        coded = pq.ParquetFile(path, read_dictionary=wanted)
        for group in range(plain.num_row_groups):
            done = 0
            try:
                # a batch never spans row groups: each has its own dictionaries
                for batch in coded.iter_batches(batch_size=PARQUET_BATCH_ROWS, row_groups=[group]):
                    yield from _checked(display, n + 1, batch)
                    n += batch.num_rows
                    done += batch.num_rows
            except pa.ArrowNotImplementedError:
                # pyarrow could not give a dictionary column of this row group in one
                # piece (it cannot split nested ones): read the rest of the group plainly
                for batch in plain.iter_batches(batch_size=PARQUET_BATCH_ROWS, row_groups=[group]):
                    skip = min(done, batch.num_rows)
                    done -= skip
                    if skip < batch.num_rows:
                        yield from _checked(display, n + 1, batch.slice(skip))
                        n += batch.num_rows - skip
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several types for corrupt files
        message = (str(exc).splitlines() or [type(exc).__name__])[0]
        yield incident("parquet-unreadable", display, None, "", f"not a readable Parquet file (truncated, corrupt or another format): {message}",
                       "make it again with the command that wrote it ('make dataset' for the corpus, taq-news annotate for a collection), or pass the right file")


def _checked(display: str, first: int, batch) -> Iterator[Batch | Item | Incident]:
    """The batch, once its strings are known to be valid UTF-8 (Parquet readers copy string bytes unchecked).

    A batch with a bad row is given row by row: each bad row an L1 incident, the rest as records.
    """
    import pyarrow as pa  # deferred: reading JSON and JSONL needs no pyarrow

    try:
        batch.validate(full=True)
    except pa.ArrowException:
        pass
    else:
        yield Batch(display, first, batch)
        return
    for k in range(batch.num_rows):
        row = batch.slice(k, 1)
        try:
            row.validate(full=True)
            record = row.to_pylist()[0]
        except (pa.ArrowException, UnicodeDecodeError):
            yield incident("utf8-invalid", display, first + k, "", "a string in this row is not valid UTF-8", "rebuild the file from valid UTF-8 text")
            continue
        yield Item(display, first + k, record)


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


READERS: dict[str, Callable[..., Iterator[Item | Batch | Incident]]] = {".jsonl": read_jsonl, ".ndjson": read_jsonl, ".json": read_json, ".parquet": read_parquet}
