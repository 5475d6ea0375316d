"""JSONL lines as one Arrow record batch, exactly or not at all.

The columnar path (``columnar.ColumnarPath``) checks Arrow batches. pyarrow's
JSON reader turns JSONL into one, but it is more lenient than JSON: it fills a
missing key with null, and reads several objects on one line, or one object over
several lines, as if they were well placed. ``read_batch`` returns a batch only
when the JSON is certain to say exactly what the batch holds. Everything else
returns None, and those lines go line by line through the precise reader, which
names each problem.

Exactness rests on four facts, each tested in ``tests/validation/test_jsonl_arrow.py``:

- pyarrow refuses, for the whole block, a repeated key, a key the schema does
  not have, and a value of the wrong JSON type (it converts none of them); it
  does not check UTF-8, so the batch is validated in full;
- a raw line break cannot sit inside a JSON string, so if every line starts with
  ``{`` and ends with ``}``, every line break falls between two top-level
  objects; with as many rows as lines, each line holds one object;
- outside strings, a colon follows every key and nothing else;
- the schema requires every property it names (``TypeNode.all_required``).

So, when no key is missing, the colons in the lines number exactly the keys the
batch implies (each non-null struct has all its fields) plus the colons inside
its string values. A missing key makes the lines one colon short. A colon
written as an escape (``\\u003a``) is one the strings have and the lines lack, so
it too breaks the count. Repeated and unknown keys never get this far. The count
can only err towards refusing.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.json as pj

COLON = ord(":")
# Parse blocks: large enough that a record never straddles two, while a big
# batch still parses in several pieces (in parallel when pyarrow has threads).
BLOCK_BYTES = 1 << 24


def read_batch(lines: Sequence[bytes], schema: pa.Schema) -> pa.RecordBatch | None:
    """The lines as one batch of ``schema``, or None when that would not be exact.

    ``schema`` has every field nullable (``columnar.loose_schema``): the JSON
    reader refuses a null under a non-nullable child even when its parent is null
    (``"cue": null``). Nulls are the JSON Schema's to judge, and ColumnarPath does.
    """
    if not lines or not all(_one_object(line) for line in lines):
        return None
    data = b"".join(lines)
    try:
        table = parse(data, schema)
    except pa.ArrowException:
        return None  # bad JSON, a repeated or unknown key, a wrong type: the precise reader says which
    if table.num_rows != len(lines):
        return None  # some line held two objects
    batch = table.combine_chunks().to_batches()[0]
    try:
        batch.validate(full=True)  # the JSON reader copies string bytes without checking their UTF-8
    except pa.ArrowException:
        return None
    keys, colons = keys_and_colons(pa.StructArray.from_arrays(batch.columns, fields=list(batch.schema)))
    if data.count(b":") != keys + colons:
        return None  # a key is missing (or a colon was escaped)
    return batch


def parse(data: bytes, schema: pa.Schema) -> pa.Table:
    """pyarrow's JSON reader with the schema given and unknown keys refused (raises ArrowException)."""
    return pj.read_json(
        pa.BufferReader(data),
        read_options=pj.ReadOptions(block_size=BLOCK_BYTES),
        parse_options=pj.ParseOptions(explicit_schema=schema, unexpected_field_behavior="error"),
    )


def _one_object(line: bytes) -> bool:
    if line[:1] == b"{" and line[-2:] == b"}\n":
        return True  # the usual case, without copying the line
    stripped = line.strip()
    return stripped[:1] == b"{" and stripped[-1:] == b"}"


def keys_and_colons(arr: pa.Array) -> tuple[int, int]:
    """Keys a JSON text of ``arr`` has when no key is missing, and the colons in its string values."""
    t = arr.type
    if pa.types.is_struct(t):
        keys, colons = (len(arr) - arr.null_count) * t.num_fields, 0
        for child in arr.flatten():  # flatten() carries the struct's nulls down
            k, c = keys_and_colons(child)
            keys, colons = keys + k, colons + c
        return keys, colons
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return keys_and_colons(arr.flatten())
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return 0, _colons_in(arr)
    return 0, 0  # numbers and booleans have no colon


def _colons_in(arr: pa.Array) -> int:
    """Colons in the bytes the array's strings span.

    A null slot may span bytes too; counting them can only make the total too
    high, which refuses the batch, never accepts a wrong one.
    """
    offsets_buf, data_buf = arr.buffers()[1:3]
    if data_buf is None or len(arr) == 0:
        return 0
    width = np.int64 if pa.types.is_large_string(arr.type) else np.int32
    offsets = np.frombuffer(offsets_buf, dtype=width, count=len(arr) + 1, offset=arr.offset * np.dtype(width).itemsize)
    start, end = int(offsets[0]), int(offsets[-1])
    return int(np.count_nonzero(np.frombuffer(data_buf, dtype=np.uint8, count=end - start, offset=start) == COLON))
