"""How taq-news talks to a Dask distributed cluster: one home for starting or reaching it.

``taq-news annotate --engine dask`` runs shards on it and ``taq-news validate --engine dask``
validates Parquet files on it. Dask is an optional extra, imported only here and only when
asked for.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from typing import Any


@dataclass(frozen=True)
class EngineSpec:
    name: str = "local"  # local | dask
    workers: int = 2  # LocalCluster size when no scheduler is given
    scheduler: str | None = None  # tcp://host:port
    scheduler_file: str | None = None


class EngineUnavailable(Exception):
    """The engine cannot start (dask not installed, scheduler unreachable): a usage error."""


def _address_in(scheduler_file: str | None) -> str:
    try:
        with open(str(scheduler_file), encoding="utf-8") as fh:
            address = json.load(fh).get("address")
    except (OSError, ValueError, AttributeError) as exc:
        raise EngineUnavailable(f"cannot read the scheduler file {scheduler_file}: {exc}") from exc
    if not isinstance(address, str) or not address:
        raise EngineUnavailable(f"the scheduler file {scheduler_file} names no scheduler address")
    return address


@contextmanager
def dask_client(spec: EngineSpec) -> Iterator[Any]:
    """A distributed Client: to the given scheduler, or to a LocalCluster of ``spec.workers`` processes."""
    try:
        import dask  # deferred, as distributed below
        from distributed import Client, LocalCluster  # deferred: only --engine dask needs Dask (the "dask" extra)
    except ImportError as exc:
        raise EngineUnavailable("Dask distributed is not installed: pip install 'taq-news[dask]'") from exc
    scratch = None
    try:
        if spec.scheduler or spec.scheduler_file:
            # Dask waits for a scheduler file that does not exist yet, forever: read it here instead.
            address = spec.scheduler or _address_in(spec.scheduler_file)
            client = Client(address, timeout="30s")
            cluster = None
        else:
            # One thread per worker process: spaCy and pyarrow hold the GIL for most of a shard.
            # Its workers' scratch space (lock files, spilled data) in a folder of this run's, removed with
            # the cluster: Dask's default leaves dask-scratch-space/ behind in the temporary folder.
            scratch = tempfile.mkdtemp(prefix="taq-news-dask-")
            with dask.config.set({"temporary-directory": scratch}):  # the scheduler's and nannies' too, not only the workers'
                cluster = LocalCluster(n_workers=spec.workers, threads_per_worker=1, processes=True, dashboard_address=None,
                                       silence_logs=logging.ERROR, local_directory=scratch)
                client = Client(cluster)
    except (OSError, TimeoutError, ValueError) as exc:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
        raise EngineUnavailable(f"cannot reach the Dask scheduler: {exc}") from exc
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


def map_bounded(client: Any, fn: Callable, items: Iterable, *args: Any, window: int | None = None, key: Callable[[Any], str] | None = None) -> Iterator[Any]:
    """``fn(item, *args)`` for every item on the cluster, at most ``window`` in flight (twice the
    workers by default), results in completion order. ``args`` are sent to every worker once.
    A task whose worker dies is rescheduled by the scheduler; an error raised twice stops the map."""
    from distributed import as_completed  # deferred: see dask_client

    workers = max(1, len(client.scheduler_info().get("workers", {})))
    window = window or 2 * workers
    shared = client.scatter(list(args), broadcast=True, hash=False) if args else []
    it = iter(items)
    running = as_completed()

    def submit(item: Any) -> None:
        # pure=False: the key need not be a hash of the arguments; a readable name serves the dashboard
        name = f"{key(item)}-{id(running):x}" if key else None
        running.add(client.submit(fn, item, *shared, key=name, pure=False, retries=1))

    for item in islice(it, window):
        submit(item)
    for future in running:
        result = future.result()
        future.release()
        yield result
        nxt = next(it, None)
        if nxt is not None:
            submit(nxt)
