"""Which of very many strings occur more than once, in eight bytes per string.

A collection's article keys and document ids must be unique, and checking that by holding
every string would make memory grow with the collection. Instead each string is kept as a
64-bit digest; digests seen twice are the candidates, which the caller confirms exactly on
a second look at just those strings (two different strings sharing a digest are told apart
there, so a digest collision can cost a little work but never a wrong answer).
"""

from __future__ import annotations

import hashlib
from array import array

import pyarrow as pa
import pyarrow.compute as pc


def digest64(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")


class Repeats:
    """Collects digests of strings; ``repeated()`` gives the digests that came more than once."""

    def __init__(self) -> None:
        self._digests = array("Q")

    def add(self, text: str) -> None:
        self._digests.append(digest64(text))

    def add_all(self, texts: pa.Array | pa.ChunkedArray) -> None:
        self._digests.extend(digest64(t) for t in texts.to_pylist())

    def __len__(self) -> int:
        return len(self._digests)

    def repeated(self) -> frozenset[int]:
        if not self._digests:
            return frozenset()
        values = pa.Array.from_buffers(pa.uint64(), len(self._digests), [None, pa.py_buffer(self._digests)])
        counted = pc.value_counts(values)
        return frozenset(counted.filter(pc.greater(counted.field("counts"), 1)).field("values").to_pylist())
