"""Where shards run: in this process (``local``) or on a Dask distributed cluster (``dask``).

Both call the same ``run_shard``, so their outputs are identical byte for byte. Shards are
submitted through a bounded window (``core.cluster.map_bounded``), so the driver's memory
does not grow with the collection; results come back in completion order and are put in
shard order by the caller.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from taq_news.collection.shards import Setup, Shard, ShardResult, run_shard
from taq_news.core.cluster import map_bounded


def run_local(shards: Iterable[Shard], setup: Setup, work: Callable[[Shard, Setup], ShardResult] = run_shard) -> Iterator[ShardResult]:
    for shard in shards:
        yield work(shard, setup)


def run_dask(shards: Iterable[Shard], setup: Setup, client: Any, work: Callable[[Shard, Setup], ShardResult] = run_shard) -> Iterator[ShardResult]:
    """Run shards on the client's cluster. Because shards are idempotent and counted only by their
    done-record, a task run again after its worker died changes nothing."""
    return map_bounded(client, work, shards, setup, key=lambda shard: f"taq-shard-{shard.index:05d}")
