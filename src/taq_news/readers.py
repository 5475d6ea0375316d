"""Read record files (JSONL, JSON, Parquet) into (line, record) items, reporting L1 problems.

Line numbers are real: the JSONL line, the line where a JSON array element
starts, or the 1-based row number of a Parquet file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .incidents import Incident


@dataclass(frozen=True)
class Item:
    file: str
    line: int
    record: object


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


def read_jsonl(path: Path, display: str) -> Iterator[Item | Incident]:
    with path.open("rb") as fh:
        for n, raw in enumerate(fh, 1):
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


def read_parquet(path: Path, display: str) -> Iterator[Item | Incident]:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several types for corrupt files
        yield Incident(display, None, "L1", "parquet-unreadable", "", str(exc).splitlines()[0], "rebuild the file")
        return
    for n, row in enumerate(table.to_pylist(), 1):
        yield Item(display, n, row)


READERS = {".jsonl": read_jsonl, ".ndjson": read_jsonl, ".json": read_json, ".parquet": read_parquet}
