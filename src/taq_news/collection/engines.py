"""Where shards run: in this process (``local``) or on a Dask distributed cluster (``dask``).

Both call the same ``run_shard``, so their outputs are identical byte for byte. Shards are
submitted through a bounded window (at most ``window`` in flight), so the driver's memory
does not grow with the collection; results come back in completion order and are put in
shard order by the caller.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from typing import Any

from taq_news.collection.shards import Setup, Shard, ShardResult, run_shard


@dataclass(frozen=True)
class EngineSpec:
    name: str = "local"  # local | dask
    workers: int = 2  # LocalCluster size when no scheduler is given
    scheduler: str | None = None  # tcp://host:port
    scheduler_file: str | None = None


class EngineUnavailable(Exception):
    """The engine cannot start (dask not installed, scheduler unreachable): a usage error."""


def run_local(shards: Iterable[Shard], setup: Setup, work: Callable[[Shard, Setup], ShardResult] = run_shard) -> Iterator[ShardResult]:
    for shard in shards:
        yield work(shard, setup)


@contextmanager
def dask_client(spec: EngineSpec) -> Iterator[Any]:
    """A distributed Client: to the given scheduler, or to a LocalCluster of ``spec.workers`` processes."""
    try:
        from distributed import Client, LocalCluster  # deferred: only --engine dask needs Dask (the "dask" extra)
    except ImportError as exc:
        raise EngineUnavailable("Dask distributed is not installed: pip install 'taq-news[dask]'") from exc
    try:
        if spec.scheduler or spec.scheduler_file:
            client = Client(spec.scheduler, scheduler_file=spec.scheduler_file, timeout="30s") if spec.scheduler else Client(scheduler_file=spec.scheduler_file, timeout="30s")
            cluster = None
        else:
            # One thread per worker process: spaCy and pyarrow hold the GIL for most of a shard.
            cluster = LocalCluster(n_workers=spec.workers, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.ERROR)
            client = Client(cluster)
    except (OSError, TimeoutError, ValueError) as exc:
        raise EngineUnavailable(f"cannot reach the Dask scheduler: {exc}") from exc
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run_dask(shards: Iterable[Shard], setup: Setup, client: Any, window: int | None = None,
             work: Callable[[Shard, Setup], ShardResult] = run_shard) -> Iterator[ShardResult]:
    """Run shards on the client's cluster. A task whose worker dies is rescheduled by the scheduler;
    because shards are idempotent and counted only by their done-record, a rerun changes nothing."""
    from distributed import as_completed  # deferred: see dask_client

    workers = max(1, len(client.scheduler_info().get("workers", {})))
    window = window or 2 * workers
    [setup_future] = client.scatter([setup], broadcast=True, hash=False)
    it = iter(shards)
    running = as_completed()

    def submit(shard: Shard) -> None:
        # pure=False: the key need not be a hash of the arguments; a name by shard index keeps the dashboard readable
        running.add(client.submit(work, shard, setup_future, key=f"taq-shard-{shard.index:05d}-{id(setup_future):x}", pure=False, retries=1))

    for shard in islice(it, window):
        submit(shard)
    for future in running:
        result = future.result()  # an error that survived the retry stops the run (nothing is committed)
        future.release()
        yield result
        nxt = next(it, None)
        if nxt is not None:
            submit(nxt)
