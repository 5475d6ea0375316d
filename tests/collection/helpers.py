"""Shard functions that misbehave on purpose, importable by Dask worker processes."""

from __future__ import annotations

import os
from pathlib import Path

from taq_news.collection import shards
from taq_news.collection.shards import Setup, Shard, ShardResult, run_shard

COUNT = 200  # articles of the session's collection
SHARD = 25  # its shard size


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def poisoned(shard: Shard, setup: Setup) -> ShardResult:
    """run_shard, with a pre-annotation step that raises on any article holding the word POISON."""
    real = shards.annotate_article

    def step(doc_id, raw, *args, **kwargs):
        if "POISON" in raw:
            raise RuntimeError("a rule fell over")
        return real(doc_id, raw, *args, **kwargs)

    shards.annotate_article = step
    try:
        return run_shard(shard, setup)
    finally:
        shards.annotate_article = real


def dies_once(shard: Shard, setup: Setup) -> ShardResult:
    """Kill the worker process the first time shard 2 is run (a flag file beside the staging folder remembers)."""
    flag = Path(setup.staging).parent / "died-once"
    if shard.index == 2 and not flag.exists():
        flag.write_text(str(os.getpid()))
        os._exit(1)
    return run_shard(shard, setup)


def fails_at_shard_3(shard: Shard, setup: Setup) -> ShardResult:
    """run_shard, except that shard 3 fails: the run stops with the shards before it staged."""
    if shard.index == 3:
        raise RuntimeError("shard 3 fell over")
    return run_shard(shard, setup)
