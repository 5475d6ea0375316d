"""Fixtures of the annotate tests: a session-scoped Dask LocalCluster(2), the registry, about
200 varied articles, and one local and one Dask run over them (each made once per session)."""

from __future__ import annotations

import pytest

from taq_news.annotations.registry import load_registry
from taq_news.collection.run import annotate
from taq_news.core.cluster import EngineSpec
from taq_news.core.paths import Layout
from tests.collection.helpers import COUNT, SHARD
from tests.collection.synthetic import write_collection
from tests.conftest import ROOT


@pytest.fixture(scope="session")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=50) as c:
        yield c


@pytest.fixture(scope="session")
def dask_engine(cluster) -> EngineSpec:
    return EngineSpec("dask", scheduler=cluster.scheduler_address)


@pytest.fixture(scope="session")
def registry():
    layout = Layout(ROOT)
    return load_registry(layout.registry, "dataset/entities.yaml")


@pytest.fixture(scope="session")
def inputs(tmp_path_factory) -> list[str]:
    paths = write_collection(tmp_path_factory.mktemp("collection"), COUNT)
    return [str(paths["txt"]), str(paths["jsonl"])]


@pytest.fixture(scope="session")
def local_run(inputs, registry, tmp_path_factory):
    out = tmp_path_factory.mktemp("local") / "out"
    summary = annotate(inputs, str(out), registry, shard_size=SHARD)
    return out, summary


@pytest.fixture(scope="session")
def dask_run(inputs, registry, dask_engine, tmp_path_factory):
    out = tmp_path_factory.mktemp("dask") / "out"
    summary = annotate(inputs, str(out), registry, shard_size=SHARD, engine=dask_engine)
    return out, summary
